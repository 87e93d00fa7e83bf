"""The one way a rule refuses a change: a `RuleError` names its reasons by code and carries the values a page
needs to explain them. Each area of the services has a thin subclass of it; the views translate the codes."""
from __future__ import annotations

from typing import Any


class RuleError(ValueError):
    """A change a rule does not allow. `codes` name the reasons: most refusals have one, a check that gathers
    every problem at once (a call's readiness, a grid) has several. `params` are the values a message shows."""

    def __init__(self, *codes: str, **params: Any) -> None:
        if not codes:
            raise TypeError("a RuleError needs at least one code")
        super().__init__(", ".join(codes))
        self.codes = list(codes)
        self.params = params

    @property
    def code(self) -> str:
        """The first reason, the only one of most refusals."""
        return self.codes[0]
