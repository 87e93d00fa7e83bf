import io
import zipfile

import pytest

from prizeapp.core.uploads import DOCX, JPEG, ODT, PDF, PNG, display_name, sniff_bytes


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
