"""Would choosing the submitted threshold from all calibration folds together cut the predicted
score's error? (A study for issue 14, on cached models of bench/gap.py's used seed sets.)

Per pseudo-test and calibration fold: the "matched" estimator's point-estimate curve over the
thresholds (services.train.test_estimate.prepare_test's scores, before any interval) and
the submitted model's true pseudo-test score at each threshold. Then, over the pseudo-tests, the mean
|gap| (signed mean) of
  current:      the product up to commit 2d5ac2f: each fold's own best threshold, the median of
                their best scores, the submitted (first) model graded at its own threshold;
  joint-median: the threshold that maximizes the median of the folds' curves, predicted as that
                median, the submitted model graded at it (the product since: services.evidence.folds;
                reproduces bench/gap.py's point estimates);
  joint-mean:   the same with the mean of the curves;
and the submitted model's mean pseudo-test score under each rule (and argmax). Point estimates only.

    python bench/threshold_curves.py --cache DIR --set fresh-8 [--family all]
"""

import argparse
import sys
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import gap  # noqa: E402

from services.evidence.klue_f1 import micro_f1  # noqa: E402
from services.evidence.shift import THRESHOLDS, apply_rule  # noqa: E402
from services.train.covariates import TrainingEntities  # noqa: E402
from services.train.test_estimate import prepare_test  # noqa: E402
from shared.re_data.io import read_examples  # noqa: E402


def curves(rows, family: str, seed: int) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """(folds × thresholds) predicted scores, and the submitted model's true pseudo-test score per
    threshold."""
    rest, test = gap.pseudo_test(rows, family, seed)
    test_gold = gap.gold_of(test)  # grades only
    predicted: list[list[float]] = []
    true: list[float] = []
    for parts, validation, tested in gap.trained(rest, test, "entity_cluster", seed, family, gap.FOLDS):
        prepared = prepare_test(  # the product's own step, stopped before its intervals
            training_gold=gap.gold_of(parts.train), training_entities=TrainingEntities.of(parts.train),
            validation_rows=parts.validation, validation_gold=gap.gold_of(parts.validation),
            validation_probabilities=validation, validation_groups=np.array(parts.validation_groups),
            test_rows=test, test_probabilities=[tested], seed=seed,
        )  # fmt: skip
        assert prepared.scores is not None  # the chosen estimator scores every threshold
        predicted.append(list(prepared.scores))
        if not true:  # only the submitted (first) model is graded
            true = [micro_f1(test_gold, apply_rule(tested, t)) for t in THRESHOLDS]
    return np.array(predicted), np.array(true)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=gap.DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, required=True, help="bench/gap.py's --cache")
    parser.add_argument("--set", choices=list(gap.SEED_SETS), default="fresh-8")
    parser.add_argument("--family", choices=gap.FAMILIES, default="all")
    args = parser.parse_args()
    gap.CACHE = args.cache
    rows = read_examples(args.data)
    errors, scores = [], []
    with threadpool_limits(1):
        for seed in gap.SEED_SETS[args.set]:
            predicted, true = curves(rows, args.family, seed)
            own = predicted.argmax(axis=1)
            current = np.median(predicted[np.arange(len(own)), own]), true[own[0]]
            median, mean = np.median(predicted, axis=0), predicted.mean(axis=0)
            joint_median = median.max(), true[median.argmax()]
            joint_mean = mean.max(), true[mean.argmax()]
            rules = (current, joint_median, joint_mean)
            errors.append([p - s for p, s in rules])
            scores.append([s for _, s in rules] + [true[0]])
            print(f"seed {seed}: " + "  ".join(f"{p:.2f} → {s:.2f}" for p, s in rules), flush=True)
    e, s = np.array(errors), np.array(scores)
    names = ("current", "joint-median", "joint-mean")
    gaps = "  ".join(f"{n} {np.abs(e[:, k]).mean():.2f} ({e[:, k].mean():+.2f})" for k, n in enumerate(names))
    submitted = "  ".join(f"{n} {s[:, k].mean():.2f}" for k, n in enumerate((*names, "argmax")))
    print(f"{args.set} ({args.family}) mean |gap| (signed): {gaps}   submitted score: {submitted}")


if __name__ == "__main__":
    main()
