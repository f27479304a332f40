"""Korean morphemes from Kiwi (kiwipiepy; its model ships on PyPI, so it works offline).

The analyser loads once per process (about a second) and each sentence is analysed once, however
many entities are looked up in it. Offsets are character offsets into the text as given.
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# What may follow an entity inside the same word for the entity to be the whole noun: particles
# (J…), the copula (VCP, VCN), verbal endings (E…) and punctuation-like symbols (S… but Latin,
# Hanja and digits, which continue a word).
_ATTACHING_TAG_PREFIXES = ("J", "E", "VC")
_SYMBOL_TAGS = {"SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "SW"}
# Dependent nouns and suffixes that follow a name without making a new noun with it:
# 김 씨, 홍길동님, 카카오 측, 의원들, 1911년에 (년 is part of the date entity, not a follower).
_ATTACHING_FORMS = {"씨", "님", "측", "들", "군", "양", "옹", "께", "등"}


@dataclass(frozen=True)
class Morpheme:
    form: str
    tag: str
    start: int
    end: int  # exclusive


@lru_cache(maxsize=1)
def _kiwi() -> Any:
    from kiwipiepy import Kiwi  # the model loads here, once per process

    return Kiwi()


@lru_cache(maxsize=8192)
def morphemes(text: str) -> tuple[Morpheme, ...]:
    return tuple(
        Morpheme(token.form, token.tag, token.start, token.start + token.len)
        for token in _kiwi().tokenize(text)
    )


def attaches(morpheme: Morpheme) -> bool:
    """True for a morpheme that may follow an entity inside its word (a particle, an ending, 씨 …)."""
    return (
        morpheme.tag.startswith(_ATTACHING_TAG_PREFIXES)
        or morpheme.tag in _SYMBOL_TAGS
        or (morpheme.tag in {"NNB", "XSN"} and morpheme.form in _ATTACHING_FORMS)
    )


def ends_a_noun(text: str, end: int, word_end: int) -> bool:
    """True when a morpheme boundary falls at `end` and everything from there to `word_end` is a
    particle, copula, ending or honorific suffix: the word before `end` is a whole noun
    (국회의 yes; 국회의원, 화순군의회, 한국과학기술원 and 김도윤 no)."""
    following = [m for m in morphemes(text) if end <= m.start < word_end and m.end > m.start]
    if any(m.start < end < m.end for m in morphemes(text)):
        return False  # `end` falls inside one morpheme: the entity is part of a longer noun
    if not following or following[0].start != end:
        return False
    return all(attaches(m) for m in following)
