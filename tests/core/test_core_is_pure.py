"""The core knows nothing of the web framework or the database."""
import ast
from pathlib import Path

import prizeapp.core

FORBIDDEN = ("flask", "flask_", "sqlalchemy", "prizeapp", "werkzeug", "jinja2", "wtforms")


def test_core_modules_import_neither_framework_nor_app():
    core_dir = Path(prizeapp.core.__file__).parent
    offenders = []
    for path in core_dir.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [("." * node.level) + (node.module or "")]
            for name in names:
                if name.startswith(FORBIDDEN) or (name.startswith("..")):
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []
