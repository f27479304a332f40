import csv
import io
import json
import unicodedata
from pathlib import Path

import pytest
from factories import make_example, tiny_examples, write_jsonl

from shared.re_data.errors import DataFormatError
from shared.re_data.formats import DataFormat
from shared.re_data.io import parse_examples, read_examples, write_csv
from shared.re_data.io import write_jsonl as write_rows
from shared.re_data.labels import NO_RELATION, labels


def row(**overrides: object) -> dict[str, object]:
    base = make_example(
        "이순신은 조선 중기의 무신이다.", "이순신", "PER", "무신", "POH", "per:title", guid="r1"
    )
    return json.loads(base.model_dump_json(exclude_none=True)) | overrides


def jsonl(*rows: object) -> bytes:
    return "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows).encode()


def errors_of(data: bytes, name: str = "in.jsonl") -> list[str]:
    with pytest.raises(DataFormatError) as caught:
        parse_examples(data, name)
    return [str(error) for error in caught.value.errors]


def test_labels_are_the_official_thirty_with_no_relation_first() -> None:
    assert len(labels()) == 30
    assert labels()[0] == NO_RELATION
    official = Path(__file__).resolve().parents[3] / "shared/data/klue-re/labels.json"
    if official.exists():
        assert list(labels()) == json.loads(official.read_text())


def test_jsonl_round_trip_keeps_every_field(tmp_path: Path) -> None:
    examples = tiny_examples()
    path = write_jsonl(tmp_path / "tiny.jsonl", examples)
    assert read_examples(path) == examples


def test_klue_json_list_and_hf_integer_labels_read_the_same(tmp_path: Path) -> None:
    examples = tiny_examples()[:3]
    records = [json.loads(e.model_dump_json(exclude_none=True)) for e in examples]
    klue = tmp_path / "klue.json"
    klue.write_text(json.dumps(records, ensure_ascii=False, indent=4), encoding="utf-8")
    hf = tmp_path / "hf.jsonl"
    hf.write_bytes(jsonl(*[r | {"label": labels().index(str(r["label"]))} for r in records]))
    assert read_examples(klue) == examples
    assert read_examples(hf) == examples


def test_competition_csv_round_trip_with_dict_strings() -> None:
    examples = tiny_examples()
    stream = io.StringIO()
    write_csv(examples, stream)
    text = stream.getvalue()
    assert "{'word': '이순신', 'start_idx': 0, 'end_idx': 2, 'type': 'PER'}" in text
    assert parse_examples(text.encode(), "train.csv") == examples


def test_unlabeled_csv_with_placeholder_label_is_accepted_only_when_asked() -> None:
    example = tiny_examples()[0]
    text = (
        "id,sentence,subject_entity,object_entity,label,source\n"
        f'7,{example.sentence},"{example.subject_entity.model_dump()}",'
        f'"{example.object_entity.model_dump()}",100,wikipedia\n'
    ).encode()
    assert parse_examples(text, "test.csv", allow_unlabeled=True)[0].label is None
    assert any("label" in e for e in errors_of(text, "test.csv"))


def test_text_is_nfc_normalised_and_spans_follow() -> None:
    sentence = unicodedata.normalize("NFD", "한국의 수도는 서울이다.")
    word = unicodedata.normalize("NFD", "서울")
    start = sentence.index(word)
    record = row(
        sentence=sentence,
        subject_entity={"word": word, "start_idx": start, "end_idx": start + len(word) - 1, "type": "LOC"},
        object_entity={"word": sentence[:2], "start_idx": 0, "end_idx": 1, "type": "LOC"},
    )
    [example] = parse_examples(jsonl(record), "nfd.jsonl")
    assert example.sentence == "한국의 수도는 서울이다."
    assert example.subject_entity.span_in(example.sentence) == "서울"
    assert (example.subject_entity.start_idx, example.subject_entity.end_idx) == (8, 9)


def test_rows_without_ids_get_stable_content_ids() -> None:
    record = row()
    del record["guid"]
    first = parse_examples(jsonl(record, record), "a.jsonl")
    again = parse_examples(jsonl(record, record), "b.jsonl")
    assert [e.guid for e in first] == [e.guid for e in again]
    assert first[0].guid.startswith("row-") and first[1].guid == first[0].guid + "-2"


def test_broken_json_line_is_named() -> None:
    assert errors_of(jsonl(row(), '{"sentence": "broken', row(guid="r3"))) == [
        "in.jsonl:2: invalid JSON: Unterminated string starting at"
    ]


def test_span_mismatch_names_line_and_field() -> None:
    bad = row(guid="r2")
    bad["object_entity"] = {"word": "무신", "start_idx": 3, "end_idx": 4, "type": "POH"}
    [error] = errors_of(jsonl(row(), bad))
    assert error.startswith("in.jsonl:2: object_entity: span [3, 4] holds")


