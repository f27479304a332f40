"""The HTTP mapping of domain errors: one JSON shape, `{"error": ..., "details": ...}`, for every 4xx."""

from typing import Any

import kombu.exceptions
import redis
import sqlalchemy.exc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from shared.errors import (
    AppError,
    Conflict,
    Forbidden,
    GatewayTimeout,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
    Unavailable,
    Unprocessable,
    UnsupportedMediaType,
)
from shared.re_data.errors import DataFormatError

# The most specific class wins: the mapping is read along each error's method resolution order.
STATUS_OF: dict[type[AppError], int] = {
    AppError: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    PayloadTooLarge: 413,
    UnsupportedMediaType: 415,
    Unprocessable: 422,
    GatewayTimeout: 504,
    Unavailable: 503,
}


def status_of(error: AppError) -> int:
    return next(STATUS_OF[cls] for cls in type(error).__mro__ if cls in STATUS_OF)


def error_body(message: str, details: Any = None) -> dict[str, Any]:
    return {"error": message, "details": details} if details is not None else {"error": message}


RETRY_AFTER_S = "5"
# A backend that is down or does not answer: 503 and when to try again, never a bare 500.
UNAVAILABLE: tuple[type[Exception], ...] = (
    sqlalchemy.exc.OperationalError,  # cannot connect, connection lost, statement timeout
    sqlalchemy.exc.TimeoutError,  # no pooled connection came free
    sqlalchemy.exc.InterfaceError,
    redis.RedisError,
    kombu.exceptions.OperationalError,
    ConnectionError,
)


def install_handlers(app: FastAPI) -> None:
    for kind in UNAVAILABLE:

        @app.exception_handler(kind)
        async def unavailable(_: Request, error: Exception) -> JSONResponse:
            which = (
                "the broker"
                if isinstance(error, redis.RedisError | kombu.exceptions.OperationalError)
                else ("the database")
            )
            return JSONResponse(
                error_body(f"{which} is unavailable; try again shortly"),
                503,
                headers={"Retry-After": RETRY_AFTER_S},
            )

    @app.exception_handler(AppError)
    async def app_error(_: Request, error: AppError) -> JSONResponse:
        status = status_of(error)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if status == 503:
            headers = {"Retry-After": RETRY_AFTER_S}
        return JSONResponse(error_body(error.message, error.details), status, headers=headers)

    @app.exception_handler(DataFormatError)
    async def bad_data(_: Request, error: DataFormatError) -> JSONResponse:
        lines = [e.as_dict() for e in error.errors]
        return JSONResponse(error_body(f"{len(lines)} problem(s) in the upload", lines), 422)

    @app.exception_handler(RequestValidationError)
    async def bad_request(_: Request, error: RequestValidationError) -> JSONResponse:
        details = [
            {"field": ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]), "message": e["msg"]}
            for e in error.errors()
        ]
        return JSONResponse(error_body("invalid request", details), 422)
