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
    data = archive({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w>" + b"<w/>" * 1000 + b"</w>",
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


# --- who wrote comments and tracked changes -------------------------------------------------------------

W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
W15 = b'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"'
REVIEWER = b"Relecteur"


def _tracked(number: int, author: bytes) -> bytes:
    return (b'<w:p><w:ins w:id="%d" w:author="%s" w:date="2024-03-01T10:00:00Z"><w:r><w:t>ajout %d</w:t></w:r>'
            b"</w:ins><w:del w:author='%s' w:id=\"%d\"><w:r><w:delText>retrait</w:delText></w:r></w:del>"
            b'<w:r><w:rPr><w:b/><w:rPrChange w:id="%d"\n  w:author = "%s"><w:rPr/></w:rPrChange></w:rPr>'
            b"<w:t>gras</w:t></w:r></w:p>") % (number, author, number, author, number + 1, number + 2, author)


def _word_document(paragraphs: bytes) -> dict[str, bytes]:
    return {
        "[Content_Types].xml": b"<Types/>",
        "word/document.xml": b"<w:document " + W + b"><w:body>" + paragraphs + b"</w:body></w:document>",
        "word/comments.xml": (b"<w:comments " + W + b'><w:comment w:id="0" w:author="' + AUTHOR
                              + b'" w:date="2024-03-01T10:00:00Z" w:initials="IL"><w:p><w:r><w:t>Budget \xc3\xa0 '
                              b"revoir</w:t></w:r></w:p></w:comment></w:comments>"),
        "word/header1.xml": b"<w:hdr " + W + b">" + _tracked(900, b"Lambert, In\xc3\xa8s") + b"</w:hdr>",
        "word/people.xml": (b"<w15:people " + W15 + b'><w15:person w15:author="' + AUTHOR + b'">'
                            b'<w15:presenceInfo w15:providerId="AD" w15:userId="S::ines@mairie.fr::4f1e"/>'
                            b"</w15:person></w15:people>"),
        "word/media/image1.png": b"\x89PNG w:author=\"" + AUTHOR + b'"',  # not XML: left alone
    }


def test_docx_authors_of_comments_tracked_changes_and_people_become_a_neutral_reviewer():
    data = archive(_word_document(_tracked(1, AUTHOR)))

    cleaned = members(scrub(data, DOCX))

    for name in ("word/document.xml", "word/comments.xml", "word/header1.xml", "word/people.xml"):
        assert AUTHOR not in cleaned[name] and b"Lambert" not in cleaned[name] and b"ines@" not in cleaned[name]
    # Only the values change (quoted again with "), dates and texts stay byte for byte.
    assert cleaned["word/document.xml"] == _word_document(_tracked(1, REVIEWER))["word/document.xml"].replace(
        b"w:author='Relecteur'", b'w:author="Relecteur"')
    assert cleaned["word/comments.xml"] == _word_document(b"")["word/comments.xml"].replace(
        b'w:author="' + AUTHOR + b'"', b'w:author="Relecteur"').replace(b'w:initials="IL"', b'w:initials=""')
    assert cleaned["word/people.xml"] == (b"<w15:people " + W15 + b'><w15:person w15:author="Relecteur">'
                                          b'<w15:presenceInfo w15:providerId="None" w15:userId="Relecteur"/>'
                                          b"</w15:person></w15:people>")
    assert cleaned["word/media/image1.png"] == _word_document(b"")["word/media/image1.png"]


def test_docx_authors_are_found_whatever_the_chunks_they_fall_in():
    # Long enough that the part is read in many chunks, and authors of varied lengths shift the boundaries.
    paragraphs = b"".join(_tracked(3 * n, AUTHOR + b"x" * (n % 17)) for n in range(2000))
    data = archive(_word_document(paragraphs))
    assert len(paragraphs) > 10 * 64 * 1024

    document = members(scrub(data, DOCX))["word/document.xml"]

    assert document.count(b'"Relecteur"') == 3 * 2000 and AUTHOR not in document
    assert document.count(b"ajout") == 2000 and document.count(b"retrait") == 2000


def test_docx_authors_with_apostrophes_and_entities_are_replaced():
    comments = (b"<w:comments " + W + b"><w:comment w:id=\"0\" w:author=\"Ines d'Alembert &amp; Cie\"/>"
                b"<w:comment w:id='1' w:author='Ines &apos;Lambert&apos;' w:initials='I&#76;'/></w:comments>")
    data = archive({**_word_document(b""), "word/comments.xml": comments})

    cleaned = members(scrub(data, DOCX))["word/comments.xml"]

    assert cleaned == (b"<w:comments " + W + b'><w:comment w:id="0" w:author="Relecteur"/>'
                       b"<w:comment w:id='1' w:author=\"Relecteur\" w:initials=\"\"/></w:comments>")


def test_docx_template_path_in_the_settings_keeps_only_the_file_name():
    relationships = (b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                     b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                     b'relationships/attachedTemplate" Target="file:///C:\\Users\\ilambert\\AppData\\Roaming\\'
                     b'Microsoft\\Templates\\Normal.dotm" TargetMode="External"/><Relationship Id="rId2" '
                     b"Type='http://schemas.openxmlformats.org/officeDocument/2006/relationships/mailMergeSource' "
                     b"TargetMode='External' Target='file:///home/ilambert/Documents/contacts.ods'/></Relationships>")
    data = archive({**_word_document(b""), "word/settings.xml": b"<w:settings " + W + b' xmlns:r="http://'
                    b'schemas.openxmlformats.org/officeDocument/2006/relationships"><w:attachedTemplate r:id="rId1"/>'
                    b"</w:settings>", "word/_rels/settings.xml.rels": relationships})

    cleaned = members(scrub(data, DOCX))["word/_rels/settings.xml.rels"]

    assert b"ilambert" not in cleaned
    assert b'Target="Normal.dotm"' in cleaned and b"Target='contacts.ods'" in cleaned
    assert cleaned.count(b"TargetMode") == 2


@pytest.mark.parametrize("part", [
    # An author the byte rewriting does not see: the parser does, and the document is refused.
    '<w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:comment w:id="0" '
    'w:author="Inès Lambert"/></w:comments>'.encode("utf-16"),
    b'<!DOCTYPE w [<!ENTITY a "Ines Lambert">]><w:comments ' + W + b'><w:comment w:author="&a;"/></w:comments>',
    b"<w:comments " + W + b'><w:comment w:author="' + AUTHOR + b'"></w:comments>',  # not well-formed
])
def test_docx_parts_whose_authors_cannot_be_replaced_for_sure_are_refused(part):
    data = archive({**_word_document(b""), "word/comments.xml": part})

    with pytest.raises(ScrubError):
        scrub(data, DOCX)


ODF_NAMESPACES = (b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                  b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
                  b'xmlns:dc="http://purl.org/dc/elements/1.1/" '
                  b'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
                  b'xmlns:loext="urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"')


def _annotated(number: int, author: bytes) -> bytes:
    return (b"<text:p>Texte <office:annotation><dc:creator>%s</dc:creator><dc:date>2024-03-01T10:00:00</dc:date>"
            b"<meta:creator-initials>IL</meta:creator-initials><loext:sender-initials>IL</loext:sender-initials>"
            b"<text:p>Avis %d</text:p></office:annotation></text:p>"
            b'<text:changed-region text:id="ct%d"><text:deletion><office:change-info><dc:creator >%s'
            b"</dc:creator ><dc:date>2024-03-02T10:00:00</dc:date></office:change-info><text:p>retrait</text:p>"
            b"</text:deletion></text:changed-region>") % (author, number, number, author)


def _open_document(body: bytes, settings: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), ODT.content_type)
        z.writestr("content.xml", b"<office:document-content " + ODF_NAMESPACES + b"><office:body><office:text>"
                   + body + b"</office:text></office:body></office:document-content>")
        z.writestr("styles.xml", b"<office:document-styles " + ODF_NAMESPACES + b"><office:master-styles>"
                   + _annotated(0, AUTHOR) + b"</office:master-styles></office:document-styles>")
        z.writestr("settings.xml", b'<office:document-settings xmlns:office="urn:oasis:names:tc:opendocument:'
                   b'xmlns:office:1.0" xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0">'
                   b'<office:settings><config:config-item-set config:name="ooo:configuration-settings">'
                   + settings + b"</config:config-item-set></office:settings></office:document-settings>")
    return buffer.getvalue()


def test_odt_creators_of_annotations_and_tracked_changes_become_a_neutral_reviewer_in_any_chunk():
    body = b"".join(_annotated(n, AUTHOR + b"x" * (n % 13)) for n in range(1500))
    assert len(body) > 10 * 64 * 1024

    cleaned = members(scrub(_open_document(body), ODT))

    for name in ("content.xml", "styles.xml"):
        assert AUTHOR not in cleaned[name] and b">IL<" not in cleaned[name]
    content = cleaned["content.xml"]
    assert content.count(b"<dc:creator>Relecteur</dc:creator>") == 2 * 1500
    assert content.count(b"<meta:creator-initials></meta:creator-initials>") == 1500
    assert content.count(b"<loext:sender-initials></loext:sender-initials>") == 1500
    assert content.count(b"<dc:date>2024-03-02T10:00:00</dc:date>") == 1500
    assert b"<text:p>Avis 1499</text:p>" in content and content.count(b"<text:p>retrait</text:p>") == 1500


def test_odt_settings_lose_the_printer_and_the_data_source_and_keep_the_rest():
    settings = (b'<config:config-item config:name="PrinterName" config:type="string">Imprimante d\'Ines Lambert'
                b'</config:config-item><config:config-item config:name="PrinterSetup" config:type="base64Binary">'
                b'SW5lcyBMYW1iZXJ0</config:config-item><config:config-item config:name="CurrentDatabaseDataSource" '
                b'config:type="string">file:///home/ilambert/contacts.odb</config:config-item>'
                b'<config:config-item config:name="AddParaSpacingToTableCells" config:type="boolean">true'
                b"</config:config-item>")

    cleaned = members(scrub(_open_document(b"", settings), ODT))["settings.xml"]

    assert AUTHOR not in cleaned and b"ilambert" not in cleaned and b"SW5lcyBMYW1iZXJ0" not in cleaned
    assert (b'<config:config-item-set config:name="ooo:configuration-settings"><config:config-item '
            b'config:name="AddParaSpacingToTableCells" config:type="boolean">true</config:config-item>'
            b"</config:config-item-set>") in cleaned


def test_odt_a_creator_the_rewriting_cannot_replace_is_refused():
    body = b"<text:p><office:annotation><dc:creator><![CDATA[" + AUTHOR + b"]]></dc:creator></office:annotation>"

    with pytest.raises(ScrubError):
        scrub(_open_document(body + b"</text:p>"), ODT)


def test_pdf_authors_of_comments_written_inside_the_page_are_removed_too():
    document = pikepdf.new()
    document.add_blank_page()
    page = document.pages[0].obj
    page.Annots = pikepdf.Array([pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text,
                                                    Rect=[0, 0, 10, 10], T=AUTHOR.decode(), Contents="Relire")])

    cleaned = scrub(_saved(document), PDF)

    assert AUTHOR not in cleaned
    with pikepdf.open(io.BytesIO(cleaned)) as result:
        assert str(result.pages[0].obj.Annots[0].Contents) == "Relire"
