"""Where does family (d)'s bias come from: the estimated test prior? (A study for issue 14, on cached
models of bench/gap.py's used seed sets; point estimates only.)

Per pseudo-test and calibration fold, the "matched" estimator's point-estimate curve over the
thresholds, as services.evidence.shift computes it (calibration on model output and descriptors,
each source's test prior, matched's true-positive ratio read at the overall prior), but with the
prior per source given by a variant; then, as the product does (services.evidence.folds), the rule
the folds' median likes best, predicted as that median, and the submitted (first) model graded at
it. Variants (each source's prior):
  em:              EM per source (the product until shared-relations replaced it);
  true:            the pseudo-test's own prior, given;
  true-share:      EM's relation shares, the true `no_relation` share;
  true-relations:  EM's `no_relation` share, the true relation shares;
  pacc-share:      EM's relation shares, the `no_relation` share from binary probabilistic adjusted
                   counts (validation's cross-fitted posteriors give the rates);
  deattenuated-relations: EM's `no_relation` share, the relation shares of EM's shift deattenuated
                   (services.evidence.conditional.deattenuated_prior);
  pooled-relations: EM's `no_relation` share, each source's validation relation shares scaled by
                   one relation shift for all sources (EM on all test rows).
  shared-relations: one EM for all sources whose prior is each source's validation prior with its
                   own `no_relation` share and one relation shift shared by the sources (a log-linear
                   prior: per source a `no_relation` factor, per relation a factor for all;
                   services.evidence.prior.shared_relation_priors, the product's: it reproduces
                   bench/gap.py's point estimates);
  halfway-relations: EM's `no_relation` share, the relation shares halfway between per-source EM's
                   and shared-relations'.

    python bench/prior_study.py --sets fresh-10 fresh-11 --cache DIR10 DIR11 [--family all] [--variants ...]
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

from services.evidence.conditional import (  # noqa: E402
    cross_fitted_posteriors,
    deattenuated_prior,
    fit_conditional_calibration,
    pooled_strata,
)
from services.evidence.klue_f1 import micro_f1  # noqa: E402
from services.evidence.prior import (  # noqa: E402
    adjusted_posteriors,
    em_prior,
    shared_relation_priors,
    weighted_prior,
)
from services.evidence.shift import THRESHOLDS, apply_rule, threshold_scores  # noqa: E402
from services.train.covariates import TrainingEntities, covariates  # noqa: E402
from shared.re_data.io import read_examples  # noqa: E402

VARIANTS = ("em", "true", "true-share", "true-relations", "pacc-share", "deattenuated-relations",
            "pooled-relations", "shared-relations", "halfway-relations")  # fmt: skip


def with_share(share: float, relations: np.ndarray) -> np.ndarray:
    """A prior: this `no_relation` share, the rest split as `relations` (a prior's relation part)."""
    return np.r_[share, (1 - share) * relations[1:] / max(float(relations[1:].sum()), 1e-12)]


def pacc_share(test_calibrated: np.ndarray, cross_fitted: np.ndarray, gold: np.ndarray) -> float:
    """The `no_relation` share from binary probabilistic adjusted counts: the test's mean relation
    probability, less validation's on `no_relation` rows, over validation's gap between the two."""
    posteriors = cross_fitted.mean(axis=0)
    is_relation = gold != 0
    on_relations, on_none = 1 - posteriors[is_relation, 0].mean(), 1 - posteriors[~is_relation, 0].mean()
    relation_share = (1 - test_calibrated[:, 0].mean() - on_none) / max(on_relations - on_none, 1e-6)
    return 1 - float(np.clip(relation_share, 0.01, 0.99))


def variant_prior(
    variant: str,
    em: np.ndarray,
    true: np.ndarray,
    source: np.ndarray,
    test_calibrated: np.ndarray,
    cross_fitted: np.ndarray,
    gold: np.ndarray,
    shift: np.ndarray,
    shared: np.ndarray,
) -> np.ndarray:
    """One source's test prior under `variant` (the module's docstring); `cross_fitted` and `gold`:
    that source's validation rows; `shift`: EM's estimate over all test rows / validation's prior;
    `shared`: this source's shared-relations prior."""
    if variant == "em":
        return em
    if variant == "true":
        return true
    if variant == "true-share":
        return with_share(true[0], em)
    if variant == "true-relations":
        return with_share(em[0], true)
    if variant == "pacc-share":
        return with_share(pacc_share(test_calibrated, cross_fitted, gold), em)
    if variant == "deattenuated-relations":
        return with_share(em[0], deattenuated_prior(em, source, cross_fitted, gold, np.ones(len(gold))))
    if variant == "pooled-relations":
        return with_share(em[0], source * shift)
    if variant == "shared-relations":
        return shared
    return with_share(em[0], 0.5 * with_share(0.0, em) + 0.5 * with_share(0.0, shared))  # halfway-relations


def fold_curves(fold, test, test_gold: np.ndarray, seed: int, variants: list[str]) -> dict[str, np.ndarray]:  # type: ignore[no-untyped-def]
    """One calibration fold's predicted score of each rule in THRESHOLDS under each variant's prior
    (the calibration and its cross-fitting fitted once for all)."""
    parts, validation_probabilities, test_probabilities = fold
    entities = TrainingEntities.of(parts.train)
    gold = gap.gold_of(parts.validation)
    descriptors, test_descriptors = covariates(parts.validation, entities), covariates(test, entities)
    strata, test_strata = pooled_strata(
        [row.source or "" for row in parts.validation], [row.source or "" for row in test]
    )
    calibration = fit_conditional_calibration(validation_probabilities, descriptors, gold)
    groups = np.array(parts.validation_groups)
    cross_fitted = cross_fitted_posteriors(
        validation_probabilities, descriptors, gold, groups, calibration, seed=seed
    )
    calibrated = calibration.apply(test_probabilities, test_descriptors)
    width = calibrated.shape[1]
    validation_prior = weighted_prior(gold)
    shift = em_prior(calibrated, validation_prior, tolerance=1e-6) / np.clip(validation_prior, 1e-12, None)
    stratum_ids = np.unique(test_strata)
    sources = np.array([weighted_prior(gold[strata == stratum]) for stratum in stratum_ids])
    shared = shared_relation_priors(calibrated, np.searchsorted(stratum_ids, test_strata), sources)
    # per stratum, once for every variant: its test rows, validation rows, EM's and the true prior
    per_stratum = []
    for stratum, source in zip(stratum_ids, sources, strict=True):
        rows, members = test_strata == stratum, strata == stratum
        em = em_prior(calibrated[rows], source, tolerance=1e-6)
        true = np.bincount(test_gold[rows], minlength=width) / rows.sum()
        per_stratum.append((rows, members, source, em, true))
    curves = {}
    for variant in variants:
        adjusted, overall = np.zeros_like(calibrated), np.zeros(width)
        for (rows, members, source, em, true), shared_prior in zip(per_stratum, shared, strict=True):
            prior = variant_prior(
                variant,
                em,
                true,
                source,
                calibrated[rows],
                cross_fitted[:, members],
                gold[members],
                shift,
                shared_prior,
            )
            adjusted[rows] = adjusted_posteriors(calibrated[rows], source, prior)
            overall += prior * rows.sum()
        overall /= len(calibrated)
        scores = threshold_scores(
            adjusted, test_probabilities, gold, validation_probabilities, cross_fitted, overall
        )
        curves[variant] = np.array(scores)
    return curves


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=gap.DEFAULT_DATA)
    parser.add_argument(
        "--cache",
        type=Path,
        nargs="+",
        required=True,
        help="bench/gap.py's --cache: one for all sets, or one per set",
    )
    parser.add_argument("--sets", nargs="+", choices=list(gap.SEED_SETS), default=["fresh-11"])
    parser.add_argument("--family", choices=gap.FAMILIES, default="all")
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    args = parser.parse_args()
    if len(args.cache) not in (1, len(args.sets)):
        parser.error("--cache: one folder for all sets, or one per set")
    caches = args.cache * len(args.sets) if len(args.cache) == 1 else args.cache
    rows = read_examples(args.data)
    errors: dict[str, list[float]] = {variant: [] for variant in args.variants}
    with threadpool_limits(1):
        for seed, cache in [
            (seed, cache)
            for name, cache in zip(args.sets, caches, strict=True)
            for seed in gap.SEED_SETS[name]
        ]:
            gap.CACHE = cache
            rest, test = gap.pseudo_test(rows, args.family, seed)
            test_gold = gap.gold_of(test)
            folds = gap.trained(rest, test, "entity_cluster", seed, args.family, 3)
            line = []
            per_fold = [fold_curves(fold, test, test_gold, seed, args.variants) for fold in folds]
            for variant in args.variants:
                median = np.median([curves[variant] for curves in per_fold], axis=0)
                best = int(np.argmax(median))
                error = float(median[best] - micro_f1(test_gold, apply_rule(folds[0][2], THRESHOLDS[best])))
                errors[variant].append(error)
                line.append(f"{variant} {error:+.2f}")
            print(f"seed {seed}: " + "  ".join(line), flush=True)
    for variant, found in errors.items():
        e = np.array(found)
        print(f"({args.family}) {variant:24s} {len(e)} pseudo-tests  mean |gap| {np.abs(e).mean():.2f}  "
              f"signed {e.mean():+.2f}  sd {e.std():.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
