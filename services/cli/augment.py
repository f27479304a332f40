"""`roundtrip augment` and `roundtrip models`: the engine in-process on the embedded store."""

import json
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from services.augment.config import EngineSettings
from services.augment.engine.augmenter import AugmentReport, Engine
from services.augment.engine.decoding import DecodingMode, DecodingSettings
from services.augment.engine.entities import STRATEGIES
from services.augment.engine.registry import PIVOTS
from services.augment.engine.translators.base import ModelUnavailableError
from shared.db.migrate import upgrade
from shared.db.session import session_factory
from shared.logging import configure_logging
from shared.re_data.errors import DataFormatError
from shared.re_data.formats import DataFormat
from shared.re_data.io import read_examples, write_examples
from shared.re_data.schema import REExample

console = Console(stderr=True)
DIRECTIONS = (("ko", "en"), ("en", "ko"), ("ko", "ja"), ("ja", "ko"))
models_app = typer.Typer(
    help="Translation models: list them, or build tiny offline ones.", no_args_is_help=True
)


def _fail(message: str) -> typer.Exit:
    console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(2)


def quiet_transformers() -> None:
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def augment_command(
    input_path: Annotated[Path, typer.Argument(metavar="INPUT", help="KLUE JSON, JSONL or competition CSV")],
    out: Annotated[Path, typer.Option("--out", "-o", help="where to write the augmented rows")],
    pivot: Annotated[list[str], typer.Option("--pivot", "-p", help=f"pivot language: {', '.join(PIVOTS)}")],
    fmt: Annotated[
        DataFormat | None, typer.Option("--format", help="output format (default: from --out)")
    ] = None,
    cache: Annotated[str | None, typer.Option(help="cache database URL (default: embedded SQLite)")] = None,
    variants: Annotated[int, typer.Option(min=1, max=16, help="pivot translations per row")] = 1,
    strategy: Annotated[str, typer.Option(help=f"entity strategy: {', '.join(STRATEGIES)}")] = "locate",
    decoding: Annotated[DecodingMode, typer.Option(help="greedy, beam or sample")] = DecodingMode.BEAM,
    num_beams: Annotated[int, typer.Option(min=1)] = 4,
    top_k: Annotated[int, typer.Option(min=0)] = 0,
    top_p: Annotated[float, typer.Option()] = 1.0,
    temperature: Annotated[float, typer.Option()] = 1.0,
    max_new_tokens: Annotated[int, typer.Option(min=1)] = 256,
    seed: Annotated[int, typer.Option()] = 0,
    limit: Annotated[int | None, typer.Option(min=1, help="only the first N rows")] = None,
) -> None:
    """Back-translate INPUT through each pivot, keeping entities; write rows and a drop log."""
    bad_pivots = [p for p in pivot if p not in PIVOTS]
    if bad_pivots:
        raise _fail(f"unsupported pivot {bad_pivots[0]!r}; choose from {', '.join(PIVOTS)}")
    if strategy not in STRATEGIES:
        raise _fail(f"unknown strategy {strategy!r}; choose from {', '.join(STRATEGIES)}")
    if decoding is DecodingMode.BEAM and variants > num_beams:
        num_beams = variants
    try:
        settings = EngineSettings(database_url=cache) if cache else EngineSettings()
        decode = DecodingSettings(
            mode=decoding,
            num_beams=num_beams,
            top_k=top_k,
            top_p=top_p,
            temperature=temperature,
            max_new_tokens=max_new_tokens,
            seed=seed,
        )
    except ValueError as error:
        raise _fail(str(error)) from None
    configure_logging("WARNING")
    try:
        examples = read_examples(input_path)[:limit]
    except DataFormatError as error:
        raise _fail(str(error)) from None
    output_format = fmt or (DataFormat.CSV if out.suffix.lower() == ".csv" else DataFormat.JSONL)

    if settings.database_url.startswith("sqlite"):
        upgrade(settings.database_url)  # the embedded store migrates itself
    quiet_transformers()
    engine = Engine(settings, session_factory(settings.database_url))
    try:
        report = run_with_progress(engine, examples, pivot, strategy, decode, variants)
    except ModelUnavailableError as error:
        raise _fail(str(error)) from None

    written = write_examples(report.rows, out, output_format)
    drops_path = write_drop_log(report, out)
    print_summary(report, settings.database_url)
    console.print(f"wrote {written} rows to {out} ({output_format}); drops logged in {drops_path}")


def write_drop_log(report: AugmentReport, out: Path) -> Path:
    """Every dropped row with its reason, beside OUT as OUT.drops.jsonl (what `report data` reads)."""
    drops_path = out.with_name(out.name + ".drops.jsonl")
    with drops_path.open("w", encoding="utf-8") as stream:
        for drop in report.drops:
            record = {"source_id": drop.source_id, "pivot": drop.pivot, "variant": drop.variant}
            record |= {"reason": drop.reason.value, "candidate": drop.candidate}
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    return drops_path


