"""The Celery app both the API (producer) and workers (consumers) build from settings.

JSON only, late acknowledgement, one task fetched at a time, tasks routed by name to queues;
no chords or result polling for jobs: job state lives in Postgres.
"""

from celery import Celery

from shared.settings import CommonSettings


def make_celery(settings: CommonSettings, *, name: str = "roundtrip") -> Celery:
    app = Celery(name, broker=settings.redis_url, backend=settings.redis_url)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        task_ignore_result=True,  # only small synchronous translations keep a result
        result_expires=600,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue="augment.en",
        broker_connection_retry_on_startup=True,
        # A broker that does not answer is an error in seconds: sends give up after two short
        # retries (the outbox and the sweeper send the work later), reads time out.
        broker_connection_timeout=settings.redis_socket_timeout_s,
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5},
        broker_transport_options={
            "visibility_timeout": settings.broker_visibility_timeout_s,
            "socket_timeout": settings.redis_socket_timeout_s,
            "socket_connect_timeout": settings.redis_socket_timeout_s,
        },
        redis_socket_timeout=settings.redis_socket_timeout_s,
        redis_socket_connect_timeout=settings.redis_socket_timeout_s,
        result_backend_transport_options={"visibility_timeout": settings.broker_visibility_timeout_s},
        worker_hijack_root_logger=False,
        worker_cancel_long_running_tasks_on_connection_loss=True,
    )
    return app
