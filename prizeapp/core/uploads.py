"""What an uploaded file really is, judged from its bytes rather than its name, and a safe name to show.

Accepted: PDF, OpenDocument text, Word (DOCX), PNG, JPEG. An office document is a ZIP archive: it is
recognised by the entries that its format requires, so a ZIP renamed .docx is refused.

A ZIP archive says in its central directory how large each member becomes once inflated. Those figures are
checked before any member is read (`open_archive`), and members are only ever read through `read_member`,
which reads at most a given number of bytes: a small upload that would inflate to gigabytes (a "zip bomb")
is refused without being inflated. zipfile never returns more than the declared size of a member, so the
declared figures bound what reading can produce.
"""
from __future__ import annotations

import io
import os
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO


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


# --- archives -----------------------------------------------------------------------------------------

MIB = 1024 * 1024
DEFAULT_UPLOAD_LIMIT = 10 * MIB
# What an office document may declare once inflated, as a multiple of the upload limit: text-heavy
# documents inflate a few times, images not at all; 10 MB of upload → 100 MB inflated at most.
INFLATED_PER_UPLOAD_BYTE = 10
MAX_ARCHIVE_ENTRIES = 5_000  # a long report with hundreds of images has a few hundred entries
MAX_CENTRAL_DIRECTORY_BYTES = MIB  # ~200 bytes for each of those entries: parsing it stays cheap
MAX_MEMBER_RATIO = 100  # deflate reaches 1000:1 on zeros; real XML stays well under 50:1
RATIO_CHECKED_ABOVE = MIB  # small members may be very repetitive (styles, settings) without danger
SNIFF_READ_BYTES = 1024  # the "mimetype" entry of an OpenDocument file is one short line
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # what office suites write
_EOCD, _EOCD64, _EOCD64_LOCATOR = b"PK\x05\x06", b"PK\x06\x06", b"PK\x06\x07"


@dataclass(frozen=True)
class ArchiveLimits:
    """What an office document's ZIP archive may declare (see the constants above)."""

    max_entries: int = MAX_ARCHIVE_ENTRIES
    max_inflated: int = INFLATED_PER_UPLOAD_BYTE * DEFAULT_UPLOAD_LIMIT
    max_ratio: int = MAX_MEMBER_RATIO
    ratio_checked_above: int = RATIO_CHECKED_ABOVE
    max_central_directory: int = MAX_CENTRAL_DIRECTORY_BYTES

    @classmethod
    def for_upload_limit(cls, upload_limit: int) -> ArchiveLimits:
        """The limits for uploads of at most `upload_limit` bytes."""
        return cls(max_inflated=INFLATED_PER_UPLOAD_BYTE * upload_limit)


