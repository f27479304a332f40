""".env.example lists every setting, and settings come from ROUNDTRIP_* variables."""

from pathlib import Path

from services.augment.config import EngineSettings, ServiceSettings
from shared.settings import ENV_PREFIX

ROOT = Path(__file__).resolve().parents[1]


def documented_settings() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    pairs = (line.lstrip("# ").split("=", 1) for line in lines if "=" in line and "ROUNDTRIP_" in line)
    return {key.strip(): value for key, value in pairs}


def all_settings_classes() -> list[type]:
    return [ServiceSettings]


def test_env_example_lists_every_setting_with_a_comment() -> None:
    documented = documented_settings()
    text = (ROOT / ".env.example").read_text()
    for settings_class in all_settings_classes():
        for field in settings_class.model_fields:
            name = ENV_PREFIX + field.upper()
            assert name in documented, f"{name} is missing from .env.example"
            preceding = text[: text.index(name)].rstrip().splitlines()[-1]
            assert preceding.startswith("#"), f"{name} has no comment above it"
    known = {ENV_PREFIX + f.upper() for c in all_settings_classes() for f in c.model_fields}
    assert set(documented) <= known, f"unknown settings documented: {set(documented) - known}"


def test_settings_come_from_the_environment(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ROUNDTRIP_MODEL_KO_EN", "/models/ko-en")
    monkeypatch.setenv("ROUNDTRIP_DTYPE", "bfloat16")
    settings = EngineSettings()
    assert settings.model_ko_en == "/models/ko-en" and settings.dtype == "bfloat16"
