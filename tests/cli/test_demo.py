"""`roundtrip demo` (what `make demo` runs): real models where they can be had, tiny ones otherwise,
and a before/after table either way."""

import os
import subprocess
import sys
from pathlib import Path

from factories import tiny_examples, write_jsonl

ROUNDTRIP = str(Path(sys.executable).parent / "roundtrip")


def demo(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    data = write_jsonl(tmp_path / "train.jsonl", tiny_examples())
    return subprocess.run(
        [ROUNDTRIP, "demo", "--data", str(data), "--rows", "6", "--workdir", str(tmp_path / "var"),
         "--show", "3"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def base_env(tmp_path: Path) -> dict[str, str]:
    # An empty model cache and no hub: nothing but what the test provides.
    return os.environ | {"HF_HOME": str(tmp_path / "hf"), "ROUNDTRIP_OFFLINE": "true", "COLUMNS": "200"}


def test_without_hub_or_local_models_it_says_so_and_uses_tiny_models(tmp_path: Path) -> None:
    done = demo(tmp_path, base_env(tmp_path))
    assert done.returncode == 0, done.stderr
    first_line = done.stderr.splitlines()[0]
    assert first_line.startswith("No model hub and no local copy of Helsinki-NLP/opus-mt-ko-en")
    assert "tiny random-weight models" in first_line
    assert (tmp_path / "var" / "tiny-models" / "marian-ko-en" / "config.json").is_file()
    assert "Before and after" in done.stdout
    shown = [e.sentence for e in tiny_examples()[:6]]
    assert sum(sentence[:15] in done.stdout for sentence in shown) >= 3  # three source rows in the table
    assert "dropped:" in done.stdout or "via en" in done.stdout  # each beside what came back
    assert (tmp_path / "var" / "demo-augmented.jsonl").exists()
    assert (tmp_path / "var" / "demo-augmented.jsonl.drops.jsonl").exists()


def test_local_copies_of_the_models_are_used_as_real_models(tmp_path: Path, tiny_env: dict[str, str]) -> None:
    """A local model directory stands in for the hub (ROUNDTRIP_MODEL_* pointing at local copies)."""
    env = base_env(tmp_path) | {k: v for k, v in tiny_env.items() if k.startswith("ROUNDTRIP_MODEL_")}
    done = demo(tmp_path, env)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0].startswith("Real models: ko-en ")
    assert tiny_env["ROUNDTRIP_MODEL_KO_EN"] in done.stderr.replace("\n", "")
    assert "No model hub" not in done.stderr
    assert not (tmp_path / "var" / "tiny-models").exists()
    assert "Before and after" in done.stdout and "rows in" in done.stdout


def test_a_missing_local_model_directory_falls_back(tmp_path: Path) -> None:
    env = base_env(tmp_path) | {"ROUNDTRIP_MODEL_KO_EN": str(tmp_path / "nowhere")}
    done = demo(tmp_path, env)
    assert done.returncode == 0, done.stderr
    assert str(tmp_path / "nowhere") in done.stderr.splitlines()[0]
