"""prizeapp: calls for projects and innovation prizes with peer review."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, render_template
from sqlalchemy import event
from sqlalchemy.engine import Engine

from . import config as config_module
from .extensions import babel, csrf, db, login_manager, mail, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Application factory: configuration → extensions → blueprints → CLI."""
    from .web import IdConverter, PrizeApp

    app = PrizeApp(
        __name__,
        instance_path=os.environ.get("PRIZEAPP_INSTANCE_PATH") or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder="static",
    )
    settings = config_module.from_environment()
    settings.update(overrides or {})
    config_module.finalise(settings, app.instance_path)
    app.config.update(settings)
    os.makedirs(app.instance_path, exist_ok=True)
    app.url_map.converters["int"] = IdConverter  # before any route: every <int:…> is range-checked

    if app.config["BEHIND_PROXY"]:
        from .web import TrustedProxy

        app.wsgi_app = TrustedProxy(app.wsgi_app, app.config["PROXY_NETWORKS"])  # type: ignore[method-assign]

    _init_extensions(app)
    _register_blueprints(app)
    _register_errors(app)

    from . import cli

    cli.register(app)
    return app


def _init_extensions(app: Flask) -> None:
    from . import (
        models,  # noqa: F401  (registers the tables)
        permissions,
        web,
    )

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    mail.init_app(app)
    babel.init_app(
        app,
        locale_selector=web.select_locale,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page explains itself; no flash noise
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_token: str):
        from .services.accounts import session_user

        return session_user(session_token)

    web.install(app)
    permissions.install()
    from flask_babel import get_locale

    from .services.calls import current_phase

    app.jinja_env.globals.update(can=permissions.can, get_locale=get_locale, operator_name=app.config["OPERATOR_NAME"],
                                 operator_logo=app.config["OPERATOR_LOGO"], phase_of=current_phase)
    from . import formatting, markup

    formatting.install(app)
    app.jinja_env.filters["markdown"] = markup.render_markdown


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """SQLite: enforce foreign keys, and WAL so that the worker and the web server can share the file. In WAL
    mode, synchronous=NORMAL is durable against application crashes and skips an fsync per commit."""
    module = type(dbapi_connection).__module__
    if module.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


def _register_blueprints(app: Flask) -> None:
    from .views import (
        account,
        admin,
        applicant,
        assignment,
        auth,
        deliberation,
        jury,
        organiser,
        pool,
        public,
        review,
        reviewer,
    )

    for blueprint in (public.bp, auth.bp, account.bp, admin.bp, organiser.bp, applicant.bp, pool.bp, reviewer.bp,
                      review.bp, assignment.bp, jury.bp, deliberation.bp):
        app.register_blueprint(blueprint)
    from .views import ranking_explained  # the ranking explained: two projects compared, one reviewer's page

    app.register_blueprint(ranking_explained.bp)
    from .views import impartial  # peer prizes' impartial selection

    app.register_blueprint(impartial.bp)
    from .views import results
    app.register_blueprint(results.bp)
    from .views import call_logs
    app.register_blueprint(call_logs.bp)
    # Essaimage: the catalogue, records, replications, parrains, open data and the API.
    from .views import api, catalogue, innovation_checking, innovation_editor, opendata, parrains, replications
    for blueprint in (catalogue.bp, innovation_editor.bp, innovation_checking.bp, replications.bp, parrains.bp,
                      opendata.bp, api.bp):
        app.register_blueprint(blueprint)
    # The impact follow-up: the teams' plans and reports, their dashboards, the organisers' overview.
    from .views import impact_dashboards, impact_followup, impact_overview
    for blueprint in (impact_followup.bp, impact_dashboards.bp, impact_overview.bp):
        app.register_blueprint(blueprint)


def _register_errors(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    def render_error(status: int, reason: str | None = None):
        return render_template("errors/error.html", status=status, reason=reason), status

    for status in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(status, lambda e, s=status: render_error(s))
    app.register_error_handler(CSRFError, lambda e: render_error(400, "csrf"))
    app.register_error_handler(401, lambda e: _unauthorised())


def _unauthorised():
    return login_manager.unauthorized()
