"""Use cases. Each function changes the session and flushes; the caller (a request or a CLI command)
commits once, or rolls back — and with it every queued email and audit event."""
