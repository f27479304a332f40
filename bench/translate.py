"""Translation throughput: naive vs corpus-padded batches vs the engine, and a warm cache re-run.

A random-weight Marian model with opus-mt-ko-en's shape (d_model 512, 6+6 layers, 8 heads,
FFN 2048, vocab 65,001) decodes exactly 40 new tokens per sentence, so its cost matches a real
model's. All three methods use the same greedy settings, in one process, on the same sentences.

    python bench/translate.py [--n 2000] [--naive-n 100] [--data ../shared/data/klue-re/train.jsonl]
"""

import argparse
import tempfile
import time
from pathlib import Path

import torch
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer
from transformers.utils import logging as hf_logging

from services.augment.config import EngineSettings
from services.augment.engine.cached_leg import CachedLeg
from services.augment.engine.decoding import DecodingMode, DecodingSettings
from services.augment.engine.registry import model_spec
from services.augment.engine.tiny_models import TinyShape, build_marian
from services.augment.engine.translators.hf import HFTranslator
from shared.db.migrate import upgrade
from shared.db.session import session_factory
from shared.re_data.io import read_examples

OPUS_MT_KO_EN_SHAPE = TinyShape(d_model=512, layers=6, heads=8, ffn=2048, vocab_size=65001, spm_vocab=8000)
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


def corpus_padded(model, tokenizer, texts: list[str], kwargs: dict) -> float:  # type: ignore[no-untyped-def]
    """Batches of 32 in corpus order, every sentence padded to the corpus's longest (nlpaug style)."""
    longest = max(len(ids) for ids in tokenizer(texts)["input_ids"])
    started = time.perf_counter()
    with torch.inference_mode():
        for start in range(0, len(texts), PADDED_BATCH):
            batch = tokenizer(
                texts[start : start + PADDED_BATCH],
                padding="max_length",
                max_length=longest,
                return_tensors="pt",
            )
            model.generate(**batch, **kwargs)
    return rate(len(texts), time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--naive-n", type=int, default=100)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()

    texts = [example.sentence for example in read_examples(args.data)[: args.n]]
    decoding = DecodingSettings(mode=DecodingMode.GREEDY, max_new_tokens=40, min_new_tokens=40)
    with tempfile.TemporaryDirectory() as scratch:
        model_dir = build_marian(Path(scratch) / "opus-shaped", texts, OPUS_MT_KO_EN_SHAPE)
        tokenizer = AutoTokenizer.from_pretrained(model_dir)
        model = AutoModelForSeq2SeqLM.from_pretrained(model_dir).eval()
        kwargs = decoding.generate_kwargs()
        print(f"{len(texts)} sentences, {len(set(texts))} distinct; torch threads {torch.get_num_threads()}")

        naive_rate = naive(model, tokenizer, texts[: args.naive_n], kwargs)
        print(f"naive (1 sentence per generate, first {args.naive_n}): {naive_rate:8.2f} sentences/s")
        padded_rate = corpus_padded(model, tokenizer, texts, kwargs)
        print(f"corpus-padded batches of {PADDED_BATCH}:            {padded_rate:8.2f} sentences/s")

        database_url = f"sqlite:///{scratch}/cache.db"
        upgrade(database_url)
        settings = EngineSettings(model_ko_en=str(model_dir), offline=True, database_url=database_url)
        translator = HFTranslator(model_spec(settings, "ko", "en"), settings)
        leg = CachedLeg(translator, session_factory(database_url))
        translator.translate(texts[:4], decoding)  # load the model outside the timed run, as the others had
        started = time.perf_counter()
        cold_outputs = leg.translate(texts, decoding)
        cold_seconds = time.perf_counter() - started
        calls_cold = translator.generate_calls
        print(f"engine, cold cache:                       {rate(len(texts), cold_seconds):8.2f} sentences/s")

        started = time.perf_counter()
        warm_outputs = leg.translate(texts, decoding)
        warm_seconds = time.perf_counter() - started
        warm_calls = translator.generate_calls - calls_cold
        print(f"engine, warm cache:                       {rate(len(texts), warm_seconds):8.2f} sentences/s")
        print(f"warm run model calls: {warm_calls}; outputs identical: {warm_outputs == cold_outputs}")
        if warm_calls:
            raise SystemExit("warm run reached the model")

    engine_rate = rate(len(texts), cold_seconds)
    print(
        f"engine/naive: {engine_rate / naive_rate:.2f}  engine/padded: {engine_rate / padded_rate:.2f}  "
        f"warm/cold: {warm_seconds / cold_seconds:.3f}"
    )


if __name__ == "__main__":
    main()
