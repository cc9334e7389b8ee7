"""Alembic's environment for the portal: it runs on the connection ``store.migrate`` passes."""

from alembic import context

from autograder.portal.store import metadata

connection = context.config.attributes.get("connection")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
