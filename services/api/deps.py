"""FastAPI dependencies and their aliases: settings, the unit of work, the caller's team, Celery."""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Annotated

from celery import Celery
from fastapi import Depends, Header
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from services.api.ttl_cache import TTLCache
from services.augment.config import ServiceSettings, get_service_settings
from services.catalog import keys_service
from services.catalog.keys import Scope, allows, hash_key
from shared.celery_app import make_celery
from shared.db.session import session_factory
from shared.errors import Forbidden, Unauthorized
from shared.settings import CommonSettings


async def settings() -> ServiceSettings:
    # Async: a sync dependency would cost every request a trip through the threadpool.
    return get_service_settings()


SettingsDep = Annotated[ServiceSettings, Depends(settings)]


@dataclass
class UnitOfWork:
    """One request's transaction. Tasks are sent only after the commit, so a worker never
    picks up a job id that is not in the database yet."""

    session: Session
    _after_commit: list[Callable[[], None]] = field(default_factory=list)

    def after_commit(self, callback: Callable[[], None]) -> None:
        self._after_commit.append(callback)

    def commit(self) -> None:
        self.session.commit()
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()


async def get_uow(settings: SettingsDep) -> AsyncIterator[UnitOfWork]:
    # Async so that cached reads never wait for a threadpool slot; the session connects lazily.
    session = session_factory(settings.database_url)()
    try:
        yield UnitOfWork(session)
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


UowDep = Annotated[UnitOfWork, Depends(get_uow)]


@lru_cache
def _celery(redis_url: str, visibility_timeout_s: int) -> Celery:
    return make_celery(CommonSettings(redis_url=redis_url, broker_visibility_timeout_s=visibility_timeout_s))


async def get_celery(settings: SettingsDep) -> Celery:
    return _celery(settings.redis_url, settings.broker_visibility_timeout_s)


CeleryDep = Annotated[Celery, Depends(get_celery)]


@dataclass(frozen=True)
class Caller:
    team_id: int
    team: str
    scope: str


# Key checks are cached briefly: a poller must not cost a query per request. A revoked key stops
# working within the TTL.
_callers: TTLCache[Caller | None] = TTLCache(ttl_s=30.0)


def _find_caller(uow: UnitOfWork, key_hash: str) -> Caller | None:
    owner = keys_service.owner_of(uow.session, key_hash)
    return None if owner is None else Caller(team_id=owner.team_id, team=owner.team, scope=owner.scope)


def require(scope: Scope) -> Callable[..., Awaitable[Caller]]:
    async def authenticate(
        uow: UowDep,
        authorization: Annotated[str | None, Header()] = None,
        x_api_key: Annotated[str | None, Header()] = None,
    ) -> Caller:
        key = x_api_key or (authorization or "").removeprefix("Bearer ").strip()
        if not key:
            raise Unauthorized("missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key'")
        return await caller_for_key(uow, key, scope)

    return authenticate


async def caller_for_key(uow: UnitOfWork, key: str, scope: Scope) -> Caller:
    """The team behind `key`, if the key is active and its scope allows `scope` (the web pages
    send the key from a cookie, API clients from a header)."""
    key_hash = hash_key(key)
    caller = await run_in_threadpool(_callers.get_or_compute, key_hash, lambda: _find_caller(uow, key_hash))
    if caller is None:
        _callers.forget(key_hash)  # a key created a moment ago must work at once
        raise Unauthorized("unknown or revoked API key")
    if not allows(caller.scope, scope):
        raise Forbidden(f"this key's scope is {caller.scope!r}; {scope.value!r} is needed")
    return caller


def forget_key(key_hash: str) -> None:
    """A revoked key stops working at once here (other processes: within the cache's TTL)."""
    _callers.forget(key_hash)


ReaderDep = Annotated[Caller, Depends(require(Scope.READ))]
WriterDep = Annotated[Caller, Depends(require(Scope.WRITE))]
AdminDep = Annotated[Caller, Depends(require(Scope.ADMIN))]
