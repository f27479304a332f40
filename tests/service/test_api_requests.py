"""The REST API's contract without a worker: uploads, validation, auth, isolation, idempotency."""

import json

import pytest
from factories import tiny_examples
from service_helpers import api_key, service_env
from sqlalchemy import func, select

from services.augment.jobs import models_repository
from shared.db.models import AugmentationJob, Dataset, DatasetRow
from shared.db.session import session_scope


def jsonl_bytes(rows: list[dict]) -> bytes:  # type: ignore[type-arg]
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()


def records() -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(e.model_dump_json(exclude_none=True)) for e in tiny_examples()]


@pytest.fixture
def api(store, make_client):  # type: ignore[no-untyped-def]
    postgres_url, redis_url = store
    client = make_client(service_env(postgres_url, redis_url))
    return client, postgres_url


def stored_counts(url: str) -> tuple[int, int]:
    with session_scope(url) as session:
        datasets = session.scalar(select(func.count()).select_from(Dataset))
        rows = session.scalar(select(func.count()).select_from(DatasetRow))
    return datasets or 0, rows or 0


def upload(client, headers, data: bytes, filename: str = "train.jsonl"):  # type: ignore[no-untyped-def]
    return client.post(
        "/v1/datasets", headers=headers, files={"file": (filename, data)}, data={"name": "train"}
    )


def test_multipart_and_json_uploads_are_stored_with_their_report(api) -> None:  # type: ignore[no-untyped-def]
    client, url = api
    headers = api_key(url, "team-a")
    created = upload(client, headers, jsonl_bytes(records()))
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["row_count"] == 16
    assert body["label_counts"]["org:place_of_headquarters"] == 2
    assert body["entity_type_counts"]["PER"] >= 10
    as_json = client.post("/v1/datasets", headers=headers, json={"name": "again", "rows": records()[:3]})
    assert as_json.status_code == 201, as_json.text
    listing = client.get("/v1/datasets", headers=headers).json()
    assert listing["total"] == 2
    assert (
        client.get(f"/v1/datasets/{body['id']}", headers=headers).json()["fingerprint"] == body["fingerprint"]
    )


def test_malformed_lines_are_listed_and_nothing_is_stored(api) -> None:  # type: ignore[no-untyped-def]
    client, url = api
    headers = api_key(url, "team-a")
    rows = records()
    rows[3]["label"] = "per:hobby"
    data = jsonl_bytes(rows[:5]) + b"\n{broken\n"
    answer = upload(client, headers, data)
    assert answer.status_code == 422
    details = answer.json()["details"]
    assert {"file": "train.jsonl", "line": 4, "field": "label"}.items() <= details[0].items()
    assert details[1]["line"] == 6 and "invalid JSON" in details[1]["message"]
    assert stored_counts(url) == (0, 0)


@pytest.mark.parametrize(
    ("sentence", "field_message"),
    [("이순신은\ud800 장군이다.", "lone surrogate"), ("이순신은\x00 장군이다.", "NUL")],
)
def test_lone_surrogates_and_nul_bytes_are_refused(api, sentence: str, field_message: str) -> None:  # type: ignore[no-untyped-def]
    client, url = api
    headers = api_key(url, "team-a")
    row = records()[0] | {"sentence": sentence}
    body = json.dumps({"name": "bad", "rows": [records()[1], row]})  # escaped: survives transport
    answer = client.post("/v1/datasets", headers=headers | {"content-type": "application/json"}, content=body)
    assert answer.status_code == 422, answer.text
    [detail] = answer.json()["details"]  # caught at the edge: the field's path in the body
    assert detail["field"] == "rows[1].sentence" and field_message in detail["message"]
    assert stored_counts(url) == (0, 0)


def test_oversize_body_is_refused_before_reading(api) -> None:  # type: ignore[no-untyped-def]
    client, url = api
    headers = api_key(url, "team-a")
    answer = upload(client, headers, b"x" * 400_000)
    assert answer.status_code == 413
    assert "exceeds the limit" in answer.json()["error"]
    assert stored_counts(url) == (0, 0)


def test_wrong_content_type_is_refused(api) -> None:  # type: ignore[no-untyped-def]
    client, url = api
    headers = api_key(url, "team-a") | {"content-type": "text/plain"}
    answer = client.post("/v1/datasets", headers=headers, content=jsonl_bytes(records()))
    assert answer.status_code == 415
    assert "multipart/form-data" in answer.json()["error"]


