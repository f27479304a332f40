"""The data report on made-up rows and on the real KLUE-RE training split (facts from its README)."""

from pathlib import Path

from factories import make_example, tiny_examples

from services.evidence.report import build_report
from shared.re_data.io import read_examples


def test_report_counts_duplicates_conflicts_and_contradictions() -> None:
    rows = tiny_examples()
    duplicate = rows[0].model_copy(update={"guid": "copy"})
    conflicting = rows[1].model_copy(update={"guid": "conflict", "label": "no_relation"})
    contradiction = make_example(
        "삼성은 서울에 있다.", "삼성", "ORG", "서울", "LOC", "per:origin", guid="bad"
    )
    report = build_report([*rows, duplicate, conflicting, contradiction], other=rows[:3])
    assert report.rows == 19
    assert report.duplicate_rows == 2
    assert [c["labels"] for c in report.conflicting_duplicates] == [["no_relation", "org:founded"]]
    assert report.prefix_contradictions == [{"guid": "bad", "label": "per:origin", "subject_type": "ORG"}]
    assert report.shared_sentences == 3
    assert sum(report.length_histogram.values()) == 19
    assert report.entity_type_pairs["PER-PER"] >= 2


def test_real_klue_training_split(klue_train: Path) -> None:
    report = build_report(read_examples(klue_train))
    assert report.rows == 32470
    assert report.duplicate_rows == 47 and len(report.conflicting_duplicates) == 5
    assert len(report.prefix_contradictions) == 4
    assert round(report.no_relation_share, 3) == 0.294
    assert next(iter(report.labels)) == "no_relation"


def test_report_cli_prints_json(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    from factories import write_jsonl

    data = write_jsonl(tmp_path / "train.jsonl", tiny_examples())
    roundtrip = str(Path(sys.executable).parent / "roundtrip")
    done = subprocess.run([roundtrip, "report", "data", str(data), "--against", str(data)],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["rows"] == 16 and report["shared_sentences"] == 15


def test_augmented_file_report_reads_its_drop_log(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    from shared.re_data.schema import Provenance, TranslationLegInfo

    leg = TranslationLegInfo(source_lang="ko", target_lang="en", model="m", revision="r")
    augmented = [
        row.model_copy(update={"guid": f"{row.guid}:bt-en-0", "provenance": Provenance(
            source_id=row.guid, pivot="en", legs=(leg, leg), decoding={}, strategy="locate")})
        for row in tiny_examples()[:5]
    ]  # fmt: skip
    path = tmp_path / "aug.jsonl"
    path.write_text("".join(row.model_dump_json(exclude_none=True) + "\n" for row in augmented))
    drops = [{"source_id": "tiny-09", "pivot": "en", "variant": 0, "reason": "entity_lost"},
             {"source_id": "tiny-10", "pivot": "en", "variant": 0, "reason": "entity_lost"},
             {"source_id": "tiny-11", "pivot": "ja", "variant": 0, "reason": "repetition"}]  # fmt: skip
    (tmp_path / "aug.jsonl.drops.jsonl").write_text("".join(json.dumps(d) + "\n" for d in drops))
    roundtrip = str(Path(sys.executable).parent / "roundtrip")
    done = subprocess.run(
        [roundtrip, "report", "data", str(path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert sum(report["augmented_yield"]["en"].values()) == 5
    assert report["drop_reasons"] == {"en": {"entity_lost": 2}, "ja": {"repetition": 1}}

    bad_log = tmp_path / "bad.drops.jsonl"
    bad_log.write_text(json.dumps(drops[0]) + "\n" + '{"pivot": "en"}\n')
    bad = subprocess.run([roundtrip, "report", "data", str(path), "--drops", str(bad_log)],
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert bad.returncode == 2 and "bad.drops.jsonl:2: reason: missing" in bad.stderr
