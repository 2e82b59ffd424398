"""Row locks for rules that must hold under concurrency."""
from sqlalchemy import select

from app.extensions import db


def begin_write() -> None:
    """On SQLite, take the write lock now (BEGIN IMMEDIATE) so check-then-write cannot interleave."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.driver_connection
    if not raw.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def locked(model, obj_id: int):
    """Load a row with SELECT ... FOR UPDATE (on SQLite, under the write lock), refreshing any copy held."""
    # SQLite ignores FOR UPDATE, so every locked read first takes the database write lock: a
    # check-then-write in one service can then never interleave with another's (PostgreSQL locks the row).
    begin_write()
    return db.session.scalars(
        select(model).where(model.id == obj_id).with_for_update().execution_options(populate_existing=True)
    ).first()