def run_with_progress(
    engine: Engine,
    examples: list[REExample],
    pivots: list[str],
    strategy: str,
    decoding: DecodingSettings,
    variants: int,
) -> AugmentReport:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        tasks: dict[tuple[str, str], TaskID] = {}
        unique = len({" ".join(e.sentence.split()) for e in examples})

        def advance(pivot: str, leg: str, done: int) -> None:
            if (pivot, leg) not in tasks:
                total = unique if leg.startswith("ko") else None
                tasks[pivot, leg] = progress.add_task(f"{pivot}: {leg}", total=total)
            progress.advance(tasks[pivot, leg], done)

        return engine.augment(
            examples,
            pivots=pivots,
            strategy=strategy,
            decoding=decoding,
            variants=variants,
            progress=advance,
        )


def print_summary(report: AugmentReport, cache_url: str) -> None:
    table = Table(title="Back-translation summary", show_lines=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("rows in", str(report.rows_in))
    for pivot, count in report.rows_out.items():
        table.add_row(f"rows out via {pivot}", str(count))
    drops: Counter[str] = Counter()
    for (pivot, reason), count in sorted(report.drop_counts.items()):
        table.add_row(f"dropped via {pivot}: {reason}", str(count))
        drops[reason] += count
    for leg, (hits, misses) in report.cache.items():
        table.add_row(f"cache {leg}: hits / misses", f"{hits} / {misses}")
    table.add_row("seconds", f"{report.seconds:.1f}")
    table.add_row("sentences per second", f"{report.sentences_per_second:.1f}")
    Console().print(table)
    console.print(f"cache: {cache_url}", highlight=False)


@models_app.command("list")
def list_models() -> None:
    """Show which model and backend serve each direction (and the setting that overrides it)."""
    from services.augment.engine.registry import effective_revision, model_spec, output_settings

    settings = EngineSettings()
    table = Table("direction", "model", "revision", "backend", "precision", "setting")
    for source, target in DIRECTIONS:
        spec = model_spec(settings, source, target)
        outputs = output_settings(settings, spec)
        precision = (
            f"{outputs['quantization']} (compute {outputs['compute_type']})"
            if spec.backend == "ct2"
            else outputs["dtype"]
        )
        table.add_row(
            spec.direction, spec.model, effective_revision(spec), spec.backend, precision, spec.setting
        )
    Console().print(table)


@models_app.command("convert")
def convert_models(
    direction: Annotated[
        list[str] | None, typer.Option("--direction", "-d", help="ko-en, en-ko, ko-ja, ja-ko (default: all)")
    ] = None,
    quantization: Annotated[
        str | None,
        typer.Option(
            help="int8 (CPU), float16 or int8_float16 (CUDA), float32 … (default: ROUNDTRIP_CT2_QUANTIZATION)"
        ),
    ] = None,
) -> None:
    """Convert each direction's model (hub id or local directory) for the CTranslate2 backend, once:
    kept in ROUNDTRIP_CT2_MODELS_DIR by the model's revision and the quantization, shared by workers."""
    from services.augment.engine.registry import model_spec
    from services.augment.engine.translators.ct2 import convert

    settings = EngineSettings()
    wanted = direction or [f"{s}-{t}" for s, t in DIRECTIONS]
    unknown = [d for d in wanted if tuple(d.split("-")) not in DIRECTIONS]
    if unknown:
        raise _fail(
            f"unknown direction {unknown[0]!r}; choose from {', '.join(f'{s}-{t}' for s, t in DIRECTIONS)}"
        )
    quiet_transformers()
    for name in dict.fromkeys(wanted):
        source, target = name.split("-")
        spec = model_spec(settings, source, target)
        try:
            path = convert(spec, settings, quantization)
        except ModelUnavailableError as error:
            raise _fail(str(error)) from None
        console.print(f"{spec.direction}: {spec.model} → {path}", highlight=False)


@models_app.command("build-tiny")
def build_tiny(
    out_dir: Annotated[Path, typer.Argument(metavar="DIR")],
    data: Annotated[
        Path | None, typer.Option(help="KLUE-RE file whose sentences train the tokenizers")
    ] = None,
    rows: Annotated[int, typer.Option(min=10, help="sentences used from --data")] = 2000,
) -> None:
    """Write tiny random-weight models for every direction and a settings snippet (offline demos, tests)."""
    from services.augment.engine.tiny_models import build_all, settings_snippet

    quiet_transformers()
    if data is None:
        texts = _builtin_sentences()
    else:
        try:
            texts = [example.sentence for example in read_examples(data)[:rows]]
        except DataFormatError as error:
            raise _fail(str(error)) from None
    paths = build_all(out_dir, texts)
    snippet = settings_snippet(paths)
    (out_dir / "tiny.env").write_text(snippet, encoding="utf-8")
    console.print("Tiny models translate nonsense: they exist to run the whole path offline.")
    console.print(f"Settings written to {out_dir / 'tiny.env'} (append them to .env, or export them):")
    typer.echo(snippet, nl=False)


def _builtin_sentences() -> list[str]:
    """A few Korean sentences, enough to train a tokenizer when no data file is given."""
    return [
        "이순신은 조선 중기의 무신이다.",
        "삼성전자는 1969년 1월 13일에 설립되었다.",
        "비틀즈는 영국 리버풀에서 결성된 록 밴드이다.",
        "세종대왕은 훈민정음을 창제하였다.",
        "서울특별시는 대한민국의 수도이다.",
    ] * 20
