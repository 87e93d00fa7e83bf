"""What an uploaded file really is, judged from its bytes rather than its name, and a safe name to show.

Accepted: PDF, OpenDocument text, Word (DOCX), PNG, JPEG. An office document is a ZIP archive: it is
recognised by the entries that its format requires, so a ZIP renamed .docx is refused.
"""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class FileKind:
    name: str
    content_type: str
    extension: str


PDF = FileKind("pdf", "application/pdf", "pdf")
PNG = FileKind("png", "image/png", "png")
JPEG = FileKind("jpeg", "image/jpeg", "jpg")
ODT = FileKind("odt", "application/vnd.oasis.opendocument.text", "odt")
DOCX = FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
ACCEPTED = (PDF, ODT, DOCX, PNG, JPEG)


def sniff(head: bytes, open_zip=None) -> FileKind | None:
    """The kind of a file from its first bytes; `open_zip()` returns the whole file for ZIP-based formats.

    Returns None for anything not accepted.
    """
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04") and open_zip is not None:
        return _office_kind(open_zip())
    return None


def sniff_bytes(data: bytes) -> FileKind | None:
    return sniff(data[:16], lambda: io.BytesIO(data))


def _office_kind(stream) -> FileKind | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            # OpenDocument: a "mimetype" entry naming the format (stored first, uncompressed).
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return ODT if mimetype == ODT.content_type else None
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    return None


_UNSAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)


def display_name(filename: str | None, kind: FileKind, *, max_length: int = 120) -> str:
    """A name that is safe to show and to offer as a download: no path, no control characters, and the
    extension of the real type (a PDF called 'photo.png' is offered as 'photo.pdf')."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = _UNSAFE.sub("_", stem).strip(" ._") or "document"
    return f"{stem[: max_length - len(kind.extension) - 1]}.{kind.extension}"
