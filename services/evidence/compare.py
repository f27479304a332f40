"""Compare arms of an experiment matrix (baseline, +en, +ja, +both), each run with several seeds.

Runs are grouped into arms by name (every seed of "+en" is named "+en"). For each arm: mean ± sd
over seeds of micro-F1 and AUPRC; against the baseline arm, a hierarchical bootstrap interval of
the difference in mean micro-F1 (training seeds resampled, then whole validation groups, on the
same rows), per-label F1 deltas, and a verdict: "not distinguishable from noise" when the interval
covers 0, and "needs more seeds" while an arm has fewer than MIN_SEEDS_FOR_VERDICT runs. A label with no
validation rows has no delta: its F1 is 0 for every run by convention, and 0 − 0 would read as "no
change" where nothing was measured.
All runs must have been validated on the same rows, or the comparison would not be paired."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from services.evidence.bootstrap import paired_difference_interval
from services.evidence.predictions import ValidationPredictions
from shared.re_data.labels import labels

MIN_SEEDS_FOR_VERDICT = 3  # training seeds per arm before a verdict accounts for seed variance


class NotComparable(ValueError):
    """The runs cannot be compared as asked (not finished, or validated on different rows)."""


@dataclass(frozen=True)
class ComparedRun:
    id: str
    arm: str
    seed: int | None
    metrics: dict[str, Any]
    validation: ValidationPredictions


def _mean_sd(values: Sequence[float]) -> dict[str, float | int]:
    array = np.asarray(values, dtype=float)
    sd = float(array.std(ddof=1)) if len(array) > 1 else 0.0
    return {"mean": round(float(array.mean()), 3), "sd": round(sd, 3), "n": len(array)}


def _per_label_f1(runs: Sequence[ComparedRun]) -> dict[str, float]:
    scores: dict[str, list[float]] = defaultdict(list)
    for run in runs:
        for score in run.metrics.get("per_label", []):
            scores[score["label"]].append(float(score["f1"]))
    return {label: round(float(np.mean(values)), 3) for label, values in scores.items()}


def compare(
    runs: Sequence[ComparedRun], *, baseline: str | None = None, samples: int = 1000, seed: int = 0
) -> dict[str, Any]:
    if not runs:
        raise NotComparable("no runs to compare")
    reference = runs[0].validation
    for run in runs[1:]:
        if run.validation.ids != reference.ids:
            raise NotComparable(
                f"run {run.id} was validated on other rows than run {runs[0].id}: "
                "compare runs with the same dataset, split_seed, validation_fraction and group_by"
            )
    arms: dict[str, list[ComparedRun]] = defaultdict(list)
    for run in runs:
        arms[run.arm].append(run)
    baseline = baseline or runs[0].arm
    if baseline not in arms:
        raise NotComparable(f"no run is named {baseline!r}; arms: {', '.join(arms)}")
    gold, groups = reference.gold, reference.groups
    baseline_predictions = [run.validation.predicted for run in arms[baseline]]
    baseline_per_label = _per_label_f1(arms[baseline])
    support = dict(zip(labels(), np.bincount(gold, minlength=len(labels())).tolist(), strict=True))
    table = []
    for arm, members in arms.items():
        row: dict[str, Any] = {
            "arm": arm,
            "runs": [run.id for run in members],
            "seeds": [run.seed for run in members],
            "micro_f1": _mean_sd([run.metrics["micro_f1"] for run in members]),
            "auprc": _mean_sd([run.metrics["auprc"] for run in members]),
            "per_label_f1": _per_label_f1(members),
        }
        if arm != baseline:
            difference = paired_difference_interval(
                gold, baseline_predictions, [run.validation.predicted for run in members],
                groups=groups, samples=samples, seed=seed,
            )  # fmt: skip
            row["difference_vs_baseline"] = difference.as_dict()
            row["not_distinguishable_from_noise"] = difference.covers(0.0)
            # seeds, then rows: with one run in either arm, seed-to-seed spread is not in the interval
            row["needs_more_seeds"] = min(len(members), len(arms[baseline])) < MIN_SEEDS_FOR_VERDICT
            if row["needs_more_seeds"]:
                row["verdict"] = (
                    f"needs more seeds: {len(arms[baseline])} vs {len(members)} run(s); run at least "
                    f"{MIN_SEEDS_FOR_VERDICT} seeds per arm, the interval only holds validation-row noise"
                )
            else:
                row["verdict"] = (
                    "not distinguishable from noise"
                    if difference.covers(0.0)
                    else ("better than the baseline" if difference.low > 0 else "worse than the baseline")
                )
            row["per_label_f1_delta"] = {
                label: round(f1 - baseline_per_label.get(label, 0.0), 3)
                for label, f1 in row["per_label_f1"].items()
                if support.get(label, 0) > 0
            }
        table.append(row)
    return {
        "baseline": baseline,
        "validation_rows": len(gold),
        "validation_support": support,
        "resampled": "groups" if groups is not None else "rows",
        "bootstrap_samples": samples,
        "arms": table,
    }
