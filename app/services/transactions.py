"""How services write: row locks for rules that must hold under concurrency, and unique constraints as field errors."""
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.errors import Invalid
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


@contextmanager
def unique_or_field_error(message: str, field: str, *, constraint_mentions: str | None = None) -> Iterator[None]:
    """Write and commit inside this; if a unique constraint fires, roll back and say so next to the field.

    A service checks for a duplicate first, but two saves at the same moment can both pass that check: the
    constraint then decides, at the flush (PostgreSQL waits there for the other to commit) or at the commit.
    `constraint_mentions` keeps other integrity errors from being mistaken for this one.
    """
    try:
        yield
    except IntegrityError as error:
        db.session.rollback()
        if constraint_mentions and constraint_mentions not in str(error.orig).lower():
            raise
        raise Invalid(message, field) from None
