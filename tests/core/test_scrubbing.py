"""Cleaning documents of their authors' names, without a web app: what goes, what stays byte for byte."""
import io
import struct
import zipfile
import zlib

import pikepdf
import pytest
from PIL import Image, ImageCms, PngImagePlugin

from prizeapp.core.scrubbing import ScrubError, scrub
from prizeapp.core.uploads import DOCX, JPEG, ODT, PDF, PNG, ArchiveLimits

MIB = 1024 * 1024
AUTHOR = b"Ines Lambert"


def archive(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as z:
        for name, content in entries.items():
            z.writestr(name, content)
    return buffer.getvalue()


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {info.filename: z.read(info) for info in z.infolist()}


RELS = (b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'officeDocument" Target="word/document.xml"/>%s</Relationships>')
CORE_REL = (b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
            b'metadata/core-properties" Target="%s"/>')
CUSTOM_REL = (b'<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
              b'relationships/custom-properties" Target="docProps/custom.xml"/>')
NAMING_CORE = b"<cp:coreProperties><dc:creator>" + AUTHOR + b"</dc:creator></cp:coreProperties>"


# --- Word documents -----------------------------------------------------------------------------------

def test_docx_properties_are_found_where_the_package_says_and_whatever_their_case():
    data = archive({
        "[Content_Types].xml": b"<Types/>",
        "_rels/.rels": RELS % (CORE_REL % b"/package/services/metadata/core-properties/a1.psmdcp" + CUSTOM_REL),
        "word/document.xml": b"<w:document>Un guichet unique.</w:document>",
        "package/services/metadata/core-properties/a1.psmdcp": NAMING_CORE,
        "DocProps/App.xml": b"<Properties><Company>" + AUTHOR + b"</Company></Properties>",
        "docProps/custom.xml": b"<Properties><property name='MSIP_Label_Owner'>ines@mairie.fr</property>"
                               b"</Properties>",
    })

    cleaned = members(scrub(data, DOCX))

    assert list(cleaned) == list(members(data))
    assert not any(AUTHOR in content or b"ines@" in content for content in cleaned.values())
    assert cleaned["word/document.xml"] == b"<w:document>Un guichet unique.</w:document>"
    assert cleaned["package/services/metadata/core-properties/a1.psmdcp"].count(b"coreProperties") == 1
    assert b"custom-properties" in cleaned["docProps/custom.xml"]


def test_docx_members_keep_their_order_compression_and_bytes():
    media = bytes(range(256)) * 4000
    data = archive({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>" * 1000,
                    "word/media/image1.png": media, "docProps/core.xml": NAMING_CORE})
    source = zipfile.ZipFile(io.BytesIO(data))

    cleaned = zipfile.ZipFile(io.BytesIO(scrub(data, DOCX)))

    assert [(i.filename, i.compress_type) for i in cleaned.infolist()] == \
        [(i.filename, i.compress_type) for i in source.infolist()]
    assert cleaned.read("word/media/image1.png") == media
    assert cleaned.testzip() is None


def test_docx_relationships_with_a_dtd_are_refused():
    data = archive({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>",
                    "_rels/.rels": b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + RELS % b""})

    with pytest.raises(ScrubError):
        scrub(data, DOCX)


def test_a_docx_over_the_archive_limits_is_refused_before_being_inflated():
    data = archive({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * (40 * MIB)})

    with pytest.raises(ScrubError):
        scrub(data, DOCX, limits=ArchiveLimits())


# --- OpenDocument -------------------------------------------------------------------------------------

def test_odt_meta_of_the_document_and_of_embedded_objects_is_emptied_and_mimetype_stays_first():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), ODT.content_type)  # stored, first
        z.writestr("content.xml", b"<office:document-content/>")
        z.writestr("meta.xml", b'<office:document-meta office:version="1.2"><meta:initial-creator>' + AUTHOR
                   + b"</meta:initial-creator></office:document-meta>")
        z.writestr("Object 1/meta.xml", b"<office:document-meta><dc:creator>" + AUTHOR + b"</dc:creator>"
                   b"</office:document-meta>")

    cleaned = zipfile.ZipFile(io.BytesIO(scrub(buffer.getvalue(), ODT)))

    first = cleaned.infolist()[0]
    assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
    assert cleaned.read("mimetype") == ODT.content_type.encode()
    assert AUTHOR not in cleaned.read("meta.xml") and AUTHOR not in cleaned.read("Object 1/meta.xml")
    assert b'office:version="1.2"' in cleaned.read("meta.xml")
    assert cleaned.read("content.xml") == b"<office:document-content/>"


# --- PDF ----------------------------------------------------------------------------------------------

def _pdf_naming_its_author() -> pikepdf.Pdf:
    document = pikepdf.new()
    document.add_blank_page()
    document.docinfo["/Author"] = AUTHOR.decode()
    return document


def _saved(document: pikepdf.Pdf) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_pdf_earlier_revisions_are_not_kept():
    first = _saved(_pdf_naming_its_author())
    with pikepdf.open(io.BytesIO(first)) as saved:
        root, size = saved.Root.objgen[0], int(saved.trailer.Size)
    previous = int(first.rsplit(b"startxref", 1)[1].split()[0])
    # An incremental update that replaces the document information: the first revision stays in the file.
    update = f"{size} 0 obj\n<< /Title (Dossier) >>\nendobj\n".encode()
    xref_at = len(first) + len(update)
    update += (f"xref\n{size} 1\n{len(first):010d} 00000 n \ntrailer\n<< /Size {size + 1} /Root {root} 0 R "
               f"/Info {size} 0 R /Prev {previous} >>\nstartxref\n{xref_at}\n%%EOF\n").encode()
    updated = first + update
    with pikepdf.open(io.BytesIO(updated)) as check:
        assert "/Author" not in check.docinfo and AUTHOR in updated

    cleaned = scrub(updated, PDF)

    assert AUTHOR not in cleaned
    with pikepdf.open(io.BytesIO(cleaned)) as result:
        assert len(result.pages) == 1


