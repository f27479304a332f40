"""End to end through the API and a real Celery worker running tiny real models."""

import json
from pathlib import Path

import pytest
from factories import tiny_examples
from service_helpers import Worker, api_key, reset_store, service_env, wait_for_state

from shared.re_data.io import parse_examples


@pytest.fixture(scope="module")
def tiny_worker(postgres_url: str, redis_url: str, tiny_env: dict[str, str], tmp_path_factory):  # type: ignore[no-untyped-def]
    reset_store(postgres_url, redis_url)
    env = service_env(postgres_url, redis_url, **tiny_env)
    worker = Worker(env, tmp_path_factory.mktemp("worker") / "worker.log").start()
    yield env
    worker.stop()


@pytest.fixture
def api(tiny_worker, make_client, postgres_url):  # type: ignore[no-untyped-def]
    return make_client(tiny_worker), api_key(postgres_url, "team-tiny")


def upload_tiny(client, headers, name: str) -> str:  # type: ignore[no-untyped-def]
    rows = "\n".join(e.model_dump_json(exclude_none=True) for e in tiny_examples()).encode()
    answer = client.post("/v1/datasets", headers=headers, files={"file": (f"{name}.jsonl", rows)})
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]  # type: ignore[no-any-return]


def test_upload_job_poll_download_then_a_warm_job(api) -> None:  # type: ignore[no-untyped-def]
    client, headers = api
    assert client.get("/readyz").status_code == 200
    request = {"dataset_id": upload_tiny(client, headers, "first"), "pivots": ["en", "ja"],
               "decoding": {"mode": "greedy", "max_new_tokens": 12}}  # fmt: skip
    job = client.post("/v1/augmentations", headers=headers, json=request)
    assert job.status_code == 202
    done = wait_for_state(client, job.json()["id"], headers, {"succeeded", "failed"})
    assert done["state"] == "succeeded", done
    for pivot in ("en", "ja"):
        progress = done["progress"][pivot]
        assert progress["chunks_done"] == progress["chunks_total"] == 4
        assert progress["sentences_done"] == 16
        # every source row either comes out or is dropped with a reason
        assert progress["rows_out"] + sum(done["drops"].get(pivot, {}).values()) == 16
    assert done["cache_misses"] > 0

    result = client.get(f"/v1/augmentations/{done['id']}/result?format=jsonl", headers=headers)
    assert result.status_code == 200
    rows = parse_examples(result.content, "result.jsonl") if result.content.strip() else []
    assert len(rows) == sum(p["rows_out"] for p in done["progress"].values())
    csv = client.get(f"/v1/augmentations/{done['id']}/result?format=csv", headers=headers)
    assert csv.text.startswith("id,sentence,subject_entity,object_entity,label,source,provenance")

    # Same sentences, new dataset: every leg is served from the cache, the model is never called.
    warm = client.post("/v1/augmentations", headers=headers,
                       json=request | {"dataset_id": upload_tiny(client, headers, "second")})  # fmt: skip
    warm_done = wait_for_state(client, warm.json()["id"], headers, {"succeeded", "failed"})
    assert warm_done["state"] == "succeeded"
    assert warm_done["cache_misses"] == 0 and warm_done["cache_hit_ratio"] == 1.0
    assert warm_done["progress"] == done["progress"]


def test_translation_cache_over_rest(api) -> None:  # type: ignore[no-untyped-def]
    client, headers = api
    texts = ["이순신은 조선의 장군이다.", "삼성전자는 기업이다."]
    request = {
        "source_lang": "ko",
        "target_lang": "en",
        "texts": texts,
        "decoding": {"mode": "greedy", "max_new_tokens": 8},
    }
    before = client.post("/v1/translations/lookup", headers=headers, json=request).json()
    assert before["misses"] == texts and before["revision"].startswith("sha256:")
    translated = client.post("/v1/translations", headers=headers, json=request)
    assert translated.status_code == 200, translated.text
    assert translated.json()["translated"] == 2 and len(translated.json()["translations"]) == 2
    again = client.post("/v1/translations", headers=headers, json=request).json()
    assert again["from_cache"] == 2 and again["translations"] == translated.json()["translations"]
    after = client.post("/v1/translations/lookup", headers=headers, json=request).json()
    assert [hit["text"] for hit in after["hits"]] == texts and after["misses"] == []
    too_many = client.post(
        "/v1/translations/lookup", headers=headers, json=request | {"texts": ["가"] * 1001}
    )
    assert too_many.status_code == 422


def test_models_show_live_workers(api, tiny_env) -> None:  # type: ignore[no-untyped-def]
    client, headers = api
    models = {m["direction"]: m for m in client.get("/v1/models", headers=headers).json()}
    assert set(models) == {"ko-en", "en-ko", "ko-ja", "ja-ko"}
    assert all(m["live_worker"] for m in models.values())
    assert models["ko-ja"]["setting"] == "ROUNDTRIP_MODEL_KO_JA"
    served_from = Path(tiny_env["ROUNDTRIP_MODEL_KO_EN"])
    assert served_from.is_dir() and models["ko-en"]["model"] == f"local/{served_from.name}"
    body = client.get("/v1/models", headers=headers).text
    assert str(served_from.parent) not in body  # no server path leaves the server
    assert json.loads(json.dumps(models))  # plain JSON
