"""Tiny real models through the real loading and decoding code of both backends: transformers
(`generate`) and CTranslate2 (converted once, float32 here so both decode the same numbers)."""

import json
import shutil
from pathlib import Path

import pytest
from factories import tiny_examples

from services.augment.config import EngineSettings
from services.augment.engine.decoding import DecodingMode, DecodingSettings
from services.augment.engine.registry import effective_revision, model_spec
from services.augment.engine.translators.base import ModelUnavailableError, Translator
from services.augment.engine.translators.ct2 import CT2Translator, converted_dir
from services.augment.engine.translators.hf import HFTranslator

GREEDY = DecodingSettings(mode=DecodingMode.GREEDY, max_new_tokens=12)
BACKENDS = ["hf", "ct2"]


@pytest.fixture(scope="module")
def settings(tiny_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> EngineSettings:
    fields = {key.removeprefix("ROUNDTRIP_").lower(): value for key, value in tiny_env.items()}
    converted = tmp_path_factory.mktemp("ct2")
    return EngineSettings(
        **fields,
        max_batch_size=4,
        max_tokens_per_batch=64,
        ct2_models_dir=converted,
        ct2_quantization="float32",
    )


def make(settings: EngineSettings, backend: str, source: str = "ko", target: str = "en") -> Translator:
    with_backend = settings.model_copy(update={"backend": backend})
    spec = model_spec(with_backend, source, target)
    return CT2Translator(spec, with_backend) if backend == "ct2" else HFTranslator(spec, with_backend)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("source", "target"), [("ko", "en"), ("en", "ko"), ("ko", "ja"), ("ja", "ko")])
def test_every_direction_loads_and_translates_in_input_order(
    settings: EngineSettings, backend: str, source: str, target: str
) -> None:
    translator = make(settings, backend, source, target)
    texts = [example.sentence for example in tiny_examples()]
    forward = translator.translate(texts, GREEDY)
    backward = translator.translate(texts[::-1], GREEDY)
    assert [len(outputs) for outputs in forward] == [1] * len(texts)
    assert backward[::-1] == forward  # batches are planned by length; order is restored
    assert translator.generate_calls > 2  # type: ignore[attr-defined]  # the token budget split the work
    assert not any("__ja__" in out[0] or "__ko__" in out[0] for out in forward)  # language tokens hidden


@pytest.mark.parametrize(("source", "target"), [("ko", "en"), ("en", "ko"), ("ko", "ja"), ("ja", "ko")])
def test_ct2_float32_greedy_gives_the_transformers_tokens(
    settings: EngineSettings, source: str, target: str
) -> None:
    """Same checkpoint, same numbers: the two backends agree sentence for sentence (Marian and M2M100)."""
    texts = [example.sentence for example in tiny_examples()] + ["가나다라", "이순신은 장군이다."]
    hf = make(settings, "hf", source, target).translate(texts, GREEDY)
    ct2 = make(settings, "ct2", source, target).translate(texts, GREEDY)
    agree = sum(a == b for a, b in zip(hf, ct2, strict=True))
    assert agree / len(texts) >= 0.99, list(zip(hf, ct2, strict=True))


@pytest.mark.parametrize("backend", BACKENDS)
def test_identical_sources_reach_the_model_once(settings: EngineSettings, backend: str) -> None:
    translator = make(settings, backend)
    translator.translate(["가나다"] * 9, GREEDY)
    assert translator.generate_calls == 1  # type: ignore[attr-defined]


