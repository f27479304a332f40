"""What users read when a worker's model is missing: its public name and the setting, never the
server path or the loader's reason (those go to the worker's log)."""

from typing import Any

import pytest

from services.augment.engine.translators.base import ModelUnavailableError
from services.augment.jobs.chunk_runner import ChunkOutcome
from services.augment.worker import tasks

MISSING = ModelUnavailableError(
    "/srv/secret/models/opus-mt-ko-en",
    "ROUNDTRIP_MODEL_KO_EN",
    "no such directory: /srv/secret/models/opus-mt-ko-en",
)


def test_the_message_names_the_model_by_its_folder_and_the_setting() -> None:
    message = tasks.unavailable_for_users(MISSING)
    assert "local/opus-mt-ko-en" in message and "ROUNDTRIP_MODEL_KO_EN" in message
    assert "/srv" not in message and "secret" not in message
    hub = tasks.unavailable_for_users(ModelUnavailableError("Helsinki-NLP/opus-mt-ko-en", "X", "offline"))
    assert "Helsinki-NLP/opus-mt-ko-en" in hub


def test_a_chunk_whose_model_is_missing_fails_its_job_without_the_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    recorded: list[str] = []

    def missing(*_: Any, **__: Any) -> Any:
        raise MISSING

    monkeypatch.setattr(tasks, "run_chunk", missing)
    monkeypatch.setattr(tasks, "engine", lambda: None)
    monkeypatch.setattr(tasks, "session_factory", lambda url: None)
    monkeypatch.setattr(tasks, "fail_job", lambda chunk_id, sessions, error: recorded.append(error))
    outcome = tasks.back_translate_chunk.apply(args=("chunk-1",)).get()
    assert outcome == ChunkOutcome.GAVE_UP.value
    assert len(recorded) == 1 and "local/opus-mt-ko-en" in recorded[0] and "/srv" not in recorded[0]


def test_a_translation_request_whose_model_is_missing_fails_without_the_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class NoModels:
        def leg(self, spec: Any) -> Any:
            raise MISSING

    monkeypatch.setattr(tasks, "engine", NoModels)
    result = tasks.translate_texts.apply(args=("ko", "en", ["안녕"], {}, "team"))
    assert result.failed()
    assert "local/opus-mt-ko-en" in str(result.result) and "/srv" not in str(result.result)
