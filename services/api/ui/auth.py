"""Who is looking at a page: the team API key kept in a cookie after /ui/login."""

from typing import Annotated

from fastapi import Cookie, Depends, HTTPException, status

from services.api.deps import Caller, UowDep, caller_for_key
from services.catalog.keys import Scope
from shared.errors import AppError

COOKIE = "roundtrip_key"
LOGIN_PATH = "/ui/login"


async def page_caller(uow: UowDep, roundtrip_key: Annotated[str | None, Cookie()] = None) -> Caller:
    """A reader; anyone else is sent to the login page."""
    to_login = HTTPException(status.HTTP_303_SEE_OTHER, headers={"Location": LOGIN_PATH})
    if not roundtrip_key:
        raise to_login
    try:
        return await caller_for_key(uow, roundtrip_key, Scope.READ)
    except AppError:
        raise to_login from None


PageCallerDep = Annotated[Caller, Depends(page_caller)]
