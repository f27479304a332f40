"""Translation throughput, per model shape: naive vs per-batch-padded batches vs the engine with
each backend (transformers, CTranslate2 int8), and a warm re-run through the cache.

Random-weight models of two real shapes, each decoding exactly 40 new tokens per sentence so its
cost matches a real model's: opus-mt-ko-en (Marian; d_model 512, 6+6 layers, 8 heads, FFN 2048,
vocab 65,001) and M2M100-418M (d_model 1024, 12+12 layers, 16 heads, FFN 4096, vocab 128,112).
Every method uses the same greedy settings, in one process, on the same sentences:
- naive: one sentence per `generate` call;
- padded: batches of 32 in corpus order, each padded to its own longest sentence (what most
  augmentation scripts do; the fair peer);
- engine (hf): the product's transformers translator (identical sources once, length-sorted
  batches under a token budget) through the cache;
- engine (ct2): the same engine with the CTranslate2 backend, int8 weights (converted once; the
  conversion is timed apart);
- warm: the hf engine again over the same sentences: every output from the cache.
- beam 4: the product's default decoding, each backend straight on the first --beam-n sentences:
  the ct2/hf of the last line (the greedy ratio is printed beside it).
It also reports how often CTranslate2 (float32 and int8) returns the same text as transformers
float32 greedy on these real-shaped random-weight models.

    python bench/translate.py [--shapes opus m2m] [--n 512] [--m2m-n 64] [--naive-n 32] [--agreement-n 64]

One line per shape, then the last line for the opus-mt shape:
`engine/naive: X  engine/padded: Y  ct2/hf: Z  warm/cold: W`.
"""

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import torch
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
from transformers.utils import logging as hf_logging

from services.augment.config import EngineSettings
from services.augment.engine.cached_leg import CachedLeg
from services.augment.engine.decoding import DecodingMode, DecodingSettings
from services.augment.engine.registry import model_spec
from services.augment.engine.tiny_models import TinyShape, build_m2m100, build_marian
from services.augment.engine.translators.ct2 import CT2Translator, convert
from services.augment.engine.translators.hf import HFTranslator
from shared.db.migrate import upgrade
from shared.db.session import session_factory
from shared.re_data.io import read_examples

OPUS_MT_KO_EN_SHAPE = TinyShape(d_model=512, layers=6, heads=8, ffn=2048, vocab_size=65001, spm_vocab=8000)
M2M100_418M_SHAPE = TinyShape(d_model=1024, layers=12, heads=16, ffn=4096, vocab_size=128112, spm_vocab=8000)
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/data/klue-re/train.jsonl"
PADDED_BATCH = 32


def rate(count: int, seconds: float) -> float:
    return count / seconds if seconds else float("inf")


def naive(model, tokenizer, texts: list[str], kwargs: dict) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    with torch.inference_mode():
        for text in texts:
            model.generate(**tokenizer([text], return_tensors="pt"), **kwargs)
    return rate(len(texts), time.perf_counter() - started)


def padded_per_batch(model, tokenizer, texts: list[str], kwargs: dict) -> float:  # type: ignore[no-untyped-def]
    """Batches of 32 in corpus order, each padded to its own longest sentence."""
    started = time.perf_counter()
    with torch.inference_mode():
        for start in range(0, len(texts), PADDED_BATCH):
            batch = tokenizer(texts[start : start + PADDED_BATCH], padding=True, return_tensors="pt")
            model.generate(**batch, **kwargs)
    return rate(len(texts), time.perf_counter() - started)


@dataclass
class ShapeResult:
    naive: float
    padded: float
    hf: float
    ct2: float  # greedy, as the rows above
    hf_beam: float  # the product's default decoding: beam 4
    ct2_beam: float
    warm_over_cold: float

    def line(self, name: str) -> str:
        return (
            f"{name}: engine/naive: {self.hf / self.naive:.2f}  engine/padded: {self.hf / self.padded:.2f}  "
            f"ct2/hf: {self.ct2_beam / self.hf_beam:.2f} (beam 4; greedy {self.ct2 / self.hf:.2f})  "
            f"warm/cold: {self.warm_over_cold:.3f}"
        )

    def last_line(self) -> str:
        return (
            f"engine/naive: {self.hf / self.naive:.2f}  engine/padded: {self.hf / self.padded:.2f}  "
            f"ct2/hf: {self.ct2_beam / self.hf_beam:.2f}  warm/cold: {self.warm_over_cold:.3f}"
        )


