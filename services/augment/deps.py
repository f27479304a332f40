"""FastAPI dependencies and their aliases: settings, the unit of work, the caller's team, Celery."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Annotated

from celery import Celery
from fastapi import Depends, Header
from sqlalchemy.orm import Session

from services.augment import teams_repository
from services.augment.auth import Scope, allows, hash_key
from services.augment.config import ServiceSettings, get_service_settings
from services.augment.errors import Forbidden, Unauthorized
from shared.celery_app import make_celery
from shared.db.session import session_factory
from shared.settings import CommonSettings

SettingsDep = Annotated[ServiceSettings, Depends(get_service_settings)]


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


def get_uow(settings: SettingsDep) -> Iterator[UnitOfWork]:
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


def get_celery(settings: SettingsDep) -> Celery:
    return _celery(settings.redis_url, settings.broker_visibility_timeout_s)


CeleryDep = Annotated[Celery, Depends(get_celery)]


@dataclass(frozen=True)
class Caller:
    team_id: int
    team: str
    scope: str


def require(scope: Scope) -> Callable[..., Caller]:
    def authenticate(
        uow: UowDep,
        authorization: Annotated[str | None, Header()] = None,
        x_api_key: Annotated[str | None, Header()] = None,
    ) -> Caller:
        key = x_api_key or (authorization or "").removeprefix("Bearer ").strip()
        if not key:
            raise Unauthorized("missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key'")
        found = teams_repository.find_active_key(uow.session, hash_key(key))
        if found is None:
            raise Unauthorized("unknown or revoked API key")
        api_key, team = found
        if not allows(api_key.scope, scope):
            raise Forbidden(f"this key's scope is {api_key.scope!r}; {scope.value!r} is needed")
        return Caller(team_id=team.id, team=team.name, scope=api_key.scope)

    return authenticate


ReaderDep = Annotated[Caller, Depends(require(Scope.READ))]
WriterDep = Annotated[Caller, Depends(require(Scope.WRITE))]
