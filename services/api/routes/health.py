"""/healthz: the process answers. /readyz: Postgres, Redis and a worker per required queue answer,
all asked at once and answered within READY_DEADLINE_S whatever the backends do."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait

import redis
from celery import Celery
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from services.api.deps import CeleryDep, SettingsDep
from services.api.workers_probe import live_queues
from services.augment.config import ServiceSettings
from shared.db.session import engine_for

router = APIRouter(tags=["health"])
READY_DEADLINE_S = 1.5
RETRY_AFTER_S = "5"
_probes = ThreadPoolExecutor(max_workers=8, thread_name_prefix="readyz")


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "a backend or a required worker does not answer"}})
async def readyz(settings: SettingsDep, celery: CeleryDep) -> JSONResponse:
    checks = _check_all(settings, celery)
    ready = all(value == "ok" for value in checks.values())
    headers = None if ready else {"Retry-After": RETRY_AFTER_S}
    return JSONResponse(
        {"ready": ready, "checks": checks}, status_code=200 if ready else 503, headers=headers
    )


def _check_all(settings: ServiceSettings, celery: Celery) -> dict[str, str]:
    probes: dict[str, Callable[[], str]] = {
        "postgres": lambda: _postgres(settings.database_url),
        "redis": lambda: _redis(settings.redis_url),
        "queues": lambda: ",".join(sorted(live_queues(celery, timeout=1.0))),
    }
    futures = {name: _probes.submit(probe) for name, probe in probes.items()}
    wait(futures.values(), timeout=READY_DEADLINE_S)
    answers: dict[str, str] = {}
    for name, future in futures.items():
        if not future.done():
            answers[name] = f"no answer within {READY_DEADLINE_S} s"
        elif future.exception() is not None:
            answers[name] = f"unreachable: {type(future.exception()).__name__}"
        else:
            answers[name] = future.result()
    live = set(answers.pop("queues").split(",")) if answers["redis"] == "ok" else set()
    for queue in filter(None, settings.required_queues.split(",")):
        answers[f"queue {queue}"] = "ok" if queue in live else "no live worker"
    return answers


def _postgres(url: str) -> str:
    with engine_for(url).connect() as connection:
        connection.execute(text("SELECT 1"))
    return "ok"


def _redis(url: str) -> str:
    redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1).ping()
    return "ok"
