"""The augmentation worker: `celery -A services.augment.worker.app worker -Q augment.en` (or augment.ja).

Add workers per queue on any machine that reaches Redis and Postgres; each process loads each
model once and its children are recycled when they grow past the memory limit.
"""

from celery.signals import worker_ready

from services.augment.config import get_service_settings
from shared.background import Every
from shared.celery_app import make_celery
from shared.logging import configure_logging

settings = get_service_settings()
configure_logging(settings.log_level, settings.log_json)

if settings.chunk_time_limit_s >= settings.broker_visibility_timeout_s:
    # Otherwise Redis would hand a still-running chunk to a second worker.
    raise SystemExit(
        f"refusing to start: ROUNDTRIP_CHUNK_TIME_LIMIT_S ({settings.chunk_time_limit_s}) must be below "
        f"ROUNDTRIP_BROKER_VISIBILITY_TIMEOUT_S ({settings.broker_visibility_timeout_s})"
    )

celery_app = make_celery(settings, name="roundtrip-augment")
celery_app.conf.update(
    worker_max_memory_per_child=settings.worker_max_memory_per_child_kb,
    task_time_limit=settings.chunk_time_limit_s,
    task_soft_time_limit=max(1, int(settings.chunk_time_limit_s * 0.9)),
)
celery_app.autodiscover_tasks(["services.augment.worker"], related_name="tasks", force=True)


@worker_ready.connect
def record_served_models(**_: object) -> None:
    from services.augment.worker.tasks import record_model_revisions

    record_model_revisions()


@worker_ready.connect
def start_sweeper(**_: object) -> None:
    """Each worker's main process sweeps on a timer; an advisory lock lets one sweep at a time."""
    from services.augment.worker.sweep import sweep_once

    Every(settings.sweep_interval_s, lambda: sweep_once(celery_app, settings), name="chunk-sweeper").start()
