"""Tiny real models through the real loading and `generate` code."""

import json
import shutil
from pathlib import Path

import pytest
from factories import tiny_examples

from services.augment.config import EngineSettings
from services.augment.engine.decoding import DecodingMode, DecodingSettings
from services.augment.engine.registry import effective_revision, model_spec
from services.augment.engine.translators.base import ModelUnavailableError
from services.augment.engine.translators.hf import HFTranslator

GREEDY = DecodingSettings(mode=DecodingMode.GREEDY, max_new_tokens=12)


@pytest.fixture(scope="module")
def settings(tiny_env: dict[str, str]) -> EngineSettings:
    fields = {key.removeprefix("ROUNDTRIP_").lower(): value for key, value in tiny_env.items()}
    return EngineSettings(**fields, max_batch_size=4, max_tokens_per_batch=64)


@pytest.mark.parametrize(("source", "target"), [("ko", "en"), ("en", "ko"), ("ko", "ja"), ("ja", "ko")])
def test_every_direction_loads_and_translates_in_input_order(
    settings: EngineSettings, source: str, target: str
) -> None:
    translator = HFTranslator(model_spec(settings, source, target), settings)
    texts = [example.sentence for example in tiny_examples()]
    forward = translator.translate(texts, GREEDY)
    backward = translator.translate(texts[::-1], GREEDY)
    assert [len(outputs) for outputs in forward] == [1] * len(texts)
    assert backward[::-1] == forward  # batches are planned by length; order is restored
    assert translator.generate_calls > 2  # the token budget split the work into several batches
    assert not any("__ja__" in out[0] or "__ko__" in out[0] for out in forward)  # language tokens hidden


def test_identical_sources_reach_the_model_once(settings: EngineSettings) -> None:
    translator = HFTranslator(model_spec(settings, "ko", "en"), settings)
    translator.translate(["가나다"] * 9, GREEDY)
    assert translator.generate_calls == 1


def test_variants_come_back_per_input(settings: EngineSettings) -> None:
    translator = HFTranslator(model_spec(settings, "ko", "en"), settings)
    sampling = DecodingSettings(mode=DecodingMode.SAMPLE, num_return_sequences=3, top_k=20, max_new_tokens=8)
    outputs = translator.translate(["이순신은 장군이다.", "삼성전자는 기업이다."], sampling)
    assert [len(o) for o in outputs] == [3, 3]
    again = translator.translate(["이순신은 장군이다.", "삼성전자는 기업이다."], sampling)
    assert again == outputs  # seeded sampling is reproducible


def test_model_generation_defaults_never_leak_in(settings: EngineSettings, tmp_path: Path) -> None:
    """opus-mt configs carry num_beams: 6; greedy must still be greedy."""
    model_dir = tmp_path / "beamy"
    shutil.copytree(settings.model_ko_en, model_dir)
    config_path = model_dir / "generation_config.json"
    config_path.write_text(
        json.dumps(json.loads(config_path.read_text()) | {"num_beams": 6, "max_length": 3})
    )
    beamy = EngineSettings(**(settings.model_dump() | {"model_ko_en": str(model_dir)}))
    plain = HFTranslator(model_spec(settings, "ko", "en"), settings).translate(["이순신은 장군이다."], GREEDY)
    assert (
        HFTranslator(model_spec(beamy, "ko", "en"), beamy).translate(["이순신은 장군이다."], GREEDY) == plain
    )


def test_local_copies_are_keyed_by_content(settings: EngineSettings, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(settings.model_ko_en, copy)
    original = effective_revision(model_spec(settings, "ko", "en"))
    copied = EngineSettings(**(settings.model_dump() | {"model_ko_en": str(copy)}))
    assert effective_revision(model_spec(copied, "ko", "en")) == original
    assert original.startswith("sha256:")


def test_missing_model_names_the_model_and_the_setting(settings: EngineSettings) -> None:
    missing = EngineSettings(
        **(settings.model_dump() | {"model_ko_en": "nobody/no-such-model", "offline": True})
    )
    translator = HFTranslator(model_spec(missing, "ko", "en"), missing)
    with pytest.raises(ModelUnavailableError) as caught:
        translator.translate(["가"], GREEDY)
    assert "nobody/no-such-model" in str(caught.value)
    assert "ROUNDTRIP_MODEL_KO_EN" in str(caught.value)


def test_weights_without_safetensors_are_refused(settings: EngineSettings, tmp_path: Path) -> None:
    unsafe = tmp_path / "unsafe"
    shutil.copytree(settings.model_ko_en, unsafe)
    (unsafe / "model.safetensors").rename(unsafe / "pytorch_model.bin")
    spec_settings = EngineSettings(**(settings.model_dump() | {"model_ko_en": str(unsafe)}))
    with pytest.raises(ModelUnavailableError):
        HFTranslator(model_spec(spec_settings, "ko", "en"), spec_settings).translate(["가"], GREEDY)