def test_keys_scopes_and_team_isolation(api) -> None:  # type: ignore[no-untyped-def]
    client, url = api
    team_a, team_b = api_key(url, "team-a"), api_key(url, "team-b")
    reader = api_key(url, "team-a", scope="read")
    dataset_id = upload(client, team_a, jsonl_bytes(records())).json()["id"]
    assert client.get("/v1/datasets").status_code == 401
    assert client.get("/v1/datasets", headers={"Authorization": "Bearer rt_wrong"}).status_code == 401
    assert upload(client, reader, jsonl_bytes(records())).status_code == 403
    assert client.get(f"/v1/datasets/{dataset_id}", headers=reader).status_code == 200
    assert client.get(f"/v1/datasets/{dataset_id}", headers=team_b).status_code == 404
    assert client.get("/v1/datasets", headers=team_b).json()["total"] == 0
    job = client.post("/v1/augmentations", headers=team_a, json={"dataset_id": dataset_id, "pivots": ["en"]})
    assert job.status_code == 202
    job_id = job.json()["id"]
    assert client.get(f"/v1/augmentations/{job_id}", headers=team_b).status_code == 404
    assert client.post(f"/v1/augmentations/{job_id}/cancel", headers=team_b).status_code == 404
    foreign = client.post(
        "/v1/augmentations", headers=team_b, json={"dataset_id": dataset_id, "pivots": ["en"]}
    )
    assert foreign.status_code == 404


def test_identical_requests_return_the_live_job_and_bad_pivots_are_refused(api) -> None:  # type: ignore[no-untyped-def]
    client, url = api
    headers = api_key(url, "team-a")
    dataset_id = upload(client, headers, jsonl_bytes(records())).json()["id"]
    request = {"dataset_id": dataset_id, "pivots": ["en", "ja"], "variants": 1}
    first = client.post("/v1/augmentations", headers=headers, json=request)
    again = client.post("/v1/augmentations", headers=headers, json=request | {"pivots": ["ja", "en"]})
    assert (first.status_code, again.status_code) == (202, 200)
    assert first.json()["id"] == again.json()["id"]
    status = first.json()
    assert status["state"] == "queued"
    assert status["progress"]["en"] == {
        "chunks_done": 0, "chunks_total": 4, "sentences_done": 0, "sentences_total": 16, "rows_out": 0,
    }  # fmt: skip
    bad = client.post("/v1/augmentations", headers=headers, json=request | {"pivots": ["fr"]})
    assert bad.status_code == 422 and "unsupported pivot 'fr'" in bad.json()["error"]
    unknown_field = client.post("/v1/augmentations", headers=headers, json=request | {"speed": "max"})
    assert unknown_field.status_code == 422
    cancelled = client.post(f"/v1/augmentations/{first.json()['id']}/cancel", headers=headers)
    assert cancelled.json()["state"] == "cancelled"
    retried = client.post("/v1/augmentations", headers=headers, json=request)
    assert retried.status_code == 202 and retried.json()["id"] != first.json()["id"]
    with session_scope(url) as session:
        assert session.scalar(select(func.count()).select_from(AugmentationJob)) == 2
        # Workers now serve a new revision of the ko→en model: the same request is a new job.
        models_repository.record_revisions(
            session,
            rows=[{"direction": "ko-en", "model": "Helsinki-NLP/opus-mt-ko-en", "revision": "upgraded"}],
        )
    upgraded = client.post("/v1/augmentations", headers=headers, json=request)
    assert upgraded.status_code == 202 and upgraded.json()["id"] != retried.json()["id"]
    assert (
        client.post("/v1/augmentations", headers=headers, json=request).json()["id"] == upgraded.json()["id"]
    )


def test_healthz_answers_without_backends(api) -> None:  # type: ignore[no-untyped-def]
    client, _ = api
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 503  # no worker is running in this module
    assert ready.json()["checks"]["postgres"] == "ok" and ready.json()["checks"]["redis"] == "ok"
    assert ready.json()["checks"]["queue augment.en"] == "no live worker"


def test_openapi_docs_are_served(api) -> None:  # type: ignore[no-untyped-def]
    client, _ = api
    assert client.get("/docs").status_code == 200
    assert "/v1/translations/lookup" in client.get("/openapi.json").json()["paths"]


