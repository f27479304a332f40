"""`roundtrip demo`: the first command a new user runs (`make demo`).

It back-translates a small slice of KLUE-RE with the real default models when they can be had (a
reachable model hub, or `ROUNDTRIP_MODEL_*` pointing at local copies), and with tiny random-weight
models when they cannot, saying so in one line before it starts. Either way it ends with source
rows beside what came back, entities highlighted, so a person sees what the product did."""

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from services.augment.config import EngineSettings
from services.augment.engine.augmenter import AugmentReport, Engine
from services.augment.engine.backtranslate import DroppedRow
from services.augment.engine.decoding import DecodingSettings
from services.augment.engine.registry import PIVOTS, ModelSpec, pivot_legs
from services.augment.engine.translators.base import ModelUnavailableError
from services.cli.augment import print_summary, quiet_transformers, run_with_progress, write_drop_log
from shared.db.migrate import upgrade
from shared.db.session import session_factory
from shared.logging import configure_logging
from shared.re_data.errors import DataFormatError
from shared.re_data.formats import DataFormat
from shared.re_data.io import read_examples, write_examples
from shared.re_data.schema import REExample

console = Console(stderr=True)
DEFAULT_DATA = Path("../shared/data/klue-re/train.jsonl")
HUB_PROBE_TIMEOUT_S = 5.0
SUBJECT_STYLE, OBJECT_STYLE = "bold cyan", "bold magenta"


def demo_command(
    data: Annotated[Path, typer.Option(help="KLUE-RE rows to back-translate")] = DEFAULT_DATA,
    rows: Annotated[int, typer.Option(min=1, help="how many rows from the start of --data")] = 100,
    pivot: Annotated[list[str] | None, typer.Option("--pivot", "-p", help="pivot: en (default), ja")] = None,
    workdir: Annotated[Path, typer.Option(help="where outputs, the cache and tiny models go")] = Path("var"),
    show: Annotated[int, typer.Option(min=1, help="rows in the before/after table")] = 5,
) -> None:
    """Back-translate a slice of KLUE-RE and show source rows beside what came back."""
    pivots = list(dict.fromkeys(pivot or ["en"]))
    bad = [p for p in pivots if p not in PIVOTS]
    if bad:
        _fail(f"unsupported pivot {bad[0]!r}; choose from {', '.join(PIVOTS)}")
    try:
        examples = read_examples(data)[:rows]
    except DataFormatError as error:
        _fail(str(error))
    workdir.mkdir(parents=True, exist_ok=True)
    configure_logging("WARNING")
    quiet_transformers()

    settings = EngineSettings(database_url=f"sqlite:///{(workdir / 'demo-cache.db').resolve()}")
    missing = [
        spec for p in pivots for spec in pivot_legs(settings, p) if not model_available(spec, settings)
    ]
    if missing:
        names = ", ".join(sorted({f"{spec.model} ({spec.direction})" for spec in missing}))
        console.print(
            f"[yellow]No model hub and no local copy of {escape(names)}: using tiny random-weight models "
            "instead; they translate nonsense, so expect most rows dropped (set ROUNDTRIP_MODEL_* to "
            "local copies for real output).[/]",
            soft_wrap=True,
        )
        settings = tiny_settings(settings, workdir / "tiny-models", [e.sentence for e in examples])
    else:
        used = ", ".join(f"{spec.direction} {spec.model}" for p in pivots for spec in pivot_legs(settings, p))
        console.print(f"Real models: {escape(used)}", soft_wrap=True)

    upgrade(settings.database_url)
    engine = Engine(settings, session_factory(settings.database_url))
    try:
        report = run_with_progress(engine, examples, pivots, "locate", DecodingSettings(), 1)
    except ModelUnavailableError as error:
        _fail(str(error))
    out = workdir / "demo-augmented.jsonl"
    written = write_examples(report.rows, out, DataFormat.JSONL)
    write_drop_log(report, out)
    print_summary(report, settings.database_url)
    Console().print(before_after(examples, report, show))
    console.print(f"wrote {written} rows to {out}; drops logged beside it", highlight=False)


def model_available(spec: ModelSpec, settings: EngineSettings) -> bool:
    """A local directory, a copy in the local hub cache, or (online) a hub that answers for it."""
    if spec.is_local:
        return True
    if spec.model.startswith(("/", ".", "~")):
        return False  # a path that is not there
    from services.augment.engine.translators.hub import cached_locally

    if cached_locally(spec):
        return True
    if settings.offline:
        return False
    try:
        from huggingface_hub import HfApi

        HfApi().model_info(spec.model, revision=spec.revision, timeout=HUB_PROBE_TIMEOUT_S)
    except Exception:  # no network, no such model, a proxy in the way: all mean "not here"
        return False
    return True


def tiny_settings(settings: EngineSettings, directory: Path, texts: list[str]) -> EngineSettings:
    """Settings pointing every direction at tiny models in `directory` (built once, then reused)."""
    from services.augment.engine.tiny_models import TINY_FOLDERS, build_all

    expected = {name: directory / folder for name, folder in TINY_FOLDERS.items()}
    paths = expected if all(p.is_dir() for p in expected.values()) else build_all(directory, texts * 5)
    overrides = {f"model_{name}": str(path.resolve()) for name, path in paths.items()}
    return settings.model_copy(update=overrides | {"offline": True})


def before_after(examples: list[REExample], report: AugmentReport, show: int) -> Table:
    """Source rows beside their back-translated rows (or what came back and why it was dropped)."""
    table = Table(title="Before and after (subject in cyan, object in magenta)", show_lines=True)
    table.add_column("source")
    table.add_column("back-translated")
    kept = {row.provenance.source_id: row for row in report.rows if row.provenance is not None}
    dropped: dict[str, DroppedRow] = {}
    for drop in report.drops:
        dropped.setdefault(drop.source_id, drop)
    ordered = [e for e in examples if e.guid in kept] + [e for e in examples if e.guid not in kept]
    for example in ordered[:show]:
        if example.guid in kept:
            row = kept[example.guid]
            assert row.provenance is not None
            after = f"{highlight(row)}\n[dim]via {row.provenance.pivot}[/]"
        else:
            found = dropped.get(example.guid)
            candidate = escape(_shorten(found.candidate or "")) if found else ""
            reason = found.reason.value if found else "no output"
            after = f"[dim]{candidate}[/]\n[red]dropped: {reason}[/]"
        table.add_row(f"{highlight(example)}\n[dim]{example.label}[/]", after)
    return table


def _shorten(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def highlight(example: REExample) -> str:
    """The sentence as rich markup, subject and object coloured (overlapping spans: subject wins)."""
    sentence = example.sentence
    styles = [""] * len(sentence)
    for entity, style in ((example.object_entity, OBJECT_STYLE), (example.subject_entity, SUBJECT_STYLE)):
        for index in range(entity.start_idx, entity.end_idx + 1):
            styles[index] = style
    pieces, start = [], 0
    for index in range(1, len(sentence) + 1):
        if index == len(sentence) or styles[index] != styles[start]:
            text = escape(sentence[start:index])
            pieces.append(f"[{styles[start]}]{text}[/]" if styles[start] else text)
            start = index
    return "".join(pieces)


def _fail(message: str) -> NoReturn:
    console.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    raise typer.Exit(2)
