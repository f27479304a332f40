"""Checks every path and query parameter before any route runs: a NUL byte, a lone surrogate or an
over-long value is a 422 naming the parameter, never a database error, and never echoed back."""

from fastapi import Request

from shared.errors import Unprocessable
from shared.re_data.text import text_problem

MAX_PATH_PARAMETER_CHARS = 256  # ids are UUIDs
MAX_QUERY_PARAMETER_CHARS = 4096  # room for a comparison's comma-separated run ids


async def checked_parameters(request: Request) -> None:
    limited = [(request.path_params.items(), MAX_PATH_PARAMETER_CHARS),
               (request.query_params.multi_items(), MAX_QUERY_PARAMETER_CHARS)]  # fmt: skip
    for items, limit in limited:
        for name, value in items:
            if not isinstance(value, str):
                continue
            problem = text_problem(value)
            if problem is None and len(value) > limit:
                problem = f"longer than {limit} characters"
            if problem is not None:
                raise Unprocessable(f"{name}: {problem}", details=[{"field": name, "message": problem}])
