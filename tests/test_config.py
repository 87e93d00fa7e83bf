"""Configuration comes from PRIZEAPP_* variables; unsafe production settings are refused."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from prizeapp import create_app
from prizeapp.config import ConfigError, from_environment
from prizeapp.extensions import db


def test_settings_are_read_from_prefixed_variables():
    config = from_environment({"PRIZEAPP_MAIL_PORT": "2525", "PRIZEAPP_BEHIND_PROXY": "true",
                               "PRIZEAPP_OPERATOR_NAME": "Ville de Beaulieu", "MAIL_PORT": "1"})
    assert config["MAIL_PORT"] == 2525
    assert config["BEHIND_PROXY"] is True
    assert config["OPERATOR_NAME"] == "Ville de Beaulieu"


def test_defaults_without_environment():
    config = from_environment({})
    assert config["SECRET_KEY"] == ""  # a random one is made in the instance folder
    assert config["DEFAULT_LOCALE"] == "fr" and config["TIMEZONE"] == "Europe/Paris"


def test_production_refuses_the_development_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("PRIZEAPP_ENV", "production")
    monkeypatch.delenv("PRIZEAPP_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="PRIZEAPP_SECRET_KEY"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"})


def test_production_starts_with_a_real_secret(tmp_path, monkeypatch):
    monkeypatch.setenv("PRIZEAPP_ENV", "production")
    monkeypatch.setenv("PRIZEAPP_SECRET_KEY", "a-long-random-value-from-the-environment")
    monkeypatch.setenv("PRIZEAPP_BASE_URL", "https://prix.example.gouv.fr")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"})
    assert app.config["SECRET_KEY"] == "a-long-random-value-from-the-environment"


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("PRIZEAPP_DATABASE_URL", raising=False)
    monkeypatch.setenv("PRIZEAPP_INSTANCE_PATH", str(tmp_path))
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/prizeapp.sqlite"


@pytest.mark.sqlite
def test_sqlite_has_foreign_keys_and_wal():
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
