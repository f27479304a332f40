"""How far validation scores sit from a shifted test score, and how much of the gap Roundtrip closes.

On `train.jsonl`, a pseudo-test is built that differs from training the way KLUE-RE's test does:
20% held out grouped by entity clusters (its entities are unseen), resampled to 60% no_relation with
the relation labels moved halfway towards uniform. Its labels are hidden from every method; they only
score the models at the end. The CPU baseline is cross-validated (5 folds) on the remaining 80%:
- random:   stratified folds over rows (what most teams do);
- grouped:  folds grouped by sentence, and by entity cluster (the better gap is reported);
- prior-matched: the entity-cluster folds' out-of-fold score reweighted to the test prior that EM
  estimates from the calibrated fold models' test probabilities (`services.evidence.predicted`).
Each gap is |out-of-fold micro-F1 − mean pseudo-test micro-F1 of the same fold models|. One
pseudo-test is a small sample (rare labels are drawn again and again to reach their share), so the
benchmark builds one per seed and averages the gaps; "true-prior" (validation reweighted to the
pseudo-test's real prior) shows how much no prior estimate could remove.

    python bench/gap.py [--data ../shared/data/klue-re/train.jsonl] [--folds 5] [--seeds 7 11 ...] [--jobs 2]
Last line: `gap random: X  grouped: Y  prior-matched: Z` (mean |gap| over the seeds, micro-F1 points;
grouped is the better of sentence and entity-cluster grouping). Default: 32 seeds, 7 … 2828;
each takes about 10 minutes of one core, so `--jobs 2` halves the wait on two cores.
"""

import argparse
import contextlib
import io
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.evidence.klue_f1 import micro_f1  # noqa: E402
from services.evidence.predicted import label_prior, predict_test_score  # noqa: E402
from services.evidence.prior import reweighted_micro_f1  # noqa: E402
from services.train.baseline import train_baseline  # noqa: E402
from services.train.split import row_groups, split  # noqa: E402
from shared.re_data.io import read_examples  # noqa: E402
from shared.re_data.labels import NO_RELATION, label_to_id, labels  # noqa: E402
from shared.re_data.schema import REExample  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared/data/klue-re/train.jsonl"
TEST_NO_RELATION = 0.6
DESIGN_SEEDS = (7, 11, 23, 42, 101, 202, 303)
CHECK_SEEDS = (404, 505, 606, 707, 808, 909, 1010, 1111, 1212, 1313, 1414, 1515, 1616, 1717, 1818)
FRESH_SEEDS = (1919, 2020, 2121, 2222, 2323, 2424, 2525, 2626, 2727, 2828)
SEED_GROUPS = (("design", DESIGN_SEEDS), ("check", CHECK_SEEDS), ("fresh", FRESH_SEEDS))


def gold_of(rows: Sequence[REExample]) -> np.ndarray:
    return np.array([label_to_id()[str(row.label)] for row in rows])


def shifted_prior(pool_gold: np.ndarray) -> np.ndarray:
    """60% no_relation; each relation halfway between its pool share and uniform over relations."""
    counts = np.bincount(pool_gold, minlength=len(labels())).astype(float)
    counts[0] = 0
    present = (counts > 0).astype(float)
    relations = 0.5 * counts / counts.sum() + 0.5 * present / present.sum()
    return np.concatenate([[TEST_NO_RELATION], (1 - TEST_NO_RELATION) * relations[1:]])


def resample(pool: Sequence[REExample], prior: np.ndarray, seed: int) -> list[REExample]:
    """As many rows as the pool's no_relation rows allow at the target share; a label with fewer
    rows than its share takes all of them and draws the rest again (with replacement)."""
    generator = np.random.default_rng(seed)
    gold = gold_of(pool)
    size = int(np.sum(gold == 0) / prior[0])
    chosen: list[int] = []
    for label_id, share in enumerate(prior):
        members, wanted = np.flatnonzero(gold == label_id), round(size * share)
        if wanted == 0 or len(members) == 0:
            continue
        if wanted <= len(members):
            chosen.extend(generator.choice(members, wanted, replace=False))
        else:
            chosen.extend(members)
            chosen.extend(generator.choice(members, wanted - len(members), replace=True))
    return [pool[i] for i in chosen]


