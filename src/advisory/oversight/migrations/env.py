"""Alembic environment of the oversight trail: run on the connection the store passes."""

from __future__ import annotations

from alembic import context

from advisory.oversight._tables import VERSION_TABLE


def run() -> None:
    """Run the migrations on the store's connection, inside its transaction."""
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, version_table=VERSION_TABLE, transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations()


if hasattr(context, "config"):  # imported by Alembic (not by a doctest collector)
    run()
