"""Teams and their API keys: create a key (shown once, stored hashed), find the team behind one."""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from services.catalog import teams_repository
from services.catalog.keys import Scope, hash_key, new_key
from shared.errors import Conflict, NotFound, Unprocessable


@dataclass(frozen=True)
class KeyOwner:
    team_id: int
    team: str
    scope: str


def create_key(session: Session, team: str, scope: Scope) -> str:
    """A new key for `team` (created if new); only its hash is stored, so the caller shows it once."""
    key = new_key()
    owner = teams_repository.get_or_create_team(session, name=team)
    teams_repository.add_key(
        session, team=owner, key_hash=hash_key(key), prefix=key[:PREFIX_CHARS], scope=scope.value
    )
    return key


PREFIX_CHARS = 12  # "rt_" and 9 characters: enough to name a key when revoking it


@dataclass(frozen=True)
class KeyInfo:
    prefix: str
    scope: str
    created_at: datetime
    revoked_at: datetime | None


def list_keys(session: Session, team_id: int) -> list[KeyInfo]:
    return [
        KeyInfo(prefix=k.prefix, scope=k.scope, created_at=k.created_at, revoked_at=k.revoked_at)
        for k in teams_repository.keys_of_team(session, team_id=team_id)
    ]


def revoke_key(session: Session, prefix: str, team_id: int | None = None) -> tuple[KeyInfo, str]:
    """Revokes the one key whose prefix starts with `prefix` (of `team_id`'s keys, when given) and
    ends its /ui sessions. Returns it and its hash (so callers can drop it from caches)."""
    if len(prefix) < 6:
        raise Unprocessable("prefix: give at least 6 characters of the key (e.g. rt_AbC1)")
    matches = teams_repository.keys_by_prefix(session, prefix=prefix, team_id=team_id)
    if not matches:
        raise NotFound(f"no API key starts with {prefix!r}")
    if len(matches) > 1:
        raise Conflict(f"{len(matches)} keys start with {prefix!r}; give more characters")
    [key] = matches
    teams_repository.revoke_key(session, key=key, at=datetime.now(UTC))
    info = KeyInfo(prefix=key.prefix, scope=key.scope, created_at=key.created_at, revoked_at=key.revoked_at)
    return info, key.key_hash


def start_ui_session(session: Session, key: str, lifetime: timedelta) -> str | None:
    """A new /ui session for an active key: an opaque token (stored hashed); None if the key is not active."""
    found = teams_repository.find_active_key(session, key_hash=hash_key(key))
    if found is None:
        return None
    token = secrets.token_urlsafe(32)
    teams_repository.add_ui_session(
        session, id_hash=hash_key(token), api_key_id=found[0].id, expires_at=datetime.now(UTC) + lifetime
    )
    return token


def ui_session_owner(session: Session, token: str) -> KeyOwner | None:
    found = teams_repository.find_ui_session_owner(session, id_hash=hash_key(token), now=datetime.now(UTC))
    if found is None:
        return None
    api_key, team = found
    return KeyOwner(team_id=team.id, team=team.name, scope=api_key.scope)


def end_ui_session(session: Session, token: str) -> None:
    teams_repository.end_ui_session(session, id_hash=hash_key(token), at=datetime.now(UTC))


def owner_of(session: Session, key_hash: str) -> KeyOwner | None:
    """The team and scope of an active key, by the key's hash; None for an unknown or revoked key."""
    found = teams_repository.find_active_key(session, key_hash=key_hash)
    if found is None:
        return None
    api_key, team = found
    return KeyOwner(team_id=team.id, team=team.name, scope=api_key.scope)
