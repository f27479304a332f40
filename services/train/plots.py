"""The PNG figures a training run saves beside its model (drawn by services.evidence.charts)."""

from pathlib import Path

from services.evidence import charts
from services.train.metrics import REMetrics


def confusion_png(metrics: REMetrics, path: Path) -> Path:
    charts.to_png(charts.confusion(metrics.confusion), path)
    return path


def per_label_f1_png(metrics: REMetrics, path: Path) -> Path:
    per_label = [vars(score) for score in metrics.per_label]
    charts.to_png(charts.per_label_f1(per_label, metrics.micro_f1, metrics.auprc), path)
    return path
