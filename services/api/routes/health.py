"""/healthz: the process answers. /readyz: Postgres, Redis and a worker per required queue answer."""

import redis
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from services.api.deps import CeleryDep, SettingsDep, UowDep
from services.api.workers_probe import live_queues

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(uow: UowDep, settings: SettingsDep, celery: CeleryDep) -> JSONResponse:
    checks: dict[str, str] = {}
    try:
        uow.session.execute(text("SELECT 1"))
        checks["postgres"] = "ok"
    except Exception as error:
        checks["postgres"] = f"unreachable: {type(error).__name__}"
    try:
        redis.Redis.from_url(settings.redis_url, socket_timeout=1).ping()
        checks["redis"] = "ok"
    except Exception as error:
        checks["redis"] = f"unreachable: {type(error).__name__}"
    live = live_queues(celery) if checks["redis"] == "ok" else set()
    for queue in filter(None, settings.required_queues.split(",")):
        checks[f"queue {queue}"] = "ok" if queue in live else "no live worker"
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)
