"""The demo's data files: the TOML files of prizeapp/demo/data, which hold its texts and names."""
from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def load(name: str) -> dict[str, Any]:
    """The contents of data/<name>.toml (read from the installed package, so a wheel carries them)."""
    return tomllib.loads((files(__package__) / "data" / f"{name}.toml").read_text(encoding="utf-8"))
