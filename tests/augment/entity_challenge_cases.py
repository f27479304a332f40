"""The entity challenge corpus: source rows and scripted Korean outputs, each with the one right result.

Markup: ⟪…⟫ is the subject, ⟨…⟩ the object (they may nest or cross). A case's `output` is what the
translator returns; `expect` is either the final sentence with the entities marked where they must
be (kept, with exactly those spans) or `DROP <reason>`. With the `protect` strategy the output holds
the placeholders ZSUBJ / ZOBJ and `expect` shows the sentence after restoring them.

The rows are made up in the shapes of real KLUE-RE rows (X의회, X의원, X의료원, X은행 compounds,
honorifics after names, bracketed titles, dates and Latin names); none is copied from the data set.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    name: str
    source: str  # marked source sentence
    output: str  # what the back-translation returns (unmarked; placeholders with `protect`)
    expect: str  # marked final sentence, or "DROP <reason>"
    types: tuple[str, str] = ("ORG", "LOC")
    strategy: str = "locate"


def _kept(name: str, source: str, expect: str, types: tuple[str, str] = ("ORG", "LOC")) -> Case:
    """A locate case whose output is the expected sentence with its marks removed."""
    return Case(name, source, unmark(expect), expect, types)


def _dropped(
    name: str, source: str, output: str, reason: str, types: tuple[str, str] = ("ORG", "LOC")
) -> Case:
    return Case(name, source, output, f"DROP {reason}", types)


def unmark(text: str) -> str:
    return text.translate(str.maketrans("", "", "⟪⟫⟨⟩"))


def parse(marked: str) -> tuple[str, tuple[int, int], tuple[int, int]]:
    """Plain text, subject [start, end) and object [start, end) from a marked sentence."""
    plain, opened, spans = [], {}, {}
    for char in marked:
        if char in "⟪⟨":
            opened[char] = len(plain)
        elif char in "⟫⟩":
            key = "⟪" if char == "⟫" else "⟨"
            spans[key] = (opened[key], len(plain))
        else:
            plain.append(char)
    return "".join(plain), spans["⟪"], spans["⟨"]


# --- Compounds: the entity's last syllable and the next form one noun (never a mention) ----------
COMPOUNDS = [
    # (entity, its type, the compound in the output, a sentence frame with {} for the compound)
    ("국회", "ORG", "국회의원", "{}들이 법안을 통과시켰다고 한다."),
    ("화순군", "LOC", "화순군의회", "{}는 예산안을 의결했다고 한다."),
    ("한국", "LOC", "한국과학기술원", "{}은 대전에 캠퍼스가 있다고 한다."),
    ("김", "PER", "김도윤", "{}은 그 자리에서 말했다고 한다."),
    ("서울대학교", "ORG", "서울대학교병원", "{}에서 수술을 받았다고 한다."),
    ("국민", "ORG", "국민은행", "{}은 금리를 올렸다고 한다."),
    ("경찰청", "ORG", "경찰청장", "{}은 기자회견을 열었다고 한다."),
    ("삼성", "ORG", "삼성전자", "{}는 신제품을 발표했다고 한다."),
    ("부산", "LOC", "부산의료원", "{}에 환자가 몰렸다고 한다."),
    ("조선", "ORG", "조선시대", "{}에 지어진 건물이라고 한다."),
    ("정의", "ORG", "정의당", "{}은 성명을 냈다고 한다."),
    ("서울", "LOC", "서울시의회", "{}는 조례를 개정했다고 한다."),
]


def topic(word: str) -> str:
    """은 after a final consonant, 는 after a vowel."""
    return "은" if (ord(word[-1]) - 0xAC00) % 28 else "는"


def compound_cases() -> list[Case]:
    cases = []
    for entity, kind, compound, frame in COMPOUNDS:
        source = f"⟪{entity}⟫{topic(entity)} ⟨대한민국⟩에 있는 기관과 관련이 있다."
        only_compound = "대한민국의 " + frame.format(compound)
        cases.append(
            _dropped(f"compound only: {compound}", source, only_compound, "entity_missing", (kind, "LOC"))
        )
        both = f"⟨대한민국⟩의 ⟪{entity}⟫{topic(entity)} " + frame.format(compound).replace(
            "한다.", "하며 관련이 있다."
        )
        cases.append(_kept(f"true mention beside {compound}", source, both, (kind, "LOC")))
    return cases


# --- Particles, copula and endings after an entity ----------------------------------------------
# (particle after a consonant-final word, after a vowel-final word)
PARTICLE_FRAMES = [
    ("은", "는", "{} 오래된 단체라고 한다."),
    ("이", "가", "{} 행사를 열었다고 한다."),
    ("을", "를", "{} 방문했다고 한다."),
    ("의", "의", "{} 대표가 말했다고 한다."),
    ("에", "에", "{} 본부가 있다고 한다."),
    ("에서", "에서", "{} 회의가 열렸다고 한다."),
    ("과", "와", "{} 협약을 맺었다고 한다."),
    ("이랑", "랑", "{} 함께 일했다고 한다."),
    ("으로", "로", "{} 옮겨 갔다고 한다."),
    ("으로서", "로서", "{} 역할을 다했다고 한다."),
    ("으로부터", "로부터", "{} 지원을 받았다고 한다."),
    ("도", "도", "{} 참여했다고 한다."),
    ("까지", "까지", "{} 소식이 전해졌다고 한다."),
    ("처럼", "처럼", "{} 성장하고 싶다고 한다."),
    ("이나", "나", "{} 다른 곳이 후보라고 한다."),
    ("이며", "며", "{} 본부는 여러 곳이라고 한다."),
    ("과의", "와의", "{} 관계가 좋아졌다고 한다."),
    ("에는", "에는", "{} 직원이 많다고 한다."),
    ("이라는", "라는", "{} 이름이 붙었다고 한다."),
    ("에게", "에게", "{} 상을 주었다고 한다."),
]
PARTICLE_ENTITIES = [("대한축구협회", "ORG"), ("유네스코", "ORG")]  # ends in a consonant; in a vowel


def particle_cases() -> list[Case]:
    cases = []
    for entity, kind in PARTICLE_ENTITIES:
        consonant_final = (ord(entity[-1]) - 0xAC00) % 28 != 0
        for after_consonant, after_vowel, frame in PARTICLE_FRAMES:
            particle = after_consonant if consonant_final else after_vowel
            source = f"올해 ⟨서울⟩에서 ⟪{entity}⟫{particle} 활동했다."
            expect = "보도에 따르면 ⟨서울⟩에서 " + frame.format(f"⟪{entity}⟫{particle}")
            cases.append(_kept(f"{entity}{particle}", source, expect, (kind, "LOC")))
    copulas = ["이다.", "이었다.", "이며 유명하다.", "이라고 한다."]
    for ending in copulas:
        source = "⟪이순신⟫은 ⟨조선⟩의 장군이다."
        expect = f"⟨조선⟩ 장군은 바로 ⟪이순신⟫{ending}"
        cases.append(_kept(f"copula {ending}", source, expect, ("PER", "ORG")))
    return cases


# --- Honorifics and dependent nouns after a name ------------------------------------------------
def honorific_cases() -> list[Case]:
    per = ("PER", "ORG")
    return [
        _kept(
            "씨 after a name with age",
            "⟪A(26)⟫씨는 ⟨카카오⟩에 다닌다.",
            "⟨카카오⟩에 다니는 ⟪A(26)⟫씨는 말했다.",
            per,
        ),
        _kept("씨 spaced", "⟪김철수⟫ 씨는 ⟨카카오⟩에 다닌다.", "⟨카카오⟩ 직원인 ⟪김철수⟫ 씨가 말했다.", per),
        _kept("씨 attached", "⟪김철수⟫씨는 ⟨카카오⟩에 다닌다.", "⟨카카오⟩ 직원인 ⟪김철수⟫씨가 말했다.", per),
        _kept(
            "님 attached", "⟪홍길동⟫님은 ⟨한국은행⟩ 출신이다.", "⟨한국은행⟩ 출신인 ⟪홍길동⟫님이 왔다.", per
        ),
        _kept(
            "측 attached",
            "⟪카카오⟫측은 ⟨서울⟩ 사무실을 닫았다.",
            "⟨서울⟩ 사무실에 대해 ⟪카카오⟫측이 밝혔다.",
            ("ORG", "LOC"),
        ),
        _kept(
            "측 spaced",
            "⟪카카오⟫ 측은 ⟨서울⟩ 사무실을 닫았다.",
            "⟨서울⟩ 사무실에 대해 ⟪카카오⟫ 측이 밝혔다.",
            ("ORG", "LOC"),
        ),
        _kept(
            "들 plural", "⟪의원⟫들은 ⟨국회⟩에 모였다.", "⟨국회⟩ 본회의장에 ⟪의원⟫들이 모였다.", ("POH", "ORG")
        ),
        _kept(
            "께서",
            "⟪세종대왕⟫께서 ⟨훈민정음⟩을 만드셨다.",
            "⟨훈민정음⟩은 ⟪세종대왕⟫께서 창제하셨다.",
            ("PER", "POH"),
        ),
        _dropped(
            "씨 as part of a longer name",
            "⟪김⟫ 씨는 ⟨카카오⟩에 다닌다.",
            "⟨카카오⟩에 다니는 김씨네 가족이 말했다.",
            "entity_missing",
            per,
        ),
        _kept(
            "title after a name",
            "⟪이순신⟫ 장군은 ⟨조선⟩ 사람이다.",
            "⟨조선⟩ 사람인 ⟪이순신⟫ 장군이 이겼다.",
            per,
        ),
    ]


# --- Brackets and quotes ------------------------------------------------------------------------
def bracket_cases() -> list[Case]:
    poh = ("POH", "PER")
    return [
        _kept(
            "word directly before 《",
            "소설⟪《해리 포터》⟫는 ⟨롤링⟩이 썼다.",
            "작가 ⟨롤링⟩의 소설⟪《해리 포터》⟫는 유명하다.",
            poh,
        ),
        _kept(
            "inside 《》", "《⟪해리 포터⟫》는 ⟨롤링⟩이 썼다.", "⟨롤링⟩이 쓴 《⟪해리 포터⟫》는 유명하다.", poh
        ),
        _kept("inside 「」", "「⟪별⟫」은 ⟨윤동주⟩의 시다.", "⟨윤동주⟩가 쓴 시 「⟪별⟫」은 유명하다.", poh),
        _kept(
            "inside double quotes",
            '"⟪강남스타일⟫"은 ⟨싸이⟩의 노래다.',
            '⟨싸이⟩가 부른 노래 "⟪강남스타일⟫"이 인기였다.',
            poh,
        ),
        _kept(
            "inside single quotes",
            "'⟪기생충⟫'은 ⟨봉준호⟩의 영화다.",
            "⟨봉준호⟩ 감독의 영화 '⟪기생충⟫'이 상을 받았다.",
            poh,
        ),
        _kept(
            "inside parentheses",
            "그 작품(⟪미생⟫)은 ⟨윤태호⟩가 그렸다.",
            "⟨윤태호⟩가 그린 작품(⟪미생⟫)은 인기가 있다.",
            poh,
        ),
        _kept(
            "entity with its brackets then particle",
            "⟪《토지》⟫는 ⟨박경리⟩의 소설이다.",
            "⟨박경리⟩가 쓴 ⟪《토지》⟫를 읽었다고 한다.",
            poh,
        ),
        _kept(
            "bracketed hanja after entity",
            "⟪안중근⟫(安重根)은 ⟨하얼빈⟩에서 활동했다.",
            "⟨하얼빈⟩에서 ⟪안중근⟫(安重根)이 활동했다고 한다.",
            ("PER", "LOC"),
        ),
        _dropped(
            "title only in a longer bracketed title",
            "《⟪별⟫》은 ⟨윤동주⟩의 시다.",
            "⟨윤동주⟩의 시 《별헤는 밤》은 유명하다.".replace("⟨", "").replace("⟩", ""),
            "entity_missing",
            poh,
        ),
        _kept(
            "quote glued to a particle",
            "⟪'미생'⟫은 ⟨윤태호⟩의 만화다.",
            "⟨윤태호⟩가 그린 만화 ⟪'미생'⟫이 드라마가 되었다.",
            poh,
        ),
    ]


# --- Nested and crossing spans -----------------------------------------------------------------
def nesting_cases() -> list[Case]:
    return [
        _kept(
            "object inside subject",
            "⟪⟨서울⟩대학교⟫ 총장은 말했다.",
            "총장이 말하길, ⟪⟨서울⟩대학교⟫는 좋다고 한다.",
            ("ORG", "LOC"),
        ),
        _kept(
            "subject inside object",
            "⟨⟪삼성⟫전자⟩는 큰 회사다.",
            "큰 회사인 ⟨⟪삼성⟫전자⟩가 발표했다.",
            ("ORG", "ORG"),
        ),
        _kept(
            "object at the subject's end",
            "⟪한국⟨은행⟩⟫은 금리를 올렸다.",
            "금리를 올린 곳은 ⟪한국⟨은행⟩⟫이라고 한다.",
            ("ORG", "ORG"),
        ),
        _kept(
            "crossing spans",
            "⟪서울⟨대공원⟫ 동물원⟩에 갔다.",
            "우리는 어제 ⟪서울⟨대공원⟫ 동물원⟩에 다녀왔다.",
            ("LOC", "LOC"),
        ),
        _dropped(
            "nested unit broken apart",
            "⟪⟨서울⟩대학교⟫ 총장은 말했다.",
            "서울에 있는 대학교 총장이 말했다고 한다.",
            "entity_missing",
            ("ORG", "LOC"),
        ),
        _dropped(
            "entities glued into one",
            "⟪삼성⟫과 ⟨애플⟩은 경쟁한다.",
            "한편 애플삼성은 서로 경쟁한다고 한다.",
            "entity_missing",
            ("ORG", "ORG"),
        ),
        _kept(
            "both entities adjacent",
            "⟪김연아⟫ ⟨피겨스케이팅⟩ 선수는 유명하다.",
            "유명한 ⟨피겨스케이팅⟩ 선수 ⟪김연아⟫가 은퇴했다.",
            ("PER", "POH"),
        ),
        _kept(
            "nested date",
            "⟪⟨1919년⟩ 3월 1일⟫에 만세 운동이 일어났다.",
            "만세 운동은 ⟪⟨1919년⟩ 3월 1일⟫에 일어났다고 한다.",
            ("DAT", "DAT"),
        ),
    ]


# --- Repeated entities and ordinals (over true mentions only) -----------------------------------
def repetition_cases() -> list[Case]:
    org = ("ORG", "LOC")
    return [
        _kept(
            "same count keeps the ordinal",
            "⟪박지성⟫은 박지성 ⟨재단⟩을 세웠다.",
            "⟪박지성⟫은 이후 박지성 ⟨재단⟩을 설립했다.",
            ("PER", "ORG"),
        ),
        _kept(
            "second mention keeps its ordinal",
            "박지성은 ⟪박지성⟫ 재단을 ⟨수원⟩에 세웠다.",
            "박지성은 ⟨수원⟩에 ⟪박지성⟫ 재단을 설립했다.",
            ("PER", "LOC"),
        ),
        _dropped(
            "counts differ: ambiguous",
            "⟪박지성⟫은 ⟨맨유⟩에서 뛰었다.",
            "박지성, 그러니까 박지성은 맨유에서 뛰었다고 한다.",
            "entity_ambiguous",
            ("PER", "ORG"),
        ),
        _kept(
            "compound is no mention: one true mention",
            "⟪화순군⟫은 ⟨전라남도⟩에 있다.",
            "⟨전라남도⟩에 있는 ⟪화순군⟫은 화순군의회를 두고 있다.",
            ("LOC", "LOC"),
        ),
        _kept(
            "ordinal over true mentions only",
            "⟪화순군⟫과 화순군은 ⟨전남⟩에 있다.",
            "⟨전남⟩에는 화순군의회와 ⟪화순군⟫과 화순군이 있다고 한다.",
            ("LOC", "LOC"),
        ),
        _dropped(
            "agency inside two other agencies' names",
            "⟪경찰청⟫은 ⟨서울⟩ 서대문구에 있다.",
            "서울경찰청과 부산경찰청은 서울에 있다.",
            "entity_missing",
            org,
        ),
        _kept(
            "agency beside agencies with its name inside",
            "⟪경찰청⟫ 본청은 서울경찰청과 달리 ⟨서울⟩ 서대문구에 있다.",
            "서울경찰청과 달리 ⟪경찰청⟫ 본청은 ⟨서울⟩ 서대문구에 있다고 한다.",
            org,
        ),
        _dropped(
            "two true mentions against one in the source",
            "⟪국회⟫는 ⟨서울⟩ 여의도에 있고 의원들이 일한다.",
            "국회는 서울에 있고 국회의원은 국회에서 일한다.",
            "entity_ambiguous",
            org,
        ),
        _kept(
            "repeated object, repeated subject",
            "⟪삼성⟫은 삼성 ⟨서울⟩ 본사와 서울 공장을 세웠다.",
            "⟪삼성⟫은 삼성 ⟨서울⟩ 본사와 서울 공장을 지었다고 한다.",
            org,
        ),
        _dropped(
            "entity missing altogether",
            "⟪카카오⟫는 ⟨판교⟩에 있다.",
            "그 회사는 판교에 있다고 한다.",
            "entity_missing",
            org,
        ),
        _dropped(
            "object missing altogether",
            "⟪카카오⟫는 ⟨판교⟩에 있다.",
            "카카오는 성남시에 있다고 한다.",
            "entity_missing",
            org,
        ),
        _dropped(
            "entity translated into English",
            "⟪카카오⟫는 ⟨판교⟩에 있다.",
            "Kakao는 판교에 있다고 한다.",
            "entity_missing",
            org,
        ),
    ]


# --- Reordered clauses ---------------------------------------------------------------------------
def reorder_cases() -> list[Case]:
    return [
        _kept(
            "clauses swapped at a comma",
            "⟪이순신⟫은 전쟁에서 이겼고, ⟨조선⟩은 살아남았다.",
            "⟨조선⟩은 살아남았고, ⟪이순신⟫은 전쟁에서 승리했다.",
            ("PER", "ORG"),
        ),
        _kept(
            "object first",
            "⟪비틀즈⟫는 ⟨리버풀⟩에서 결성되었다.",
            "⟨리버풀⟩에서 결성된 밴드가 ⟪비틀즈⟫다.",
            ("ORG", "LOC"),
        ),
        _kept(
            "passive voice",
            "⟪세종대왕⟫은 ⟨훈민정음⟩을 창제하였다.",
            "⟨훈민정음⟩은 ⟪세종대왕⟫에 의해 창제되었다.",
            ("PER", "POH"),
        ),
        _kept(
            "subject at the very end",
            "⟪삼성⟫은 ⟨서울⟩에 본사를 둔 기업이다.",
            "⟨서울⟩에 본사를 둔 기업 ⟪삼성⟫.",
            ("ORG", "LOC"),
        ),
        _kept(
            "relative clause",
            "⟪김철수⟫는 ⟨카카오⟩에 입사했다.",
            "⟨카카오⟩에 입사한 사람은 ⟪김철수⟫라고 한다.",
            ("PER", "ORG"),
        ),
        _kept(
            "time phrase moved",
            "⟪유관순⟫은 ⟨1919년⟩에 만세를 불렀다.",
            "⟨1919년⟩, ⟪유관순⟫은 만세를 외쳤다.",
            ("PER", "DAT"),
        ),
        _kept(
            "quotation reordered",
            "⟪문재인⟫ 대통령은 ⟨청와대⟩에서 말했다.",
            "⟨청와대⟩에서 ⟪문재인⟫ 대통령이 발언했다고 한다.",
            ("PER", "ORG"),
        ),
        _kept(
            "coordination reordered",
            "⟪한국⟫과 ⟨일본⟩은 이웃이다.",
            "⟨일본⟩과 ⟪한국⟫은 이웃 나라라고 한다.",
            ("LOC", "LOC"),
        ),
        _dropped(
            "entities overlap after reordering",
            "⟪대한⟫ ⟨민국⟩은 나라다.",
            "대한민국은 나라라고 한다.",
            "entity_missing",
            ("LOC", "LOC"),
        ),
        _kept(
            "long sentence with both moved",
            "⟪구글⟫은 2004년 ⟨미국⟩ 증시에 상장했다.",
            "2004년에 ⟨미국⟩ 증시에 상장한 회사는 ⟪구글⟫이다.",
            ("ORG", "LOC"),
        ),
    ]


# --- Latin-script and digit entities ------------------------------------------------------------
def latin_cases() -> list[Case]:
    return [
        _kept(
            "Latin entity with particle",
            "⟪IBM⟫은 ⟨1911년⟩에 설립되었다.",
            "⟨1911년⟩ ⟪IBM⟫이 설립됐다.",
            ("ORG", "DAT"),
        ),
        _kept(
            "Latin entity with 와의",
            "⟪BTS⟫는 ⟨빅히트⟩ 소속이다.",
            "⟨빅히트⟩와 ⟪BTS⟫와의 계약은 길다고 한다.",
            ("ORG", "ORG"),
        ),
        _dropped(
            "Latin entity inside a longer Latin word",
            "⟪IBM⟫은 ⟨미국⟩ 기업이다.",
            "IBMX는 미국의 기업이라고 한다.",
            "entity_missing",
            ("ORG", "LOC"),
        ),
        _kept(
            "Latin entity and hangul suffix noun is no mention",
            "⟪LG⟫는 ⟨서울⟩ 여의도에 있는 회사다.",
            "⟨서울⟩에 있는 ⟪LG⟫는 LG전자와 다르다고 한다.",
            ("ORG", "LOC"),
        ),
        _dropped(
            "Latin entity only inside a compound",
            "⟪LG⟫는 ⟨서울⟩에 있다.",
            "서울에 있는 LG전자가 발표했다고 한다.",
            "entity_missing",
            ("ORG", "LOC"),
        ),
        _kept(
            "date entity with 에는",
            "⟪광복⟫은 ⟨1945년 8월 15일⟩이다.",
            "⟨1945년 8월 15일⟩에는 ⟪광복⟫이 있었다.",
            ("POH", "DAT"),
        ),
        _kept(
            "number with a middle dot",
            "⟪3·1운동⟫은 ⟨1919년⟩에 일어났다.",
            "⟨1919년⟩에 ⟪3·1운동⟫이 일어났다고 한다.",
            ("POH", "DAT"),
        ),
        _kept(
            "hyphenated Latin",
            "⟪COVID-19⟫는 ⟨2019년⟩에 나타났다.",
            "⟨2019년⟩에 ⟪COVID-19⟫가 처음 나타났다.",
            ("POH", "DAT"),
        ),
        _dropped(
            "year inside a longer number",
            "⟪유관순⟫은 ⟨1919⟩년에 활동했다.",
            "유관순은 19190년에 활동했다고 한다.",
            "entity_missing",
            ("PER", "DAT"),
        ),
        _kept(
            "digits entity followed by counter",
            "⟪유관순⟫은 ⟨1919⟩년에 활동했다.",
            "⟨1919⟩년에 ⟪유관순⟫이 활동했다고 한다.",
            ("PER", "DAT"),
        ),
        _kept(
            "mixed-script name",
            "⟪SK하이닉스⟫는 ⟨이천⟩에 있다.",
            "⟨이천⟩에 본사를 둔 ⟪SK하이닉스⟫가 발표했다.",
            ("ORG", "LOC"),
        ),
        _kept(
            "Latin-script source keeps Latin output",
            "⟪The Beatles⟫는 ⟨Liverpool⟩에서 결성된 rock band이다.",
            "⟨Liverpool⟩에서 결성된 rock band가 ⟪The Beatles⟫이다.",
            ("ORG", "LOC"),
        ),
    ]


# --- Decomposed Hangul (NFD) and emoji ----------------------------------------------------------
def nfd(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFD", text)


def normalisation_cases() -> list[Case]:
    kept = [
        ("NFD output", "⟪이순신⟫은 ⟨조선⟩의 장군이다.", "⟨조선⟩의 장군 ⟪이순신⟫은 유명하다.", ("PER", "ORG")),
        (
            "NFD output with Latin",
            "⟪IBM⟫은 ⟨미국⟩ 기업이다.",
            "⟨미국⟩의 기업 ⟪IBM⟫이 발표했다.",
            ("ORG", "LOC"),
        ),
        (
            "NFD output, compound nearby",
            "⟪국회⟫는 ⟨서울⟩ 여의도에 있는 기관이다.",
            "⟨서울⟩ 여의도에 ⟪국회⟫와 국회의원회관이 있다.",
            ("ORG", "LOC"),
        ),
        (
            "NFD output, reordered",
            "⟪삼성⟫은 ⟨수원⟩에 있다.",
            "⟨수원⟩에 본사를 둔 ⟪삼성⟫이 말했다.",
            ("ORG", "LOC"),
        ),
    ]
    cases = [Case(name, source, nfd(unmark(expect)), expect, types) for name, source, expect, types in kept]
    cases += [
        _kept(
            "emoji in the output",
            "⟪아이유⟫는 ⟨서울⟩ 출신이다 🎤",
            "⟨서울⟩ 출신 가수 ⟪아이유⟫가 노래했다 🎤🎶",
            ("PER", "LOC"),
        ),
        _kept(
            "emoji right after an entity",
            "⟪아이유⟫는 ⟨서울⟩ 출신이다.",
            "⟨서울⟩ 출신의 ⟪아이유⟫🎤가 공연했다.",
            ("PER", "LOC"),
        ),
        _kept(
            "emoji in the source before an entity",
            "🎬 ⟪기생충⟫은 ⟨봉준호⟩의 영화다.",
            "🎬 ⟨봉준호⟩ 감독이 만든 ⟪기생충⟫이 개봉했다.",
            ("POH", "PER"),
        ),
    ]
    return cases


# --- Short entities inside longer words ---------------------------------------------------------
def short_entity_cases() -> list[Case]:
    per = ("PER", "PER")
    return [
        _kept(
            "김 is not in 김치",
            "⟪김⟫ 씨는 김치를 좋아하는 ⟨김민수⟩이다.",
            "⟨김민수⟩는 김치를 좋아하는 ⟪김⟫ 씨다.",
            per,
        ),
        _dropped(
            "김 only inside 김도윤",
            "⟪김⟫ 씨는 ⟨이민수⟩를 만났다.",
            "김도윤은 이민수를 만났다고 한다.",
            "entity_missing",
            per,
        ),
        _kept(
            "이 as a name beside 이 particles",
            "⟪이⟫ 씨는 ⟨박민수⟩와 만났다.",
            "⟨박민수⟩와 만난 사람이 ⟪이⟫ 씨라고 한다.",
            per,
        ),
        _kept(
            "entity inside a word in the source too",
            "⟨서울⟩대공원에 ⟪김철수⟫가 갔다.",
            "⟪김철수⟫는 어제 ⟨서울⟩대공원에 다녀왔다.",
            ("PER", "LOC"),
        ),
        _dropped(
            "source-internal entity, output in another word",
            "⟨서울⟩대공원에 ⟪김철수⟫가 갔다.",
            "김철수는 어제 서울숲에 다녀왔다고 한다.",
            "entity_missing",
            ("PER", "LOC"),
        ),
        _dropped(
            "한 inside many words",
            "⟪한⟫ 씨는 ⟨한국⟩에 산다.",
            "한국에 사는 한씨네는 한가하다고 한다.",
            "entity_missing",
            ("PER", "LOC"),
        ),
        _kept(
            "one-syllable surname with space",
            "⟪박⟫ 교수는 ⟨서울대⟩에서 가르친다.",
            "⟨서울대⟩에서 가르치는 ⟪박⟫ 교수가 말했다.",
            ("PER", "ORG"),
        ),
    ]


# --- Protect: placeholders restored with the right particle allomorph ----------------------------
PROTECT_CASES = [
    # (name, marked source, translator output with placeholders, expected marked sentence)
    (
        "로서 after a consonant",
        "⟪이순신⟫은 ⟨조선⟩의 장군이었다.",
        "ZSUBJ로서 ZOBJ를 지켰다.",
        "⟪이순신⟫으로서 ⟨조선⟩을 지켰다.",
    ),
    (
        "으로서 after a vowel",
        "⟪세조⟫는 ⟨조선⟩의 왕이었다.",
        "ZSUBJ으로서 ZOBJ를 다스렸다.",
        "⟪세조⟫로서 ⟨조선⟩을 다스렸다.",
    ),
    (
        "로써 after a consonant",
        "⟪한글⟫은 ⟨세종⟩이 만들었다.",
        "ZOBJ는 ZSUBJ로써 백성을 가르쳤다.",
        "⟨세종⟩은 ⟪한글⟫로써 백성을 가르쳤다.",
    ),
    (
        "로부터 after a consonant",
        "⟪김철수⟫는 ⟨정부⟩의 지원을 받았다.",
        "ZSUBJ는 ZOBJ로부터 상을 받았다.",
        "⟪김철수⟫는 ⟨정부⟩로부터 상을 받았다.",
    ),
    (
        "로부터 after ㄹ stays",
        "⟪김철수⟫는 ⟨서울⟩에서 왔다.",
        "ZSUBJ는 ZOBJ로부터 왔다.",
        "⟪김철수⟫는 ⟨서울⟩로부터 왔다.",
    ),
    (
        "으로 after ㄹ becomes 로",
        "⟪김철수⟫는 ⟨서울⟩에 갔다.",
        "ZSUBJ는 ZOBJ으로 갔다.",
        "⟪김철수⟫는 ⟨서울⟩로 갔다.",
    ),
    (
        "나 after a consonant",
        "⟪한국⟫은 ⟨일본⟩과 가깝다.",
        "ZSUBJ나 ZOBJ나 비슷하다.",
        "⟪한국⟫이나 ⟨일본⟩이나 비슷하다.",
    ),
    (
        "이나 after a vowel",
        "⟪중국⟫은 ⟨러시아⟩와 가깝다.",
        "ZSUBJ이나 ZOBJ이나 크다.",
        "⟪중국⟫이나 ⟨러시아⟩나 크다.",
    ),
    (
        "랑 after a consonant",
        "⟪김철수⟫는 ⟨이영희⟩와 친하다.",
        "ZOBJ랑 ZSUBJ랑 친하다.",
        "⟨이영희⟩랑 ⟪김철수⟫랑 친하다.",
    ),
    (
        "이랑 after a vowel",
        "⟪철수⟫는 ⟨영희⟩와 친하다.",
        "ZOBJ이랑 ZSUBJ이랑 친하다.",
        "⟨영희⟩랑 ⟪철수⟫랑 친하다.",
    ),
    (
        "며 after a consonant",
        "⟪이순신⟫은 ⟨조선⟩의 장군이다.",
        "ZSUBJ며 ZOBJ의 장군이다.",
        "⟪이순신⟫이며 ⟨조선⟩의 장군이다.",
    ),
    (
        "다 after a consonant",
        "⟪이순신⟫은 ⟨조선⟩의 장군이다.",
        "ZOBJ의 장군은 ZSUBJ다.",
        "⟨조선⟩의 장군은 ⟪이순신⟫이다.",
    ),
    (
        "와의 after a consonant",
        "⟪한국⟫은 ⟨미국⟩과 동맹이다.",
        "ZSUBJ와 ZOBJ와의 관계는 깊다.",
        "⟪한국⟫과 ⟨미국⟩과의 관계는 깊다.",
    ),
    (
        "과의 after a vowel",
        "⟪한국⟫은 ⟨캐나다⟩와 친하다.",
        "ZSUBJ과 ZOBJ과의 관계가 좋다.",
        "⟪한국⟫과 ⟨캐나다⟩와의 관계가 좋다.",
    ),
    (
        "야 after a consonant",
        "⟪이순신⟫은 ⟨조선⟩의 장군이다.",
        "ZOBJ의 장군은 ZSUBJ야.",
        "⟨조선⟩의 장군은 ⟪이순신⟫이야.",
    ),
    (
        "는 after a consonant",
        "⟪이순신⟫은 ⟨조선⟩의 장군이다.",
        "ZOBJ의 장군 ZSUBJ는 유명하다.",
        "⟨조선⟩의 장군 ⟪이순신⟫은 유명하다.",
    ),
    (
        "가 after a consonant",
        "⟪이순신⟫은 ⟨조선⟩의 장군이다.",
        "ZSUBJ가 ZOBJ를 지켰다.",
        "⟪이순신⟫이 ⟨조선⟩을 지켰다.",
    ),
    (
        "로서는 keeps its tail",
        "⟪이순신⟫은 ⟨조선⟩의 장군이다.",
        "ZSUBJ로서는 ZOBJ가 전부였다.",
        "⟪이순신⟫으로서는 ⟨조선⟩이 전부였다.",
    ),
    (
        "은 after a vowel",
        "⟪세조⟫는 ⟨조선⟩의 왕이다.",
        "ZSUBJ은 ZOBJ의 임금이었다.",
        "⟪세조⟫는 ⟨조선⟩의 임금이었다.",
    ),
    (
        "Latin word keeps the translator's particle",
        "⟪IBM⟫은 ⟨미국⟩ 기업이다.",
        "ZSUBJ은 ZOBJ의 기업이다.",
        "⟪IBM⟫은 ⟨미국⟩의 기업이다.",
    ),
    (
        "particles without allomorphs untouched",
        "⟪이순신⟫은 ⟨조선⟩의 장군이다.",
        "ZSUBJ처럼 ZOBJ를 지켰다.",
        "⟪이순신⟫처럼 ⟨조선⟩을 지켰다.",
    ),
]


def protect_cases() -> list[Case]:
    types = ("PER", "ORG")
    cases = [
        Case(name, source, output, expect, types, "protect") for name, source, output, expect in PROTECT_CASES
    ]
    cases += [
        Case(
            "placeholder lost",
            "⟪이순신⟫은 ⟨조선⟩의 장군이다.",
            "그는 ZOBJ의 장군이다.",
            "DROP entity_missing",
            types,
            "protect",
        ),
        Case(
            "placeholder doubled",
            "⟪이순신⟫은 ⟨조선⟩의 장군이다.",
            "ZSUBJ는 ZSUBJ고 ZOBJ다.",
            "DROP entity_ambiguous",
            types,
            "protect",
        ),
    ]
    return cases


def all_cases() -> list[Case]:
    return (
        compound_cases()
        + particle_cases()
        + honorific_cases()
        + bracket_cases()
        + nesting_cases()
        + repetition_cases()
        + reorder_cases()
        + latin_cases()
        + normalisation_cases()
        + short_entity_cases()
        + protect_cases()
    )