@dataclass
class CrossValidation:
    name: str
    out_of_fold_gold: np.ndarray
    out_of_fold_probabilities: np.ndarray
    out_of_fold_groups: np.ndarray
    test_probabilities: list[np.ndarray]
    training_gold: np.ndarray

    def validation_f1(self) -> float:
        return micro_f1(self.out_of_fold_gold, self.out_of_fold_probabilities.argmax(axis=1))

    def test_f1(self, test_gold: np.ndarray) -> float:
        return float(np.mean([micro_f1(test_gold, p.argmax(axis=1)) for p in self.test_probabilities]))


def cross_validate(
    name: str,
    rows: Sequence[REExample],
    test: Sequence[REExample],
    group_by: str | None,
    folds: int,
    seed: int,
) -> CrossValidation:
    gold = gold_of(rows)
    groups = row_groups(rows, group_by) if group_by else np.array([row.guid for row in rows])
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    order, probabilities, test_probabilities = [], [], []
    for fold, (train_index, validation_index) in enumerate(splitter.split(np.zeros(len(rows)), gold, groups)):
        started = time.perf_counter()
        model = train_baseline([rows[i] for i in train_index], seed=seed)
        probabilities.append(model.predict_proba([rows[i] for i in validation_index]))
        test_probabilities.append(model.predict_proba(test))
        order.append(validation_index)
        print(f"  {name} fold {fold + 1}/{folds}: {time.perf_counter() - started:.1f} s", flush=True)
    index = np.concatenate(order)
    return CrossValidation(
        name, gold[index], np.vstack(probabilities), groups[index], test_probabilities, gold
    )


def one_pseudo_test(rows: Sequence[REExample], seed: int, folds: int) -> dict[str, float]:
    """Build one pseudo-test with `seed`, cross-validate on the rest; |gap| per method."""
    held_out = split(rows, validation_fraction=0.2, seed=seed, group_by="entity_cluster")
    rest, pool = held_out.train, held_out.validation
    test = resample(pool, shifted_prior(gold_of(pool)), seed)
    test_gold = gold_of(test)  # scores the models at the end; no method below sees it
    rest_pairs = {(e.subject_entity.word, e.object_entity.word) for e in rest}
    seen = np.mean([(r.subject_entity.word, r.object_entity.word) in rest_pairs for r in test])
    print(f"== pseudo-test seed {seed}: rest {len(rest)} rows, pool {len(pool)}, "
          f"pseudo-test {len(test)} rows, no_relation {np.mean(test_gold == 0):.3f} "
          f"(rest {np.mean(gold_of(rest) == 0):.3f}), "
          f"entity pairs seen in rest {seen:.3f}")  # fmt: skip

    schemes = (("random", None), ("sentence", "sentence"), ("entity_cluster", "entity_cluster"))
    runs = {name: cross_validate(name, rest, test, group_by, folds, seed) for name, group_by in schemes}
    gaps = {}
    for name, run in runs.items():
        validation, tested = run.validation_f1(), run.test_f1(test_gold)
        gaps[name] = abs(validation - tested)
        print(f"  {name:15s} validation micro-F1 {validation:6.2f}  pseudo-test {tested:6.2f}  "
              f"gap {gaps[name]:5.2f}")  # fmt: skip

    clusters = runs["entity_cluster"]
    estimate = predict_test_score(
        clusters.out_of_fold_gold, clusters.out_of_fold_probabilities, clusters.test_probabilities,
        training_prior=label_prior(clusters.training_gold), groups=clusters.out_of_fold_groups,
        test_groups=row_groups(test),
    )  # fmt: skip
    predicted, tested = estimate.predicted_test_micro_f1, clusters.test_f1(test_gold)
    gaps["prior-matched"] = abs(predicted.estimate - tested)
    true_prior, estimated = label_prior(test_gold), estimate.estimated_test_prior
    oracle = reweighted_micro_f1(clusters.out_of_fold_gold, clusters.out_of_fold_probabilities.argmax(axis=1),
                                 true_prior)  # fmt: skip
    gaps["true-prior"] = abs(oracle - tested)
    gaps["covered"] = float(predicted.covers(tested))
    print(f"  predicted test micro-F1 {predicted.estimate:.2f} [95% CI {predicted.low:.2f}, "
          f"{predicted.high:.2f}; clusters and test rows resampled]  "
          f"pseudo-test {tested:.2f}  gap {gaps['prior-matched']:.2f}  "
          f"(reweighted to the true prior: {oracle:.2f}, gap {gaps['true-prior']:.2f})")  # fmt: skip
    print(f"  estimated test prior: no_relation {estimated[0]:.3f} (true {true_prior[0]:.3f}), "
          f"L1 to the true prior {np.abs(estimated - true_prior).sum():.3f} (training prior's: "
          f"{np.abs(estimate.training_prior - true_prior).sum():.3f})")  # fmt: skip
    for label in (NO_RELATION, "per:title", "org:top_members/employees", "per:date_of_birth"):
        i = labels().index(label)
        print(f"    {label:28s} train {estimate.training_prior[i]:.3f}  estimated test {estimated[i]:.3f}  "
              f"true {true_prior[i]:.3f}")  # fmt: skip
    return gaps


