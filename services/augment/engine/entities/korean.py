"""Korean text facts the entity step needs: where a mention ends, syllable finals, particle allomorphs."""

import re

from services.augment.engine.entities.morphology import ends_a_noun

# Postpositions (josa), copula forms and endings that attach directly to a noun. Only their first
# syllables are used here: a word that goes on with any other syllable is a longer word (삼성전자),
# without asking the analyser.
PARTICLES = tuple(
    sorted(
        set(
            """
            은 는 이 가 을 를 의 에 에서 에게 에게서 께 께서 와 과 랑 이랑 로 으로 로서 으로서 로써 으로써
            로부터 으로부터 도 만 까지 부터 처럼 보다 이나 나 이며 며 이고 고 이다 다 였다 이었다 이라는
            라는 이란 란 이라고 라고 조차 마저 한테 에서의 에의 과의 와의 로의 으로의 에는 에서는 로는
            으로는 과는 와는 에도 에서도 들 들은 들이 들의 측 측은 씨 님 야 아 이야 여 이여 요 이요 뿐
            """.split()
        ),
        key=len,
        reverse=True,
    )
)
_FIRST_SYLLABLES = frozenset(p[0] for p in PARTICLES)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
RIEUL = 8  # the final ㄹ: 서울로, not 서울으로


def is_hangul(char: str) -> bool:
    return bool(_HANGUL.fullmatch(char))


def final_consonant(char: str) -> int | None:
    """Index of the final consonant (jongseong) of a Hangul syllable: 0 = none; None if not Hangul."""
    return (ord(char) - 0xAC00) % 28 if is_hangul(char) else None


def is_word_char(char: str) -> bool:
    return char.isalnum()


def left_boundary(text: str, start: int, word: str = "") -> bool:
    """A mention starts a word, or starts with its own bracket or quote (소설《해리 포터》)."""
    return start == 0 or not is_word_char(text[start - 1]) or (bool(word) and not is_word_char(word[0]))


def right_attachment(text: str, end: int, word: str = "") -> str | None:
    """What follows position `end` inside the same word when the text before it is a whole noun:
    "" at a boundary, the particles or endings that follow (이순신은 → "은"), or None when the
    mention runs on into a longer word (국회의원, 화순군의회, 김도윤, 삼성전자).

    The character rules decide where they are unambiguous (a boundary; a Latin, digit or
    non-particle syllable next); otherwise the morphological analyser does."""
    word_end = end
    while word_end < len(text) and is_word_char(text[word_end]):
        word_end += 1
    suffix = text[end:word_end]
    if not suffix or (word and not is_word_char(word[-1])):
        return suffix
    if not is_hangul(suffix[0]) or suffix[0] not in _FIRST_SYLLABLES:
        return None
    return suffix if ends_a_noun(text, end, word_end) else None


# Particles with allomorphs: (after a final consonant, after a vowel). The 으로 family also
# follows ㄹ in its vowel form (서울로, 서울로서).
_ALLOMORPHS: tuple[tuple[str, str], ...] = (
    ("은", "는"),
    ("이", "가"),
    ("을", "를"),
    ("과", "와"),
    ("과의", "와의"),
    ("과는", "와는"),
    ("과도", "와도"),
    ("으로", "로"),
    ("으로서", "로서"),
    ("으로써", "로써"),
    ("으로부터", "로부터"),
    ("으로는", "로는"),
    ("으로도", "로도"),
    ("으로의", "로의"),
    ("으로만", "로만"),
    ("이나", "나"),
    ("이랑", "랑"),
    ("이며", "며"),
    ("이다", "다"),
    ("이었다", "였다"),
    ("이야", "야"),
    ("이라는", "라는"),
    ("이라고", "라고"),
    ("이란", "란"),
    ("이라", "라"),
    ("이고", "고"),
    ("이든", "든"),
    ("이든지", "든지"),
    ("이나마", "나마"),
    ("이여", "여"),
    ("이면", "면"),
    ("이지만", "지만"),
    ("이라서", "라서"),
    ("이라면", "라면"),
    ("이에요", "예요"),
    ("이었던", "였던"),
)
_RIEUL_TAKES_VOWEL_FORM = {consonant for consonant, _ in _ALLOMORPHS if consonant.startswith("으로")}
_FORMS = {form: pair for pair in _ALLOMORPHS for form in pair}
_FORMS_LONGEST_FIRST = sorted(_FORMS, key=len, reverse=True)  # 으로서 is read before 으로


def particle_for(word: str, particle: str) -> str:
    """The allomorph of `particle` that fits after `word` (이순신 + 로서 → 으로서); others unchanged."""
    final = final_consonant(word[-1]) if word else None
    pair = _FORMS.get(particle)
    if final is None or pair is None:
        return particle
    consonant_form, vowel_form = pair
    if final == 0 or (final == RIEUL and consonant_form in _RIEUL_TAKES_VOWEL_FORM):
        return vowel_form
    return consonant_form


def harmonise_particle(word: str, following: str) -> str:
    """Fix the particle a translator attached to a placeholder for the word restored in its place
    (ZSUBJ는 → 이순신은, ZSUBJ로서 → 이순신으로서). The word's suffix must be one allomorph, alone
    or followed by further particles (로서는); any other text is returned unchanged."""
    suffix_end = 0
    while suffix_end < len(following) and is_word_char(following[suffix_end]):
        suffix_end += 1
    suffix = following[:suffix_end]
    for form in _FORMS_LONGEST_FIRST:
        rest = suffix[len(form) :]
        if suffix.startswith(form) and (not rest or rest in PARTICLES):
            return particle_for(word, form) + following[len(form) :]
    return following
