"""The ORM models, one module per aggregate. Importing this package registers every table."""
from .assignment import Assignment, AssignmentRun
from .audit import AuditEvent
from .call import Call, CallRole, Criterion, FormQuestion
from .decision import Decision, Deliberation, DigestItem, EmailTemplate, JuryVote, Recusal, SentReminder
from .impact import ImpactIndicator, ImpactPlan, ImpactReport, ImpactReportDocument
from .innovation import (
    ApiRequestCount,
    Innovation,
    InnovationDocument,
    InnovationSponsor,
    InnovationVersion,
    ReadinessComment,
    Replication,
    ReplicationEvent,
    SponsorProfile,
)
from .org import OrgUnit
from .outbox import OutboxEmail
from .review import CalibrationExclusion, CalibrationRun, Review, ReviewScore
from .review_pool import (
    Bid,
    ConflictDeclaration,
    ConflictWaiver,
    PendingExclusion,
    PoolMember,
    ReviewerInvitation,
)
from .submission import Submission, SubmissionFile, SubmissionMember, TeamInvitation
from .user import LoginAttempt, User, UserSession

__all__ = [
    "ImpactIndicator",
    "ImpactPlan",
    "ImpactReport",
    "ImpactReportDocument",
    "SentReminder",
    "Recusal",
    "JuryVote",
    "EmailTemplate",
    "DigestItem",
    "Deliberation",
    "ApiRequestCount",
    "Innovation",
    "InnovationDocument",
    "InnovationSponsor",
    "InnovationVersion",
    "ReadinessComment",
    "Replication",
    "ReplicationEvent",
    "SponsorProfile",
    "Decision",
    "Assignment",
    "AssignmentRun",
    "AuditEvent",
    "Bid",
    "CalibrationExclusion",
    "CalibrationRun",
    "Call",
    "CallRole",
    "ConflictDeclaration",
    "ConflictWaiver",
    "Criterion",
    "FormQuestion",
    "LoginAttempt",
    "UserSession",
    "OrgUnit",
    "OutboxEmail",
    "PendingExclusion",
    "PoolMember",
    "Review",
    "ReviewScore",
    "ReviewerInvitation",
    "Submission",
    "SubmissionFile",
    "SubmissionMember",
    "TeamInvitation",
    "User",
]
