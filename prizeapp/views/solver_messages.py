"""What the assignment solver says (its reasons for infeasibility, its notes, the fairness outcome), in the
reader's language. The services store each message as {code, params, text}; `say` finds the sentence for the
code, or falls back to the English text (older runs, unexpected errors)."""
from __future__ import annotations

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

SENTENCES = {
    "fixed_conflicted": _l("%(reviewer)s has started reviewing %(submission)s but is now in conflict with it."),
    "too_many_fixed_reviewers": _l("%(submission)s already has %(fixed)s started reviews, more than the "
                                   "%(needed)s it needs."),
    "too_many_fixed_pairs": _l("%(reviewer)s has started %(fixed)s reviews, more than their maximum load of "
                               "%(max_load)s."),
    "min_above_max": _l("%(reviewer)s must review at least %(min_load)s projects but at most %(max_load)s."),
    "few_conflict_free_reviewers": _l("%(submission)s has only %(available)s reviewers without a conflict of "
                                      "interest, and needs %(needed)s."),
    "few_submissions_for_min_load": _l("%(reviewer)s must review at least %(min_load)s projects, but only "
                                       "%(available)s are free of conflicts and still need reviewers."),
    "capacity_short": _l("The reviewers can take %(capacity)s reviews in all (their maximum loads), but "
                         "%(needed)s are needed."),
    "min_loads_too_high": _l("The reviewers' minimum loads add up to %(floor)s reviews, more than the "
                             "%(needed)s to give out."),
    "group_short_of_reviewers": _l("Projects %(submissions)s need %(need)s more reviews, but the only reviewers "
                                   "without conflict they can get (%(reviewers)s) can give them %(most)s at most "
                                   "within their maximum loads."),
    "group_short_of_submissions": _l("Reviewers %(reviewers)s need %(need)s more reviews to reach their minimum "
                                     "loads, but the projects they may review can give them %(most)s at most."),
    "already_committed": _l("The assignment is already committed: use “Re-assign after changes” instead."),
    "reciprocity": _l("Reviews between applicants could not all be made one-way: some pairs of teams would "
                      "review each other."),
    "loads_unbalanced": _l("Loads could not be balanced: some reviewers have fewer projects than the average."),
    "graph_not_connected": _l("The reviewers remain in %(components)s groups that share no project: no exchange "
                              "of projects joins them."),
    "optimality_not_proven": _l("The computation stopped after %(rounds)s rounds without proving that no better "
                                "assignment exists."),
    "connection_cost": _l("Connecting all reviewers through shared projects cost %(loss)s of total affinity."),
    "fairness_not_requested": _l("not requested"),
    "fairness_optimal": _l("proven optimal (over %(candidates)s candidate pairs)"),
    "fairness_not_found": _l("no fairer assignment found in the time allowed; the plain optimum is kept"),
    "fairness_time_limit": _l("best found in the time allowed: the worst-off project's total affinity is "
                              "%(worst)s, and cannot exceed %(bound)s"),
    "fairness_heuristic": _l("approximate (large call): the worst-off project's total affinity is %(worst)s, and "
                             "cannot exceed %(bound)s"),
}


def _value(value) -> str:
    if isinstance(value, list):
        shown = ", ".join(str(v) for v in value[:10])
        return shown + (_(" and %(num)d more", num=len(value) - 10) if len(value) > 10 else "")
    if isinstance(value, float):
        return format_decimal(value, format="0.###")
    return str(value)


def say(message) -> str:
    """One message of the solver, as a sentence in the current language."""
    if isinstance(message, str):
        return message
    sentence = SENTENCES.get(message.get("code"))
    if sentence is None:
        return message.get("text", "")
    params = {key: _value(value) for key, value in (message.get("params") or {}).items()}
    try:
        return str(sentence) % params
    except (KeyError, TypeError, ValueError):
        return message.get("text", "")
