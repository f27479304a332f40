"""The fault suite: every accepted job or run ends in a final state within a stated bound, with the
expected rows stored once, whatever breaks. Real worker processes, a Redis of the test's own (so it
can be stopped and restarted), the CI's Postgres cluster. Each test adds one line to the summary
printed at the end of the run (`faults:`).

Bounds come from the test settings (service_env): lease 4 s, heartbeat 0.5 s, sweep every 1 s.
"""

import os
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from factories import tiny_examples
from fakes import BROKEN, SCRIPTED_TRANSLATORS, SLOW
from service_helpers import FAULTS, Worker, api_key, reset_store, service_env, wait_for_state
from sqlalchemy import func, select

from shared.db.models import AugmentedRow, JobChunk
from shared.db.session import engine_for, session_scope
from shared.re_data.io import parse_examples

ROWS = len(tiny_examples())  # 16 source rows; with both pivots 32 result rows, 16 chunks of 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class OwnRedis:
    """A redis-server only this test uses, stopped and started at will (optionally persistent)."""

    def __init__(self, folder: Path, persistent: bool):
        self.port, self.folder, self.persistent = free_port(), folder, persistent
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "OwnRedis":
        server = shutil.which("redis-server")
        assert server, "redis-server is needed for the fault suite (.ci/run installs it)"
        persistence = (
            ["--appendonly", "yes", "--appendfsync", "always"] if self.persistent else ["--appendonly", "no"]
        )
        self.process = subprocess.Popen(
            [server, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--dir", str(self.folder),
             *persistence],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url, socket_timeout=0.5).ping()
                return self
            except redis.RedisError:
                assert time.monotonic() < deadline, "own redis did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def own_redis(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[OwnRedis]:
    server = OwnRedis(tmp_path, persistent=getattr(request, "param", False)).start()
    yield server
    server.stop()


@pytest.fixture
def env(postgres_url: str, own_redis: OwnRedis, redis_url: str) -> dict[str, str]:
    reset_store(postgres_url, redis_url)
    return service_env(
        postgres_url, own_redis.url, **SCRIPTED_TRANSLATORS,
        ROUNDTRIP_TEST_TRANSLATE_DELAY_S="0.3", ROUNDTRIP_CHUNK_ROWS="2",
    )  # fmt: skip


def upload(client, headers, examples) -> str:  # type: ignore[no-untyped-def]
    rows = "\n".join(e.model_dump_json(exclude_none=True) for e in examples).encode()
    answer = client.post("/v1/datasets", headers=headers, files={"file": ("train.jsonl", rows)})
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]  # type: ignore[no-any-return]


def request_job(client, headers, examples=None, pivots=("en", "ja")) -> str:  # type: ignore[no-untyped-def]
    body = {"dataset_id": upload(client, headers, examples or tiny_examples()), "pivots": list(pivots)}
    answer = client.post("/v1/augmentations", headers=headers, json=body)
    assert answer.status_code == 202, answer.text
    return answer.json()["id"]  # type: ignore[no-any-return]


def chunks_done(client, job_id: str, headers) -> int:  # type: ignore[no-untyped-def]
    progress = client.get(f"/v1/augmentations/{job_id}", headers=headers).json()["progress"]
    return sum(p["chunks_done"] for p in progress.values())


