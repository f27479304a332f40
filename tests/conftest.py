"""Shared fixtures: stores (SQLite and real Postgres), tiny real models, fake translators' home."""

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

sys.path.insert(0, str(Path(__file__).parent))  # factories, fakes

from factories import tiny_examples
from needs import service_missing

from shared.db import models
from shared.db.base import Base
from shared.db.migrate import upgrade
from shared.db.session import engine_for, session_factory

POSTGRES_URL_VAR = "ROUNDTRIP_TEST_POSTGRES_URL"
KLUE_TRAIN = Path(__file__).resolve().parents[2] / "shared/data/klue-re/train.jsonl"


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get(POSTGRES_URL_VAR)
    if not url:
        service_missing(f"Postgres ({POSTGRES_URL_VAR})")
    assert url
    upgrade(url)
    return url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty store of each kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
        upgrade(url)
        yield url
        engine_for(url).dispose()
        return
    url = request.getfixturevalue("postgres_url")
    assert models.TranslationLeg.__tablename__ in Base.metadata.tables  # every table is registered
    tables = ", ".join(Base.metadata.tables)
    with engine_for(url).begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield url


@pytest.fixture
def sessions(database_url: str) -> sessionmaker[Session]:
    return session_factory(database_url)


@pytest.fixture(scope="session")
def klue_train() -> Path:
    if not KLUE_TRAIN.exists():
        service_missing(f"the KLUE-RE training split at {KLUE_TRAIN}")
    return KLUE_TRAIN


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tiny random-weight Marian and M2M100 models, built once per test session."""
    from services.augment.engine.tiny_models import build_all, settings_snippet

    out = tmp_path_factory.mktemp("tiny-models")
    paths = build_all(out, [example.sentence for example in tiny_examples()] * 5)
    (out / "tiny.env").write_text(settings_snippet(paths))
    return out


@pytest.fixture(scope="session")
def tiny_env(tiny_model_dir: Path) -> dict[str, str]:
    """The settings `roundtrip models build-tiny` prints, as environment variables."""
    lines = (tiny_model_dir / "tiny.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
