"""What a command did, as a short table: the figures a user looks for, and what to try next."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table


def _interval(value: Mapping[str, Any]) -> str:
    return f"{value['estimate']:.2f}  [{value['low']:.2f}, {value['high']:.2f}]"


def train_table(run_id: str, metrics: Mapping[str, Any], artifacts_dir: str, validation_rows: int) -> Table:
    """The end of `roundtrip train`: validation scores with 95% intervals, the predicted test
    score when a test file was given, the chosen threshold, the artifacts and next commands."""
    intervals = metrics["intervals"]
    table = Table(title=f"Run {run_id}", show_header=True)
    table.add_column("what")
    table.add_column("value  [95% CI]")
    table.add_row("validation micro-F1", _interval(intervals["micro_f1"]))
    table.add_row("validation AUPRC", _interval(intervals["auprc"]))
    table.add_row(
        "no_relation threshold (chosen on validation)", f"{metrics['best_no_relation_threshold']:.2f}"
    )
    table.add_row("validation micro-F1 at that threshold", _interval(intervals["micro_f1_at_best_threshold"]))
    estimate = metrics.get("test_estimate")
    if estimate and "test_threshold" in estimate:
        from services.cli.report import side_by_side

        for what, value in side_by_side(estimate)[2:]:
            table.add_row(what, value)
    table.add_row("validation rows", str(validation_rows))
    table.add_row("artifacts", artifacts_dir)
    plots = (Path(artifacts_dir) / name for name in ("confusion_matrix.png", "per_label_f1.png"))
    table.add_row("plots", ", ".join(map(str, plots)))
    return table


def next_steps(run_id: str, has_test_estimate: bool) -> list[str]:
    steps = [f"roundtrip predict {run_id} TEST_FILE --out submission.csv"]
    if not has_test_estimate:
        steps.insert(0, f"roundtrip report run {run_id} --test TEST_FILE   # predicted test micro-F1")
    steps.append(f"roundtrip report compare {run_id} OTHER_RUN_IDS... --baseline NAME")
    return steps


def print_next(console: Console, steps: list[str]) -> None:
    console.print("next:", style="bold")
    for step in steps:
        console.print(f"  {step}", highlight=False, soft_wrap=True)