def measure(
    name: str, shape: TinyShape, texts: list[str], naive_n: int, agreement_n: int, beam_n: int, scratch: Path
) -> ShapeResult:
    decoding = DecodingSettings(mode=DecodingMode.GREEDY, max_new_tokens=40, min_new_tokens=40)
    started = time.perf_counter()
    if name == "m2m":
        model_dir = build_m2m100(scratch / name, texts, shape)
        tokenizer = AutoTokenizer.from_pretrained(model_dir)
        tokenizer.src_lang = "ko"
        kwargs = decoding.generate_kwargs() | {"forced_bos_token_id": tokenizer.get_lang_id("ja")}
        direction = ("ko", "ja")
    else:
        model_dir = build_marian(scratch / name, texts, shape)
        tokenizer = AutoTokenizer.from_pretrained(model_dir)
        kwargs = decoding.generate_kwargs()
        direction = ("ko", "en")
    model = AutoModelForSeq2SeqLM.from_pretrained(model_dir).eval()
    params = sum(p.numel() for p in model.parameters()) / 1e6
    built = time.perf_counter() - started
    print(f"[{name}] {params:.0f}M parameters; built in {built:.0f} s; {len(texts)} sentences, "
          f"{len(set(texts))} distinct; torch threads {torch.get_num_threads()}")  # fmt: skip

    naive_rate = naive(model, tokenizer, texts[:naive_n], kwargs)
    print(f"[{name}] naive (1 sentence per generate, first {naive_n}):  {naive_rate:8.2f} sentences/s")
    padded_rate = padded_per_batch(model, tokenizer, texts, kwargs)
    print(f"[{name}] padded batches of {PADDED_BATCH}, corpus order:       {padded_rate:8.2f} sentences/s")
    del model

    database_url = f"sqlite:///{scratch}/{name}-cache.db"
    upgrade(database_url)
    sessions = session_factory(database_url)
    model_setting = {f"model_{direction[0]}_{direction[1]}": str(model_dir)}
    settings = EngineSettings(**model_setting, offline=True, database_url=database_url,
                              ct2_models_dir=scratch / "ct2", ct2_quantization="int8")  # fmt: skip

    def engine_rate(translator) -> tuple[float, CachedLeg, list[list[str]]]:  # type: ignore[no-untyped-def]
        leg = CachedLeg(translator, sessions)
        translator.translate(texts[:4], decoding)  # load outside the timed run, as the others had
        began = time.perf_counter()
        outputs = leg.translate(texts, decoding)
        return rate(len(texts), time.perf_counter() - began), leg, outputs

    hf_translator = HFTranslator(model_spec(settings, *direction), settings)
    hf_rate, hf_leg, cold_outputs = engine_rate(hf_translator)
    print(f"[{name}] engine, transformers, cold cache:        {hf_rate:8.2f} sentences/s")
    ct2_settings = settings.model_copy(update={"backend": "ct2"})
    began = time.perf_counter()
    convert(model_spec(ct2_settings, *direction), ct2_settings)
    print(f"[{name}] CTranslate2 int8 conversion (once):      {time.perf_counter() - began:8.1f} s")
    ct2_rate, _, int8_outputs = engine_rate(CT2Translator(model_spec(ct2_settings, *direction), ct2_settings))
    print(f"[{name}] engine, CTranslate2 int8, cold cache:    {ct2_rate:8.2f} sentences/s")

    # Agreement with transformers float32 greedy: CTranslate2 float32 (same numbers) and int8.
    float32 = ct2_settings.model_copy(update={"ct2_quantization": "float32"})
    subset = texts[:agreement_n]
    same32 = CT2Translator(model_spec(float32, *direction), float32).translate(subset, decoding)
    agree32 = sum(a == b for a, b in zip(same32, cold_outputs[:agreement_n], strict=True))
    agree8 = sum(a == b for a, b in zip(int8_outputs, cold_outputs, strict=True))
    print(f"[{name}] same text as transformers float32 greedy: CTranslate2 float32 {agree32}/{len(subset)}, "
          f"int8 {agree8}/{len(texts)} (random weights: many near-ties, which int8 flips)")  # fmt: skip

    # The product's default decoding (beam 4; `roundtrip augment` and the API use it unless told
    # otherwise), on the first `beam_n` sentences, each backend straight (no cache).
    beam = DecodingSettings(max_new_tokens=40, min_new_tokens=40)
    beam_texts = texts[:beam_n]
    beam_rates = {}
    ct2_translator = CT2Translator(model_spec(ct2_settings, *direction), ct2_settings)
    for backend, translator in (("transformers", hf_translator), ("CTranslate2 int8", ct2_translator)):
        translator.translate(beam_texts[:2], beam)
        began = time.perf_counter()
        translator.translate(beam_texts, beam)
        beam_rates[backend] = rate(len(beam_texts), time.perf_counter() - began)
        label = f"beam 4 (the default), {backend}, first {len(beam_texts)}:"
        print(f"[{name}] {label:40} {beam_rates[backend]:8.2f} sentences/s")

    calls = hf_translator.generate_calls
    began = time.perf_counter()
    warm_outputs = hf_leg.translate(texts, decoding)
    warm_rate = rate(len(texts), time.perf_counter() - began)
    warm_calls = hf_translator.generate_calls - calls
    print(f"[{name}] engine, warm cache:                      {warm_rate:8.2f} sentences/s "
          f"(model calls {warm_calls}; outputs identical: {warm_outputs == cold_outputs})")  # fmt: skip
    if warm_calls:
        raise SystemExit("warm run reached the model")
    hf_beam, ct2_beam = beam_rates["transformers"], beam_rates["CTranslate2 int8"]
    return ShapeResult(naive_rate, padded_rate, hf_rate, ct2_rate, hf_beam, ct2_beam, hf_rate / warm_rate)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shapes", nargs="+", choices=["opus", "m2m"], default=["opus", "m2m"])
    parser.add_argument("--n", type=int, default=512, help="sentences for the opus-mt shape")
    parser.add_argument("--m2m-n", type=int, default=64, help="sentences for the M2M100-418M shape")
    parser.add_argument("--naive-n", type=int, default=32)
    parser.add_argument("--agreement-n", type=int, default=64, help="sentences for the float32 agreement")
    parser.add_argument("--beam-n", type=int, default=64, help="sentences for the beam-4 comparison")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()

    sentences = [example.sentence for example in read_examples(args.data)]
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name in args.shapes:
            count = args.n if name == "opus" else args.m2m_n
            shape = OPUS_MT_KO_EN_SHAPE if name == "opus" else M2M100_418M_SHAPE
            results[name] = measure(
                name,
                shape,
                sentences[:count],
                min(args.naive_n, count),
                min(args.agreement_n, count),
                min(args.beam_n, count),
                Path(scratch),
            )
    for name, result in results.items():
        print(result.line({"opus": "opus-mt-ko-en shape", "m2m": "M2M100-418M shape"}[name]))
    last = results.get("opus") or next(iter(results.values()))
    print(last.last_line())


if __name__ == "__main__":
    main()
