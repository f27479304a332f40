"""`roundtrip train` and `roundtrip predict`."""

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from shared.re_data.errors import DataFormatError
from shared.settings import CommonSettings

console = Console(stderr=True)


def train_command(context: typer.Context) -> None:
    """Run a recorded experiment: `--config run.json`, or flags (`roundtrip train --help-args`)."""
    from transformers import HfArgumentParser

    from services.train.args import DataArguments, ModelArguments, RunArguments
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
        run_id = main(data, model, run)
    except (DataFormatError, LeakageError, ValueError, FileNotFoundError) as error:
        console.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
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
        count = predict_file(run_id, str(test_file), out, database_url or CommonSettings().database_url)
    except (RunNotUsable, DataFormatError) as error:
        console.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    console.print(f"wrote {count} predictions to {out}")
