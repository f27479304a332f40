"""Read bench/gap.py logs run under a constant widening (1.2, commits 3256d97 to f3d1f74) as the
product's shift-grown widening would have drawn them (services.evidence.folds.unseen_error_widen,
√(1 + d)): each pseudo-test's shift d is recomputed from the run's cached models with the product's
own steps (the calibration, the prior per source, conditional.mix_shift; the median over the
calibration folds), and its logged interval is scaled by √(1 + d) / 1.2 about its estimate. That is
exact up to the log's rounding: the widening only scales the half-width (the point estimates, the
refits and the folds' excess do not depend on it). Prints each pseudo-test's d, then per family the
logged and the rescaled figures (as bench/pool_gap_logs.py prints them); with --out, the rescaled
pseudo-tests as gap.py logs them, to pool with logs run at √(1 + d).

    python bench/rewiden_gap_logs.py fresh-20.log --cache C20 [--jobs 2] [--out fresh-20-rescaled.log]

The cache must hold the run's models (`bench/gap.py --cache`): a pseudo-test without them would be
trained again, as gap.py would.
"""

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gap
from pool_gap_logs import Row, seeded_pseudo_tests, summary, widened

from services.evidence.conditional import (
    conditional_fit,
    fit_conditional_calibration,
    mix_shift,
    pooled_strata,
)
from services.evidence.folds import unseen_error_widen
from services.train.covariates import TrainingEntities, covariates
from shared.re_data.io import read_examples

FAMILY_OF_LETTER = {"a": "label", "b": "source", "c": "entities", "d": "all"}
LOGGED_WIDEN = 1.2  # the constant the logs were run under


def estimated_shift(data: Path, cache: Path, letter: str, seed: int) -> float:
    """The folds' median d for one pseudo-test, as services.evidence.shift._prepare_conditional fits it."""
    gap.CACHE = cache
    family = FAMILY_OF_LETTER[letter]
    rest, test = gap.pseudo_test(read_examples(data), family, seed)
    shifts = []
    with threadpool_limits(1):
        for parts, validation, tested in gap.trained(rest, test, "entity_cluster", seed, family, gap.FOLDS):
            seen = TrainingEntities.of(parts.train)
            gold = gap.gold_of(parts.validation)
            strata, test_strata = pooled_strata(
                [row.source or "" for row in parts.validation], [row.source or "" for row in test]
            )
            descriptors, test_descriptors = covariates(parts.validation, seen), covariates(test, seen)
            calibration = fit_conditional_calibration(validation, descriptors, gold)
            fit = conditional_fit(
                validation,
                descriptors,
                gold,
                strata,
                tested,
                test_descriptors,
                test_strata,
                start=calibration,
            )
            shifts.append(mix_shift(strata, gold, test_strata, fit.adjusted))
    return float(np.median(shifts))


def as_logged(letter: str, seed: int, row: Row, shift: float) -> str:
    """One pseudo-test as gap.py logs it (the lines bench/pool_gap_logs.py reads), rescaled."""
    predicted, low, high, submitted = row
    return (
        f"({letter}) rescaled from a log at ×{LOGGED_WIDEN}  seed {seed}:\n"
        f"    {gap.CHOSEN:<16} predicted {predicted:6.2f} [{low:.2f}, {high:.2f}] "
        f"→ submitted {submitted:6.2f}; "
        f"shift {shift:.2f} (×{unseen_error_widen(shift):.2f})\n"
    )


def rewidened(row: Row, shift: float, logged_widen: float = LOGGED_WIDEN) -> Row:
    return widened(row, unseen_error_widen(shift) / logged_widen)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("logs", nargs="+", type=Path, help="bench/gap.py's output, one file per run")
    parser.add_argument("--cache", type=Path, required=True, help="the run's --cache (one for all logs)")
    parser.add_argument("--data", type=Path, default=gap.DEFAULT_DATA)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--out", type=Path, help="also write the rescaled pseudo-tests, as gap.py logs them")
    args = parser.parse_args()
    found = [entry for path in args.logs for entry in seeded_pseudo_tests(path)]
    with ProcessPoolExecutor(args.jobs) as pool:
        shifts = list(
            pool.map(
                estimated_shift,
                *zip(*[(args.data, args.cache, f, seed) for f, seed, _ in found], strict=True),
            )
        )
    for (family, seed, _), shift in zip(found, shifts, strict=True):
        print(f"({family}) seed {seed}: d {shift:.3f}  widened ×{unseen_error_widen(shift):.3f}")
    rescaled = [rewidened(row, shift) for (_, _, row), shift in zip(found, shifts, strict=True)]
    if args.out:
        args.out.write_text(
            "".join(
                as_logged(family, seed, row, shift)
                for (family, seed, _), row, shift in zip(found, rescaled, shifts, strict=True)
            ),
            encoding="utf-8",
        )
    for name, rows in ((f"logged (×{LOGGED_WIDEN})", [row for _, _, row in found]), ("√(1 + d)", rescaled)):
        print(name)
        for family in "abcd":
            if chosen := [row for (f, _, _), row in zip(found, rows, strict=True) if f == family]:
                print("  " + summary(family, chosen))


if __name__ == "__main__":
    main()
