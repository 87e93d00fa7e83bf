"""The install step takes every dependency from a lock file, pinned to one version with its hashes."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
LOCKS = {"production": [], "dev": ["dev"], "test": ["test", "dev"]}


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=~! ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _pins(lock: Path) -> dict[str, str]:
    text = lock.read_text()
    return {m.group(1).lower(): m.group(2) for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==(\S+) \\$", text, re.M)}


@pytest.mark.parametrize("lock, extras", LOCKS.items())
def test_each_lock_pins_every_dependency_of_its_extras_with_hashes(lock, extras):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    for extra in extras:
        wanted |= {_name(r) for r in project["optional-dependencies"][extra]}
    path = ROOT / "requirements" / f"{lock}.txt"

    pins = _pins(path)

    assert wanted - set(pins) == set()
    requirements = [Requirement(r) for r in project["dependencies"]]
    for extra in extras:
        requirements += [Requirement(r) for r in project["optional-dependencies"][extra]]
    unsatisfied = [f"{r.name} {r.specifier} but {pins[_name(r.name)]}" for r in requirements
                   if not r.specifier.contains(pins[_name(r.name)], prereleases=True)]
    assert unsatisfied == []  # pyproject.toml asks for more than the lock gives: run `make lock`
    blocks = re.split(r"\n(?=[A-Za-z0-9])", path.read_text().split("\n\n", 1)[-1])
    unhashed = [b.split()[0] for b in blocks if "==" in b.split()[0] and "--hash=sha256:" not in b]
    assert unhashed == []


def test_the_install_step_installs_from_the_lock_with_hashes_required():
    script = (ROOT / "scripts" / "install.sh").read_text()
    assert '--require-hashes -r "$lock"' in script
    assert "--no-deps -e ." in script
