"""Helpers for the service tests: settings, API keys, real worker processes, polling."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import redis
from fastapi.testclient import TestClient
from sqlalchemy import text

from services.catalog import teams_repository
from services.catalog.keys import hash_key, new_key
from shared.db.base import Base
from shared.db.session import engine_for, session_scope

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
CELERY = str(Path(sys.executable).parent / "celery")


def reset_store(postgres_url: str, redis_url: str) -> None:
    tables = ", ".join(Base.metadata.tables)
    with engine_for(postgres_url).begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    redis.Redis.from_url(redis_url).flushdb()


def service_env(postgres_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    return {
        "ROUNDTRIP_DATABASE_URL": postgres_url,
        "ROUNDTRIP_REDIS_URL": redis_url,
        "ROUNDTRIP_OFFLINE": "true",
        "ROUNDTRIP_CHUNK_ROWS": "4",
        "ROUNDTRIP_BROKER_VISIBILITY_TIMEOUT_S": "20",
        "ROUNDTRIP_CHUNK_TIME_LIMIT_S": "15",
        "ROUNDTRIP_MAX_UPLOAD_BYTES": "300000",
        "ROUNDTRIP_TRANSLATE_TIMEOUT_S": "30",
        "ROUNDTRIP_LOG_LEVEL": "WARNING",
        # Short leases and frequent sweeps, so lost work comes back within seconds here.
        "ROUNDTRIP_HEARTBEAT_S": "0.5",
        "ROUNDTRIP_LEASE_S": "4",
        "ROUNDTRIP_SWEEP_INTERVAL_S": "1",
        "ROUNDTRIP_OUTBOX_GRACE_S": "2",
        **extra,
    }


class Worker:
    """A real `celery worker` process (prefork, one child); by default on both augment queues."""

    def __init__(
        self, env: dict[str, str], log_path: Path, app: str = "services.augment.worker.app",
        queues: str = "augment.en,augment.ja",
    ):  # fmt: skip
        self.env, self.log_path, self.app, self.queues = env, log_path, app, queues
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "Worker":
        command = [
            CELERY, "-A", self.app, "worker", "-Q", self.queues,
            "-c", "1", "-P", "prefork", "-n", f"test-{uuid.uuid4().hex[:8]}@%h",
            "--without-gossip", "--without-mingle", "--loglevel", "INFO",
        ]  # fmt: skip
        env = os.environ | {"PYTHONPATH": f"{TESTS}:{ROOT}"} | self.env
        started_at = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + 90
        while b"ready." not in self.log_path.read_bytes()[started_at:]:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker did not start:\n{self.log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        return self

    def kill_hard(self) -> None:
        """kill -9 the worker and its pool children at once, as a crashed machine would."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def api_key(database_url: str, team: str, scope: str = "write") -> dict[str, str]:
    key = new_key()
    with session_scope(database_url) as session:
        owner = teams_repository.get_or_create_team(session, name=team)
        teams_repository.add_key(session, team=owner, key_hash=hash_key(key), prefix=key[:12], scope=scope)
    return {"Authorization": f"Bearer {key}"}


def wait_for_state(
    client: TestClient, job_id: str, headers: dict[str, str], states: set[str], timeout: float = 120
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = client.get(f"/v1/augmentations/{job_id}", headers=headers).json()
        if body["state"] in states:
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"job {job_id} still {body['state']} after {timeout}s: {body}")
        time.sleep(0.3)


# One line per fault of the fault suite (tests/service/test_faults.py), printed at the end of the run.
FAULTS: list[str] = []
