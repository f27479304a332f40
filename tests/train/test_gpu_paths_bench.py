"""bench/gpu_paths.py, the check run on a CUDA machine, runs its CPU lines here: the translation and
training paths it drives are the product's, so the CPU reference it compares against must hold."""

import importlib.util
from pathlib import Path

from factories import tiny_examples

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "gpu_paths.py"
spec = importlib.util.spec_from_file_location("gpu_paths", SCRIPT)
assert spec is not None and spec.loader is not None
gpu_paths = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gpu_paths)


def test_the_cpu_reference_agrees_with_itself_and_a_seeded_sample_repeats(tmp_path: Path) -> None:
    texts = [row.sentence for row in tiny_examples()]
    lines = gpu_paths.translation_lines(texts, tmp_path, ["cpu"])
    assert [line.split()[1:3] for line in lines] == [["ko-en", "cpu"], ["ko-ja", "cpu"]]
    assert all("agreement with cpu float32 1.000" in line and "repeats: True" in line for line in lines)


def test_training_through_the_products_trainer_gives_finite_probabilities(tmp_path: Path) -> None:
    (line,) = gpu_paths.training_lines(tiny_examples(), tmp_path, ["cpu"], steps=2)
    assert line.split()[1:3] == ["cpu", "fp32"]
    assert "finite, sums to 1: True" in line and "argmax agreement 1.000" in line
