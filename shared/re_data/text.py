"""Unicode hygiene: NFC normalisation that keeps character spans pointing at the same text."""

import unicodedata


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def normalise_sentence(text: str) -> str:
    """NFC, surrounding whitespace stripped, inner runs of whitespace folded to one space."""
    return " ".join(nfc(text).split())


def nfc_span(sentence: str, start: int, end_inclusive: int) -> tuple[int, int]:
    """Map an inclusive span of `sentence` onto `nfc(sentence)`."""
    new_start = len(nfc(sentence[:start]))
    new_end = len(nfc(sentence[: end_inclusive + 1])) - 1
    return new_start, new_end


def text_problem(text: str) -> str | None:
    """Why `text` cannot be stored as-is, or None: NUL bytes and lone surrogates break UTF-8 stores."""
    if "\x00" in text:
        return "contains a NUL byte"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate (not valid UTF-8)"
    return None