def logged_pseudo_test(data: Path, seed: int, folds: int) -> tuple[str, dict[str, float]]:
    """One pseudo-test in a worker process; its log comes back whole, so parallel seeds don't
    interleave their lines."""
    with contextlib.redirect_stdout(io.StringIO()) as log:
        gaps = one_pseudo_test(read_examples(data), seed, folds)
    return log.getvalue(), gaps


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--folds", type=int, default=5)
    # 7 … 303 guided the estimator's design (matrix-scaling calibration was chosen on them); 404 … 1818
    # were each run once, after that choice, to check it on pseudo-tests it had never seen; 1919 … 2828
    # were first run once on the baseline with between-entity features, after every other choice.
    every_seed = [seed for _, seeds in SEED_GROUPS for seed in seeds]
    parser.add_argument("--seeds", type=int, nargs="+", default=every_seed,
                        help="one pseudo-test per seed; the last line averages their gaps")  # fmt: skip
    parser.add_argument("--jobs", type=int, default=1,
                        help="pseudo-tests run side by side (the baseline trains on one core)")  # fmt: skip
    args = parser.parse_args()

    if args.jobs == 1:
        rows = read_examples(args.data)
        per_seed = {seed: one_pseudo_test(rows, seed, args.folds) for seed in args.seeds}
    else:
        per_seed = {}
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            runs = pool.map(logged_pseudo_test, [args.data] * len(args.seeds), args.seeds,
                            [args.folds] * len(args.seeds))  # fmt: skip
            for seed, (log, gaps) in zip(args.seeds, runs, strict=True):
                print(log, end="", flush=True)
                per_seed[seed] = gaps
    methods = ["random", "sentence", "entity_cluster", "prior-matched", "true-prior"]
    print("\n|gap| per pseudo-test   " + "  ".join(f"{m:>14s}" for m in methods))
    for seed, gaps in per_seed.items():
        print(f"seed {seed:<19d}" + "  ".join(f"{gaps[m]:14.2f}" for m in methods))
    for title, seeds in SEED_GROUPS:
        if (ran := [per_seed[seed] for seed in seeds if seed in per_seed]) and len(ran) < len(per_seed):
            means = "  ".join(f"{np.mean([g[m] for g in ran]):14.2f}" for m in methods)
            print(f"mean, {title} seeds".ljust(23) + means)
    mean = {m: float(np.mean([gaps[m] for gaps in per_seed.values()])) for m in methods}
    print("mean                   " + "  ".join(f"{mean[m]:14.2f}" for m in methods))
    covered = sum(gaps["covered"] for gaps in per_seed.values())
    print(
        f"the predicted score's 95% interval covered the pseudo-test {covered:.0f} of {len(per_seed)} times"
    )
    grouped = min(mean["sentence"], mean["entity_cluster"])
    random, prior_matched = mean["random"], mean["prior-matched"]
    print(f"gap random: {random:.2f}  grouped: {grouped:.2f}  prior-matched: {prior_matched:.2f}")


if __name__ == "__main__":
    main()