def wait_until(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def finished_rows(client, job_id: str, headers, postgres_url: str, started: float) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Waits for the job; returns its state, seconds taken, stored rows and duplicates."""
    done = wait_for_state(client, job_id, headers, {"succeeded", "failed", "cancelled"}, timeout=120)
    seconds = time.monotonic() - started
    rows = []
    if done["state"] == "succeeded":
        body = client.get(f"/v1/augmentations/{job_id}/result", headers=headers).content
        rows = parse_examples(body, "result.jsonl")
    keys = Counter((r.provenance.source_id, r.provenance.pivot, r.provenance.variant) for r in rows)  # type: ignore[union-attr]
    with session_scope(postgres_url) as session:
        stored = session.scalar(
            select(func.count()).select_from(AugmentedRow).where(AugmentedRow.job_id == job_id)
        )
        attempts = sorted(session.scalars(select(JobChunk.attempts).where(JobChunk.job_id == job_id)))
    duplicates = sum(n - 1 for n in keys.values())
    return {"state": done["state"], "error": done.get("error"), "seconds": seconds, "rows": len(rows),
            "stored": stored, "duplicates": duplicates, "attempts": attempts}  # fmt: skip


def report(fault: str, outcome: dict[str, Any], bound_s: float, expected_rows: int | None) -> None:
    line = (
        f"{fault:<38} {outcome['state']:<9} in {outcome['seconds']:5.1f} s (bound {bound_s:.0f} s)  "
        f"rows {outcome['rows']}/{expected_rows if expected_rows is not None else '-'}  "
        f"duplicates {outcome['duplicates']}  max attempts {max(outcome['attempts'], default=0)}"
    )
    FAULTS.append(line)
    assert outcome["seconds"] <= bound_s, line
    assert outcome["duplicates"] == 0, line
    if expected_rows is not None:
        assert outcome["rows"] == outcome["stored"] == expected_rows, line


def test_worker_killed_with_sigkill_mid_chunk(env, make_client, postgres_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client, headers = make_client(env), api_key(postgres_url, "fault-kill")
    worker = Worker(env, tmp_path / "worker.log").start()
    try:
        started = time.monotonic()
        job_id = request_job(client, headers)
        wait_until(lambda: chunks_done(client, job_id, headers) >= 3, 60, "three chunks")
        worker.kill_hard()
        worker.start()
        outcome = finished_rows(client, job_id, headers, postgres_url, started)
    finally:
        worker.stop()
    assert outcome["state"] == "succeeded"
    report("worker kill -9 mid-chunk", outcome, 90, 2 * ROWS)


@pytest.mark.parametrize("own_redis", [False, True], ids=["no-persistence", "aof"], indirect=True)
def test_redis_restarted_mid_job(env, own_redis, make_client, postgres_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client, headers = make_client(env), api_key(postgres_url, "fault-redis")
    worker = Worker(env, tmp_path / "worker.log").start()
    try:
        started = time.monotonic()
        job_id = request_job(client, headers)
        wait_until(lambda: chunks_done(client, job_id, headers) >= 3, 60, "three chunks")
        own_redis.stop()
        time.sleep(1)
        own_redis.start()
        outcome = finished_rows(client, job_id, headers, postgres_url, started)
    finally:
        worker.stop()
    assert outcome["state"] == "succeeded", outcome
    kind = "with AOF" if own_redis.persistent else "without persistence"
    report(f"Redis restart {kind}", outcome, 90, 2 * ROWS)


def test_job_accepted_while_redis_is_down_is_sent_when_it_is_back(  # type: ignore[no-untyped-def]
    env, own_redis, make_client, postgres_url, tmp_path
) -> None:
    client, headers = make_client(env), api_key(postgres_url, "fault-outbox")
    dataset_id = upload(client, headers, tiny_examples())
    own_redis.stop()
    started = time.monotonic()
    answer = client.post(
        "/v1/augmentations", headers=headers, json={"dataset_id": dataset_id, "pivots": ["en"]}
    )
    accepted_in = time.monotonic() - started
    assert answer.status_code == 202, answer.text  # accepted: the job is stored, its tasks wait
    again = client.post(
        "/v1/augmentations", headers=headers, json={"dataset_id": dataset_id, "pivots": ["en"]}
    )
    assert again.status_code == 200 and again.json()["id"] == answer.json()["id"]
    own_redis.start()
    worker = Worker(env, tmp_path / "worker.log").start()
    try:
        outcome = finished_rows(client, answer.json()["id"], headers, postgres_url, started)
    finally:
        worker.stop()
    assert accepted_in < 10 and outcome["state"] == "succeeded", (accepted_in, outcome)
    report("job accepted while Redis was down", outcome, 60, ROWS)


def test_lost_task_messages_are_sent_again(env, own_redis, make_client, postgres_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client, headers = make_client(env), api_key(postgres_url, "fault-lost")
    started = time.monotonic()
    job_id = request_job(client, headers, pivots=("en",))
    lost = redis.Redis.from_url(own_redis.url).delete("augment.en")
    assert lost == 1  # the queue with every message of the job is gone
    worker = Worker(env, tmp_path / "worker.log").start()
    try:
        outcome = finished_rows(client, job_id, headers, postgres_url, started)
    finally:
        worker.stop()
    assert outcome["state"] == "succeeded", outcome
    report("every task message lost", outcome, 60, ROWS)


def test_two_workers_per_queue_race_for_the_same_chunks(env, make_client, postgres_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client, headers = make_client(env), api_key(postgres_url, "fault-race")
    workers = [Worker(env, tmp_path / f"worker-{i}.log").start() for i in range(2)]
    try:
        started = time.monotonic()
        job_id = request_job(client, headers)
        outcome = finished_rows(client, job_id, headers, postgres_url, started)
    finally:
        for worker in workers:
            worker.stop()
    # A chunk may run twice (a lease that lapsed while a worker warmed up), but is stored once.
    assert outcome["state"] == "succeeded", outcome
    report("two workers per queue", outcome, 60, 2 * ROWS)


def test_postgres_restarted_mid_job(env, make_client, postgres_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    if not shutil.which("pg_ctlcluster") or os.geteuid() != 0:
        pytest.fail("the Postgres restart fault needs CI's own cluster (pg_ctlcluster, as root)")
    client, headers = make_client(env), api_key(postgres_url, "fault-pg")
    worker = Worker(env, tmp_path / "worker.log").start()
    try:
        started = time.monotonic()
        job_id = request_job(client, headers)
        wait_until(lambda: chunks_done(client, job_id, headers) >= 3, 60, "three chunks")
        subprocess.run(["pg_ctlcluster", "15", "main", "restart", "-m", "fast"], check=True)
        engine_for(postgres_url).dispose()  # this process's pooled connections died with it
        outcome = finished_rows(client, job_id, headers, postgres_url, started)
    finally:
        worker.stop()
    assert outcome["state"] == "succeeded", outcome
    report("Postgres restart mid-job", outcome, 120, 2 * ROWS)


def test_chunk_over_its_time_limit_is_retried_then_fails_with_the_reason(  # type: ignore[no-untyped-def]
    env, make_client, postgres_url, tmp_path
) -> None:
    limited = env | {"ROUNDTRIP_CHUNK_TIME_LIMIT_S": "8", "ROUNDTRIP_TEST_TRANSLATE_DELAY_S": "0"}
    client, headers = make_client(limited), api_key(postgres_url, "fault-slow")
    examples = tiny_examples()[:4]
    examples[2] = examples[2].model_copy(update={"sentence": examples[2].sentence + " " + SLOW})
    worker = Worker(limited, tmp_path / "worker.log").start()
    try:
        started = time.monotonic()
        job_id = request_job(client, headers, examples, pivots=("en",))
        outcome = finished_rows(client, job_id, headers, postgres_url, started)
    finally:
        worker.stop()
    assert outcome["state"] == "failed", outcome
    assert "chunk 1 (en, rows 2-3) was tried 3 times and went over its time limit of 8 s" in outcome["error"]
    report("chunk over its time limit", outcome, 60, None)


def test_chunk_that_raises_fails_its_job_with_the_reason(env, make_client, postgres_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    client, headers = make_client(env), api_key(postgres_url, "fault-raise")
    examples = tiny_examples()[:4]
    examples[3] = examples[3].model_copy(update={"sentence": examples[3].sentence + " " + BROKEN})
    worker = Worker(env, tmp_path / "worker.log").start()
    try:
        started = time.monotonic()
        job_id = request_job(client, headers, examples, pivots=("en",))
        outcome = finished_rows(client, job_id, headers, postgres_url, started)
    finally:
        worker.stop()
    assert outcome["state"] == "failed", outcome
    assert "chunk 1 (en, rows 2-3): failed: ValueError: this translator cannot translate" in outcome["error"]
    report("chunk that raises", outcome, 30, None)


class SilentDatabase:
    """Accepts TCP connections and never answers: a hung database server."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(64)
        self.port = self.server.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self) -> None:
        self.server.close()
        for connection in self.held:
            connection.close()


