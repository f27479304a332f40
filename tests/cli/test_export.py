"""`roundtrip export`: a KLUE-RE file as a Hugging Face dataset that load_from_disk reads as is."""

import os
import subprocess
import sys
from pathlib import Path

import datasets
from factories import make_example, write_jsonl

from shared.re_data.labels import labels
from shared.re_data.schema import Provenance, TranslationLegInfo

ROUNDTRIP = str(Path(sys.executable).parent / "roundtrip")
LEG = TranslationLegInfo(
    source_lang="ko", target_lang="en", model="Helsinki-NLP/opus-mt-ko-en", revision="abc"
)


def test_augmented_rows_keep_klue_features_label_order_and_provenance(tmp_path: Path) -> None:
    original = make_example(
        "이순신은 조선의 장군이다.", "이순신", "PER", "조선", "ORG", "per:employee_of", guid="r-1"
    )
    provenance = Provenance(source_id="r-1", pivot="en", legs=(LEG, LEG), decoding={"mode": "beam"},
                            strategy="locate", pivot_text="Yi Sun-sin is a general of Joseon.")  # fmt: skip
    augmented = original.model_copy(
        update={"guid": "r-1:bt-en-0", "sentence": "조선의 장군 이순신이다.", "provenance": provenance,
                "subject_entity": original.subject_entity.model_copy(update={"start_idx": 7, "end_idx": 9}),
                "object_entity": original.object_entity.model_copy(update={"start_idx": 0, "end_idx": 1})}
    )  # fmt: skip
    source = write_jsonl(tmp_path / "augmented.jsonl", [original, augmented])
    command = [ROUNDTRIP, "export", str(source), "--out", str(tmp_path / "ds")]
    env = os.environ | {"COLUMNS": "200"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert "wrote 2 rows" in done.stderr

    dataset = datasets.load_from_disk(str(tmp_path / "ds"))
    assert dataset.features["label"].names == list(labels())
    assert dataset.features["label"].int2str(dataset[0]["label"]) == "per:employee_of"
    assert dataset[1]["subject_entity"] == {"word": "이순신", "start_idx": 7, "end_idx": 9, "type": "PER"}
    assert dataset[0]["provenance"] is None
    assert dataset[1]["provenance"]["source_id"] == "r-1"
    assert dataset[1]["provenance"]["legs"][0]["model"] == "Helsinki-NLP/opus-mt-ko-en"
    assert dataset[1]["sentence"][7:10] == "이순신"


def test_a_bad_file_is_refused_by_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"guid": "x", "sentence": "가나다"}\n', encoding="utf-8")
    done = subprocess.run([ROUNDTRIP, "export", str(bad), "--out", str(tmp_path / "ds")], capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 2
    assert "bad.jsonl:1" in done.stderr and not (tmp_path / "ds").exists()
