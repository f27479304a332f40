"""The /ui pages in a real browser (Debian's chromium, headless, driven by Selenium) against the
real API, Postgres, Redis and a real `train` worker: every page loads with no console errors and
shows its charts; the job page follows progress live. A screenshot of each page is kept."""

import json
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from needs import service_missing
from service_helpers import ROOT, Worker, api_key, reset_store, service_env
from sqlalchemy import text

from services.evidence.shift import CHOSEN
from shared.db.session import session_scope
from shared.re_data.io import read_examples

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1280,2200",
]  # fmt: skip
SCREENSHOTS = Path(os.environ.get("ROUNDTRIP_SCREENSHOTS_DIR", ROOT / "var" / "ui-screenshots"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def site(postgres_url, redis_url, tmp_path, monkeypatch, klue_train) -> Iterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """uvicorn serving the app on loopback, a train worker, and a team with data, a job and runs."""
    reset_store(postgres_url, redis_url)
    env = service_env(postgres_url, redis_url, ROUNDTRIP_CHUNK_ROWS="100",
                      ROUNDTRIP_ARTIFACTS_DIR=str(tmp_path / "artifacts"))  # fmt: skip
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    from services.api import deps
    from services.api.main import create_app
    from services.augment.config import get_service_settings

    get_service_settings.cache_clear()
    deps._celery.cache_clear()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    worker = Worker(env, tmp_path / "train.log", app="services.train.worker", queues="train").start()
    headers = api_key(postgres_url, "team-ui")
    base = f"http://127.0.0.1:{port}"
    try:
        yield {"base": base, "headers": headers, "url": postgres_url, **_seed(base, headers, klue_train)}
    finally:
        worker.stop()
        server.should_exit = True
        thread.join(timeout=10)
        get_service_settings.cache_clear()


def _seed(base: str, headers: dict[str, str], klue_train: Path) -> dict[str, Any]:
    examples = read_examples(klue_train)
    rows = "\n".join(e.model_dump_json(exclude_none=True) for e in examples[:400]).encode()
    unlabeled = "\n".join(e.model_copy(update={"label": None}).model_dump_json(exclude_none=True)
                          for e in examples[400:600]).encode()  # fmt: skip
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        dataset = client.post("/v1/datasets", files={"file": ("train.jsonl", rows)}).json()
        test_set = client.post("/v1/datasets", files={"file": ("test.jsonl", unlabeled)},
                               data={"unlabeled": "true"}).json()  # fmt: skip
        # No augment worker listens: the job waits, and the test moves its chunks along itself.
        job = client.post(
            "/v1/augmentations", json={"dataset_id": dataset["id"], "pivots": ["en", "ja"]}
        ).json()
        arms = {"baseline": {}, "undersampled": {"no_relation_keep": 0.3}}
        runs: dict[str, list[str]] = {arm: [] for arm in arms}
        for arm, extra in arms.items():
            for seed in (1, 2):
                request = {"dataset_id": dataset["id"], "name": arm, "seed": seed, **extra,
                           "validation_fraction": 0.25, "group_by": "entity_cluster",
                           "test_dataset_id": test_set["id"]}  # fmt: skip
                answer = client.post("/v1/trainings", json=request)
                assert answer.status_code == 202, answer.text
                runs[arm].append(answer.json()["id"])
        # a hang guard, not a speed bound: on a loaded 2-core machine (two benches beside .ci/run)
        # the four trainings took just over 300 s
        deadline = time.monotonic() + 900
        for run_id in runs["baseline"] + runs["undersampled"]:
            while (body := client.get(f"/v1/trainings/{run_id}").json())["status"] not in (
                "succeeded",
                "failed",
            ):
                assert time.monotonic() < deadline, body
                time.sleep(0.5)
            assert body["status"] == "succeeded", body
    return {"dataset": dataset, "job": job, "runs": runs}


@pytest.fixture
def browser() -> Iterator[Any]:
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver_path:
        service_missing("chromium and chromedriver (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    profile = Path(os.environ.get("TMPDIR", "/tmp")) / f"roundtrip-chromium-{os.getpid()}"
    shutil.rmtree(profile, ignore_errors=True)
    options.add_argument(f"--user-data-dir={profile}")  # empty profile: nothing cached, nothing synced
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(driver_path)), options=options)
    driver.set_page_load_timeout(30)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _open(driver: Any, url: str, name: str, *, charts: int) -> None:
    """Load a page; it must show `charts` drawn charts and log no console error."""
    driver.get(url)
    drawn = driver.execute_script(
        "return Array.from(document.querySelectorAll('figure.chart svg')).filter("
        "svg => svg.getBoundingClientRect().width > 100 && svg.querySelectorAll('path').length > 5).length"
    )
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    assert errors == [], errors
    assert drawn == charts, f"{name}: {drawn} charts drawn, {charts} expected"


def test_every_page_in_chromium(site: dict[str, Any], browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base, runs = site["base"], site["runs"]
    browser.get(f"{base}/ui")  # no cookie yet: sent to log in
    assert browser.current_url.endswith("/ui/login")
    browser.find_element(By.ID, "key").send_keys(site["headers"]["Authorization"].removeprefix("Bearer "))
    browser.find_element(By.ID, "login").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url.rstrip("/").endswith("/ui"))

    _open(browser, f"{base}/ui", "overview", charts=0)
    assert "train.jsonl" in browser.page_source and runs["baseline"][0][:8] in browser.page_source

    _open(browser, f"{base}/ui/datasets/{site['dataset']['id']}", "dataset", charts=3)
    assert browser.find_element(By.ID, "rows").text == "400"
    browser.get(f"{base}/ui/datasets/{site['dataset']['id']}/report.json")  # the cookie is enough
    assert json.loads(browser.find_element(By.TAG_NAME, "body").text)["rows"] == 400

    job_id = site["job"]["id"]
    _open(browser, f"{base}/ui/jobs/{job_id}", "job", charts=0)
    chunks = browser.find_element(By.CSS_SELECTOR, '[data-pivot="en"] .chunks')
    assert chunks.text == "0 / 4 chunks"
    with session_scope(site["url"]) as session:  # two chunks finish while the page is open
        moved = text(
            "UPDATE job_chunks SET state = 'done', rows_out = 90 "
            "WHERE job_id = :job AND pivot = 'en' AND \"index\" < 2"
        )
        session.execute(moved, {"job": job_id})
    WebDriverWait(browser, 15).until(lambda _: chunks.text == "2 / 4 chunks")
    assert browser.find_element(By.CSS_SELECTOR, '[data-pivot="en"] .rows-out').text == "180"
    browser.save_screenshot(str(SCREENSHOTS / "job-live.png"))
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []

    _open(
        browser, f"{base}/ui/runs/{runs['baseline'][0]}", "run", charts=4
    )  # curves, per-label, confusion, priors
    assert "predicted test micro-F1" in browser.page_source
    assert float(browser.find_element(By.ID, "predicted-test").text.split()[0]) > 0

    ids = ",".join(runs["baseline"] + runs["undersampled"])
    _open(browser, f"{base}/ui/compare?ids={ids}&baseline=baseline", "compare", charts=1)
    rows = browser.find_elements(By.CSS_SELECTOR, "#comparison tr")
    assert [row.find_elements(By.TAG_NAME, "td")[0].text for row in rows[1:]] == ["baseline", "undersampled"]
    verdict = browser.find_element(By.CSS_SELECTOR, "#comparison td.verdict").text
    assert verdict.startswith(
        ("not distinguishable from noise", "better than", "worse than", "needs more seeds")
    )
    for row in browser.find_elements(By.CSS_SELECTOR, "#per-label tr")[1:]:  # label, rows, delta
        _, rows_seen, delta = (cell.text for cell in row.find_elements(By.TAG_NAME, "td"))
        assert (delta == "—") == (rows_seen == "0"), (rows_seen, delta)


def test_comparison_and_predicted_test_score_over_rest(site: dict[str, Any]) -> None:
    """The same numbers the pages show, as JSON."""
    runs, headers = site["runs"], site["headers"]
    with httpx.Client(base_url=site["base"], headers=headers, timeout=30) as client:
        ids = ",".join(runs["undersampled"] + runs["baseline"])
        comparison = client.get(
            "/v1/trainings/comparison", params={"ids": ids, "baseline": "baseline"}
        ).json()
        run = client.get(f"/v1/trainings/{runs['baseline'][0]}").json()
        mixed = client.get("/v1/trainings/comparison", params={"ids": f"{ids},{runs['baseline'][0][:-1]}x"})
        unnamed = client.get("/v1/trainings/comparison", params={"ids": ids, "baseline": "nope"})
    arms = {arm["arm"]: arm for arm in comparison["arms"]}
    assert set(arms) == {"baseline", "undersampled"} and comparison["resampled"] == "groups"
    assert arms["baseline"]["micro_f1"]["n"] == 2 and "difference_vs_baseline" not in arms["baseline"]
    difference = arms["undersampled"]["difference_vs_baseline"]
    assert difference["low"] <= difference["estimate"] <= difference["high"]
    expected = arms["undersampled"]["micro_f1"]["mean"] - arms["baseline"]["micro_f1"]["mean"]
    assert difference["estimate"] == pytest.approx(expected, abs=0.01)
    assert arms["undersampled"]["not_distinguishable_from_noise"] == (
        difference["low"] <= 0 <= difference["high"]
    )
    measured = {label for label, rows in comparison["validation_support"].items() if rows > 0}
    assert set(arms["undersampled"]["per_label_f1_delta"]) == measured
    assert sum(comparison["validation_support"].values()) == comparison["validation_rows"]
    assert mixed.status_code == 404 and unnamed.status_code == 422 and "arms:" in unnamed.json()["error"]

    estimate = run["metrics"]["test_estimate"]
    assert estimate["test_rows"] == 200 and estimate["test_file"]["rows"] == 200
    shares = estimate["prior"]["estimated_test"]
    assert sum(shares.values()) == pytest.approx(1.0, abs=1e-3) and len(shares) == 30
    validation_shares = estimate["prior"]["validation"]
    assert all(shares[label] == 0 for label, share in validation_shares.items() if share == 0)
    assert shares["no_relation"] > 0.05 and max(shares.values()) < 0.9  # no collapse onto one label
    predicted = estimate["predicted_test_micro_f1"]
    assert predicted["low"] <= predicted["estimate"] <= predicted["high"]
    assert estimate["validation_micro_f1"] == pytest.approx(run["metrics"]["micro_f1"], abs=0.01)
    assert estimate["estimator"] == CHOSEN and "test_threshold" in estimate
    json.dumps(estimate)  # the record holds plain JSON

    # A run weighted to that estimate, through the worker; a run that does not exist is a 404
    with httpx.Client(base_url=site["base"], headers=headers, timeout=30) as client:
        request = {"dataset_id": run["dataset_id"], "name": "matched", "validation_fraction": 0.25,
                   "group_by": "entity_cluster", "match_prior_of": run["id"]}  # fmt: skip
        queued = client.post("/v1/trainings", json=request)
        missing = client.post("/v1/trainings", json=request | {"match_prior_of": "nope"})
        deadline = time.monotonic() + 120
        while (matched := client.get(f"/v1/trainings/{queued.json()['id']}").json())["status"] not in (
            "succeeded", "failed"
        ):  # fmt: skip
            assert time.monotonic() < deadline
            time.sleep(0.5)
    assert matched["status"] == "succeeded", matched["error"]
    assert matched["split"]["label_weights"]["no_relation"] > 0 and missing.status_code == 404
