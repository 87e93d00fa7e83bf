"""The demo's data files: the TOML files of prizeapp/demo/data, which hold its texts and names."""
from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def load(name: str) -> dict[str, Any]:
    """The contents of data/<name>.toml (read from the installed package, so a wheel carries them)."""
    return tomllib.loads((files(__package__) / "data" / f"{name}.toml").read_text(encoding="utf-8"))


NBSP = "\u00a0"
_BEFORE = re.compile(r" ([:;?!»])")
_AFTER = re.compile(r"« ")


def typeset(value: Any) -> Any:
    """`value` with French typography's no-break spaces in each of its texts, which the data types as ordinary
    spaces: before « : ; ? ! » and inside « guillemets »."""
    if isinstance(value, str):
        return _AFTER.sub("«" + NBSP, _BEFORE.sub(NBSP + r"\1", value))
    if isinstance(value, dict):
        return {key: typeset(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typeset(item) for item in value]
    return value


@cache
def load_typeset(name: str) -> dict[str, Any]:
    """data/<name>.toml with its texts typeset (see typeset)."""
    return typeset(load(name))
