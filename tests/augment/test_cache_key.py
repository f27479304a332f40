import unicodedata

from services.augment.config import EngineSettings
from services.augment.engine.cache_key import leg_cache_key, normalise_source
from services.augment.engine.decoding import DecodingMode, DecodingSettings
from services.augment.engine.registry import effective_revision, model_spec, output_settings

BASE = {"source_lang": "ko", "target_lang": "en", "model": "m", "revision": "r"}


def key(
    text: str,
    decoding: DecodingSettings | None = None,
    outputs: dict[str, object] | None = None,
    **overrides: str,
) -> str:
    settings = (decoding or DecodingSettings()).canonical()
    return leg_cache_key(text, **(BASE | overrides), decoding=settings, output_settings=outputs or {})


def test_nfc_and_whitespace_variants_share_a_key() -> None:
    text = "이순신은  조선의 장군이다. "
    assert key(text) == key(unicodedata.normalize("NFD", text)) == key("이순신은 조선의 장군이다.")
    assert normalise_source(" a \t b ") == "a b"


def test_every_field_changes_the_key() -> None:
    keys = {
        key("x"),
        key("y"),
        key("x", source_lang="en", target_lang="ko"),
        key("x", target_lang="ja"),
        key("x", model="other"),
        key("x", revision="r2"),
        key("x", DecodingSettings(num_beams=5)),
        key("x", DecodingSettings(mode=DecodingMode.GREEDY)),
        key("x", DecodingSettings(max_new_tokens=40)),
    }
    assert len(keys) == 9


def test_the_encoding_is_unambiguous() -> None:
    # Naive concatenation would make these equal ("a|b" + "c" vs "a" + "b|c").
    assert key("a", model="b|c") != key("a|b", model="c")
    assert key('x","ko', model="m") != key("x", model='ko","m')


def test_settings_that_do_not_affect_output_do_not_split_the_cache() -> None:
    greedy_a = DecodingSettings(mode=DecodingMode.GREEDY, top_k=50, temperature=0.7, num_beams=8)
    greedy_b = DecodingSettings(mode=DecodingMode.GREEDY)
    assert key("x", greedy_a) == key("x", greedy_b)
    assert key("x", DecodingSettings(mode=DecodingMode.SAMPLE, seed=1)) != key(
        "x", DecodingSettings(mode=DecodingMode.SAMPLE, seed=2)
    )


def test_generate_always_gets_every_decoding_knob() -> None:
    kwargs = DecodingSettings(mode=DecodingMode.GREEDY).generate_kwargs()
    assert kwargs["num_beams"] == 1 and kwargs["do_sample"] is False
    for knob in ("max_new_tokens", "num_return_sequences", "repetition_penalty", "length_penalty"):
        assert knob in kwargs


def test_backend_precision_and_truncation_change_the_key() -> None:
    """Outputs of another backend, quantization, compute type, dtype or truncation never stand in."""
    base = EngineSettings()
    variants = [
        base,
        base.model_copy(update={"dtype": "float16"}),
        base.model_copy(update={"max_source_tokens": 128}),
        base.model_copy(update={"backend": "ct2"}),
        base.model_copy(update={"backend": "ct2", "ct2_quantization": "float16"}),
        base.model_copy(update={"backend": "ct2", "ct2_compute_type": "int8_float32"}),
        base.model_copy(update={"backend_ko_en": "ct2", "ct2_quantization": "int8_float16"}),
    ]
    keys = {key("x", outputs=output_settings(s, model_spec(s, "ko", "en"))) for s in variants}
    assert len(keys) == len(variants)
    # ct2 settings do not touch a direction served by transformers
    hf_only = [base, base.model_copy(update={"ct2_quantization": "float16"})]
    assert len({key("x", outputs=output_settings(s, model_spec(s, "ko", "en"))) for s in hf_only}) == 1


def test_a_plugged_in_translator_changes_the_key() -> None:
    base = EngineSettings()
    plugged = base.model_copy(update={"translator_ko_en": "mycompany.mt:factory"})
    other = base.model_copy(update={"translator_ko_en": "mycompany.mt:other"})
    keys = {key("x", outputs=output_settings(s, model_spec(s, "ko", "en"))) for s in (base, plugged, other)}
    assert len(keys) == 3


def test_a_moving_ref_is_keyed_by_the_commit_it_resolves_to(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    spec = model_spec(EngineSettings(), "ko", "en")
    assert effective_revision(spec) == "main"  # not downloaded: nothing to resolve yet
    refs = tmp_path / "models--Helsinki-NLP--opus-mt-ko-en" / "refs"
    refs.mkdir(parents=True)
    (refs / "main").write_text("a" * 40)
    assert effective_revision(spec) == "a" * 40
    (refs / "main").write_text("b" * 40)  # the ref moved: so does every key
    assert effective_revision(spec) == "b" * 40
    pinned = model_spec(EngineSettings(revision_ko_en="c" * 40), "ko", "en")
    assert effective_revision(pinned) == "c" * 40
