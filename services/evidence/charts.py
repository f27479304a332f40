"""Every figure Roundtrip draws, as matplotlib Figures: the web pages embed them as SVG, training
runs save them as PNG. Figures are built without pyplot, so threads of the API can draw at once."""

import io
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from shared.re_data.labels import labels

BLUE, ORANGE, GREY = "#4477aa", "#ee7733", "#999999"
matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text in SVG: smaller, selectable


def to_svg(figure: Figure) -> str:
    stream = io.StringIO()
    figure.savefig(stream, format="svg", metadata={"Date": None})
    svg = stream.getvalue()
    return svg[svg.index("<svg") :]  # drop the XML prolog and doctype: the SVG goes inline in HTML


def to_png(figure: Figure, path: Any, dpi: int = 90) -> None:
    figure.savefig(path, format="png", dpi=dpi)


def counts_bar(counts: Mapping[str, int], title: str, *, highlight: str | None = None) -> Figure:
    """Horizontal bars, largest first (label distribution, entity-type pairs, yields)."""
    names = list(counts)[::-1]
    figure = Figure(figsize=(7, max(2.0, 0.24 * len(names) + 0.8)), layout="constrained")
    axes = figure.add_subplot()
    colours = [ORANGE if name == highlight else BLUE for name in names]
    axes.barh(names, [counts[name] for name in names], color=colours)
    axes.set_title(title, fontsize=10)
    axes.tick_params(axis="y", labelsize=7)
    return figure


def histogram(bins: Mapping[str, int], title: str, xlabel: str) -> Figure:
    figure = Figure(figsize=(7, 2.8), layout="constrained")
    axes = figure.add_subplot()
    axes.bar(list(bins), list(bins.values()), color=BLUE)
    axes.set_title(title, fontsize=10)
    axes.set_xlabel(xlabel)
    axes.tick_params(axis="x", labelsize=7, rotation=45)
    return figure


def metric_curves(history: Sequence[Mapping[str, Any]]) -> Figure:
    """Validation micro-F1 and AUPRC at each evaluation (Trainer's entries carry an `eval_` prefix)."""

    def value(entry: Mapping[str, Any], metric: str) -> float:
        found = entry.get(metric, entry.get(f"eval_{metric}"))
        return float("nan") if found is None else float(found)

    points = [entry for entry in history if not np.isnan(value(entry, "micro_f1"))]
    figure = Figure(figsize=(7, 2.8), layout="constrained")
    axes = figure.add_subplot()
    steps = list(range(1, len(points) + 1))
    for metric, colour in (("micro_f1", BLUE), ("auprc", ORANGE)):
        axes.plot(steps, [value(entry, metric) for entry in points], marker="o", color=colour, label=metric)
    axes.set_xlabel("evaluation (per epoch; the last is the final model)")
    # Evaluations are counted, not measured: whole-number ticks, even for a single one.
    axes.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    axes.set_xlim(0.5, max(len(steps), 1) + 0.5)
    axes.set_ylim(0, 100)
    axes.legend(fontsize=8)
    axes.set_title("Validation metrics during training", fontsize=10)
    return figure


def confusion(matrix: Sequence[Sequence[int]]) -> Figure:
    values = np.asarray(matrix, dtype=float)
    normalised = values / np.maximum(values.sum(axis=1, keepdims=True), 1)
    figure = Figure(figsize=(11, 9.5), layout="constrained")
    axes = figure.add_subplot()
    image = axes.imshow(normalised, cmap="Blues", vmin=0, vmax=1)
    axes.set_xticks(range(len(labels())), labels(), rotation=90, fontsize=7)
    axes.set_yticks(range(len(labels())), labels(), fontsize=7)
    axes.set_xlabel("predicted")
    axes.set_ylabel("gold")
    axes.set_title("Confusion matrix (rows normalised; first row/column: no_relation)", fontsize=10)
    figure.colorbar(image, ax=axes, fraction=0.04)
    return figure


def per_label_f1(per_label: Sequence[Mapping[str, Any]], micro_f1: float, auprc: float) -> Figure:
    scores = sorted(per_label, key=lambda score: score["f1"])
    figure = Figure(figsize=(8, 9), layout="constrained")
    axes = figure.add_subplot()
    axes.barh([s["label"] for s in scores], [s["f1"] for s in scores], color=BLUE)
    for index, score in enumerate(scores):
        axes.text(
            score["f1"] + 0.5, index, f"{score['f1']:.1f} (n={score['support']})", va="center", fontsize=6
        )
    axes.set_xlim(0, 110)
    axes.set_xlabel("F1 (validation)")
    axes.set_title(f"Per-label F1 — micro-F1 {micro_f1:.2f}, AUPRC {auprc:.2f}", fontsize=10)
    axes.tick_params(axis="y", labelsize=7)
    return figure


def priors(shares: Mapping[str, Mapping[str, float]], top: int = 12) -> Figure:
    """Training vs estimated test label shares, for the labels the test is estimated to hold most."""
    estimated = shares["estimated_test"]
    names = sorted(estimated, key=lambda name: -estimated[name])[:top][::-1]
    figure = Figure(figsize=(7, 0.3 * len(names) + 1), layout="constrained")
    axes = figure.add_subplot()
    positions = np.arange(len(names))
    axes.barh(
        positions + 0.2, [shares["training"][n] for n in names], height=0.4, color=GREY, label="training"
    )
    axes.barh(
        positions - 0.2, [estimated[n] for n in names], height=0.4, color=ORANGE, label="estimated test"
    )
    axes.set_yticks(positions, names, fontsize=7)
    axes.legend(fontsize=8)
    axes.set_title("Label prior: training vs estimated test", fontsize=10)
    return figure


def differences(arms: Sequence[Mapping[str, Any]], baseline: str) -> Figure:
    """Each arm's micro-F1 difference against the baseline with its 95% interval; 0 is marked."""
    compared = [arm for arm in arms if arm.get("difference_vs_baseline")]
    figure = Figure(figsize=(7, 0.5 * len(compared) + 1.2), layout="constrained")
    axes = figure.add_subplot()
    for index, arm in enumerate(compared):
        difference = arm["difference_vs_baseline"]
        below, above = difference["estimate"] - difference["low"], difference["high"] - difference["estimate"]
        colour = GREY if arm["not_distinguishable_from_noise"] else BLUE
        axes.errorbar(
            difference["estimate"], index, fmt="o", color=colour, capsize=4,
            xerr=[[below], [above]],
        )  # fmt: skip
    axes.axvline(0, color="black", linewidth=0.8)
    axes.set_yticks(range(len(compared)), [arm["arm"] for arm in compared])
    axes.set_ylim(-0.7, len(compared) - 0.3)
    axes.set_xlabel(f"micro-F1 difference vs {baseline} (95% paired bootstrap CI)")
    return figure
