"""The ORM models, one module per aggregate. Importing this package registers every table."""
from .audit import AuditEvent
from .call import Call, CallRole, Criterion, FormQuestion
from .org import OrgUnit
from .outbox import OutboxEmail
from .submission import Submission, SubmissionFile, SubmissionMember, TeamInvitation
from .user import LoginAttempt, User

__all__ = [
    "AuditEvent", "Call", "CallRole", "Criterion", "FormQuestion", "LoginAttempt", "OrgUnit", "OutboxEmail",
    "Submission", "SubmissionFile", "SubmissionMember", "TeamInvitation", "User",
]
