"""Who is looking at a page: a server-side session started at /ui/login. The cookie holds only an
opaque session id (stored hashed), never the API key; sessions expire, end at logout, and end
with their key when it is revoked."""

from typing import Annotated

from fastapi import Cookie, Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool

from services.api.deps import Caller, UowDep
from services.augment.config import ServiceSettings
from services.catalog import keys_service

COOKIE = "roundtrip_session"
LOGIN_PATH = "/ui/login"


async def page_caller(uow: UowDep, roundtrip_session: Annotated[str | None, Cookie()] = None) -> Caller:
    """A reader with a live session; anyone else is sent to the login page."""
    to_login = HTTPException(status.HTTP_303_SEE_OTHER, headers={"Location": LOGIN_PATH})
    if not roundtrip_session or len(roundtrip_session) > 128:
        raise to_login
    owner = await run_in_threadpool(keys_service.ui_session_owner, uow.session, roundtrip_session)
    if owner is None:
        raise to_login
    return Caller(team_id=owner.team_id, team=owner.team, scope=owner.scope)


PageCallerDep = Annotated[Caller, Depends(page_caller)]


def cookie_is_secure(request: Request, settings: ServiceSettings) -> bool:
    """Secure when configured, and whenever the page was asked for over HTTPS."""
    return settings.ui_secure_cookie or request.url.scheme == "https"