def test_pdf_xmp_of_pages_and_comment_authors_go_form_field_names_stay():
    document = _pdf_naming_its_author()
    page = document.pages[0].obj
    page.Metadata = document.make_stream(b"<x:xmpmeta>" + AUTHOR + b"</x:xmpmeta>")
    comment = document.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text,
                                                        Rect=[0, 0, 10, 10], T=AUTHOR.decode(),
                                                        Contents="Relire le budget"))
    field = document.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget,
                                                      FT=pikepdf.Name.Tx, Rect=[0, 20, 10, 30], T="budget"))
    page.Annots = document.make_indirect(pikepdf.Array([comment, field]))
    document.Root.AcroForm = pikepdf.Dictionary(Fields=[field])

    cleaned = pikepdf.open(io.BytesIO(scrub(_saved(document), PDF)))

    page = cleaned.pages[0].obj
    assert "/Metadata" not in page
    comment, field = page.Annots
    assert "/T" not in comment and str(comment.Contents) == "Relire le budget"
    assert str(field.T) == "budget"


def test_pdf_page_contents_are_copied_without_being_inflated():
    document = pikepdf.new()
    document.add_blank_page()
    inflated = b"% nothing\n" * (6 * MIB)
    compressed = zlib.compress(inflated, 9)
    document.pages[0].obj.Contents = document.make_stream(compressed, Filter=pikepdf.Name.FlateDecode)
    original = _saved(document)

    cleaned = pikepdf.open(io.BytesIO(scrub(original, PDF)))

    assert cleaned.pages[0].obj.Contents.read_raw_bytes() == compressed


def test_a_pdf_that_does_not_parse_is_refused():
    with pytest.raises(ScrubError):
        scrub(b"%PDF-1.7\n/Author (" + AUTHOR + b")\n", PDF)


# --- images -------------------------------------------------------------------------------------------

def _exif(orientation: int | None) -> bytes:
    exif = Image.Exif()
    exif[0x013B] = AUTHOR.decode()
    if orientation is not None:
        exif[0x0112] = orientation
    return exif.tobytes()


def _photo(**options) -> bytes:
    buffer = io.BytesIO()
    image = Image.radial_gradient("L").convert("RGB").resize((64, 48))
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue()


@pytest.mark.parametrize("options", [{}, {"progressive": True}, {"restart_marker_blocks": 1},
                                     {"icc_profile": ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
                                      .tobytes()}])
def test_jpeg_pixels_are_untouched_and_only_the_orientation_survives(options):
    original = _photo(exif=_exif(3), comment=b"par " + AUTHOR, **options)
    # An application segment of a camera maker, and a trailer after the end of the image.
    original = original[:2] + b"\xff\xeb" + struct.pack(">H", 2 + len(AUTHOR)) + AUTHOR + original[2:]
    original += b"SEFT" + AUTHOR

    cleaned = scrub(original, JPEG)

    assert AUTHOR not in cleaned
    before, after = Image.open(io.BytesIO(original)), Image.open(io.BytesIO(cleaned))
    assert after.tobytes() == before.tobytes()
    assert dict(after.getexif()) == {0x0112: 3}
    assert after.info.get("icc_profile") == before.info.get("icc_profile")
    assert after.info.get("progressive", 0) == before.info.get("progressive", 0)


def test_jpeg_without_orientation_gets_no_exif():
    cleaned = scrub(_photo(exif=_exif(None)), JPEG)

    assert b"Exif" not in cleaned


def test_png_text_after_the_image_data_goes_and_the_orientation_stays_before_it():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", AUTHOR.decode())
    buffer = io.BytesIO()
    Image.new("RGB", (8, 4), (1, 2, 3)).save(buffer, "PNG", exif=_exif(8), pnginfo=info)
    data = buffer.getvalue()
    text_chunk = struct.pack(">I", len(b"Comment\0" + AUTHOR)) + b"tEXt" + b"Comment\0" + AUTHOR
    text_chunk += struct.pack(">I", zlib.crc32(text_chunk[4:]))
    iend = data.rfind(b"IEND") - 4
    data = data[:iend] + text_chunk + data[iend:]

    cleaned = scrub(data, PNG)

    assert AUTHOR not in cleaned
    assert cleaned.index(b"eXIf") < cleaned.index(b"IDAT")
    image = Image.open(io.BytesIO(cleaned))
    assert dict(image.getexif()) == {0x0112: 8}
    assert image.tobytes() == Image.open(io.BytesIO(data)).tobytes()


@pytest.mark.parametrize("data, kind", [(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", PNG),
                                        (b"\xff\xd8\xff\xe1\xff\xff", JPEG),
                                        (b"\xff\xd8\xff\xdb\x00\x04\x00\x00", JPEG),
                                        (b"PK\x03\x04 no archive", DOCX)])
def test_truncated_files_are_refused(data, kind):
    with pytest.raises(ScrubError):
        scrub(data, kind)
