"""The training worker: `celery -A services.train.worker worker -Q train -c 1`.

One run at a time per worker (runs use every core, or the GPU); add workers for more."""

from celery.signals import worker_ready

from shared.background import Every
from shared.celery_app import make_celery
from shared.logging import configure_logging
from shared.queues import Queue
from shared.settings import get_common_settings

settings = get_common_settings()
configure_logging(settings.log_level, settings.log_json)
celery_app = make_celery(settings, name="roundtrip-train")
celery_app.conf.update(task_default_queue=Queue.TRAIN.value, worker_concurrency=1)
celery_app.autodiscover_tasks(["services.train"], related_name="tasks", force=True)


@worker_ready.connect  # type: ignore[untyped-decorator]
def start_sweeper(**_: object) -> None:
    from services.train.sweep import sweep_once

    Every(settings.sweep_interval_s, lambda: sweep_once(celery_app, settings), name="run-sweeper").start()
