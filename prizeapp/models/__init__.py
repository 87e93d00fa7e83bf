"""The ORM models, one module per aggregate. Importing this package registers every table."""
from .audit import AuditEvent
from .call import Call, CallRole, Criterion
from .org import OrgUnit
from .outbox import OutboxEmail
from .user import LoginAttempt, User

__all__ = ["AuditEvent", "Call", "CallRole", "Criterion", "LoginAttempt", "OrgUnit", "OutboxEmail", "User"]
