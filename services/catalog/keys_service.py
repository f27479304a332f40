"""Teams and their API keys: create a key (shown once, stored hashed), find the team behind one."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from services.catalog import teams_repository
from services.catalog.keys import Scope, hash_key, new_key


@dataclass(frozen=True)
class KeyOwner:
    team_id: int
    team: str
    scope: str


def create_key(session: Session, team: str, scope: Scope) -> str:
    """A new key for `team` (created if new); only its hash is stored, so the caller shows it once."""
    key = new_key()
    owner = teams_repository.get_or_create_team(session, name=team)
    teams_repository.add_key(session, team=owner, key_hash=hash_key(key), prefix=key[:8], scope=scope.value)
    return key


def owner_of(session: Session, key_hash: str) -> KeyOwner | None:
    """The team and scope of an active key, by the key's hash; None for an unknown or revoked key."""
    found = teams_repository.find_active_key(session, key_hash=key_hash)
    if found is None:
        return None
    api_key, team = found
    return KeyOwner(team_id=team.id, team=team.name, scope=api_key.scope)
