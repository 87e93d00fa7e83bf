"""The demo package: its texts are data shipped with the package, they compose without a gap, and nothing but
the CLI depends on it."""
from __future__ import annotations

import fnmatch
import random
import tomllib
from pathlib import Path

import pytest

from prizeapp.demo import texts
from prizeapp.demo.people import CITY_DIRECTIONS

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "prizeapp" / "demo"


def test_demo_data_files_are_package_data():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["prizeapp.demo"]
    data_files = sorted(str(p.relative_to(DEMO)) for p in (DEMO / "data").iterdir())
    assert data_files
    assert [f for f in data_files if not any(fnmatch.fnmatch(f, pattern) for pattern in patterns)] == []


@pytest.mark.parametrize("theme", texts.THEMES, ids=lambda theme: theme.titles[0][:40])
def test_demo_theme_composes_with_the_figures_it_draws(theme):
    for seed in range(20):
        text = texts.compose(random.Random(seed), theme, seed, city=theme.direction in CITY_DIRECTIONS,
                             unit_phrase=texts.unit_phrase("Service propreté"), co_applicants=seed % 3)
        assert text.title in theme.titles and text.category == theme.category
        for written in (text.title, text.summary, text.description, text.territory):
            assert "{" not in written and "}" not in written, written
