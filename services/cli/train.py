"""`roundtrip train` and `roundtrip predict`."""

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from services.cli.progress import step_bars
from services.cli.summaries import next_steps, print_next, train_table
from shared.re_data.errors import DataFormatError
from shared.settings import CommonSettings

console = Console(stderr=True)


def train_command(context: typer.Context) -> None:
    """Run a recorded experiment: `--config run.json`, or flags (`roundtrip train --help-args`)."""
    from transformers import HfArgumentParser

    from services.train.args import DataArguments, ModelArguments, RunArguments
    from services.train.predict import RunNotUsable, usable_run
    from services.train.run_re import main
    from services.train.split import LeakageError

    dataclass_types: Any = (DataArguments, ModelArguments, RunArguments)
    parser = HfArgumentParser(dataclass_types, prog="roundtrip train")
    args = list(context.args)
    if "--help-args" in args:
        parser.print_help()
        return
    try:
        if len(args) == 2 and args[0] == "--config":
            data, model, run = parser.parse_json_file(args[1])
        else:
            data, model, run = parser.parse_args_into_dataclasses(args)
        with step_bars(console) as progress:
            run_id = main(data, model, run, progress=progress)
        recorded = usable_run(run_id, run.database_url or CommonSettings().database_url)
    except (DataFormatError, LeakageError, ValueError, FileNotFoundError, RunNotUsable) as error:
        console.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    validation_rows = int(recorded.split.get("validation", 0))
    console.print(train_table(run_id, recorded.metrics, str(recorded.run_dir), validation_rows))
    print_next(console, next_steps(run_id, bool(recorded.metrics.get("test_estimate"))))
    typer.echo(run_id)


def predict_command(
    run_id: Annotated[str, typer.Argument(metavar="RUN_ID")],
    test_file: Annotated[Path, typer.Argument(metavar="TEST_FILE")],
    out: Annotated[Path, typer.Option("--out", "-o")] = Path("submission.csv"),
    database_url: Annotated[str | None, typer.Option(help="records store (default: settings)")] = None,
) -> None:
    """Write the competition submission (id,pred_label,probs) for TEST_FILE with a recorded run."""
    from services.train.predict import RunNotUsable, predict_file

    try:
        with step_bars(console) as progress:
            submission = predict_file(
                run_id, str(test_file), out, database_url or CommonSettings().database_url, progress
            )
    except (RunNotUsable, DataFormatError) as error:
        console.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    table = Table(title=f"Submission from run {run_id}")
    table.add_column("what")
    table.add_column("value")
    table.add_row("rows predicted", str(submission.rows))
    rule = "argmax" if submission.threshold is None else f"no_relation when p ≥ {submission.threshold:.2f}"
    table.add_row("decision rule", rule)
    no_relation = submission.label_counts.get("no_relation", 0)
    table.add_row("predicted no_relation", f"{no_relation} ({no_relation / max(submission.rows, 1):.1%})")
    top = [(label, n) for label, n in submission.label_counts.items() if label != "no_relation"][:5]
    table.add_row("most predicted relations", ", ".join(f"{label} {n}" for label, n in top) or "—")
    table.add_row("written to", str(out))
    console.print(table)
    print_next(console, [f"roundtrip report run {run_id} --test {test_file}   # predicted test micro-F1"])
