"""Does importance-weighting validation toward the test mend what all calibration folds share? (A
study for issue 14, on cached models of bench/gap.py's used seed sets; point estimates only.)

Per pseudo-test and calibration fold, the "matched" estimator's point-estimate curve over the
thresholds as services.evidence.shift computes it, with validation's rows weighted by the product's
covariate weights (services.evidence.shift.covariate_weights: p_test(x) / p_validation(x) from the
rows' label-free descriptors) in some of its steps; then, as the product does
(services.evidence.folds), the rule the folds' median likes best, predicted as that median, and the
submitted (first) model graded at it. Variants:
  matched:      the product's (no weights): reproduces bench/gap.py's point estimates;
  ratio:        the true-positive ratio read off validation weighted toward the test as well as
                to the estimated prior (the calibration and the prior unweighted);
  calibration:  the calibration, its cross-fitting and each source's validation prior fitted on
                the weighted rows (the ratio unweighted);
  both:         calibration and ratio.

Measured on FRESH-18's cached models (used seeds: the held-out run had already been read), 8
pseudo-tests per family, mean |gap| (signed) in families (a)-(d):
  matched      1.35 (+0.92)  0.79 (+0.79)  0.76 (-0.59)  1.47 (+0.87)   (bench/gap.py's, to the digit)
  ratio        1.56 (+0.96)  0.62 (+0.55)  0.72 (-0.59)  1.04 (+0.96)
  calibration  2.17 (+2.17)  1.69 (+1.69)  0.50 (+0.05)  4.19 (+4.19)
  both         2.13 (+2.10)  1.03 (+1.02)  0.65 (-0.26)  3.42 (+3.42)
The weighted calibration raised the estimate wherever the test's label mix differs (likely because
the weights, read off descriptors that go with labels such as entity types, carry part of the label
shift that EM then counts again; only (c), whose label mix moves least, came out closer), and its
weights were worth about a third of validation's rows (Kish) in (b) and (d). The weighted ratio
moved no family's bias; it cut (d)'s spread (sd 1.68 to 1.00, mostly seed 4908) and widened (a)'s
(1.47 to 1.72): within the noise of 8 pseudo-tests, not adopted.

    python bench/weighting_study.py --sets fresh-18 --cache DIR18 [--families all ...] [--jobs 2]
"""

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import gap  # noqa: E402

from services.evidence.conditional import (  # noqa: E402
    conditional_fit,
    cross_fitted_posteriors,
    fit_conditional_calibration,
    pooled_strata,
)
from services.evidence.klue_f1 import micro_f1  # noqa: E402
from services.evidence.shift import THRESHOLDS, apply_rule, covariate_weights, threshold_scores  # noqa: E402
from services.train.covariates import TrainingEntities, covariates  # noqa: E402
from shared.re_data.io import read_examples  # noqa: E402

VARIANTS = ("matched", "ratio", "calibration", "both")


def fold_curves(fold, test, seed: int, variants: list[str]) -> tuple[dict[str, np.ndarray], float]:  # type: ignore[no-untyped-def]
    """One calibration fold's predicted score of each rule under each variant, and the Kish
    effective size of its weights (a share of validation's rows)."""
    parts, validation_probabilities, test_probabilities = fold
    entities = TrainingEntities.of(parts.train)
    gold = gap.gold_of(parts.validation)
    descriptors, test_descriptors = covariates(parts.validation, entities), covariates(test, entities)
    strata, test_strata = pooled_strata(
        [row.source or "" for row in parts.validation], [row.source or "" for row in test]
    )
    groups = np.array(parts.validation_groups)
    weights = covariate_weights(descriptors, test_descriptors)
    fitted = {}
    for weighted in {variant in ("calibration", "both") for variant in variants}:
        row_weights = weights if weighted else np.ones(len(gold))
        calibration = fit_conditional_calibration(
            validation_probabilities, descriptors, gold, weights=row_weights
        )
        cross_fitted = cross_fitted_posteriors(
            validation_probabilities, descriptors, gold, groups, calibration, seed=seed, weights=row_weights
        )
        fit = conditional_fit(
            validation_probabilities, descriptors, gold, strata, test_probabilities, test_descriptors,
            test_strata, validation_weights=row_weights, start=calibration,
        )  # fmt: skip
        fitted[weighted] = (cross_fitted, fit)
    curves = {}
    for variant in variants:
        cross_fitted, fit = fitted[variant in ("calibration", "both")]
        ratio_weights = weights if variant in ("ratio", "both") else None
        curves[variant] = np.array(
            threshold_scores(
                fit.adjusted, test_probabilities, gold, validation_probabilities, cross_fitted, fit.prior,
                ratio_weights,
            )
        )  # fmt: skip
    return curves, float(weights.sum() ** 2 / np.square(weights).sum() / len(weights))


def one(data: Path, cache: Path, family: str, seed: int, variants: list[str]) -> tuple[str, int, dict, float]:  # type: ignore[type-arg]
    with threadpool_limits(1):
        gap.CACHE = cache
        rows = read_examples(data)
        rest, test = gap.pseudo_test(rows, family, seed)
        test_gold = gap.gold_of(test)
        folds = gap.trained(rest, test, "entity_cluster", seed, family, gap.ESTIMATE_FOLDS)
        results = [fold_curves(fold, test, seed, variants) for fold in folds]
        errors = {}
        for variant in variants:
            median = np.median([curves[variant] for curves, _ in results], axis=0)
            best = int(np.argmax(median))
            errors[variant] = float(
                median[best] - micro_f1(test_gold, apply_rule(folds[0][2], THRESHOLDS[best]))
            )
        return family, seed, errors, float(np.mean([size for _, size in results]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=gap.DEFAULT_DATA)
    parser.add_argument("--cache", type=Path, required=True, help="bench/gap.py's --cache of these sets")
    parser.add_argument("--sets", nargs="+", choices=list(gap.SEED_SETS), default=["fresh-18"])
    parser.add_argument("--seeds", type=int, nargs="+", help="instead of the sets' seeds")
    parser.add_argument("--families", nargs="+", choices=gap.FAMILIES, default=list(gap.FAMILIES))
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    seeds = args.seeds or [seed for name in args.sets for seed in gap.SEED_SETS[name]]
    tasks = [(family, seed) for seed in seeds for family in args.families]
    errors: dict[str, dict[str, list[float]]] = {f: {v: [] for v in args.variants} for f in args.families}
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        runs = pool.map(
            one, *zip(*[(args.data, args.cache, f, s, args.variants) for f, s in tasks], strict=True)
        )
        for family, seed, found, size in runs:
            for variant, error in found.items():
                errors[family][variant].append(error)
            print(f"{family:9s} seed {seed}: effective rows {size:.2f}  "
                  + "  ".join(f"{v} {e:+.2f}" for v, e in found.items()), flush=True)  # fmt: skip
    for family in args.families:
        for variant, found in errors[family].items():
            e = np.array(found)
            print(f"{gap.TITLES[family]:<20} {variant:12s} {len(e)} pseudo-tests  "
                  f"mean |gap| {np.abs(e).mean():.2f}  signed {e.mean():+.2f}  sd {e.std():.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
