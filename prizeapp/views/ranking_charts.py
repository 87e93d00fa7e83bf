"""What the ranking's pages and the jury pack draw and name alike: the part of the scale the scores use, the
reviewers' leniency chart, and a reviewer's name or letters."""
from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from ..services.ranking import reviewer_code
from .charts import IntervalChart, Row, interval_chart


def zoomed(scale, values) -> tuple[float, float]:
    """The part of the scale the values use, with a margin of a twentieth of it: scores bunched in a corner of
    the scale are told apart on the chart rather than drawn on top of one another."""
    lo, hi = scale
    values = [v for v in values if v is not None]
    if not values:
        return lo, hi
    margin = (hi - lo) / 20
    return max(lo, min(values) - margin), min(hi, max(values) + margin)


def leniency_chart(reviewers: list[dict], label: Callable[[int], str]) -> IntervalChart:
    """Each reviewer's leniency with its interval, around 0, the outliers highlighted; `reviewers` in the
    order drawn."""
    bound = max([abs(r["leniency_low"]) for r in reviewers] + [abs(r["leniency_high"]) for r in reviewers] + [0.5])
    return interval_chart([Row(label=label(r["id"]), value=r["leniency"], low=r["leniency_low"],
                               high=r["leniency_high"], highlight=bool(r["outlier"])) for r in reviewers],
                          (-bound, bound), reference=0.0)


def reviewer_label(result: dict, reviewer_id: int, named: bool) -> str:
    """A reviewer's name, or their stable letters (their place among the ranking's reviewers) when the reader
    does not see names."""
    if named:
        return next((r["name"] for r in result["reviewers"] if r["id"] == reviewer_id), f"#{reviewer_id}")
    ids = [r["id"] for r in result["reviewers"]]
    return coded(reviewer_code(ids.index(reviewer_id) if reviewer_id in ids else len(ids)))


def coded(code: str, name: str | None = None) -> str:
    """A reviewer by name, or « Évaluateur B » without one."""
    return name or _("Reviewer %(code)s", code=code)
