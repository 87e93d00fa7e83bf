from __future__ import annotations

from .base import PageForm


class ConfirmForm(PageForm):
    """A button-only form: the CSRF token is the whole input (logout, re-send)."""
