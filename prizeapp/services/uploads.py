"""Uploaded files, checked and stored the same way wherever they are attached (a project's files, a record's
documents): the size limit, the real type sniffed from the bytes, a safe name to show, a generated name on
disk outside the web root."""
from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from typing import IO

from flask import current_app

from ..core.uploads import ArchiveLimits, FileKind, display_name, sniff_bytes
from ..errors import RuleError


class UploadError(RuleError):
    """An upload refused for what it is: too large, empty, or of a type that is not accepted."""


@dataclass(frozen=True)
class StoredUpload:
    """A checked upload, written to the upload folder under `stored_name`."""

    display_name: str
    stored_name: str
    kind: FileKind
    size: int
    sha256: str

    @property
    def content_type(self) -> str:
        return self.kind.content_type


def upload_folder() -> str:
    folder = current_app.config["UPLOAD_FOLDER"] or os.path.join(current_app.instance_path, "uploads")
    os.makedirs(folder, exist_ok=True)
    return folder


def archive_limits() -> ArchiveLimits:
    """What an uploaded office document may declare once inflated, given the upload limit."""
    return ArchiveLimits.for_upload_limit(current_app.config["MAX_UPLOAD_BYTES"])


def store(stream: IO[bytes], filename: str | None) -> StoredUpload:
    """Check an upload from its content (UploadError "file_too_large", "file_empty", "file_type_refused") and
    write it under a generated name. The caller records its row; the bytes are written first, so that a
    rolled-back request leaves a harmless orphan file, never a row without its file."""
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UploadError("file_too_large", max_mb=limit // (1024 * 1024))
    if not data:
        raise UploadError("file_empty")
    # An office document whose archive declares absurd inflated sizes is refused like any unknown file,
    # before a byte of it is inflated.
    kind = sniff_bytes(data, limits=archive_limits())
    if kind is None:
        raise UploadError("file_type_refused")
    stored_name = f"{uuid.uuid4().hex}.{kind.extension}"
    with open(os.path.join(upload_folder(), stored_name), "xb") as out:
        out.write(data)
    return StoredUpload(display_name=display_name(filename, kind), stored_name=stored_name, kind=kind,
                        size=len(data), sha256=hashlib.sha256(data).hexdigest())


def stored_path(stored_name: str) -> str:
    return os.path.join(upload_folder(), stored_name)


def delete_stored(*paths: str) -> None:
    """Remove stored bytes once their row is gone (missing files are fine: the row was what mattered)."""
    for path in paths:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass
