"""The PNG figures a training run saves beside its model (drawn by services.evidence.charts)."""

from pathlib import Path

from services.evidence import charts
from services.train.metrics import REMetrics


def confusion_png(metrics: REMetrics, path: Path) -> Path:
    charts.to_png(charts.confusion(metrics.confusion), path)
    return path


def per_label_f1_png(metrics: REMetrics, path: Path) -> Path:
    title = f"Per-label F1 — micro-F1 {metrics.micro_f1:.2f}, AUPRC {metrics.auprc:.2f}"
    charts.to_png(charts.per_label_f1([vars(score) for score in metrics.per_label], title), path)
    return path