def test_a_database_that_hangs_gives_503_within_seconds(env, make_client, postgres_url) -> None:  # type: ignore[no-untyped-def]
    silent = SilentDatabase()
    try:
        hung = env | {
            "ROUNDTRIP_DATABASE_URL": f"postgresql+psycopg://roundtrip:roundtrip@127.0.0.1:{silent.port}/hung",
            "ROUNDTRIP_DB_CONNECT_TIMEOUT_S": "2",
        }
        client = make_client(hung)
        timings = {}
        for method, path in (("GET", "/readyz"), ("GET", "/v1/datasets"), ("POST", "/v1/augmentations")):
            started = time.monotonic()
            answer = client.request(method, path, headers={"Authorization": "Bearer rt_whatever"}, json={})
            timings[path] = (
                answer.status_code,
                time.monotonic() - started,
                answer.headers.get("Retry-After"),
            )
    finally:
        silent.close()
    assert timings["/readyz"][0] == 503 and timings["/readyz"][1] < 2.5, timings
    for path in ("/v1/datasets", "/v1/augmentations"):
        status, seconds, retry_after = timings[path]
        assert status == 503 and seconds < 5 and retry_after, timings
    slowest = max(seconds for _, seconds, _ in timings.values())
    FAULTS.append(
        f"{'database accepts TCP, never answers':<38} 503       in {slowest:5.1f} s (bound 5 s)  "
        + "  ".join(f"{path} {status} {seconds:.1f}s" for path, (status, seconds, _) in timings.items())
    )


