"""docker-compose.yml checked statically: there is no Docker engine in CI."""

import shlex
from pathlib import Path

import yaml

from services.augment.config import EngineSettings
from shared.settings import ENV_PREFIX

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_every_service_has_an_image_or_a_build_that_exists() -> None:
    services = compose()["services"]
    assert {"postgres", "redis", "migrate"} <= set(services)
    for name, service in services.items():
        assert "image" in service or "build" in service, name
        if "build" in service:
            assert (ROOT / service["build"]["context"] / service["build"]["dockerfile"]).is_file(), name


def test_backing_services_have_healthchecks_and_dependents_wait_for_them() -> None:
    services = compose()["services"]
    for name in ("postgres", "redis"):
        assert "healthcheck" in services[name], name
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_named_settings_exist() -> None:
    known = {ENV_PREFIX + field.upper() for field in EngineSettings.model_fields}
    for name, service in compose()["services"].items():
        for key in service.get("environment", {}) or {}:
            if key.startswith(ENV_PREFIX):
                assert key in known, f"{name}: unknown setting {key}"


def test_commands_name_real_programs_and_files() -> None:
    migrate = compose()["services"]["migrate"]
    command = migrate["command"] if isinstance(migrate["command"], list) else shlex.split(migrate["command"])
    assert command[0] == "alembic" and (ROOT / "alembic.ini").is_file()
    dockerfile = (ROOT / migrate["build"]["dockerfile"]).read_text()
    for copied in ("shared", "services", "migrations", "alembic.ini"):
        assert copied in dockerfile
        assert (ROOT / copied).exists()
    assert "pip install -e .\n" in dockerfile  # core only: no [augment] extra, so no torch
