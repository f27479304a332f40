"""Strategy `locate`: translate the plain sentence, then find each entity in the output.

Rules (tested in tests/augment/test_entity_locate.py and the challenge corpus,
tests/augment/test_entity_challenge.py):
- A *true mention* is an occurrence of the entity text that starts a word (or starts with its own
  bracket) and ends where the word ends or where a particle, the copula, an ending or a suffix
  such as 씨/님/측 begins, as Kiwi's morphemes show: 이순신은 and A(26)씨는 hold mentions; 국회의원,
  화순군의회, 한국과학기술원 and 김도윤 do not hold 국회, 화순군, 한국 or 김 (the entity's last
  syllable and the next one form one noun there). Cheap character rules decide first where they
  can (a space, punctuation, a Latin letter or a syllable no particle starts with). A word spelled
  exactly like one of the source's words holding the entity reads as it did there (텔리아소네라는 a
  mention, 두산 베어스전이 none), whatever the analyser makes of it in its new context.
- An entity that sat inside a longer word in the source (서울 in 서울대공원) may be found inside a
  word in the output too, but only between the same neighbouring characters as in the source
  (서울대공원 again, never 서울숲 or 19190 for 1919).
- Source and output must hold the same number of mentions, else the row is dropped as
  `entity_ambiguous`; none in the output is `entity_missing`. One each: taken. Several: mentions
  whose surroundings (up to 12 characters each side) agree are paired first, so a clause moved to
  the front keeps its own mention; the rest are paired by their order (ordinals). A mention with
  two nearly equally good partners (within 3 characters) is not guessed: `entity_ambiguous`.
- Overlapping subject and object are located as one unit (see entities/base.py).
"""

from services.augment.engine.drops import DropReason
from services.augment.engine.entities.base import Outcome, Prepared, Unit, place_entities, units_of
from services.augment.engine.entities.korean import is_word_char, left_boundary, right_attachment
from shared.re_data.schema import REExample

CONTEXT = 12  # characters compared on each side of a mention
MIN_CONTEXT_MATCH = 4  # a context pairing needs at least this many shared characters
CONTEXT_MARGIN = 3  # and this many more than any rival pairing of either mention


def mentions(
    text: str, needle: str, *, like: tuple[str, str] | None = None, verdicts: dict[str, bool] | None = None
) -> list[int]:
    """Start offsets of `needle` in `text` that are true mentions, or (with `like`) that sit
    between the same in-word neighbours as in the source. `verdicts` (word → mention or not)
    settles words already judged in the source, so the same word reads the same in the output."""
    found, start = [], text.find(needle)
    while start != -1:
        end = start + len(needle)
        whole = left_boundary(text, start, needle) and is_mention(text, start, needle, verdicts or {})
        if whole or (like is not None and neighbours(text, start, end) == like):
            found.append(start)
        start = text.find(needle, start + 1)
    return found


def is_mention(text: str, start: int, needle: str, verdicts: dict[str, bool]) -> bool:
    word = word_at(text, start, len(needle))
    if word in verdicts:
        return verdicts[word]
    return right_attachment(text, start + len(needle), needle) is not None


def word_at(text: str, start: int, length: int) -> str:
    """The entity text at `start` with whatever follows it inside the same word (두산 베어스전이)."""
    end = start + length
    while end < len(text) and is_word_char(text[end]):
        end += 1
    return text[start:end]


def source_verdicts(source: str, needle: str) -> dict[str, bool]:
    """How each word holding the entity reads in the source: a mention, or part of a longer word.
    The analyser may read one word two ways in two contexts; a word read as a mention anywhere
    counts as one everywhere."""
    verdicts: dict[str, bool] = {}
    start = source.find(needle)
    while start != -1:
        if left_boundary(source, start, needle):
            word = word_at(source, start, len(needle))
            verdicts[word] = verdicts.get(word, False) or is_mention(source, start, needle, {})
        start = source.find(needle, start + 1)
    return verdicts


def neighbours(text: str, start: int, end: int) -> tuple[str, str]:
    """The word characters right before and right after [start, end) ("" at a boundary)."""
    before = text[start - 1] if start > 0 and is_word_char(text[start - 1]) else ""
    after = text[end] if end < len(text) and is_word_char(text[end]) else ""
    return before, after


def context_match(a: str, a_start: int, b: str, b_start: int, length: int) -> int:
    """Characters shared right before and right after two occurrences (up to CONTEXT each side)."""
    before = 0
    while (
        before < CONTEXT
        and before < min(a_start, b_start)
        and a[a_start - before - 1] == b[b_start - before - 1]
    ):
        before += 1
    a_end, b_end, after = a_start + length, b_start + length, 0
    while (
        after < CONTEXT
        and a_end + after < len(a)
        and b_end + after < len(b)
        and a[a_end + after] == b[b_end + after]
    ):
        after += 1
    return before + after


def pair_mentions(
    source: str, in_source: list[int], output: str, in_output: list[int], length: int
) -> dict[int, int]:
    """Source mention → output mention, for as many mentions on each side.

    Pairs whose surroundings agree (at least MIN_CONTEXT_MATCH characters) are taken first, best
    first, each only when it beats every rival pairing of its two mentions by CONTEXT_MARGIN; the
    rest follow in order (ordinals among what is left). When a mention has rivals that close,
    nothing is guessed and the rows' mentions stay unpaired."""
    every = ((context_match(source, s, output, o, length), s, o) for s in in_source for o in in_output)
    scored = sorted((pair for pair in every if pair[0] >= MIN_CONTEXT_MATCH), reverse=True)
    paired: dict[int, int] = {}
    contested: set[int] = set()
    taken: set[int] = set()
    for score, s, o in scored:
        if s in paired or s in contested or o in taken:
            continue
        rivals = [
            (s2, o2)
            for score2, s2, o2 in scored
            if score2 > score - CONTEXT_MARGIN
            and (s2, o2) != (s, o)
            and (s2 == s or o2 == o)
            and s2 not in paired
            and o2 not in taken
        ]
        if rivals:
            contested.add(s)
            continue
        paired[s] = o
        taken.add(o)
    rest_source = [s for s in in_source if s not in paired and s not in contested]
    rest_output = [o for o in in_output if o not in taken]
    if not contested:
        paired |= dict(zip(rest_source, rest_output, strict=True))
    return paired


def locate_unit(source: str, unit: Unit, output: str) -> int | DropReason:
    verdicts = source_verdicts(source, unit.text)
    in_source = mentions(source, unit.text, verdicts=verdicts)
    like = None if unit.start in in_source else neighbours(source, unit.start, unit.end)
    if like is not None:
        in_source = mentions(source, unit.text, like=like, verdicts=verdicts)
    in_output = mentions(output, unit.text, like=like, verdicts=verdicts)
    if not in_output:
        return DropReason.ENTITY_MISSING
    if len(in_source) != len(in_output):
        return DropReason.ENTITY_AMBIGUOUS
    paired = pair_mentions(source, in_source, output, in_output, len(unit.text))
    return paired.get(unit.start, DropReason.ENTITY_AMBIGUOUS)


class LocateStrategy:
    name = "locate"

    def prepare(self, example: REExample) -> Prepared:
        return Prepared(example.sentence)

    def relocate(self, example: REExample, prepared: Prepared, translated: str) -> Outcome:
        units = units_of(example)
        starts: list[int] = []
        for unit in units:
            found = locate_unit(example.sentence, unit, translated)
            if isinstance(found, DropReason):
                return Outcome(translated, reason=found)
            starts.append(found)
        return place_entities(example, units, starts, translated)
