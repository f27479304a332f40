"""CSV cells that a spreadsheet would run as formulas (`=`, `+`, `-`, `@`, tab, carriage return at
the start) are written behind a single quote, which spreadsheets show as text (OWASP's advice);
Roundtrip's own CSV reader removes that quote again, so a round trip keeps every sentence and span."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def read_cell(value: str) -> str:
    """The value `safe_cell` was given."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value
