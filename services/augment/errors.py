"""Errors the service raises on purpose, each with its HTTP status, and their handlers."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from shared.re_data.errors import DataFormatError


class AppError(Exception):
    status_code = 400

    def __init__(self, message: str, details: Any = None):
        super().__init__(message)
        self.message, self.details = message, details


class NotFound(AppError):
    status_code = 404


class Unauthorized(AppError):
    status_code = 401


class Forbidden(AppError):
    status_code = 403


class UnsupportedMediaType(AppError):
    status_code = 415


class PayloadTooLarge(AppError):
    status_code = 413


class Unprocessable(AppError):
    status_code = 422


class Conflict(AppError):
    status_code = 409


class GatewayTimeout(AppError):
    status_code = 504


def error_body(message: str, details: Any = None) -> dict[str, Any]:
    return {"error": message, "details": details} if details is not None else {"error": message}


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def app_error(_: Request, error: AppError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if error.status_code == 401 else None
        return JSONResponse(error_body(error.message, error.details), error.status_code, headers=headers)

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
