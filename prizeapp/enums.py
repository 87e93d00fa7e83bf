"""Closed vocabularies shared by models, services and templates."""
from __future__ import annotations

import enum


class UnitKind(enum.StrEnum):
    """Levels of the organisation chart: a ministry or a city, its directions, their services."""

    ORGANISATION = "organisation"
    DIRECTION = "direction"
    SERVICE = "service"


class CallKind(enum.StrEnum):
    CALL_FOR_PROJECTS = "call_for_projects"  # appel à projets
    CALL_FOR_INTEREST = "call_for_interest"  # appel à manifestation d'intérêt
    INNOVATION_PRIZE = "innovation_prize"  # prix de l'innovation


class CallPhase(enum.StrEnum):
    """The life of a call, in order."""

    DRAFT = "draft"
    OPEN = "open"
    REVIEW = "review"
    DELIBERATION = "deliberation"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class CallRoleKind(enum.StrEnum):
    """Roles a person holds in one call; the platform administrator is a flag on the user."""

    ORGANISER = "organiser"
    REVIEWER = "reviewer"
    JURY = "jury"


class OutboxStatus(enum.StrEnum):
    QUEUED = "queued"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a worker
    SENT = "sent"
    FAILED = "failed"  # permanent error, or attempts exhausted


class Locale(enum.StrEnum):
    FR = "fr"
    EN = "en"
