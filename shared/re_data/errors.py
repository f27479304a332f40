"""Errors that name the file, line and field of every bad row."""

from dataclasses import dataclass

MAX_ERRORS_SHOWN = 20


@dataclass(frozen=True)
class RowError:
    path: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"file": self.path, "line": self.line, "field": self.field, "message": self.message}


class DataFormatError(ValueError):
    """A file could not be read as KLUE-RE; `errors` lists every problem found."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        shown = "\n".join(f"  {error}" for error in errors[:MAX_ERRORS_SHOWN])
        more = len(errors) - MAX_ERRORS_SHOWN
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"{len(errors)} problem(s) in the input:\n{shown}{tail}")
