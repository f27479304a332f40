"""Workers die; jobs still finish with every row exactly once, or fail with the reason.

These use a real Celery worker process whose translators are the deterministic test doubles
(tests/fakes.py), plugged in through ROUNDTRIP_TRANSLATOR_<DIRECTION> as a user's own MT system would be.
"""

import io
import tarfile
import time
from collections import Counter
from pathlib import Path

import pytest
from factories import tiny_examples
from fakes import POISON, SCRIPTED_TRANSLATORS
from service_helpers import Worker, api_key, reset_store, service_env, wait_for_state
from sqlalchemy import func, select

from shared.db.models import AugmentedRow, ChunkState, JobChunk, TranslationLeg
from shared.db.session import session_scope
from shared.re_data.io import parse_examples
from shared.re_data.labels import labels


@pytest.fixture
def fake_env(postgres_url: str, redis_url: str) -> dict[str, str]:
    reset_store(postgres_url, redis_url)
    return service_env(
        postgres_url,
        redis_url,
        **SCRIPTED_TRANSLATORS,
        ROUNDTRIP_TEST_TRANSLATE_DELAY_S="0.4",
        ROUNDTRIP_CHUNK_ROWS="2",
    )


def upload(client, headers, examples) -> str:  # type: ignore[no-untyped-def]
    rows = "\n".join(e.model_dump_json(exclude_none=True) for e in examples).encode()
    answer = client.post("/v1/datasets", headers=headers, files={"file": ("train.jsonl", rows)})
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]  # type: ignore[no-any-return]


def running_chunks(url: str) -> list[str]:
    with session_scope(url) as session:
        return list(session.scalars(select(JobChunk.id).where(JobChunk.state == ChunkState.RUNNING)))


def test_kill_9_mid_job_then_restart_completes_every_row_once(
    fake_env, make_client, postgres_url, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    client, headers = make_client(fake_env), api_key(postgres_url, "team-kill")
    worker = Worker(fake_env, tmp_path / "worker.log").start()
    try:
        request = {"dataset_id": upload(client, headers, tiny_examples()), "pivots": ["en", "ja"]}
        job_id = client.post("/v1/augmentations", headers=headers, json=request).json()["id"]
        deadline = time.monotonic() + 60
        # Kill while a chunk is claimed and unfinished: between two chunks there is nothing to re-run
        while client.get(f"/v1/augmentations/{job_id}", headers=headers).json()["progress"]["en"][
            "chunks_done"
        ] < 3 or not running_chunks(postgres_url):
            assert time.monotonic() < deadline, "the job made no progress"
            time.sleep(0.05)
        worker.kill_hard()
        interrupted = running_chunks(postgres_url)
        killed_at = client.get(f"/v1/augmentations/{job_id}", headers=headers).json()
        assert killed_at["state"] == "running"
        done_when_killed = sum(p["chunks_done"] for p in killed_at["progress"].values())
        assert done_when_killed < 16
        worker.start()  # the unacknowledged chunk comes back after the visibility timeout
        done = wait_for_state(client, job_id, headers, {"succeeded", "failed"}, timeout=150)
    finally:
        worker.stop()

    assert done["state"] == "succeeded", done
    rows = parse_examples(
        client.get(f"/v1/augmentations/{job_id}/result", headers=headers).content, "r.jsonl"
    )
    keys = Counter((r.provenance.source_id, r.provenance.pivot, r.provenance.variant) for r in rows)  # type: ignore[union-attr]
    assert len(rows) == 32 and max(keys.values()) == 1  # every source row, through both pivots, exactly once
    hf = client.get(f"/v1/augmentations/{job_id}/result?format=hf", headers=headers)
    assert hf.status_code == 200 and hf.headers["content-type"] == "application/gzip"
    dataset = load_hf_archive(hf.content, tmp_path)
    assert dataset.num_rows == 32 and dataset.features["label"].names == list(labels())
    assert {row["provenance"]["pivot"] for row in dataset} == {"en", "ja"}
    assert sorted(row["guid"] for row in dataset) == sorted(row.guid for row in rows)
    distinct_sentences = len({e.sentence for e in tiny_examples()})
    with session_scope(postgres_url) as session:
        assert session.scalar(select(func.count()).select_from(AugmentedRow)) == 32
        # one cache row per distinct (text, leg): 4 legs, each over the distinct sentences
        assert session.scalar(select(func.count()).select_from(TranslationLeg)) == 4 * distinct_sentences
        attempts = session.scalars(select(JobChunk.attempts)).all()
        rerun = session.scalars(select(JobChunk.attempts).where(JobChunk.id.in_(interrupted))).all()
    assert interrupted and set(rerun) == {2}  # the chunk killed mid-run ran again, once
    assert max(attempts) == 2
    print(f"kill -9 after {done_when_killed}/16 chunks; rows {len(rows)}; attempts {sorted(attempts)}")


def load_hf_archive(content: bytes, folder: Path):  # type: ignore[no-untyped-def]
    """The ?format=hf download unpacked and read with datasets.load_from_disk, no glue code."""
    import datasets

    with tarfile.open(fileobj=io.BytesIO(content), mode="r:gz") as archive:
        (name,) = {member.name.split("/")[0] for member in archive.getmembers()}
        archive.extractall(folder, filter="data")
    return datasets.load_from_disk(str(folder / name))


def test_a_chunk_that_kills_its_worker_fails_the_job_after_three_tries(
    fake_env, make_client, postgres_url, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    env = fake_env | {"ROUNDTRIP_TEST_TRANSLATE_DELAY_S": "0"}
    client, headers = make_client(env), api_key(postgres_url, "team-poison")
    examples = tiny_examples()[:4]
    examples[1] = examples[1].model_copy(update={"sentence": examples[1].sentence + " " + POISON})
    worker = Worker(env, tmp_path / "worker.log").start()
    try:
        job_id = client.post(
            "/v1/augmentations",
            headers=headers,
            json={"dataset_id": upload(client, headers, examples), "pivots": ["en"]},
        ).json()["id"]
        done = wait_for_state(client, job_id, headers, {"succeeded", "failed"}, timeout=120)
    finally:
        worker.stop()
    assert done["state"] == "failed"
    assert "was tried 3 times and its worker died or stopped answering each time" in done["error"]
    assert "rows 0-1" in done["error"]
    with session_scope(postgres_url) as session:
        poisoned = session.scalar(select(JobChunk).where(JobChunk.index == 0))
        assert poisoned is not None and poisoned.attempts == 3 and poisoned.state == "failed"