def test_training_worker_killed_mid_run_starts_the_run_over(  # type: ignore[no-untyped-def]
    env, make_client, postgres_url, tmp_path, klue_train
) -> None:
    from shared.re_data.io import read_examples

    trained = env | {
        "ROUNDTRIP_ARTIFACTS_DIR": str(tmp_path / "artifacts"),
        "ROUNDTRIP_MAX_UPLOAD_BYTES": "5000000",
    }
    client, headers = make_client(trained), api_key(postgres_url, "fault-train")
    rows = "\n".join(e.model_dump_json(exclude_none=True) for e in read_examples(klue_train)[:1500]).encode()
    dataset_id = client.post("/v1/datasets", headers=headers, files={"file": ("t.jsonl", rows)}).json()["id"]
    train = Worker(trained, tmp_path / "train.log", app="services.train.worker", queues="train").start()
    try:
        started = time.monotonic()
        answer = client.post(
            "/v1/trainings", headers=headers, json={"dataset_id": dataset_id, "name": "killed"}
        )
        assert answer.status_code == 202, answer.text
        run_id = answer.json()["id"]

        def status() -> str:
            return str(client.get(f"/v1/trainings/{run_id}", headers=headers).json()["status"])

        wait_until(lambda: status() == "running", 60, "the run to start")
        killed_while = status()
        train.kill_hard()
        train.start()
        wait_until(lambda: status() in {"succeeded", "failed"}, 240, "the run to end")
        body = client.get(f"/v1/trainings/{run_id}", headers=headers).json()
    finally:
        train.stop()
    seconds = time.monotonic() - started
    with session_scope(postgres_url) as session:
        from shared.db.models import TrainingRun

        attempts = session.scalar(select(TrainingRun.attempts).where(TrainingRun.id == run_id))
    assert killed_while == "running" and body["status"] == "succeeded", body
    assert attempts == 2
    FAULTS.append(
        f"{'training worker kill -9 mid-run':<38} succeeded in {seconds:5.1f} s (bound 240 s)  "
        f"attempts {attempts}"
    )
