"""Alembic environment: runs on the connection `breakthrough.store.db.migrate` hands over."""

from alembic import context
from sqlalchemy import create_engine

from breakthrough.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # `alembic` command line (autogenerate): use the URL given
    from breakthrough.store.db import database_url

    connection = create_engine(database_url()).connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
