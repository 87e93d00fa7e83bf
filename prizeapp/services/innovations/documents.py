"""A record's documents and tools to reuse (guides, templates, specifications): checked and stored exactly as
a project's files are (services.uploads), under the record's licence."""
from __future__ import annotations

from typing import IO

from ...extensions import db
from ...models import Innovation, InnovationDocument, User
from .. import audit, uploads

MAX_DOCUMENTS = 30


class DocumentError(uploads.UploadError):
    """A document the record does not take (besides the refusals of every upload)."""


def add(*, innovation: Innovation, actor: User, stream: IO[bytes], filename: str | None, title: str = ""
        ) -> InnovationDocument:
    """Check the upload from its content and attach it to the record (UploadError if it is refused)."""
    if len(innovation.documents) >= MAX_DOCUMENTS:
        raise DocumentError("too_many_documents", max=MAX_DOCUMENTS)
    stored = uploads.store(stream, filename)
    document = InnovationDocument(innovation=innovation, title=(title or "").strip()[:200],
                                  display_name=stored.display_name, stored_name=stored.stored_name,
                                  content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                                  uploaded_by_id=actor.id)
    db.session.add(document)
    db.session.flush()
    audit.record(action=audit.AuditAction.INNOVATION_DOCUMENT_ADDED, actor=actor, obj=innovation,
                 call=innovation.call, details={"file": document.display_name, "size": document.size})
    return document


def remove(*, document: InnovationDocument, actor: User) -> None:
    innovation = document.innovation
    path = path_of(document)
    innovation.documents.remove(document)
    db.session.flush()
    audit.record(action=audit.AuditAction.INNOVATION_DOCUMENT_REMOVED, actor=actor, obj=innovation,
                 call=innovation.call, details={"file": document.display_name})
    # The bytes go once the row is gone; a rolled-back request keeps a harmless orphan, never a dangling row.
    uploads.delete_stored(path)


def path_of(document: InnovationDocument) -> str:
    return uploads.stored_path(document.stored_name)
