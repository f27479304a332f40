"""`roundtrip keys create TEAM --scope read|write|admin`: a team's API key, shown once;
`roundtrip keys revoke PREFIX`: revoke one (and end its /ui sessions)."""

from typing import Annotated

import typer
from rich.console import Console

from services.catalog import keys_service
from services.catalog.keys import Scope
from shared.db.session import session_scope
from shared.errors import AppError
from shared.settings import CommonSettings

keys_app = typer.Typer(help="API keys for teams of the augmentation service.", no_args_is_help=True)


@keys_app.command("create")
def create_key(
    team: Annotated[str, typer.Argument(help="team name (created if new)")],
    scope: Annotated[Scope, typer.Option(help="read, write or admin")] = Scope.WRITE,
    database_url: Annotated[str | None, typer.Option(help="default: ROUNDTRIP_DATABASE_URL")] = None,
) -> None:
    """Create a key; only its hash is stored, so copy it now."""
    url = database_url or CommonSettings().database_url
    with session_scope(url) as session:
        key = keys_service.create_key(session, team, scope)
    Console(stderr=True).print(f"API key for team {team!r} (scope {scope.value}); it is not shown again:")
    typer.echo(key)


@keys_app.command("revoke")
def revoke_key(
    prefix: Annotated[str, typer.Argument(help="the key's first characters (at least 6, e.g. rt_AbC1x)")],
    database_url: Annotated[str | None, typer.Option(help="default: ROUNDTRIP_DATABASE_URL")] = None,
) -> None:
    """Revoke a key: it stops working (within 30 s on running API processes) and its /ui sessions end."""
    url = database_url or CommonSettings().database_url
    try:
        with session_scope(url) as session:
            info, _ = keys_service.revoke_key(session, prefix)
    except AppError as error:
        Console(stderr=True).print(f"[red]error:[/red] {error.message}")
        raise typer.Exit(2) from None
    Console(stderr=True).print(
        f"revoked {info.prefix}… (scope {info.scope}, created {info.created_at:%Y-%m-%d})"
    )
