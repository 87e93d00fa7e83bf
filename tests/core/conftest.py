import pytest


@pytest.fixture(autouse=True)
def _app_context():
    """Core tests need no app and no database: that is the point of the core."""
    yield
