"""Confusion-matrix and per-label-F1 figures, rendered to PNG without a display."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from services.train.metrics import REMetrics
from shared.re_data.labels import labels


def confusion_png(metrics: REMetrics, path: Path) -> Path:
    matrix = np.array(metrics.confusion, dtype=float)
    normalised = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    figure, axes = plt.subplots(figsize=(13, 11))
    image = axes.imshow(normalised, cmap="Blues", vmin=0, vmax=1)
    axes.set_xticks(range(len(labels())), labels(), rotation=90, fontsize=7)
    axes.set_yticks(range(len(labels())), labels(), fontsize=7)
    axes.set_xlabel("predicted")
    axes.set_ylabel("gold")
    axes.set_title("Confusion matrix (rows normalised; first row/column: no_relation)")
    figure.colorbar(image, ax=axes, fraction=0.04)
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
    return path


def per_label_f1_png(metrics: REMetrics, path: Path) -> Path:
    scores = sorted(metrics.per_label, key=lambda score: score.f1)
    figure, axes = plt.subplots(figsize=(9, 10))
    axes.barh([s.label for s in scores], [s.f1 for s in scores], color="#4477aa")
    for index, score in enumerate(scores):
        axes.text(score.f1 + 0.5, index, f"{score.f1:.1f} (n={score.support})", va="center", fontsize=7)
    axes.set_xlim(0, 110)
    axes.set_xlabel("F1 (validation)")
    axes.set_title(f"Per-label F1 — micro-F1 {metrics.micro_f1:.2f}, AUPRC {metrics.auprc:.2f}")
    axes.tick_params(axis="y", labelsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
    return path
