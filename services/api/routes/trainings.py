"""Training runs over REST: request one, watch it, compare runs, download their plots."""

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, status
from fastapi.responses import FileResponse

from services.api.deps import CeleryDep, ReaderDep, UowDep, WriterDep
from services.train import trainings_service
from services.train.schemas import ArtifactName, TrainingCreate, TrainingList, TrainingRead
from shared.dispatch import send_run
from shared.errors import NotFound

router = APIRouter(prefix="/v1/trainings", tags=["trainings"])
MEDIA = {".png": "image/png", ".csv": "text/csv", ".json": "application/json"}


@router.post("", response_model=TrainingRead, status_code=status.HTTP_202_ACCEPTED)
def create_training(
    request: TrainingCreate, uow: UowDep, caller: WriterDep, celery: CeleryDep
) -> TrainingRead:
    """Queue a run on the `train` queue: dataset + augmentation jobs, split and seeds as given."""
    run = trainings_service.create_run(session=uow.session, team_id=caller.team_id, request=request)
    run_id, task_id = run.id, run.task_id or run.id

    def send() -> None:  # a broker that is down leaves the run to the outbox: the sweeper sends it
        if send_run(celery, run_id, task_id):
            trainings_service.mark_sent(uow.session, run_id)
            uow.session.commit()

    uow.after_commit(send)
    uow.commit()
    return trainings_service.read(run)


@router.get("", response_model=TrainingList)
def list_trainings(
    uow: UowDep,
    caller: ReaderDep,
    dataset_id: str | None = None,
    ids: str | None = Query(default=None, description="comma-separated run ids to compare"),
) -> TrainingList:
    wanted = [i for i in (ids or "").split(",") if i]
    runs = trainings_service.list_runs(uow.session, caller.team_id, dataset_id, wanted)
    items = [trainings_service.read(run) for run in runs]
    return TrainingList(items=items, total=len(items), comparison=trainings_service.comparison(runs))


@router.get("/comparison")
def compare_trainings(
    uow: UowDep,
    caller: ReaderDep,
    ids: str = Query(description="comma-separated run ids: every seed of every arm, baseline arm first"),
    baseline: str | None = Query(default=None, description="name of the baseline arm (default: first run's)"),
) -> dict[str, Any]:
    """Arms (runs grouped by name) with mean ± sd over seeds, and paired bootstrap intervals of each
    arm's micro-F1 difference against the baseline on the same validation rows."""
    return trainings_service.compare_runs(uow.session, caller.team_id, ids.split(","), baseline)


@router.get("/{run_id}", response_model=TrainingRead)
def get_training(run_id: str, uow: UowDep, caller: ReaderDep) -> TrainingRead:
    """Status, split sizes, metrics (so far, then final), timings, the environment it ran in."""
    return trainings_service.read(trainings_service.get_run(uow.session, run_id, caller.team_id))


@router.get("/{run_id}/artifacts/{name}")
def download_artifact(run_id: str, name: ArtifactName, uow: UowDep, caller: ReaderDep) -> FileResponse:
    run = trainings_service.get_run(uow.session, run_id, caller.team_id)
    path = Path(run.artifacts_dir or "") / name
    if not run.artifacts_dir or not path.is_file():
        raise NotFound(f"run {run_id} has no {name} (yet)")
    return FileResponse(path, media_type=MEDIA[path.suffix], filename=name)
