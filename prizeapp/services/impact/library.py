"""The library of impact indicators a team picks from when it sets up its follow-up, grouped by dimension.

Drawn from the DITP's « évaluation flash d'un projet innovant » and Nesta's DIY evaluation guide: each
indicator says what is counted, in which unit, and a usual source and method, which the team may change.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ...enums import ImpactDimension


@dataclass(frozen=True)
class LibraryIndicator:
    key: str
    dimension: ImpactDimension
    name: object  # lazy strings
    unit: object
    source: object
    method: object


D = ImpactDimension

INDICATORS: tuple[LibraryIndicator, ...] = (
    LibraryIndicator("users_per_year", D.USERS_REACHED, _l("People who used the service in the year"),
                     _l("people"), _l("The service's own records"), _l("Count of distinct users over twelve months")),
    LibraryIndicator("target_group_share", D.USERS_REACHED, _l("Share of the target group reached"), _l("%"),
                     _l("The service's records against the population concerned (INSEE)"),
                     _l("Users of the target group divided by the size of that group")),
    LibraryIndicator("territories_covered", D.USERS_REACHED, _l("Communes or sites where the service runs"),
                     _l("communes"), _l("The project's deployment plan"), _l("Count at the date of the report")),
    LibraryIndicator("satisfaction", D.SERVICE_QUALITY, _l("Users satisfied with the service"), _l("%"),
                     _l("A short survey of users"), _l("Share answering satisfied or very satisfied")),
    LibraryIndicator("processing_time", D.SERVICE_QUALITY, _l("Time to process a request"), _l("days"),
                     _l("The case-management tool"), _l("Median time between a request and its answer")),
    LibraryIndicator("complaints", D.SERVICE_QUALITY, _l("Complaints or appeals received"), _l("per year"),
                     _l("The complaints register"), _l("Count over twelve months")),
    LibraryIndicator("user_time_saved", D.TIME_SAVED, _l("Time saved per user"), _l("minutes"),
                     _l("Timed observations before and after"), _l("Mean time of the procedure, before minus after")),
    LibraryIndicator("agent_hours_saved", D.TIME_SAVED, _l("Agents' hours saved"), _l("hours per year"),
                     _l("Time sheets or estimates of the service"), _l("Hours per task times the tasks of the year")),
    LibraryIndicator("cost_per_user", D.COST_SAVED, _l("Cost per user served"), _l("€"),
                     _l("The budget of the service"), _l("Full yearly cost divided by the users of the year")),
    LibraryIndicator("costs_avoided", D.COST_SAVED, _l("Costs avoided for the administration"), _l("€ per year"),
                     _l("The finance department's figures"), _l("Spending before minus spending after, same scope")),
    LibraryIndicator("agents_involved", D.AGENTS_WORK, _l("Agents trained or involved"), _l("agents"),
                     _l("Training and project records"), _l("Count of distinct agents")),
    LibraryIndicator("agents_satisfaction", D.AGENTS_WORK, _l("Agents who find their work improved"), _l("%"),
                     _l("A short survey of the agents concerned"), _l("Share answering yes")),
    LibraryIndicator("co2_avoided", D.ENVIRONMENT, _l("Greenhouse gas emissions avoided"), _l("t CO₂e per year"),
                     _l("ADEME's Base Empreinte factors"), _l("Activity avoided times its emission factor")),
    LibraryIndicator("waste_avoided", D.ENVIRONMENT, _l("Waste avoided or recycled"), _l("tonnes per year"),
                     _l("Weighings of the service or its provider"), _l("Tonnes over twelve months")),
    LibraryIndicator("non_take_up", D.INCLUSION, _l("People who obtained a right they did not claim before"),
                     _l("people"), _l("The service's records"), _l("Count of rights opened through the project")),
    LibraryIndicator("digital_help", D.INCLUSION, _l("People helped with an online procedure"), _l("people"),
                     _l("The helpers' records"), _l("Count of people helped at least once")),
    LibraryIndicator("accessibility", D.INCLUSION, _l("Accessibility of the service (RGAA)"), _l("%"),
                     _l("An RGAA audit"), _l("Share of the RGAA criteria met")),
)

BY_KEY = {indicator.key: indicator for indicator in INDICATORS}


def by_dimension() -> list[tuple[ImpactDimension, list[LibraryIndicator]]]:
    """The library in the order of the dimensions, as the set-up page offers it."""
    return [(dimension, [i for i in INDICATORS if i.dimension == dimension]) for dimension in ImpactDimension
            if any(i.dimension == dimension for i in INDICATORS)]
