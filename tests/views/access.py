"""The vocabulary of the access matrix (test_access_matrix.py): roles, rows and expected statuses."""
from __future__ import annotations

from dataclasses import dataclass, field

# "reviewer" and "conflicted_reviewer" are both in the world call's pool and assigned to {submission}; the
# second declared a conflict with it afterwards.
ROLES = ["anonymous", "user", "organiser", "reviewer", "conflicted_reviewer", "jury", "admin"]
LOGIN = 302  # login_required redirects anonymous people to the sign-in page


@dataclass
class Route:
    endpoint: str
    method: str
    path: str  # may use {call_email} / {private_email}: ids of objects built by the `world` fixture
    expected: dict[str, int]
    data: dict = field(default_factory=dict)


def everyone(status: int) -> dict[str, int]:
    return {role: status for role in ROLES}


def signed_in(status: int, anonymous: int = LOGIN) -> dict[str, int]:
    return {"anonymous": anonymous, **{role: status for role in ROLES if role != "anonymous"}}


def only(allowed: dict[str, int], others: int = 403) -> dict[str, int]:
    return {"anonymous": LOGIN, **{role: allowed.get(role, others) for role in ROLES if role != "anonymous"}}


