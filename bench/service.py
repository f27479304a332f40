"""End to end through the REST API and real Celery workers with tiny models: a cold job, then the
same sentences again (all cache hits), and status latency under 50 concurrent pollers.

Needs Postgres and Redis (the test ones by default, wiped first):
    python bench/service.py [--rows 5000] [--pollers 50]
Last line: `warm/cold: X.XXX  status p50 ms: Y  status p99 ms: Z`. Before it, where the time goes:
CPU seconds of each process during the cold job, and status latency split into the app's own time
(Server-Timing) and the rest (waiting for a CPU the workers hold, or the socket), while the job
runs and again with the workers idle.
"""

import argparse
import asyncio
import contextlib
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import redis
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.catalog import teams_repository  # noqa: E402
from services.catalog.keys import hash_key, new_key  # noqa: E402
from shared.db import models  # noqa: E402, F401
from shared.db.base import Base  # noqa: E402
from shared.db.migrate import upgrade  # noqa: E402
from shared.db.session import engine_for, session_scope  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared/data/klue-re/train.jsonl"
BIN = Path(sys.executable).parent
DECODING = {"mode": "greedy", "max_new_tokens": 48}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(command: list[str], env: dict[str, str], log: Path, ready: bytes) -> subprocess.Popen[bytes]:
    with log.open("ab") as stream:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=stream, stderr=stream, start_new_session=True
        )
    deadline = time.monotonic() + 120
    while ready not in log.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"{command[0]} did not start:\n{log.read_text()[-2000:]}")
        time.sleep(0.2)
    return process


def run_job(client: httpx.Client, headers: dict[str, str], rows: bytes, name: str) -> tuple[str, float]:
    dataset = client.post("/v1/datasets", headers=headers, files={"file": (f"{name}.jsonl", rows)}).json()
    started = time.perf_counter()
    job = client.post(
        "/v1/augmentations", headers=headers,
        json={"dataset_id": dataset["id"], "pivots": ["en", "ja"], "decoding": DECODING},
    ).json()  # fmt: skip
    return job["id"], started


def wait(client: httpx.Client, headers: dict[str, str], job_id: str, timeout: float = 3600) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout
    while True:
        body = client.get(f"/v1/augmentations/{job_id}", headers=headers).json()
        if body["state"] in {"succeeded", "failed", "cancelled"}:
            return body  # type: ignore[no-any-return]
        if time.monotonic() > deadline:
            raise SystemExit(f"job {job_id} did not finish: {body}")
        time.sleep(0.2)


async def poll(
    host: str, port: int, request: bytes, stop: asyncio.Event, out: list[tuple[float, float]]
) -> None:
    """One polite poller on its own keep-alive connection: a status request, ~100 ms of rest, again.
    Records (client ms, server ms): the client's latency and the app's own time (Server-Timing).

    A bare HTTP/1.1 client: httpx's async pool costs more CPU than the server it measures."""
    reader, writer = await asyncio.open_connection(host, port)
    pause = random.Random(id(out) ^ id(writer))
    await asyncio.sleep(pause.uniform(0, 0.1))  # pollers that started together do not stay in step
    try:
        while not stop.is_set():
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise SystemExit(f"status request failed: {head[:80]!r}")
            lower = head.lower()
            length = int(lower.split(b"content-length:")[1].split(b"\r\n")[0])
            await reader.readexactly(length)
            server = float(lower.split(b"server-timing: app;dur=")[1].split(b"\r\n")[0])
            out.append(((time.perf_counter() - started) * 1000, server))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), pause.uniform(0.05, 0.15))
    finally:
        writer.close()


def poll_while_running(
    port: int, path: str, headers: dict[str, str], pollers: int, done: threading.Event
) -> list[tuple[float, float]]:
    """`pollers` concurrent pollers on one event loop (light on the CPU the server shares)."""
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", *(f"{k}: {v}" for k, v in headers.items())]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode()

    async def run() -> list[tuple[float, float]]:
        latencies: list[tuple[float, float]] = []
        stop = asyncio.Event()
        tasks = [
            asyncio.create_task(poll("127.0.0.1", port, request, stop, latencies)) for _ in range(pollers)
        ]
        while not done.is_set():
            await asyncio.sleep(0.05)
        stop.set()
        await asyncio.gather(*tasks)
        return latencies

    return asyncio.run(run())


NAMES = ("worker augment.en", "worker augment.ja", "api")
IDLE_POLL_S = 10.0


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else (values or [0.0])[0]