@pytest.mark.parametrize("backend", BACKENDS)
def test_variants_come_back_per_input(settings: EngineSettings, backend: str) -> None:
    translator = make(settings, backend)
    sampling = DecodingSettings(mode=DecodingMode.SAMPLE, num_return_sequences=3, top_k=20, max_new_tokens=8)
    outputs = translator.translate(["이순신은 장군이다.", "삼성전자는 기업이다."], sampling)
    assert [len(o) for o in outputs] == [3, 3]
    again = translator.translate(["이순신은 장군이다.", "삼성전자는 기업이다."], sampling)
    assert again == outputs  # seeded sampling is reproducible
    beams = DecodingSettings(mode=DecodingMode.BEAM, num_beams=4, num_return_sequences=2, max_new_tokens=8)
    assert [len(o) for o in translator.translate(["이순신은 장군이다."], beams)] == [2]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_sampled_output_does_not_depend_on_its_batch_mates(settings: EngineSettings, backend: str) -> None:
    translator = make(settings, backend)
    sampling = DecodingSettings(
        mode=DecodingMode.SAMPLE, num_return_sequences=2, top_k=50, max_new_tokens=8, seed=7
    )
    alone = translator.translate(["이순신은 장군이다."], sampling)
    crowd = translator.translate(["삼성전자는 기업이다.", "이순신은 장군이다.", "가나다라"], sampling)
    assert crowd[1] == alone[0]
    reseeded = translator.translate(["이순신은 장군이다."], sampling.model_copy(update={"seed": 8}))
    assert len(reseeded[0]) == 2  # another seed is another (valid) draw


@pytest.mark.parametrize("backend", BACKENDS)
def test_model_generation_defaults_never_leak_in(
    settings: EngineSettings, backend: str, tmp_path: Path
) -> None:
    """opus-mt configs carry num_beams: 6; greedy must still be greedy."""
    model_dir = tmp_path / "beamy"
    shutil.copytree(settings.model_ko_en, model_dir)
    config_path = model_dir / "generation_config.json"
    config_path.write_text(
        json.dumps(json.loads(config_path.read_text()) | {"num_beams": 6, "max_length": 3})
    )
    beamy = settings.model_copy(update={"model_ko_en": str(model_dir)})
    plain = make(settings, backend).translate(["이순신은 장군이다."], GREEDY)
    assert make(beamy, backend).translate(["이순신은 장군이다."], GREEDY) == plain


def test_ct2_converts_once_per_revision_and_quantization(settings: EngineSettings) -> None:
    spec = model_spec(settings.model_copy(update={"backend": "ct2"}), "ko", "en")
    make(settings, "ct2").translate(["가나다"], GREEDY)
    folder = converted_dir(spec, settings)
    assert folder.name == f"{effective_revision(spec).replace(':', '-')}-float32"
    stamp = (folder / "model.bin").stat().st_mtime_ns
    make(settings, "ct2").translate(["라마바"], GREEDY)  # a second worker: no second conversion
    assert (folder / "model.bin").stat().st_mtime_ns == stamp
    assert converted_dir(spec, settings, "int8") != folder


def test_local_copies_are_keyed_by_content(settings: EngineSettings, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(settings.model_ko_en, copy)
    original = effective_revision(model_spec(settings, "ko", "en"))
    copied = settings.model_copy(update={"model_ko_en": str(copy)})
    assert effective_revision(model_spec(copied, "ko", "en")) == original
    assert original.startswith("sha256:")
    # keys and provenance name a local copy by its folder, never by its server path
    assert make(copied, "hf").model == "local/copy"


@pytest.mark.parametrize("backend", BACKENDS)
def test_missing_model_names_the_model_and_the_setting(settings: EngineSettings, backend: str) -> None:
    missing = settings.model_copy(update={"model_ko_en": "nobody/no-such-model", "offline": True})
    translator = make(missing, backend)
    with pytest.raises(ModelUnavailableError) as caught:
        translator.translate(["가"], GREEDY)
    assert "nobody/no-such-model" in str(caught.value)
    assert "ROUNDTRIP_MODEL_KO_EN" in str(caught.value)


@pytest.mark.parametrize("backend", BACKENDS)
def test_weights_without_safetensors_are_refused(
    settings: EngineSettings, backend: str, tmp_path: Path
) -> None:
    unsafe = tmp_path / "unsafe"
    shutil.copytree(settings.model_ko_en, unsafe)
    (unsafe / "model.safetensors").rename(unsafe / "pytorch_model.bin")
    unsafe_settings = settings.model_copy(update={"model_ko_en": str(unsafe)})
    with pytest.raises(ModelUnavailableError):
        make(unsafe_settings, backend).translate(["가"], GREEDY)
