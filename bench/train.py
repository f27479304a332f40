"""Training speed and the CPU baseline's quality on real KLUE-RE.

1. The CPU baseline on `train.jsonl` with a sentence-grouped, label-stratified 10% validation:
   wall time (split + fit + predict), validation micro-F1 and AUPRC.
2. A tiny transformer (random BERT, WordPiece trained on the data) fine-tuned with `Trainer` for
   the same number of steps with dynamic padding (length-grouped batches, each padded to its own
   longest row) and with every batch padded to 256 tokens: training steps per second.

    python bench/train.py [--data ../shared/data/klue-re/train.jsonl] [--steps 40]
Last line: `baseline s: X  micro-F1: Y  dynamic/static: Z`.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from transformers.utils import logging as hf_logging

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.train.baseline import train_baseline  # noqa: E402
from services.train.markers import mark  # noqa: E402
from services.train.metrics import compute  # noqa: E402
from services.train.split import split  # noqa: E402
from services.train.transformer import TransformerOptions, build_tiny_bert, make_trainer  # noqa: E402
from shared.re_data.io import read_examples  # noqa: E402
from shared.re_data.labels import label_to_id  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared/data/klue-re/train.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--transformer-rows", type=int, default=4000)
    args = parser.parse_args()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()

    started = time.perf_counter()
    rows = read_examples(args.data)
    data = split(rows, validation_fraction=0.1, seed=42)
    model = train_baseline(data.train, seed=42)
    probabilities = model.predict_proba(data.validation)
    baseline_seconds = time.perf_counter() - started
    gold = np.array([label_to_id()[str(e.label)] for e in data.validation])
    metrics = compute(gold, probabilities)
    print(
        f"rows {len(rows)}: train {len(data.train)}, validation {len(data.validation)} (grouped by sentence)"
    )
    print(
        f"CPU baseline: {baseline_seconds:.1f} s, micro-F1 {metrics.micro_f1:.2f}, AUPRC {metrics.auprc:.2f}"
    )

    sample = data.train[: args.transformer_rows]
    rates = {}
    with tempfile.TemporaryDirectory() as scratch:
        model_dir = build_tiny_bert(Path(scratch) / "bert", [mark(e) for e in sample], hidden=128, layers=2)
        for name, static in (("dynamic", False), ("static", True)):
            options = TransformerOptions(
                model_name_or_path=str(model_dir), output_dir=f"{scratch}/{name}", max_steps=args.steps,
                batch_size=32, pad_to_max_length=static, max_length=256, use_cpu=True,
            )  # fmt: skip
            result = make_trainer(sample, [], options).train()
            rates[name] = result.metrics["train_steps_per_second"]
            print(
                f"tiny transformer, {name} padding: {rates[name]:.2f} steps/s ({args.steps} steps, batch 32)"
            )
    print(
        f"baseline s: {baseline_seconds:.1f}  micro-F1: {metrics.micro_f1:.2f}  "
        f"dynamic/static: {rates['dynamic'] / rates['static']:.2f}"
    )


if __name__ == "__main__":
    main()