def cpu_seconds(process: subprocess.Popen[bytes]) -> float:
    """User + system CPU seconds of a process and every process in its group (Celery's children)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == process.pid:  # process group id (start() makes each a group leader)
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--pollers", type=int, default=50)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "ROUNDTRIP_TEST_POSTGRES_URL",
            "postgresql+psycopg://roundtrip:roundtrip@127.0.0.1:5432/roundtrip_test",
        ),
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()

    lines = args.data.read_text(encoding="utf-8").splitlines()[: args.rows]
    rows = ("\n".join(lines) + "\n").encode()
    upgrade(args.postgres)
    with engine_for(args.postgres).begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(Base.metadata.tables)} RESTART IDENTITY CASCADE"))
    redis.Redis.from_url(args.redis).flushdb()
    key = new_key()
    with session_scope(args.postgres) as session:
        team = teams_repository.get_or_create_team(session, name="bench")
        teams_repository.add_key(session, team=team, key_hash=hash_key(key), prefix=key[:8], scope="write")
    headers = {"Authorization": f"Bearer {key}"}

    processes: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as scratch:
        scratch_dir = Path(scratch)
        subprocess.run([str(BIN / "roundtrip"), "models", "build-tiny", str(scratch_dir / "models"),
                        "--data", str(args.data)], check=True, capture_output=True)  # fmt: skip
        tiny = dict(
            line.split("=", 1)
            for line in (scratch_dir / "models/tiny.env").read_text().splitlines()
            if line and not line.startswith("#")
        )
        env = os.environ | tiny | {
            "ROUNDTRIP_DATABASE_URL": args.postgres, "ROUNDTRIP_REDIS_URL": args.redis,
            "ROUNDTRIP_TORCH_THREADS": "1", "ROUNDTRIP_LOG_LEVEL": "WARNING",
        }  # fmt: skip
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        try:
            for queue in ("augment.en", "augment.ja"):
                processes.append(start(
                    [str(BIN / "celery"), "-A", "services.augment.worker.app", "worker", "-Q", queue,
                     "-c", "1", "-n", f"{queue}@bench", "--without-gossip", "--without-mingle",
                     "--loglevel", "INFO"],
                    env, scratch_dir / f"{queue}.log", b"ready.",
                ))  # fmt: skip
            processes.append(start(
                [str(BIN / "uvicorn"), "services.api.main:app", "--host", "127.0.0.1",
                 "--port", str(port), "--log-level", "warning", "--no-access-log"],
                env | {"ROUNDTRIP_LOG_LEVEL": "INFO"}, scratch_dir / "api.log", b"",
            ))  # fmt: skip
            with httpx.Client(base_url=base_url, timeout=60) as client:
                for _ in range(100):
                    try:
                        if client.get("/readyz").status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    time.sleep(0.3)

                named = list(zip(NAMES, processes, strict=True))
                cpu_before = {name: cpu_seconds(process) for name, process in named}
                cold_id, cold_started = run_job(client, headers, rows, "cold")
                done = threading.Event()
                latencies: list[tuple[float, float]] = []
                path = f"/v1/augmentations/{cold_id}"
                poller = threading.Thread(
                    target=lambda: latencies.extend(
                        poll_while_running(port, path, headers, args.pollers, done)
                    )
                )
                poller.start()
                cold = wait(client, headers, cold_id)
                cold_seconds = time.perf_counter() - cold_started
                done.set()
                poller.join()
                cpu_used = {name: cpu_seconds(process) - cpu_before[name] for name, process in named}
                # The same pollers with the workers idle: what the API does when it has the CPU.
                idle_done = threading.Event()
                idle: list[tuple[float, float]] = []
                idle_poller = threading.Thread(
                    target=lambda: idle.extend(
                        poll_while_running(port, path, headers, args.pollers, idle_done)
                    )
                )
                idle_poller.start()
                time.sleep(IDLE_POLL_S)
                idle_done.set()
                idle_poller.join()

                warm_id, warm_started = run_job(client, headers, rows, "warm")
                warm = wait(client, headers, warm_id)
                warm_seconds = time.perf_counter() - warm_started
        finally:
            for process in processes:
                os.killpg(process.pid, signal.SIGTERM)
            for process in processes:
                process.wait(30)

    if cold["state"] != "succeeded" or warm["state"] != "succeeded":
        raise SystemExit(f"jobs did not succeed: cold {cold['state']} {cold['error']}, warm {warm['state']}")
    quantiles = statistics.quantiles([c for c, _ in latencies], n=100)
    chunks = cold["progress"]["en"]["chunks_total"]
    print(f"rows {args.rows}, pivots en+ja, decoding {DECODING}, chunks {chunks}/pivot")
    print(f"cold job: {cold_seconds:.1f} s, cache hit ratio {cold['cache_hit_ratio']:.3f}, rows out "
          f"{sum(p['rows_out'] for p in cold['progress'].values())}")  # fmt: skip
    hit_ratio, misses = warm["cache_hit_ratio"], warm["cache_misses"]
    print(f"warm job: {warm_seconds:.1f} s, cache hit ratio {hit_ratio:.3f}, misses {misses}")
    cores = os.cpu_count() or 1
    budget = f"{cold_seconds:.0f} s × {cores} cores = {cold_seconds * cores:.0f} core-s"
    used = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in cpu_used.items())
    print(f"CPU during the cold job ({budget}): {used}")
    for label, sample in ((f"while the job runs ({len(latencies)} requests)", latencies),
                          (f"workers idle, {IDLE_POLL_S:.0f} s ({len(idle)} requests)", idle)):  # fmt: skip
        client_ms, server_ms = [c for c, _ in sample], [s for _, s in sample]
        waiting = [c - s for c, s in sample]
        print(f"status under {args.pollers} pollers, {label}: client p50 {percentile(client_ms, 50):.1f} / "
              f"p99 {percentile(client_ms, 99):.1f} ms; in the app p50 {percentile(server_ms, 50):.1f} / "
              f"p99 {percentile(server_ms, 99):.1f} ms; waiting for the CPU or the socket p99 "
              f"{percentile(waiting, 99):.1f} ms")  # fmt: skip
    p50 = statistics.median([c for c, _ in latencies])
    print(f"warm/cold: {warm_seconds / cold_seconds:.3f}  status p50 ms: {p50:.1f}  "
          f"status p99 ms: {quantiles[98]:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
