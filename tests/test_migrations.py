"""The schema the migrations build is the schema the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from app.extensions import db
from app.models.need import SEARCH_OBJECTS


def include_object(obj, name, type_, reflected, compare_to):
    """Leave out the hand-written search objects, as migrations/env.py does."""
    return not (reflected and name and (name in SEARCH_OBJECTS or name.startswith("needs_fts")))


def test_migrations_match_the_models(app, ctx):
    """The conftest built this schema by running every migration; autogenerate must find nothing to do."""
    with ctx():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_object": include_object, "compare_type": True,
                                  "compare_server_default": False})
            diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_migrations_reach_the_single_head_revision(app, ctx):
    """The database is at the one head revision, so no migration branch was left out."""
    config = Config()
    config.set_main_option("script_location", app.extensions["migrate"].directory)
    heads = ScriptDirectory.from_config(config).get_heads()
    with ctx():
        with db.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_heads()
            tables = set(inspect(connection).get_table_names())
    assert len(heads) == 1
    assert set(current) == set(heads)
    assert {table.name for table in db.metadata.sorted_tables} <= tables
