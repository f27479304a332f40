"""Checks every JSON request body before a route sees it: a body that is not JSON, holds `NaN` or
`Infinity` (or a number too large for a float), nests deeper than MAX_DEPTH, or holds a string a
store cannot keep (a NUL byte, a lone surrogate) is a 422 naming the field, never a 500."""

import json
import math
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.re_data.text import text_problem

MAX_DEPTH = 32
BODY_METHODS = {"POST", "PUT", "PATCH"}


class BadJson(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def _reject_constant(token: str) -> Any:
    raise BadJson("body", f"{token} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BadJson("body", f"{text[:40]} is too large for a number")
    return value


def check_json(body: bytes) -> None:
    try:
        document = json.loads(body, parse_constant=_reject_constant, parse_float=_finite_float)
    except BadJson:
        raise
    except RecursionError:
        raise BadJson("body", f"nested deeper than {MAX_DEPTH} levels") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise BadJson("body", f"not valid JSON: {str(error)[:120]}") from None
    _walk(document, "", 0)


def _walk(value: Any, field: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise BadJson(field or "body", f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        if problem := text_problem(value):
            raise BadJson(field or "body", problem)
    elif isinstance(value, dict):
        for key, item in value.items():
            if problem := text_problem(key):
                raise BadJson(field or "body", f"a key {problem}")
            _walk(item, f"{field}.{key}" if field else key, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{field}[{index}]", depth + 1)


class JsonGuard:
    """Pure ASGI middleware; runs inside the body size limit, so the body it reads is bounded."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or [])
        content_type = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if (
            scope["type"] != "http"
            or scope["method"] not in BODY_METHODS
            or not content_type.endswith(b"json")
        ):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        if body:
            try:
                check_json(body)
            except BadJson as error:
                await _refuse(send, error)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _refuse(send: Send, error: BadJson) -> None:
    payload = json.dumps(
        {"error": f"invalid request: {error.field}: {error.message}",
         "details": [{"field": error.field, "message": error.message}]}
    ).encode()  # fmt: skip
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": 422, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
