import io
import random
import struct
import tracemalloc
import zipfile
import zlib

import pytest

from prizeapp.core.uploads import (
    DOCX,
    JPEG,
    ODT,
    PDF,
    PNG,
    ArchiveLimits,
    UnsafeArchive,
    display_name,
    open_archive,
    read_member,
    sniff,
    sniff_bytes,
)


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


ODT_BYTES = zip_bytes({"mimetype": ODT.content_type.encode(), "content.xml": b"<x/>"})
ODS_BYTES = zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"})
DOCX_BYTES = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
PLAIN_ZIP = zip_bytes({"notes.txt": b"hello"})


@pytest.mark.parametrize("data, kind", [
    (b"%PDF-1.7\n%...", PDF),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", PNG),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", JPEG),
    (ODT_BYTES, ODT),
    (DOCX_BYTES, DOCX),
    (ODS_BYTES, None),
    (PLAIN_ZIP, None),
    (b"PK\x03\x04 not really a zip", None),
    (b"MZ\x90\x00 an executable named rapport.pdf", None),
    (b"<html><script>alert(1)</script>", None),
    (b"", None),
])
def test_kind_comes_from_the_content(data, kind):
    assert sniff_bytes(data) == kind


@pytest.mark.parametrize("given, kind, shown", [
    ("rapport final.pdf", PDF, "rapport final.pdf"),
    ("../../etc/passwd", PDF, "passwd.pdf"),
    ("C:\\Users\\agent\\budget.docx", DOCX, "budget.docx"),
    ("photo.png", PDF, "photo.pdf"),
    ("projet\x00.pdf.exe", PDF, "projet.pdf.pdf"),
    ("Présentation été.odt", ODT, "Présentation été.odt"),
    ("<script>.png", PNG, "script.png"),
    ("...", PDF, "document.pdf"),
    (None, JPEG, "document.jpg"),
])
def test_display_name_is_safe_and_tells_the_real_type(given, kind, shown):
    assert display_name(given, kind) == shown


def test_display_name_is_bounded():
    assert len(display_name("a" * 500 + ".pdf", PDF)) == 120


# --- archives: declared figures are checked before anything is inflated ------------------------------
MIB = 1024 * 1024


def zeros_member(archive: zipfile.ZipFile, name: str, size: int, *, prefix: bytes = b"") -> None:
    """A deflated member of `size` bytes (mostly zeros), written in chunks so the test itself stays small."""
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w") as member:
        member.write(prefix)
        chunk = b"\0" * MIB
        for _ in range(size // MIB):
            member.write(chunk)


def deflated_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_limits_follow_the_upload_limit():
    assert ArchiveLimits.for_upload_limit(10 * MIB).max_inflated == 100 * MIB
    assert ArchiveLimits.for_upload_limit(2 * MIB).max_inflated == 20 * MIB


def test_an_archive_declaring_too_much_once_inflated_is_refused():
    photo = random.Random(0).randbytes(3 * MIB)  # incompressible, like a photograph
    data = deflated_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>",
                         "word/media/image1.jpeg": photo})
    limits = ArchiveLimits(max_inflated=2 * MIB)

    with pytest.raises(UnsafeArchive) as refused:
        with open_archive(io.BytesIO(data), limits):
            pass

    assert refused.value.code == "too_large_inflated"
    assert sniff_bytes(data, limits=limits) is None
    assert sniff_bytes(data, limits=ArchiveLimits(max_inflated=4 * MIB)) == DOCX


def test_a_large_member_compressed_beyond_any_document_ratio_is_refused():
    data = deflated_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * (20 * MIB)})

    with pytest.raises(UnsafeArchive) as refused:
        with open_archive(io.BytesIO(data), ArchiveLimits()):
            pass

    assert refused.value.code == "compression_ratio"


def test_a_small_repetitive_member_is_accepted():
    data = deflated_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>",
                         "word/styles.xml": b" " * (512 * 1024)})

    assert sniff_bytes(data) == DOCX


def test_an_archive_with_too_many_entries_is_refused_before_its_directory_is_parsed():
    data = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>",
                      **{f"word/media/{i}.png": b"" for i in range(60)}})

    with pytest.raises(UnsafeArchive) as refused:
        with open_archive(io.BytesIO(data), ArchiveLimits(max_entries=50)):
            pass

    assert refused.value.code == "too_many_entries"


def test_an_archive_with_a_huge_central_directory_is_refused():
    data = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>",
                      **{f"word/media/{'x' * 200}{i}.png": b"" for i in range(30)}})

    with pytest.raises(UnsafeArchive) as refused:
        with open_archive(io.BytesIO(data), ArchiveLimits(max_central_directory=4096)):
            pass

    assert refused.value.code == "central_directory_too_large"


def test_an_encrypted_member_is_refused():
    data = bytearray(ODT_BYTES)
    # Set the "encrypted" flag of the first central directory entry.
    at = data.find(b"PK\x01\x02")
    struct.pack_into("<H", data, at + 8, struct.unpack_from("<H", data, at + 8)[0] | 0x1)

    assert sniff_bytes(bytes(data)) is None


def _lie_about_the_size(data: bytes, name: bytes, size: int, crc: int) -> bytes:
    """The archive with `name`'s declared uncompressed size and CRC replaced in its central directory."""
    data = bytearray(data)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + name_length] == name:
            struct.pack_into("<I", data, at + 16, crc)
            struct.pack_into("<I", data, at + 24, size)
            return bytes(data)
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError("no such member")


def test_a_member_declaring_less_than_its_compressed_data_is_refused():
    buffer = io.BytesIO()
    mimetype = ODT.content_type.encode()
    with zipfile.ZipFile(buffer, "w") as archive:
        zeros_member(archive, "mimetype", 20 * MIB, prefix=mimetype)
    lying = _lie_about_the_size(buffer.getvalue(), b"mimetype", len(mimetype), zlib.crc32(mimetype))

    with pytest.raises(UnsafeArchive) as refused:
        with open_archive(io.BytesIO(lying), ArchiveLimits()):
            pass

    assert refused.value.code == "inconsistent_sizes"
    assert sniff_bytes(lying) is None


def test_read_member_never_inflates_more_than_asked():
    data = deflated_zip({"big.xml": b"\0" * (8 * MIB), "small.xml": b"<x/>"})
    tracemalloc.start()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            with pytest.raises(UnsafeArchive):
                read_member(archive, "big.xml", 1024)
            small = read_member(archive, "small.xml", 1024)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert small == b"<x/>"
    assert peak < MIB


def test_an_opendocument_mimetype_bomb_is_refused_without_being_inflated():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        zeros_member(archive, "mimetype", 64 * MIB, prefix=ODT.content_type.encode())
        archive.writestr("content.xml", b"<x/>")
    data = buffer.getvalue()
    tracemalloc.start()
    try:
        kind = sniff(data[:16], lambda: io.BytesIO(data))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert kind is None
    assert peak < 4 * MIB
