"""Real services for the REST tests: Postgres, Redis and Celery worker processes, plus the app."""

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parent))  # service_helpers

from needs import service_missing
from service_helpers import reset_store


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("ROUNDTRIP_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
    except redis.RedisError:
        service_missing(f"Redis at {url}")
    return url


@pytest.fixture
def store(postgres_url: str, redis_url: str) -> Iterator[tuple[str, str]]:
    """Empty tables and an empty broker database."""
    reset_store(postgres_url, redis_url)
    yield postgres_url, redis_url


@pytest.fixture
def make_client(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """An app built from the given settings (environment), as uvicorn would build it."""

    def build(env: dict[str, str]) -> TestClient:
        from services.api import deps
        from services.api.main import create_app
        from services.augment.config import get_service_settings
        from shared.settings import get_common_settings

        for key, value in env.items():
            monkeypatch.setenv(key, value)
        get_service_settings.cache_clear()
        get_common_settings.cache_clear()
        deps._celery.cache_clear()
        return TestClient(create_app())

    yield build
    from services.augment.config import get_service_settings
    from shared.settings import get_common_settings

    get_service_settings.cache_clear()
    get_common_settings.cache_clear()


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    """The fault suite's table: one line per fault, what happened and within which bound."""
    from service_helpers import FAULTS

    if FAULTS:
        terminalreporter.section("faults: every accepted job or run ended, rows exactly once")
        for line in FAULTS:
            terminalreporter.write_line(line)
