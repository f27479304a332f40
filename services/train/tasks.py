"""Celery task of the training worker: takes a run id, materialises its inputs, runs it."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import structlog
from celery import Task, shared_task

from services.augment.jobs import service as jobs_service
from services.catalog import datasets_service
from services.train import runs_repository
from services.train.args import DataArguments, ModelArguments, RunArguments
from services.train.run_re import main
from services.train.schemas import TrainingCreate
from shared.background import Every
from shared.db.clock import now
from shared.db.session import session_scope
from shared.dispatch import WORKER_LOST
from shared.queues import TaskName
from shared.re_data.io import write_jsonl
from shared.re_data.schema import REExample
from shared.settings import get_common_settings

log = structlog.get_logger(__name__)


@shared_task(
    name=TaskName.RUN_EXPERIMENT, bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=0
)
def run_experiment(self: Task, run_id: str) -> str:
    settings = get_common_settings()
    task_id = self.request.id
    try:
        if not _claim(run_id, task_id):
            return "skipped"

        def renew() -> None:
            with session_scope(settings.database_url) as session:
                runs_repository.renew_lease(session, run_id=run_id, task_id=task_id)

        with Every(settings.heartbeat_s, renew, name=f"lease-{run_id}"):
            return _run(run_id)
    except Exception as error:  # the record must say why, whatever broke
        with session_scope(settings.database_url) as session:
            run = runs_repository.get(session, run_id=run_id)
            if run is not None and run.status in ("queued", "running"):
                runs_repository.finish(
                    session, run_id=run_id, status="failed", error=f"{type(error).__name__}: {error}"
                )
        raise


def _claim(run_id: str, task_id: str | None) -> bool:
    """This delivery holds the run now (False: it is finished, or another live delivery holds it)."""
    settings = get_common_settings()
    with session_scope(settings.database_url) as session:
        lapsed_before = now() - timedelta(seconds=settings.lease_s)
        run = runs_repository.claim(session, run_id=run_id, task_id=task_id, lapsed_before=lapsed_before)
        if run is not None and run.attempts > settings.run_max_attempts:
            runs_repository.finish(
                session,
                run_id=run_id,
                status="failed",
                error=f"the run was tried {settings.run_max_attempts} times and {WORKER_LOST}",
            )
            return False
        return run is not None


def _run(run_id: str) -> str:
    settings = get_common_settings()
    with session_scope(settings.database_url) as session:
        run = runs_repository.get(session, run_id=run_id)
        assert run is not None
        request = TrainingCreate.model_validate(run.config["request"])
        inputs_dir = Path(settings.artifacts_dir) / run_id / "inputs"
        inputs_dir.mkdir(parents=True, exist_ok=True)
        dataset = datasets_service.find_dataset(session, request.dataset_id, run.team_id or -1)
        if dataset is None:
            raise LookupError(f"dataset {request.dataset_id} is gone")
        dataset_rows = datasets_service.row_records(session, dataset.id, 0, dataset.row_count)
        train_file = _write(inputs_dir / "dataset.jsonl", dataset_rows)
        augmented_files = [
            str(
                _write(
                    inputs_dir / f"augmentation-{job_id}.jsonl",
                    list(jobs_service.result_records(session, job_id)),
                )
            )
            for job_id in request.augmentation_ids
        ]
        test_file = None
        if request.test_dataset_id:
            test_set = datasets_service.find_dataset(session, request.test_dataset_id, run.team_id or -1)
            if test_set is None:
                raise LookupError(f"dataset {request.test_dataset_id} is gone")
            test_records = datasets_service.row_records(session, test_set.id, 0, test_set.row_count)
            test_file = str(_write(inputs_dir / "test.jsonl", test_records))
    data = DataArguments(
        train_file=str(train_file), augmented_files=augmented_files, split_seed=request.split_seed,
        validation_fraction=request.validation_fraction, no_relation_keep=request.no_relation_keep,
        group_by=request.group_by, test_file=test_file, match_prior_of=request.match_prior_of,
        estimate_folds=request.estimate_folds,
    )  # fmt: skip
    model = ModelArguments(
        family=request.family,
        model_name_or_path=request.model_name_or_path,
        class_weight=request.class_weight,
    )
    arguments = RunArguments(
        output_dir=str(settings.artifacts_dir), name=request.name, seed=request.seed, epochs=request.epochs,
        max_steps=request.max_steps, batch_size=request.batch_size, learning_rate=request.learning_rate,
        fp16=request.fp16, bf16=request.bf16, report_to=request.report_to, database_url=settings.database_url,
    )  # fmt: skip
    main(data, model, arguments, run_id=run_id)
    log.info("training_finished", run_id=run_id)
    return "done"


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8") as stream:
        # stored records omit an absent label (test sets); the schema wants it said
        write_jsonl((REExample.model_validate({"label": None} | record) for record in records), stream)
    return path
