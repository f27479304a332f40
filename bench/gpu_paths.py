"""Do the product's GPU paths run on a CUDA machine, and give what the CPU gives?

Everything goes through the product's own code: translation through `HFTranslator` (settings
`device` and `dtype`, as ROUNDTRIP_DEVICE / ROUNDTRIP_DTYPE set them) and training through
`services.train.transformer.make_trainer` (`fp16`, `bf16`, `use_cpu`, `batch_size`). No model hub
here: the models are tiny and random (built locally, as the tests build them), so the figures say
whether a path runs and agrees with the CPU, not how fast a real model is. Each line compares with
the CPU float32 run in the same process:

  translate  DEVICE DTYPE   agreement with CPU float32 greedy outputs (share of identical
                            sentences), seconds, and whether a seeded sampled run repeats itself
  train      DEVICE PREC    the training loss after the same steps, max |Δ probability| against
                            the CPU run's predictions, argmax agreement, seconds

    python bench/gpu_paths.py [--data ../shared/data/klue-re/train.jsonl] [--rows 256] [--steps 30]

Without CUDA it runs the CPU lines only and says so.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from transformers.utils import logging as hf_logging

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.augment.config import EngineSettings  # noqa: E402
from services.augment.engine.decoding import DecodingMode, DecodingSettings  # noqa: E402
from services.augment.engine.registry import model_spec  # noqa: E402
from services.augment.engine.tiny_models import TinyShape, build_all  # noqa: E402
from services.augment.engine.translators.hf import HFTranslator  # noqa: E402
from services.train.markers import mark  # noqa: E402
from services.train.transformer import TransformerOptions, build_tiny_bert, make_trainer, predict_proba  # noqa: E402
from shared.re_data.io import read_examples  # noqa: E402
from shared.re_data.schema import REExample  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared/data/klue-re/train.jsonl"
GREEDY = DecodingSettings(mode=DecodingMode.GREEDY, max_new_tokens=32)
SAMPLED = DecodingSettings(mode=DecodingMode.SAMPLE, max_new_tokens=32, seed=7)


def translation_lines(texts: list[str], work: Path, devices: list[str]) -> list[str]:
    paths = build_all(work / "mt", texts, TinyShape(d_model=64, ffn=128))
    base = EngineSettings(
        model_ko_en=str(paths["ko_en"]), model_en_ko=str(paths["en_ko"]),
        model_ko_ja=str(paths["ko_ja"]), model_ja_ko=str(paths["ja_ko"]), offline=True,
    )  # fmt: skip
    runs = [("cpu", "float32")] + [
        (device, dtype)
        for device in devices
        if device != "cpu"
        for dtype in ("float32", "float16", "bfloat16")
    ]
    lines = []
    for direction in (("ko", "en"), ("ko", "ja")):
        reference = None
        for device, dtype in runs:
            settings = base.model_copy(update={"device": device, "dtype": dtype})
            translator = HFTranslator(model_spec(settings, *direction), settings)
            translator.translate(texts[:4], GREEDY)  # load and warm up outside the clock
            started = time.perf_counter()
            outputs = [out[0] for out in translator.translate(texts, GREEDY)]
            seconds = time.perf_counter() - started
            if (device, dtype) == ("cpu", "float32"):
                reference = outputs
            assert reference is not None
            agree = np.mean([a == b for a, b in zip(outputs, reference, strict=True)])
            repeats = translator.translate(texts, SAMPLED) == translator.translate(texts, SAMPLED)
            lines.append(
                f"translate {'-'.join(direction)}  {device:<5} {dtype:<9} agreement with cpu float32 "
                f"{agree:.3f}  {seconds:6.2f} s  sampled run repeats: {repeats}"
            )
    return lines


def training_lines(rows: list[REExample], work: Path, devices: list[str], steps: int) -> list[str]:
    bert = build_tiny_bert(work / "bert", [mark(row) for row in rows], vocab_size=2000, hidden=128, layers=2)
    runs = [("cpu", "fp32")] + [(d, p) for d in devices if d != "cpu" for p in ("fp32", "fp16", "bf16")]
    lines, reference = [], None
    for device, precision in runs:
        options = TransformerOptions(
            model_name_or_path=str(bert), output_dir=str(work / f"run-{device}-{precision}"), max_steps=steps,
            batch_size=16, max_length=128, learning_rate=1e-3, seed=1, use_cpu=device == "cpu",
            fp16=precision == "fp16", bf16=precision == "bf16", evaluate_each_epoch=False,
        )  # fmt: skip
        trainer = make_trainer(rows, [], options)
        started = time.perf_counter()
        result = trainer.train()
        seconds = time.perf_counter() - started
        probabilities = predict_proba(trainer, rows, options)
        if device == "cpu":
            reference = probabilities
        assert reference is not None
        finite = bool(np.isfinite(probabilities).all()) and np.allclose(
            probabilities.sum(axis=1), 1, atol=1e-3
        )
        lines.append(
            f"train  {device:<5} {precision:<5} on {trainer.args.device}  loss {result.training_loss:.4f}  "
            f"max |Δp| {np.abs(probabilities - reference).max():.4f}  argmax agreement "
            f"{np.mean(probabilities.argmax(1) == reference.argmax(1)):.3f}  finite, sums to 1: {finite}  "
            f"{seconds:6.2f} s"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--rows", type=int, default=256)
    parser.add_argument("--steps", type=int, default=30)
    args = parser.parse_args()
    hf_logging.set_verbosity_error()  # as bench/train.py: the lines, not the library's progress bars
    hf_logging.disable_progress_bar()
    rows = read_examples(args.data)[: args.rows]
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    print(f"torch {torch.__version__}; cuda: {torch.cuda.get_device_name(0) if len(devices) > 1 else 'none'}")
    with tempfile.TemporaryDirectory() as work:
        for line in translation_lines([row.sentence for row in rows], Path(work), devices):
            print(line, flush=True)
        for line in training_lines(rows, Path(work), devices, args.steps):
            print(line, flush=True)


if __name__ == "__main__":
    main()
