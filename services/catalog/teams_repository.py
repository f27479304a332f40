"""All SQL on teams and API keys."""

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shared.db.models import ApiKey, Team, UiSession


def get_or_create_team(session: Session, *, name: str) -> Team:
    team = session.scalar(select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name)
        session.add(team)
        session.flush()
    return team


def add_key(session: Session, *, team: Team, key_hash: str, prefix: str, scope: str) -> ApiKey:
    key = ApiKey(team_id=team.id, key_hash=key_hash, prefix=prefix, scope=scope)
    session.add(key)
    session.flush()
    return key


def find_active_key(session: Session, *, key_hash: str) -> tuple[ApiKey, Team] | None:
    row = session.execute(
        select(ApiKey, Team)
        .join(Team, Team.id == ApiKey.team_id)
        .where(ApiKey.key_hash == key_hash, ApiKey.revoked_at.is_(None))
    ).first()
    return (row[0], row[1]) if row else None


def keys_of_team(session: Session, *, team_id: int) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).where(ApiKey.team_id == team_id).order_by(ApiKey.created_at)))


def keys_by_prefix(session: Session, *, prefix: str, team_id: int | None = None) -> list[ApiKey]:
    query = select(ApiKey).where(ApiKey.prefix.startswith(prefix, autoescape=True))
    if team_id is not None:
        query = query.where(ApiKey.team_id == team_id)
    return list(session.scalars(query))


def revoke_key(session: Session, *, key: ApiKey, at: datetime) -> None:
    key.revoked_at = key.revoked_at or at
    session.execute(
        update(UiSession)
        .where(UiSession.api_key_id == key.id, UiSession.revoked_at.is_(None))
        .values(revoked_at=at)
    )


def add_ui_session(session: Session, *, id_hash: str, api_key_id: int, expires_at: datetime) -> None:
    session.add(UiSession(id_hash=id_hash, api_key_id=api_key_id, expires_at=expires_at))
    session.flush()


def find_ui_session_owner(session: Session, *, id_hash: str, now: datetime) -> tuple[ApiKey, Team] | None:
    """The key and team behind a live /ui session: not ended, not expired, its key not revoked."""
    row = session.execute(
        select(ApiKey, Team)
        .join(UiSession, UiSession.api_key_id == ApiKey.id)
        .join(Team, Team.id == ApiKey.team_id)
        .where(
            UiSession.id_hash == id_hash,
            UiSession.revoked_at.is_(None),
            UiSession.expires_at > now,
            ApiKey.revoked_at.is_(None),
        )
    ).first()
    return (row[0], row[1]) if row else None


def end_ui_session(session: Session, *, id_hash: str, at: datetime) -> None:
    session.execute(
        update(UiSession)
        .where(UiSession.id_hash == id_hash, UiSession.revoked_at.is_(None))
        .values(revoked_at=at)
    )
