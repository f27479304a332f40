"""Tiny builders for KLUE-RE rows and files: made-up Korean sentences, spans computed, never typed."""

import json
from pathlib import Path

from shared.re_data.schema import Entity, REExample


def entity(sentence: str, word: str, kind: str, occurrence: int = 0) -> Entity:
    start = -1
    for _ in range(occurrence + 1):
        start = sentence.index(word, start + 1)
    return Entity(word=word, start_idx=start, end_idx=start + len(word) - 1, type=kind)


def make_example(
    sentence: str,
    subject: str,
    subject_type: str,
    obj: str,
    obj_type: str,
    label: str = "no_relation",
    *,
    guid: str = "ex-0",
    subject_occurrence: int = 0,
    object_occurrence: int = 0,
) -> REExample:
    return REExample(
        guid=guid,
        sentence=sentence,
        subject_entity=entity(sentence, subject, subject_type, subject_occurrence),
        object_entity=entity(sentence, obj, obj_type, object_occurrence),
        label=label,
        source="wikipedia",
    )


TINY_ROWS = [
    ("이순신은 조선 중기의 무신이다.", "이순신", "PER", "무신", "POH", "per:title"),
    ("삼성전자는 1969년 1월 13일에 설립되었다.", "삼성전자", "ORG", "1969년 1월 13일", "DAT", "org:founded"),
    (
        "비틀즈는 영국 리버풀에서 결성된 록 밴드이다.",
        "비틀즈",
        "ORG",
        "리버풀",
        "LOC",
        "org:place_of_headquarters",
    ),
    ("세종대왕은 훈민정음을 창제하였다.", "세종대왕", "PER", "훈민정음", "POH", "per:product"),
    (
        "김철수는 서울대학교를 졸업한 뒤 카카오에 입사했다.",
        "김철수",
        "PER",
        "카카오",
        "ORG",
        "per:employee_of",
    ),
    (
        "김철수는 서울대학교를 졸업한 뒤 카카오에 입사했다.",
        "김철수",
        "PER",
        "서울대학교",
        "ORG",
        "per:schools_attended",
    ),
    ("박영희의 아버지 박민수는 부산에서 태어났다.", "박영희", "PER", "박민수", "PER", "per:parents"),
    ("LG화학은 LG그룹의 계열사이다.", "LG화학", "ORG", "LG그룹", "ORG", "org:member_of"),
    ("정약용은 1762년에 태어나 1836년에 사망하였다.", "정약용", "PER", "1836년", "DAT", "per:date_of_death"),
    (
        "대한축구협회는 국가대표팀 감독으로 홍길동을 선임했다.",
        "대한축구협회",
        "ORG",
        "홍길동",
        "PER",
        "org:top_members/employees",
    ),
    ("현대자동차와 기아는 서로 다른 회사이다.", "현대자동차", "ORG", "기아", "ORG", "no_relation"),
    (
        "IBM은 미국 뉴욕주 아몽크에 본사를 둔 기업이다.",
        "IBM",
        "ORG",
        "아몽크",
        "LOC",
        "org:place_of_headquarters",
    ),
    ("최영은 고려 말기의 장군으로, 이성계와 대립하였다.", "최영", "PER", "이성계", "PER", "per:colleagues"),
    ("민주당은 2014년에 해산되었다.", "민주당", "ORG", "2014년", "DAT", "org:dissolved"),
    ("유관순은 천안 출신의 독립운동가이다.", "유관순", "PER", "천안", "LOC", "per:origin"),
    (
        "네이버의 직원 수는 약 4000명이다.",
        "네이버",
        "ORG",
        "4000명",
        "NOH",
        "org:number_of_employees/members",
    ),
]


def tiny_examples() -> list[REExample]:
    return [make_example(*row, guid=f"tiny-{i:02d}") for i, row in enumerate(TINY_ROWS)]


def write_jsonl(path: Path, examples: list[REExample]) -> Path:
    with path.open("w", encoding="utf-8") as stream:
        for example in examples:
            stream.write(json.dumps(example.model_dump(exclude_none=True), ensure_ascii=False) + "\n")
    return path
