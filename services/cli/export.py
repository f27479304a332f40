"""`roundtrip export FILE --out DIR`: a KLUE-RE file (augmented or not) as a Hugging Face dataset."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from shared.re_data.errors import DataFormatError
from shared.re_data.hf import save_hf_dataset
from shared.re_data.io import read_examples

console = Console(stderr=True)


def export_command(
    input_path: Annotated[Path, typer.Argument(metavar="FILE", help="KLUE JSON, JSONL or competition CSV")],
    out: Annotated[Path, typer.Option("--out", "-o", help="directory for `datasets.load_from_disk`")],
) -> None:
    """Write FILE as a `datasets` dataset (save_to_disk): KLUE-RE features, the label as a ClassLabel
    in the official order, provenance columns kept."""
    try:
        examples = read_examples(input_path, allow_unlabeled=True)
    except DataFormatError as error:
        console.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    rows = save_hf_dataset(examples, out)
    console.print(f"wrote {rows} rows to {out}")
    console.print(f"load it with: datasets.load_from_disk({str(out)!r})", highlight=False)