class UnsafeArchive(ValueError):
    """An archive refused before it is inflated; `code` says which figure is absurd."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def check_archive(archive: zipfile.ZipFile, limits: ArchiveLimits) -> None:
    """Refuse an archive whose central directory declares absurd figures for an office document: too many
    entries, too much once inflated, a large member compressed beyond any real document's ratio, a
    compressed size that no compressor produces from the declared size, or an encrypted or exotic member."""
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise UnsafeArchive("too_many_entries")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnsafeArchive("encrypted")
        if info.compress_type not in _METHODS:
            raise UnsafeArchive("unsupported_compression")
        # Deflate adds at most a few bytes per 16 KiB block to incompressible data; more means the
        # declared size lies (zipfile would stop at it, but such a file is not a document).
        if info.compress_size > info.file_size + info.file_size // 100 + 1024:
            raise UnsafeArchive("inconsistent_sizes")
        if (info.file_size > limits.ratio_checked_above
                and info.file_size > limits.max_ratio * max(info.compress_size, 1)):
            raise UnsafeArchive("compression_ratio")
        total += info.file_size
        if total > limits.max_inflated:
            raise UnsafeArchive("too_large_inflated")


def _central_directory_figures(stream: IO[bytes]) -> tuple[int, int]:
    """(entries, size of the central directory) as the end record declares them, read before zipfile parses
    the directory (parsing a directory of a hundred thousand entries costs more than the upload)."""
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    tail_length = min(size, 22 + 0xFFFF)  # the end record, and the longest comment it may be followed by
    stream.seek(size - tail_length)
    tail = stream.read(tail_length)
    # As zipfile does: an end record without a comment first, else the last one in the tail.
    at = len(tail) - 22 if tail[-22:-18] == _EOCD and tail[-2:] == b"\0\0" else tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        raise UnsafeArchive("not_an_archive")
    entries, directory_size = struct.unpack("<HI", tail[at + 10:at + 16])
    if entries == 0xFFFF or directory_size == 0xFFFFFFFF:  # ZIP64: the real figures are in its own record
        record = tail[max(at - 20 - 56, 0):max(at - 20, 0)]
        if len(record) != 56 or not record.startswith(_EOCD64) or tail[at - 20:at - 16] != _EOCD64_LOCATOR:
            raise UnsafeArchive("not_an_archive")
        entries, directory_size = struct.unpack("<QQ", record[32:48])
    return entries, directory_size


@contextmanager
def open_archive(stream: IO[bytes], limits: ArchiveLimits) -> Iterator[zipfile.ZipFile]:
    """The ZIP archive of `stream`, once its declared figures are checked (UnsafeArchive otherwise;
    zipfile.BadZipFile when it is no archive at all)."""
    entries, directory_size = _central_directory_figures(stream)
    if entries > limits.max_entries:
        raise UnsafeArchive("too_many_entries")
    if directory_size > limits.max_central_directory:
        raise UnsafeArchive("central_directory_too_large")
    stream.seek(0)
    with zipfile.ZipFile(stream) as archive:
        check_archive(archive, limits)
        yield archive


def read_member(archive: zipfile.ZipFile, member: str | zipfile.ZipInfo, max_bytes: int) -> bytes:
    """The inflated bytes of one member, refused (UnsafeArchive) beyond `max_bytes`: never more is inflated."""
    info = member if isinstance(member, zipfile.ZipInfo) else archive.getinfo(member)
    if info.file_size > max_bytes:
        raise UnsafeArchive("member_too_large")
    with archive.open(info) as source:
        data = source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UnsafeArchive("member_too_large")
    return data


# --- sniffing ------------------------------------------------------------------------------------------

def sniff(head: bytes, open_zip=None, *, limits: ArchiveLimits | None = None) -> FileKind | None:
    """The kind of a file from its first bytes; `open_zip()` returns the whole file for ZIP-based formats.

    Returns None for anything not accepted, including archives whose declared figures exceed `limits`.
    """
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04") and open_zip is not None:
        return _office_kind(open_zip(), limits or ArchiveLimits())
    return None


def sniff_bytes(data: bytes, *, limits: ArchiveLimits | None = None) -> FileKind | None:
    return sniff(data[:16], lambda: io.BytesIO(data), limits=limits)


def kind_of_content_type(content_type: str) -> FileKind | None:
    return next((kind for kind in ACCEPTED if kind.content_type == content_type), None)


def _office_kind(stream: IO[bytes], limits: ArchiveLimits) -> FileKind | None:
    try:
        with open_archive(stream, limits) as archive:
            names = set(archive.namelist())
            # OpenDocument: a "mimetype" entry naming the format (stored first, uncompressed).
            if "mimetype" in names:
                mimetype = read_member(archive, "mimetype", SNIFF_READ_BYTES)
                return ODT if mimetype.decode("ascii", "replace").strip() == ODT.content_type else None
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return DOCX
    except (UnsafeArchive, zipfile.BadZipFile, OSError, KeyError, RuntimeError, EOFError, ValueError,
            NotImplementedError, struct.error, zlib.error):
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
