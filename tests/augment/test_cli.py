"""`roundtrip` as a user runs it: a real process, tiny real models, real files."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from factories import tiny_examples, write_jsonl

from shared.re_data.io import read_examples

ROUNDTRIP = str(Path(sys.executable).parent / "roundtrip")


def roundtrip(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ROUNDTRIP, *args], env=os.environ | {"COLUMNS": "200"} | env, cwd=cwd,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture
def user_env(tmp_path: Path, tiny_env: dict[str, str]) -> dict[str, str]:
    return tiny_env | {"ROUNDTRIP_DATABASE_URL": f"sqlite:///{tmp_path / 'cache.db'}"}


def test_build_tiny_writes_models_and_settings(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "in.jsonl", tiny_examples())
    done = roundtrip("models", "build-tiny", "models", "--data", str(data), env={}, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "translate nonsense" in done.stderr
    settings = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    assert Path(settings["ROUNDTRIP_MODEL_KO_EN"], "model.safetensors").exists()
    assert Path(settings["ROUNDTRIP_MODEL_KO_JA"], "sentencepiece.bpe.model").exists()
    assert (tmp_path / "models" / "tiny.env").read_text().strip().endswith("ROUNDTRIP_OFFLINE=true")


@pytest.mark.parametrize("out_name", ["aug.jsonl", "aug.csv"])
def test_augment_runs_offline_and_prints_the_summary(
    tmp_path: Path, user_env: dict[str, str], out_name: str
) -> None:
    data = write_jsonl(tmp_path / "in.jsonl", tiny_examples())
    args = [
        "augment",
        str(data),
        "--pivot",
        "en",
        "--pivot",
        "ja",
        "--out",
        out_name,
        "--max-new-tokens",
        "16",
    ]
    done = roundtrip(*args, env=user_env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for line in (
        "rows in",
        "rows out via en",
        "rows out via ja",
        "cache ko→en: hits / misses",
        "sentences per second",
    ):
        assert line in done.stdout
    assert "│ rows in                " in done.stdout and "16 │" in done.stdout
    written = int(done.stderr.split("wrote ", 1)[1].split()[0])
    rows = read_examples(tmp_path / out_name) if written else []
    assert len(rows) == written
    for row in rows:  # whatever tiny models keep must be valid KLUE-RE
        assert row.subject_entity.span_in(row.sentence) == row.subject_entity.word
    drops = (tmp_path / f"{out_name}.drops.jsonl").read_text().splitlines()
    assert len(rows) + len(drops) == 32
    assert {json.loads(line)["pivot"] for line in drops} <= {"en", "ja"}

    again = roundtrip(*args, env=user_env, cwd=tmp_path)
    assert again.returncode == 0
    legs = re.findall(r"cache (\S+): hits / misses\s*│\s*(\d+) / (\d+)", again.stdout)
    assert len(legs) == 4
    assert all(int(misses) == 0 and int(hits) > 0 for _, hits, misses in legs)  # warm: all hits


def test_augment_against_postgres(tmp_path: Path, tiny_env: dict[str, str], postgres_url: str) -> None:
    data = write_jsonl(tmp_path / "in.jsonl", tiny_examples()[:4])
    args = [
        "augment",
        str(data),
        "-p",
        "en",
        "--out",
        "o.jsonl",
        "--cache",
        postgres_url,
        "--max-new-tokens",
        "8",
    ]
    done = roundtrip(*args, env=tiny_env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "rows out via en" in done.stdout


def test_bad_input_names_file_line_and_field_without_traceback(
    tmp_path: Path, user_env: dict[str, str]
) -> None:
    good, bad = (json.loads(e.model_dump_json(exclude_none=True)) for e in tiny_examples()[:2])
    bad["label"] = "per:hobby"
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(good, ensure_ascii=False) + "\n" + json.dumps(bad, ensure_ascii=False) + "\n")
    done = roundtrip("augment", str(path), "-p", "en", "--out", "o.jsonl", env=user_env, cwd=tmp_path)
    assert done.returncode == 2
    assert f"{path}:2: label: unknown label 'per:hobby'" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "o.jsonl").exists()


def test_missing_model_is_one_clear_line(tmp_path: Path, user_env: dict[str, str]) -> None:
    data = write_jsonl(tmp_path / "in.jsonl", tiny_examples()[:2])
    env = user_env | {"ROUNDTRIP_MODEL_KO_EN": "Helsinki-NLP/opus-mt-ko-en", "ROUNDTRIP_OFFLINE": "true"}
    done = roundtrip("augment", str(data), "-p", "en", "--out", "o.jsonl", env=env, cwd=tmp_path)
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert "Helsinki-NLP/opus-mt-ko-en" in lines[0] and "ROUNDTRIP_MODEL_KO_EN" in lines[0]


def test_unsupported_pivot_is_refused(tmp_path: Path, user_env: dict[str, str]) -> None:
    data = write_jsonl(tmp_path / "in.jsonl", tiny_examples()[:2])
    done = roundtrip("augment", str(data), "-p", "fr", "--out", "o.jsonl", env=user_env, cwd=tmp_path)
    assert done.returncode == 2
    assert "unsupported pivot 'fr'" in done.stderr


def test_models_convert_once_and_list_shows_backend_and_precision(
    tmp_path: Path, user_env: dict[str, str]
) -> None:
    env = user_env | {"ROUNDTRIP_CT2_MODELS_DIR": str(tmp_path / "ct2"), "ROUNDTRIP_BACKEND_KO_EN": "ct2"}
    done = roundtrip("models", "convert", "--direction", "ko-en", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    converted = [p.parent for p in (tmp_path / "ct2").rglob("model.bin")]
    assert len(converted) == 1 and converted[0].name.endswith("-int8")
    assert f"ko-en: {user_env['ROUNDTRIP_MODEL_KO_EN']} → {converted[0]}" in done.stderr.replace("\n", "")
    again = roundtrip("models", "convert", "-d", "ko-en", "--quantization", "float32", env=env, cwd=tmp_path)
    assert again.returncode == 0 and len(list((tmp_path / "ct2").rglob("model.bin"))) == 2
    listed = roundtrip("models", "list", env=env, cwd=tmp_path)
    rows = {line.split("│")[1].strip(): line for line in listed.stdout.splitlines() if line.count("│") > 3}
    assert "ct2" in rows["ko-en"] and "int8 (compute default)" in rows["ko-en"]
    assert "hf" in rows["en-ko"] and "float32" in rows["en-ko"]


def test_convert_without_the_model_is_one_clear_line(tmp_path: Path, user_env: dict[str, str]) -> None:
    env = user_env | {
        "ROUNDTRIP_MODEL_KO_EN": "nobody/no-such-model",
        "ROUNDTRIP_OFFLINE": "true",
        "ROUNDTRIP_CT2_MODELS_DIR": str(tmp_path / "ct2"),
        "HF_HOME": str(tmp_path / "hf"),
    }
    done = roundtrip("models", "convert", "-d", "ko-en", env=env, cwd=tmp_path)
    assert done.returncode == 2
    assert "nobody/no-such-model" in done.stderr and "ROUNDTRIP_MODEL_KO_EN" in done.stderr
    assert "Traceback" not in done.stderr
    unknown = roundtrip("models", "convert", "-d", "ko-xx", env=env, cwd=tmp_path)
    assert unknown.returncode == 2 and "unknown direction 'ko-xx'" in unknown.stderr
