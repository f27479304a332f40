"""Alembic environment: the URL comes from the caller's config, else from ROUNDTRIP_DATABASE_URL."""

from alembic import context

from shared.db import models  # noqa: F401  (registers the tables)
from shared.db.base import Base
from shared.db.session import make_engine
from shared.settings import CommonSettings

config = context.config
target_metadata = Base.metadata


def database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or CommonSettings().database_url


def run_migrations_offline() -> None:
    context.configure(url=database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(database_url())
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",  # SQLite ALTERs need batch mode
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()  # one-shot: leave no pooled connections open


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
