"""`roundtrip report data FILE [--against OTHER]`: the data report as JSON."""

import json
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from services.cli.summaries import print_next
from services.evidence.folds import unseen_error_widen
from services.evidence.report import build_report, count_drops
from shared.db.session import session_scope
from shared.re_data.errors import DataFormatError
from shared.re_data.io import read_examples
from shared.settings import CommonSettings

report_app = typer.Typer(help="Reports that tell what to believe about data and runs.", no_args_is_help=True)


@report_app.command("data")
def data_report(
    path: Annotated[Path, typer.Argument(metavar="FILE")],
    against: Annotated[Path | None, typer.Option(help="count sentences shared with this file")] = None,
    drops: Annotated[
        Path | None,
        typer.Option(help="drop log of an augmented FILE (default: FILE.drops.jsonl if it exists)"),
    ] = None,
) -> None:
    """Labels, lengths, entity-type pairs, duplicates and conflicts, prefix contradictions; for an
    augmented file, the yield per pivot and label and the drop reasons."""
    beside = path.with_name(path.name + ".drops.jsonl")  # where `roundtrip augment` writes it
    drops = drops or (beside if beside.is_file() else None)
    try:
        rows = read_examples(path, allow_unlabeled=True)
        other = read_examples(against, allow_unlabeled=True) if against else None
        drop_reasons = count_drops(_drop_records(drops)) if drops else None
    except (DataFormatError, OSError, ValueError) as error:
        _fail(error)
    report = build_report(rows, other, drop_reasons)
    typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))


def _drop_records(path: Path) -> list[dict[str, Any]]:
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}:{number}: not JSON ({error.msg})") from None
        missing = [
            field for field in ("pivot", "reason") if not isinstance(record, dict) or field not in record
        ]
        if missing:
            raise ValueError(f"{path}:{number}: {missing[0]}: missing")
        records.append(record)
    return records


def side_by_side(estimate: dict[str, Any]) -> list[tuple[str, str]]:
    """Plain, thresholded and predicted figures of a test estimate, as `roundtrip train` shows them."""
    predicted, argmax = estimate["predicted_test_micro_f1"], estimate["predicted_test_micro_f1_argmax"]

    def rule(threshold: float | None) -> str:
        return "argmax" if threshold is None else f"no_relation when p ≥ {threshold:.2f}"

    return [
        ("validation micro-F1 (argmax)", f"{estimate['validation_micro_f1']:6.2f}"),
        (f"validation micro-F1 ({rule(estimate['validation_threshold'])}, chosen there)",
         f"{estimate['validation_micro_f1_at_threshold']:6.2f}"),
        ("predicted test micro-F1 (argmax)", _interval(argmax)),
        (f"predicted test micro-F1 of the submission ({rule(estimate['test_threshold'])})",
         _interval(predicted)),
        ("estimator", f"{estimate['estimator']} ({estimate['test_rows']} test rows{_weights(estimate)})"),
        *_folds(estimate),
        *_shift(estimate),
    ]  # fmt: skip


def _folds(estimate: dict[str, Any]) -> list[tuple[str, str]]:
    """Each calibration fold model's own estimate (the predicted score is their median)."""
    folds = estimate.get("folds") or []
    if len(folds) < 2:
        return []
    scores = ", ".join(f"{fold['predicted_test_micro_f1']['estimate']:.2f}" for fold in folds)
    return [(f"predicted by each of {len(folds)} calibration folds (the submitted model's first)", scores)]


def _shift(estimate: dict[str, Any]) -> list[tuple[str, str]]:
    """How far the test's estimated source × no_relation mix is from validation's: it widens the
    interval (runs recorded before it was kept show nothing)."""
    if "estimated_shift" not in estimate:
        return []
    shift = float(estimate["estimated_shift"])
    return [("test's shift from validation (source × no_relation mix)",
             f"{shift:.2f}: interval widened ×{unseen_error_widen(shift):.2f}")]  # fmt: skip


def _weights(estimate: dict[str, Any]) -> str:
    """Only the importance-weighted variants weigh validation rows."""
    if "covariate" not in str(estimate["estimator"]):
        return ""
    return f"; importance weights worth {estimate['covariate_effective_rows']:.0f} validation rows"


def _interval(value: dict[str, float]) -> str:
    return f"{value['estimate']:6.2f}  95% CI [{value['low']:.2f}, {value['high']:.2f}]"


def _fail(error: Exception) -> NoReturn:
    Console(stderr=True).print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
    raise typer.Exit(2) from None


@report_app.command("run")
def run_report(
    run_id: Annotated[str, typer.Argument(metavar="RUN_ID")],
    test: Annotated[Path, typer.Option(help="unlabeled test file whose label prior to estimate")],
    database_url: Annotated[str | None, typer.Option(help="records store (default: settings)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the JSON kept on the run's record")] = False,
) -> None:
    """Estimate TEST's label prior with the run's model and the run's predicted test micro-F1."""
    from services.train.estimate import estimate_for_run
    from services.train.predict import RunNotUsable
    from services.train.test_size import TooFewTestRows

    try:
        result = estimate_for_run(run_id, str(test), database_url or CommonSettings().database_url)
    except (RunNotUsable, DataFormatError, FileNotFoundError, TooFewTestRows) as error:
        _fail(error)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    console = Console()
    for what, value in side_by_side(result):
        console.print(f"{what:<48} {value}")
    priors = result["prior"]
    table = Table("label", "training", "validation", "estimated test")
    for label in sorted(priors["estimated_test"], key=lambda name: -priors["estimated_test"][name]):
        table.add_row(
            label, *(f"{priors[kind][label]:.3f}" for kind in ("training", "validation", "estimated_test"))
        )
    console.print(table)
    print_next(console, [f"roundtrip predict {run_id} {test} --out submission.csv"])


@report_app.command("compare")
def compare_report(
    run_ids: Annotated[list[str], typer.Argument(metavar="RUN_ID...", help="every seed of every arm")],
    baseline: Annotated[
        str | None, typer.Option(help="baseline arm's run name (default: first run's)")
    ] = None,
    database_url: Annotated[str | None, typer.Option(help="records store (default: settings)")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Arms (runs grouped by name): mean ± sd over seeds, paired bootstrap CI against the baseline."""
    from services.train import trainings_service
    from shared.errors import AppError

    url = database_url or CommonSettings().database_url
    try:
        with session_scope(url) as session:
            result = trainings_service.compare_runs(session, None, run_ids, baseline)
    except AppError as error:
        _fail(error)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    table = Table(
        "arm", "seeds", "micro-F1", "AUPRC", f"Δ micro-F1 vs {result['baseline']} [95% CI]", "verdict"
    )
    for arm in result["arms"]:
        difference = arm.get("difference_vs_baseline")
        delta = (
            f"{difference['estimate']:+.2f} [{difference['low']:+.2f}, {difference['high']:+.2f}]"
            if difference
            else "—"
        )
        verdict = "" if difference is None else arm["verdict"]
        f1, auprc = arm["micro_f1"], arm["auprc"]
        table.add_row(arm["arm"], str(f1["n"]), f"{f1['mean']:.2f} ± {f1['sd']:.2f}",
                      f"{auprc['mean']:.2f} ± {auprc['sd']:.2f}", delta, verdict)  # fmt: skip
    Console().print(table)
    samples, unit = result["bootstrap_samples"], result["resampled"]
    Console().print(f"{result['validation_rows']} validation rows; {samples} resamples of {unit}")
