"""The schema comes from the migrations, and the migrations match the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import Migrate

from prizeapp.extensions import db
from prizeapp.search_tables import include_name


def test_migrations_have_a_single_head(app):
    config = app.extensions["migrate"].migrate.get_config()
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1


def test_upgraded_database_matches_the_models(app):
    # The app fixture built this database with `flask db upgrade` from empty, on SQLite or PostgreSQL.
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True,
                                                          "include_name": include_name})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_database_is_at_the_head_revision(app):
    config = app.extensions["migrate"].migrate.get_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    with db.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head


def test_app_never_creates_tables_itself():
    import pathlib

    import prizeapp

    sources = pathlib.Path(prizeapp.__file__).parent.rglob("*.py")
    assert [p.name for p in sources if "create_all(" in p.read_text()] == []


def test_migrate_uses_batch_mode_for_sqlite(app):
    migrate: Migrate = app.extensions["migrate"].migrate
    assert migrate.alembic_ctx_kwargs["render_as_batch"] is True


def test_every_migration_downgrades_and_upgrades_again(app):
    import flask_migrate

    flask_migrate.downgrade(revision="base")
    with db.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() is None
    flask_migrate.upgrade()
    test_upgraded_database_matches_the_models(app)
