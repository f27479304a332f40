"""Trainings requested over REST run on a real `train` worker; records and plots come back."""

import pytest
from fakes import SCRIPTED_TRANSLATORS
from service_helpers import Worker, api_key, reset_store, service_env, wait_for_state

from shared.re_data.io import read_examples


@pytest.fixture
def stack(postgres_url, redis_url, make_client, tmp_path, klue_train):  # type: ignore[no-untyped-def]
    reset_store(postgres_url, redis_url)
    env = service_env(
        postgres_url, redis_url, **SCRIPTED_TRANSLATORS,
        ROUNDTRIP_CHUNK_ROWS="100", ROUNDTRIP_ARTIFACTS_DIR=str(tmp_path / "artifacts"),
    )  # fmt: skip
    augment = Worker(env, tmp_path / "augment.log").start()
    train = Worker(env, tmp_path / "train.log", app="services.train.worker", queues="train").start()
    rows = "\n".join(e.model_dump_json(exclude_none=True) for e in read_examples(klue_train)[:300]).encode()
    yield make_client(env), rows, postgres_url
    augment.stop()
    train.stop()


def wait_for_run(client, run_id: str, headers: dict[str, str], timeout: float = 240) -> dict:  # type: ignore[no-untyped-def, type-arg]
    import time

    deadline = time.monotonic() + timeout
    while True:
        body = client.get(f"/v1/trainings/{run_id}", headers=headers).json()
        if body["status"] in {"succeeded", "failed"}:
            return body  # type: ignore[no-any-return]
        assert time.monotonic() < deadline, body
        time.sleep(0.5)


def test_baseline_vs_plus_en_over_rest(stack) -> None:  # type: ignore[no-untyped-def]
    client, rows, url = stack
    headers, other_team = api_key(url, "team-train"), api_key(url, "team-other")
    dataset_id = client.post("/v1/datasets", headers=headers, files={"file": ("train.jsonl", rows)}).json()[
        "id"
    ]
    job = client.post("/v1/augmentations", headers=headers, json={"dataset_id": dataset_id, "pivots": ["en"]})
    augmented = wait_for_state(client, job.json()["id"], headers, {"succeeded", "failed"})
    assert augmented["state"] == "succeeded"
    report = client.get(f"/v1/augmentations/{job.json()['id']}/report", headers=headers).json()
    assert sum(report["augmented_yield"]["en"].values()) == augmented["progress"]["en"]["rows_out"]
    assert report["drop_reasons"] == augmented["drops"]

    requests = {"baseline": {"dataset_id": dataset_id, "name": "baseline", "validation_fraction": 0.2},
                "+en": {"dataset_id": dataset_id, "name": "+en", "validation_fraction": 0.2,
                        "augmentation_ids": [job.json()["id"]]}}  # fmt: skip
    runs = {}
    for name, request in requests.items():
        answer = client.post("/v1/trainings", headers=headers, json=request)
        assert answer.status_code == 202, answer.text
        runs[name] = wait_for_run(client, answer.json()["id"], headers)
        assert runs[name]["status"] == "succeeded", runs[name]
    base, plus = runs["baseline"], runs["+en"]
    assert base["split"]["validation"] == plus["split"]["validation"]  # the same split for both
    assert base["split"]["augmented_used"] == 0 and plus["split"]["augmented_used"] > 0
    folds = base["split"]["estimate_folds_validation"]  # the default: as many as fit beside 0.2
    assert len(folds) == 4 and folds[0] == base["split"]["validation"]
    assert plus["inputs"]["augmented_files"][0]["rows"] == augmented["progress"]["en"]["rows_out"] > 250
    assert 0 <= base["metrics"]["micro_f1"] <= 100 and "auprc" in plus["metrics"]
    assert "per_label_f1.png" in plus["artifacts"]

    compared = client.get(f"/v1/trainings?ids={base['id']},{plus['id']}", headers=headers).json()
    assert compared["total"] == 2
    assert set(compared["comparison"]["micro_f1"]) == {base["id"], plus["id"]}
    image = client.get(f"/v1/trainings/{plus['id']}/artifacts/per_label_f1.png", headers=headers)
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert client.get(f"/v1/trainings/{plus['id']}/artifacts/model.bin", headers=headers).status_code == 422

    assert client.get(f"/v1/trainings/{plus['id']}", headers=other_team).status_code == 404
    assert client.get("/v1/trainings", headers=other_team).json()["total"] == 0
    stolen = client.post("/v1/trainings", headers=other_team, json=requests["+en"])
    assert stolen.status_code == 404

    # a test too small to estimate from is refused before anything is queued
    tiny = b"\n".join(rows.split(b"\n")[:10])
    tiny_id = client.post("/v1/datasets", headers=headers, files={"file": ("test.jsonl", tiny)}).json()["id"]
    small_test = requests["baseline"] | {"test_dataset_id": tiny_id}
    refused = client.post("/v1/trainings", headers=headers, json=small_test)
    assert refused.status_code == 422 and "at least 100" in refused.text
    # calibration folds that cannot fit beside each other are refused the same way
    too_many = client.post(
        "/v1/trainings", headers=headers, json=requests["baseline"] | {"estimate_folds": 5}
    )
    assert too_many.status_code == 422 and "estimate_folds 5" in too_many.text
    assert client.get("/v1/trainings", headers=headers).json()["total"] == 2
