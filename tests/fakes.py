"""Deterministic test translators. They live here only, never in the product."""

from collections.abc import Callable, Sequence

from services.augment.engine.decoding import DecodingSettings


class FunctionTranslator:
    """Translates with a plain function of (text, variant); counts what reaches it."""

    def __init__(
        self,
        source_lang: str,
        target_lang: str,
        function: Callable[[str, int], str],
        model: str = "test/function",
        revision: str = "v1",
    ):
        self.source_lang, self.target_lang = source_lang, target_lang
        self.function, self.model, self.revision = function, model, revision
        self.output_settings: dict[str, object] = {"backend": "test"}
        self.calls = 0
        self.texts_seen: list[str] = []

    def translate(self, texts: Sequence[str], decoding: DecodingSettings) -> list[list[str]]:
        self.calls += 1
        self.texts_seen += texts
        return [[self.function(text, v) for v in range(decoding.num_return_sequences)] for text in texts]


def to_pivot(text: str, variant: int) -> str:
    """ko→pivot: a reversible wrapper, so the return leg can produce controlled Korean."""
    return f"<{variant}>{text}"


def paraphrase_back(text: str, _variant: int) -> str:
    """pivot→ko: unwrap and paraphrase the way MT does (a new opening, a changed ending)."""
    if not (text.startswith("<") and ">" in text):  # not made by to_pivot: echo it
        return text
    variant, body = text[1:].split(">", 1)
    body = body.rstrip(".")
    return f"{'한편 ' if variant == '0' else '또한 '}{body}고 한다."


def fake_factory(overrides: dict[str, FunctionTranslator] | None = None):  # type: ignore[no-untyped-def]
    """A translator factory for Engine: every ko→X leg wraps, every X→ko leg paraphrases."""
    made: dict[str, FunctionTranslator] = {}

    def make(spec):  # type: ignore[no-untyped-def]
        if overrides and spec.direction in overrides:
            made[spec.direction] = overrides[spec.direction]
        else:
            function = to_pivot if spec.source_lang == "ko" else paraphrase_back
            made[spec.direction] = FunctionTranslator(spec.source_lang, spec.target_lang, function)
        return made[spec.direction]

    make.made = made  # type: ignore[attr-defined]
    return make


POISON = "POISON"  # kills the worker process
SLOW = "SLOWPOKE"  # outlasts the chunk's time limit
BROKEN = "BROKEN"  # raises an ordinary exception


class WorkerTranslator(FunctionTranslator):
    """For real worker processes: optionally slow, and it kills its own process on a poison text
    (the way an out-of-memory kill or a segfault in a model would)."""

    def __init__(self, *args, delay_s: float = 0.0, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.delay_s = delay_s

    def translate(self, texts, decoding):  # type: ignore[no-untyped-def]
        import os
        import signal
        import time

        if any(POISON in text for text in texts):
            os.kill(os.getpid(), signal.SIGKILL)
        if any(SLOW in text for text in texts):  # longer than any chunk time limit in the tests
            time.sleep(120)
        if any(BROKEN in text for text in texts):
            raise ValueError("this translator cannot translate a BROKEN text")
        time.sleep(self.delay_s)
        return super().translate(texts, decoding)


def scripted_translator(spec, settings):  # type: ignore[no-untyped-def]
    """ROUNDTRIP_TRANSLATOR_<DIRECTION>=fakes:scripted_translator (tests/ on PYTHONPATH): the
    plug-in path a user's own MT system takes. Optionally slow; see WorkerTranslator."""
    import os

    delay = float(os.environ.get("ROUNDTRIP_TEST_TRANSLATE_DELAY_S", "0"))
    function = to_pivot if spec.source_lang == "ko" else paraphrase_back
    translator = WorkerTranslator(spec.source_lang, spec.target_lang, function, delay_s=delay)
    translator.output_settings = {"translator": spec.translator}
    return translator


SCRIPTED_TRANSLATORS = {
    f"ROUNDTRIP_TRANSLATOR_{direction}": "fakes:scripted_translator"
    for direction in ("KO_EN", "EN_KO", "KO_JA", "JA_KO")
}
