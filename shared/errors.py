"""Errors the domains raise on purpose, named for what went wrong. The web shell maps each to an
HTTP status (`services.api.errors`); nothing here imports FastAPI, so workers and the CLI raise and
catch them too."""

from typing import Any, TypeVar

T = TypeVar("T")


class AppError(Exception):
    """A request that cannot be served as asked; `message` is shown to the user as it is."""

    def __init__(self, message: str, details: Any = None):
        super().__init__(message)
        self.message, self.details = message, details


class NotFound(AppError):
    """No such object, or not the caller's (the two read the same, so nothing leaks)."""


class Unauthorized(AppError):
    """No credentials, or unknown ones."""


class Forbidden(AppError):
    """Known credentials whose scope does not allow the action."""


class UnsupportedMediaType(AppError):
    """An upload in a format Roundtrip does not read."""


class PayloadTooLarge(AppError):
    """A body over the configured limit."""


class Unprocessable(AppError):
    """Well-formed input that breaks a rule of the domain."""


class Conflict(AppError):
    """The request clashes with the current state of an object."""


class GatewayTimeout(AppError):
    """A worker did not answer in time."""


class Unavailable(AppError):
    """What the request needs (a backend, a live worker) is not there now; try again later."""


def found(value: T | None, what: str) -> T:
    """`value`, or NotFound("no <what>") when a lookup came back empty."""
    if value is None:
        raise NotFound(f"no {what}")
    return value
