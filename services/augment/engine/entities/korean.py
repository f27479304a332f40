"""Korean text facts the entity locator needs: particles, syllable finals, word boundaries."""

import re

# Postpositions (josa) and common endings that attach directly to a noun. Longest first.
PARTICLES = tuple(
    sorted(
        set(
            """
            은 는 이 가 을 를 의 에 에서 에게 에게서 께 께서 와 과 랑 이랑 로 으로 로서 으로서 로써 으로써
            도 만 까지 부터 처럼 보다 이나 나 이며 며 이고 고 이다 다 였다 이었다 이라는 라는 이란 란 이라고
            라고 조차 마저 한테 에서의 에의 과의 와의 로의 으로의 에는 에서는 로는 으로는 과는 와는 에도
            에서도 들 들은 들이 들의 측 측은
            """.split()
        ),
        key=len,
        reverse=True,
    )
)
MAX_SUFFIX = 5
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Particles that change form with the final consonant of the word before them.
_PAIRED = {
    "은": "는",
    "는": "은",
    "이": "가",
    "가": "이",
    "을": "를",
    "를": "을",
    "과": "와",
    "와": "과",
    "으로": "로",
    "로": "으로",
    "이라는": "라는",
    "라는": "이라는",
}
_WITH_FINAL = {"은", "이", "을", "과", "으로", "이라는"}


def is_hangul(char: str) -> bool:
    return bool(_HANGUL.fullmatch(char))


def final_consonant(char: str) -> int | None:
    """Index of the final consonant (jongseong) of a Hangul syllable: 0 = none; None if not Hangul."""
    return (ord(char) - 0xAC00) % 28 if is_hangul(char) else None


def is_word_char(char: str) -> bool:
    return char.isalnum()


def left_boundary(text: str, start: int) -> bool:
    return start == 0 or not is_word_char(text[start - 1])


def right_attachment(text: str, end: int) -> str | None:
    """What follows position `end` inside the same word: "" for a boundary, a particle, or None."""
    word_end = end
    while word_end < len(text) and is_word_char(text[word_end]):
        word_end += 1
    suffix = text[end:word_end]
    if not suffix:
        return ""
    attached = len(suffix) <= MAX_SUFFIX and all(map(is_hangul, suffix))
    return suffix if attached and suffix.startswith(PARTICLES) else None


def harmonise_particle(word: str, following: str) -> str:
    """Fix a paired particle after `word` (ZSUBJ는 → 이순신은); other text is returned unchanged.

    Only a suffix that is exactly one paired particle is changed: 이다, 이며 and the like stay.
    """
    final = final_consonant(word[-1]) if word else None
    suffix_end = 0
    while suffix_end < len(following) and is_word_char(following[suffix_end]):
        suffix_end += 1
    particle = following[:suffix_end]
    if final is None or particle not in _PAIRED:
        return following
    # ㄹ-final words take 로, not 으로.
    wants_final_form = final != 0 and not (particle in {"으로", "로"} and final == 8)
    if wants_final_form == (particle in _WITH_FINAL):
        return following
    return _PAIRED[particle] + following[suffix_end:]
