"""Schemathesis fuzzes the live API (uvicorn, a worker on both augment queues, Postgres, Redis)
from its own OpenAPI schema, with a bounded budget: no answer may be a server error (5xx), and every
status code must be documented."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from fakes import SCRIPTED_TRANSLATORS
from service_helpers import ROOT, Worker, api_key, reset_store, service_env

ST = str(Path(sys.executable).parent / "st")
EXAMPLES_PER_OPERATION = 40
# One worker: with several, hypothesis's concurrent ast.parse can crash CPython 3.11's parser
# ("AST constructor recursion depth mismatch"), a runtime error of the tool, not of the API.


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_fuzzed_requests_get_no_server_error_and_only_documented_codes(
    postgres_url, redis_url, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    reset_store(postgres_url, redis_url)
    port = free_port()
    settings = service_env(
        postgres_url, redis_url, **SCRIPTED_TRANSLATORS, ROUNDTRIP_ARTIFACTS_DIR=str(tmp_path)
    )
    env = os.environ | settings
    worker = Worker(settings, tmp_path / "worker.log").start()
    log = (tmp_path / "api.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "services.api.main:app", "--port", str(port),
         "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, (tmp_path / "api.log").read_text()
            time.sleep(0.2)
        [authorization] = api_key(postgres_url, "team-fuzz").values()
        run = subprocess.run(
            [ST, "run", f"{base}/openapi.json", "--checks", "not_a_server_error,status_code_conformance",
             "--max-examples", str(EXAMPLES_PER_OPERATION), "--seed", "20261202",
             "--phases", "examples,coverage,fuzzing", "--header", f"Authorization: {authorization}",
             "--request-timeout", "20", "--workers", "1", "--no-color"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(20)
        worker.stop()
    summary = run.stdout[-4000:]
    print(summary)
    assert run.returncode == 0, summary + run.stderr[-2000:]
    assert "Server error" not in run.stdout and "Undocumented HTTP status code" not in run.stdout
