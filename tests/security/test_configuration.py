"""The secret key: never the published development key, a random one of the instance's own by default."""
from __future__ import annotations

import os
import secrets
import stat

import pytest

from prizeapp import create_app
from prizeapp.config import DEV_SECRET_KEY, ConfigError


@pytest.mark.parametrize("env", ["development", "production"])
@pytest.mark.parametrize("key", [DEV_SECRET_KEY, f"  {DEV_SECRET_KEY} \n"])
def test_the_published_development_key_is_refused(tmp_path, env, key):
    with pytest.raises(ConfigError, match="PRIZEAPP_SECRET_KEY"):
        create_app({"ENV": env, "SECRET_KEY": key, "BASE_URL": "https://prix.example.gouv.fr",
                    "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"})


def test_without_a_key_an_instance_makes_its_own_and_keeps_it(tmp_path, monkeypatch):
    monkeypatch.delenv("PRIZEAPP_SECRET_KEY", raising=False)
    monkeypatch.setenv("PRIZEAPP_INSTANCE_PATH", str(tmp_path / "instance"))

    first = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"}).config["SECRET_KEY"]
    again = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"}).config["SECRET_KEY"]

    assert first == again and len(first) >= 48 and first != DEV_SECRET_KEY
    kept = tmp_path / "instance" / "secret_key"
    assert kept.read_text().strip() == first
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600


def test_two_instances_make_different_keys(tmp_path, monkeypatch):
    monkeypatch.delenv("PRIZEAPP_SECRET_KEY", raising=False)
    keys = []
    for name in ("a", "b"):
        monkeypatch.setenv("PRIZEAPP_INSTANCE_PATH", str(tmp_path / name))
        keys.append(create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/{name}.sqlite"}).config["SECRET_KEY"])
    assert keys[0] != keys[1]


def test_production_needs_a_long_key_from_the_environment(tmp_path):
    with pytest.raises(ConfigError, match="at least 32"):
        create_app({"ENV": "production", "SECRET_KEY": "short", "BASE_URL": "https://prix.example.gouv.fr",
                    "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"})
    with pytest.raises(ConfigError, match="PRIZEAPP_SECRET_KEY"):
        create_app({"ENV": "production", "BASE_URL": "https://prix.example.gouv.fr",
                    "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"})


@pytest.mark.parametrize("key", ["ab" * 32, "changeme-changeme-changeme-changeme-changeme-12"])
def test_production_refuses_a_long_key_that_is_not_random(tmp_path, key):
    with pytest.raises(ConfigError, match="repeated pattern"):
        create_app({"ENV": "production", "SECRET_KEY": key, "BASE_URL": "https://prix.example.gouv.fr",
                    "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"})


@pytest.mark.parametrize("make", [lambda: secrets.token_urlsafe(48), lambda: secrets.token_hex(32)])
def test_production_accepts_the_keys_the_readme_and_python_make(tmp_path, make):
    app = create_app({"ENV": "production", "SECRET_KEY": make(), "BASE_URL": "https://prix.example.gouv.fr",
                      "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"})
    assert len(app.config["SECRET_KEY"]) >= 32
