"""`roundtrip report data FILE [--against OTHER]`: the data report as JSON."""

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from services.evidence.report import build_report
from shared.re_data.errors import DataFormatError
from shared.re_data.io import read_examples

report_app = typer.Typer(help="Reports that tell what to believe about data and runs.", no_args_is_help=True)


@report_app.command("data")
def data_report(
    path: Annotated[Path, typer.Argument(metavar="FILE")],
    against: Annotated[Path | None, typer.Option(help="count sentences shared with this file")] = None,
) -> None:
    """Labels, lengths, entity-type pairs, duplicates and conflicts, prefix contradictions."""
    try:
        rows = read_examples(path, allow_unlabeled=True)
        other = read_examples(against, allow_unlabeled=True) if against else None
    except DataFormatError as error:
        Console(stderr=True).print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    typer.echo(json.dumps(build_report(rows, other).as_dict(), ensure_ascii=False, indent=1))
