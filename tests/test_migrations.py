"""Migrations run up, down and up again on both stores, and match the models exactly."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from shared.db.base import Base
from shared.db.migrate import downgrade, upgrade
from shared.db.session import engine_for


def test_upgrade_downgrade_upgrade_and_no_drift(database_url: str) -> None:
    engine = engine_for(database_url)
    downgrade(database_url, "base")
    assert "translation_legs" not in inspect(engine).get_table_names()
    upgrade(database_url)
    assert "translation_legs" in inspect(engine).get_table_names()
    with engine.connect() as connection:
        drift = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert drift == []
