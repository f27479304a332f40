"""Queue training runs for a team, and read them back; no torch here (the API imports this)."""

import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from services.augment.jobs import service as jobs_service
from services.catalog import datasets_service
from services.evidence.compare import ComparedRun, NotComparable, compare
from services.train import runs_repository
from services.train.run_artifacts import read_validation_predictions
from services.train.schemas import TrainingCreate, TrainingRead
from services.train.test_size import TooFewTestRows, require_estimable
from shared.db.models import JobState, TrainingRun
from shared.errors import NotFound, Unprocessable, found

COMPARED = ("micro_f1", "auprc", "accuracy", "micro_f1_at_best_threshold")


def create_run(*, session: Session, team_id: int, request: TrainingCreate) -> TrainingRun:
    dataset = datasets_service.get_dataset(session, request.dataset_id, team_id)
    if datasets_service.is_unlabeled(dataset):
        raise Unprocessable(f"dataset {dataset.id} has unlabeled rows: train on a labeled one")
    if request.test_dataset_id:
        test_set = datasets_service.get_dataset(session, request.test_dataset_id, team_id)
        try:
            require_estimable(test_set.row_count, f"test dataset {test_set.id}")
        except TooFewTestRows as error:
            raise Unprocessable(str(error)) from None
    if request.match_prior_of:
        source = get_run(session, request.match_prior_of, team_id)
        if not (source.metrics or {}).get("test_estimate"):
            raise Unprocessable(
                f"run {source.id} has no estimated test prior (train it with a test_dataset_id)"
            )
    for job_id in request.augmentation_ids:
        job = jobs_service.get_job(session, job_id, team_id)
        if job.dataset_id != request.dataset_id:
            raise Unprocessable(f"augmentation job {job_id} was made from another dataset")
        if job.state != JobState.SUCCEEDED.value:
            raise Unprocessable(f"augmentation job {job_id} is {job.state}, not succeeded")
    run = TrainingRun(
        id=str(uuid.uuid4()), team_id=team_id, dataset_id=request.dataset_id,
        augmentation_ids=list(request.augmentation_ids), name=request.name, status="queued",
        config={"request": request.model_dump(mode="json")}, inputs={}, split={}, environment={},
        task_id=str(uuid.uuid4()),
    )  # fmt: skip
    return runs_repository.add(session, run=run)


def mark_sent(session: Session, run_id: str) -> None:
    runs_repository.mark_sent(session, run_ids=[run_id])


def get_run(session: Session, run_id: str, team_id: int) -> TrainingRun:
    run = runs_repository.get_for_team(session, run_id=run_id, team_id=team_id)
    return found(run, f"training run {run_id!r}")


def read(run: TrainingRun) -> TrainingRead:
    view = TrainingRead.model_validate(run)
    if run.artifacts_dir and Path(run.artifacts_dir).is_dir():
        view.artifacts = sorted(p.name for p in Path(run.artifacts_dir).iterdir() if p.is_file())
    return view


def comparison(runs: Sequence[TrainingRun]) -> dict[str, dict[str, float | None]]:
    table = {metric: {run.id: run.metrics.get(metric) for run in runs} for metric in COMPARED}
    for run in runs:  # per-label F1, so deltas between runs can be read per relation
        for score in run.metrics.get("per_label", []):
            table.setdefault(f"f1:{score['label']}", {})[run.id] = score["f1"]
    return table


def compared_runs(runs: Sequence[TrainingRun], wanted: Sequence[str]) -> list[ComparedRun]:
    """The runs in the order asked for, with their saved validation predictions."""
    by_id = {run.id: run for run in runs}
    missing = [run_id for run_id in wanted if run_id not in by_id]
    if missing:
        raise NotFound(f"no training run {missing[0]!r}")
    unfinished = [run_id for run_id in wanted if by_id[run_id].status != "succeeded"]
    if unfinished:
        raise Unprocessable(
            f"run {unfinished[0]} is {by_id[unfinished[0]].status}; compare succeeded runs only"
        )
    compared = []
    for run_id in wanted:
        run = by_id[run_id]
        try:
            validation = read_validation_predictions(run.artifacts_dir or "")
        except FileNotFoundError as error:
            raise Unprocessable(str(error)) from None
        seed = (run.config.get("run") or run.config.get("request") or {}).get("seed")
        compared.append(ComparedRun(run.id, run.name or "(unnamed)", seed, dict(run.metrics), validation))
    return compared


def compare_runs(
    session: Session, team_id: int | None, run_ids: Sequence[str], baseline: str | None
) -> dict[str, Any]:
    """The comparison of `run_ids` (in that order, repeats ignored) of a team (None: any team, the CLI)."""
    wanted = list(dict.fromkeys(run_id for run_id in run_ids if run_id))
    runs = runs_repository.list_runs(session, team_id=team_id, dataset_id=None, ids=wanted)
    try:
        return compare(compared_runs(runs, wanted), baseline=baseline or None)
    except NotComparable as error:
        raise Unprocessable(str(error)) from None


def list_runs(
    session: Session, team_id: int, dataset_id: str | None = None, ids: Sequence[str] = ()
) -> Sequence[TrainingRun]:
    """A team's runs, newest first; only those of `dataset_id` or named in `ids` when given."""
    return runs_repository.list_runs(session, team_id=team_id, dataset_id=dataset_id, ids=ids)