def test_keys_created_with_the_cli_work_with_their_scope(api) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys
    from pathlib import Path

    client, url = api
    roundtrip = str(Path(sys.executable).parent / "roundtrip")
    done = subprocess.run(
        [roundtrip, "keys", "create", "team-cli", "--scope", "read", "--database-url", url],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    key = done.stdout.strip()
    assert key.startswith("rt_") and key not in done.stderr
    headers = {"X-API-Key": key}
    assert client.get("/v1/datasets", headers=headers).status_code == 200
    assert upload(client, headers, jsonl_bytes(records())).status_code == 403
    from services.catalog.keys import hash_key
    from shared.db.models import ApiKey

    with session_scope(url) as session:  # only the hash is stored
        stored = session.scalars(select(ApiKey.key_hash)).all()
    assert hash_key(key) in stored and key not in stored


def test_worker_refuses_to_start_with_a_time_limit_above_the_visibility_timeout(store) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys
    from pathlib import Path

    postgres_url, redis_url = store
    env = os.environ | service_env(postgres_url, redis_url) | {
        "ROUNDTRIP_CHUNK_TIME_LIMIT_S": "3600", "ROUNDTRIP_BROKER_VISIBILITY_TIMEOUT_S": "3600",
    }  # fmt: skip
    celery = str(Path(sys.executable).parent / "celery")
    done = subprocess.run(
        [celery, "-A", "services.augment.worker.app", "worker", "-Q", "augment.en"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode != 0
    assert "ROUNDTRIP_CHUNK_TIME_LIMIT_S (3600) must be below" in done.stdout + done.stderr


@pytest.mark.parametrize("secure", [False, True])
def test_ui_login_sets_a_strict_http_only_cookie_secure_when_configured(store, make_client, secure) -> None:  # type: ignore[no-untyped-def]
    postgres_url, redis_url = store
    client = make_client(service_env(postgres_url, redis_url, ROUNDTRIP_UI_SECURE_COOKIE=str(secure).lower()))
    key = api_key(postgres_url, "team-a", scope="read")["Authorization"].removeprefix("Bearer ")
    refused = client.post("/ui/login", data={"key": "rt_not-a-key"}, follow_redirects=False)
    assert refused.status_code == 303 and refused.headers["location"].startswith("/ui/login?error=")
    assert "set-cookie" not in refused.headers
    accepted = client.post("/ui/login", data={"key": key}, follow_redirects=False)
    assert accepted.status_code == 303 and accepted.headers["location"] == "/ui"
    cookie = accepted.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert ("secure" in cookie.split("; ")) is secure
    assert key.lower() not in cookie  # an opaque session id, never the key


def test_ui_sessions_are_server_side_and_end_at_logout_and_with_their_key(store, make_client) -> None:  # type: ignore[no-untyped-def]
    postgres_url, redis_url = store
    client = make_client(service_env(postgres_url, redis_url))
    admin = api_key(postgres_url, "team-s", scope="admin")
    key = api_key(postgres_url, "team-s", scope="read")["Authorization"].removeprefix("Bearer ")

    def login() -> str:
        answer = client.post("/ui/login", data={"key": key}, follow_redirects=False)
        assert answer.status_code == 303, answer.text
        return answer.cookies["roundtrip_session"]

    def page(session_id: str) -> int:
        client.cookies.clear()
        client.cookies.set("roundtrip_session", session_id)
        return client.get("/ui", follow_redirects=False).status_code

    first = login()
    assert first != key and page(first) == 200
    client.cookies.set("roundtrip_session", first)
    assert client.get("/ui/logout", follow_redirects=False).status_code == 303
    assert page(first) == 303  # a copied cookie is useless after logout
    second = login()
    assert page(second) == 200
    assert page("forged-" + second) == 303
    client.cookies.clear()
    listed = client.get("/v1/keys", headers=admin).json()["items"]
    read_prefix = next(k["prefix"] for k in listed if k["scope"] == "read")
    assert key.startswith(read_prefix) and len(read_prefix) == 12
    revoked = client.post(f"/v1/keys/{read_prefix}/revoke", headers=admin)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert page(second) == 303  # revoking the key ended its session
    assert client.get("/v1/datasets", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    reader = {"Authorization": f"Bearer {key}"}
    assert client.get("/v1/keys", headers=reader).status_code == 401
    other_admin = api_key(postgres_url, "team-other", scope="admin")
    assert (
        client.post(f"/v1/keys/{admin['Authorization'][7:19]}/revoke", headers=other_admin).status_code == 404
    )


def test_cli_revokes_a_key(store, make_client) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from services.cli.main import cli

    postgres_url, redis_url = store
    client = make_client(service_env(postgres_url, redis_url))
    headers = api_key(postgres_url, "team-cli-revoke")
    assert client.get("/v1/datasets", headers=headers).status_code == 200
    prefix = headers["Authorization"].removeprefix("Bearer ")[:10]
    result = CliRunner().invoke(cli, ["keys", "revoke", prefix, "--database-url", postgres_url])
    assert result.exit_code == 0, result.output
    from services.api import deps

    deps._callers._entries.clear()  # another process's cache would expire within its TTL
    assert client.get("/v1/datasets", headers=headers).status_code == 401
    again = CliRunner().invoke(cli, ["keys", "revoke", "rt_nothing", "--database-url", postgres_url])
    assert again.exit_code == 2 and "no API key starts with" in again.output


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/v1/datasets/%00", "dataset_id"),
        ("/v1/augmentations/abc%00def", "job_id"),
        ("/v1/datasets/" + "x" * 5000, "dataset_id"),
        ("/v1/trainings?ids=%00", "ids"),
        ("/v1/trainings?dataset_id=" + "y" * 5000, "dataset_id"),
    ],
)
def test_hostile_ids_are_a_422_naming_the_parameter_and_never_echoed(api, path: str, field: str) -> None:  # type: ignore[no-untyped-def]
    client, url = api
    headers = api_key(url, "team-hostile", scope="read")
    answer = client.get(path, headers=headers)
    assert answer.status_code == 422, answer.text
    assert answer.json()["details"][0]["field"] == field
    assert len(answer.text) < 400  # a 5,000-character id is not sent back


DEEP = "[" * 50_000 + "]" * 50_000
JOB = '{"dataset_id": "d", "pivots": ["en"], '
KO_EN = '{"source_lang": "ko", "target_lang": "en", '
HOSTILE_BODIES = [
    ("/v1/augmentations", JOB + '"decoding": {"seed": 1208925819614629174706176}}', "decoding.seed"),
    ("/v1/augmentations", JOB + '"decoding": {"temperature": NaN}}', "body"),
    ("/v1/augmentations", JOB + '"decoding": {"length_penalty": -Infinity}}', "body"),
    ("/v1/augmentations", JOB + '"decoding": {"top_p": 1e999}}', "body"),
    ("/v1/augmentations", '{"dataset_id": "d\\u0000", "pivots": ["en"]}', "dataset_id"),
    ("/v1/augmentations", '{"dataset_id": "' + "d" * 100 + '", "pivots": ["en"]}', "dataset_id"),
    ("/v1/augmentations", JOB + '"extra": ' + DEEP + "}", "body"),
    ("/v1/translations", KO_EN + '"texts": ["a\\ud800b"]}', "texts[0]"),
    ("/v1/translations/lookup", KO_EN + '"texts": ["\\u0000"]}', "texts[0]"),
    ("/v1/trainings", '{"dataset_id": "d", "seed": -1}', "seed"),
    ("/v1/trainings", '{"dataset_id": "d", "name": "' + "n" * 300 + '"}', "name"),
    ("/v1/datasets", '{"name": "' + "n" * 300 + '", "rows": [{}]}', "name"),
    ("/v1/datasets", '{"name": "x", "rows": [{"guid": "g\\u0000", "sentence": "s"}]}', "rows[0].guid"),
    ("/v1/datasets", "{not json", "body"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "body", "field"), HOSTILE_BODIES)
def test_hostile_bodies_are_a_4xx_naming_the_field(api, path: str, body: str, field: str) -> None:  # type: ignore[no-untyped-def]
    client, url = api
    headers = api_key(url, "team-hostile-body") | {"Content-Type": "application/json"}
    before = stored_counts(url)
    answer = client.post(path, headers=headers, content=body.encode())
    assert 400 <= answer.status_code < 500 and answer.status_code == 422, answer.text
    fields = [detail.get("field") for detail in answer.json().get("details", [])]
    assert any(f is not None and f.endswith(field.split(".")[-1]) for f in fields) or field in answer.text, (
        answer.text
    )
    assert len(answer.text) < 2000  # the hostile value is not echoed back whole
    assert stored_counts(url) == before


def test_upload_names_and_guids_that_no_column_holds_are_refused(api) -> None:  # type: ignore[no-untyped-def]
    client, url = api
    headers = api_key(url, "team-names")
    row = records()[0]
    long_name = client.post(
        "/v1/datasets",
        headers=headers,
        files={"file": ("t.jsonl", jsonl_bytes([row]))},
        data={"name": "n" * 1000},
    )
    assert long_name.status_code == 422 and long_name.json()["details"][0]["field"] == "name"
    long_guid = client.post(
        "/v1/datasets", headers=headers, files={"file": ("t.jsonl", jsonl_bytes([row | {"guid": "g" * 300}]))}
    )
    assert long_guid.status_code == 422, long_guid.text
    assert long_guid.json()["details"][0]["field"] == "guid" and long_guid.json()["details"][0]["line"] == 1
    bad_source = client.post(
        "/v1/datasets",
        headers=headers,
        files={"file": ("t.jsonl", jsonl_bytes([row | {"source": "a\x00b"}]))},
    )
    assert bad_source.status_code == 422 and bad_source.json()["details"][0]["field"] == "source"
    assert stored_counts(url) == (0, 0)