def test_unknown_label_and_entity_type_are_named() -> None:
    bad = row(label="per:favourite_food")
    bad["subject_entity"] = dict(bad["subject_entity"], type="PERSON")  # type: ignore[arg-type]
    found = errors_of(jsonl(bad))
    assert any(e.startswith("in.jsonl:1: label: unknown label 'per:favourite_food'") for e in found)
    assert any(e.startswith("in.jsonl:1: subject_entity.type: unknown entity type 'PERSON'") for e in found)


def test_nul_byte_is_named() -> None:
    [error] = errors_of(jsonl(row(), row(guid="r2", sentence="이순신은\x00 무신이다.")))
    assert error.startswith("in.jsonl:2")
    assert "NUL" in error


def test_lone_surrogate_is_named() -> None:
    line = json.dumps(row(guid="r2"), ensure_ascii=True).replace("\\uc774\\uc21c\\uc2e0\\uc740", "\\ud800", 1)
    [error] = errors_of(jsonl(row(), line))
    assert error.startswith("in.jsonl:2: sentence: contains a lone surrogate")


@pytest.mark.parametrize("data", [b"", b"   \n\n"])
def test_empty_file_is_refused(data: bytes) -> None:
    assert errors_of(data) == ["in.jsonl: the file is empty"]


def test_every_bad_row_is_reported_not_only_the_first() -> None:
    found = errors_of(jsonl(row(label="x"), row(guid="r2"), row(guid="r3", label="y")))
    assert [e.split(":")[1] for e in found] == ["1", "3"]


def test_klue_json_list_errors_name_the_line(tmp_path: Path) -> None:
    good = row()
    bad = row(guid="r2", label="nope")
    text = json.dumps([good, bad], ensure_ascii=False, indent=2)
    line_of_bad = text[: text.index('"r2"')].count("\n")  # the object opens on the line before its guid
    found = errors_of(text.encode(), "train.json")
    assert found == [
        f"train.json:{line_of_bad}: label: unknown label 'nope' (not one of the 30 KLUE-RE labels)"
    ]


def test_duplicate_ids_are_refused() -> None:
    assert "duplicate id 'r1'" in errors_of(jsonl(row(), row()))[0]


def test_written_jsonl_carries_provenance(tmp_path: Path) -> None:
    stream = io.StringIO()
    assert write_rows(tiny_examples()[:2], stream) == 2
    assert all("provenance" not in json.loads(line) for line in stream.getvalue().splitlines())


def test_real_klue_training_split_reads_clean(klue_train: Path) -> None:
    examples = read_examples(klue_train)
    assert len(examples) == 32470
    assert len({e.guid for e in examples}) == 32470
    for example in examples:
        assert example.subject_entity.span_in(example.sentence) == example.subject_entity.word
        assert example.object_entity.span_in(example.sentence) == example.object_entity.word
    assert sum(e.label == NO_RELATION for e in examples) / len(examples) == pytest.approx(0.294, abs=0.001)


def test_format_is_detected_from_the_name_or_the_content() -> None:
    from shared.re_data.formats import detect_format

    assert detect_format("x.csv", "") is DataFormat.CSV
    assert detect_format("upload", "  [ {}") is DataFormat.JSON
    assert detect_format("upload", "{}") is DataFormat.JSONL


def test_augmented_rows_read_back_with_their_provenance(tmp_path: Path) -> None:
    from shared.re_data.io import write_examples
    from shared.re_data.schema import Provenance, TranslationLegInfo

    leg = TranslationLegInfo(source_lang="ko", target_lang="en", model="m", revision="r")
    provenance = Provenance(
        source_id="tiny-00",
        pivot="en",
        legs=(leg, leg),
        decoding={"forward": {"mode": "beam"}},
        strategy="locate",
    )
    augmented = [tiny_examples()[0].model_copy(update={"guid": "tiny-00:bt-en-0", "provenance": provenance})]
    for fmt in (DataFormat.JSONL, DataFormat.CSV):
        path = tmp_path / f"aug.{fmt.value}"
        write_examples(augmented, path, fmt)
        assert read_examples(path) == augmented


def test_broken_provenance_is_named() -> None:
    [error] = errors_of(jsonl(row(provenance={"pivot": "en"})))
    assert error.startswith("in.jsonl:1: provenance.source_id: Field required")


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_cells_never_start_a_formula_and_read_back_unchanged(start: str) -> None:
    """A spreadsheet would run `=HYPERLINK(...)`: written behind a quote, read back as it was."""
    sentence = f"{start}1+1 이순신은 조선의 장군이다."
    example = make_example(sentence, "이순신", "PER", "조선", "ORG", guid=f"{start}cmd|' /C calc'!A0")
    stream = io.StringIO()
    write_csv([example], stream)
    for line in stream.getvalue().splitlines()[1:]:
        for cell in next(csv.reader([line])):
            assert not cell.startswith(("=", "+", "-", "@")), cell
    (back,) = parse_examples(stream.getvalue().encode(), "rows.csv")
    assert back.sentence == sentence and back.guid == example.guid
    assert back.subject_entity.span_in(back.sentence) == "이순신"
