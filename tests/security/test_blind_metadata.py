"""In a blind call the files reviewers download carry no metadata naming the applicants (document
properties, XMP, EXIF and text chunks); the team, the organisers and the jury get the files as uploaded."""
from __future__ import annotations

import hashlib
import io
import logging
import os
import zipfile
from datetime import timedelta
from html import unescape
from xml.etree import ElementTree

import pikepdf
import pytest
from flask_babel import force_locale, gettext
from PIL import Image, PngImagePlugin

from prizeapp.core import scrubbing
from prizeapp.enums import AssignmentStatus, BlindLevel, CallPhase, CallRoleKind, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models import Assignment, SubmissionFile
from prizeapp.models.types import utcnow
from prizeapp.services.submissions import file_path

from .. import factories
from ..conftest import form_token, sign_in_as

NAME = "Inès Lambert"
EMAIL = "ines.lambert@mairie-exemple.fr"
COMPANY = "Mairie d'Exemple"
IDENTIFYING = (NAME.encode(), b"Lambert", EMAIL.encode(), b"mairie-exemple", COMPANY.encode())


# --- documents that name their author in their metadata ---------------------------------------------

def docx() -> bytes:
    """A Word document whose core and extended properties name its author (stored: readable in the bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/></Types>'))
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship '
            'Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
            'core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/extended-properties" '
            'Target="docProps/app.xml"/></Relationships>'))
        archive.writestr("word/document.xml", (
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>'
            '<w:r><w:t>Un guichet unique pour les aidants.</w:t></w:r></w:p></w:body></w:document>'))
        archive.writestr("docProps/core.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.'
            'org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f'<dc:creator>{NAME}</dc:creator><cp:lastModifiedBy>{EMAIL}</cp:lastModifiedBy>'
            '<dc:title>Dossier</dc:title></cp:coreProperties>'))
        archive.writestr("docProps/app.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.openxmlformats.org/'
            'officeDocument/2006/extended-properties"><Application>Microsoft Office Word</Application>'
            f'<Company>{COMPANY}</Company><Manager>{NAME}</Manager></Properties>'))
    return buffer.getvalue()


def odt() -> bytes:
    """An OpenDocument text whose meta.xml names its author."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", (
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"><office:body>'
            '<office:text><text:p>Un guichet unique.</text:p></office:text></office:body>'
            '</office:document-content>'))
        archive.writestr("META-INF/manifest.xml", (
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
            'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
            'vnd.oasis.opendocument.text"/></manifest:manifest>'))
        archive.writestr("meta.xml", (
            '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/'
            '1.1/" office:version="1.3"><office:meta>'
            f'<meta:initial-creator>{NAME}</meta:initial-creator><dc:creator>{EMAIL}</dc:creator>'
            f'<meta:user-defined meta:name="Service">{COMPANY}</meta:user-defined>'
            '</office:meta></office:document-meta>'))
    return buffer.getvalue()


def pdf() -> bytes:
    """A one-page PDF with /Author in its document information and the author in its XMP packet."""
    document = pikepdf.new()
    document.add_blank_page()
    document.docinfo["/Author"] = NAME
    document.docinfo["/Creator"] = EMAIL
    with document.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        xmp["dc:creator"] = [NAME]
        xmp["pdf:Producer"] = EMAIL
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def exif_naming_the_author(orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[0x013B] = NAME  # Artist
    exif[0x8298] = EMAIL  # Copyright
    exif[0x0112] = orientation
    return exif.tobytes()


def jpeg() -> bytes:
    """A 40×20 photograph turned a quarter (EXIF orientation 6), whose EXIF and comment name its author."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(buffer, "JPEG", exif=exif_naming_the_author(6),
                                                   comment=f"Photo : {EMAIL}".encode())
    return buffer.getvalue()


def png() -> bytes:
    """A 40×20 picture whose text chunks and eXIf name its author."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Lambert")
    info.add_itxt("Copyright", NAME)
    info.add_text("Comment", EMAIL, zip=True)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (30, 30, 200)).save(buffer, "PNG", pnginfo=info, exif=exif_naming_the_author())
    return buffer.getvalue()


DOCUMENTS = {"dossier.docx": docx, "dossier.odt": odt, "dossier.pdf": pdf, "photo.jpg": jpeg, "photo.png": png}


def inflated(data: bytes) -> bytes:
    """Every member of an archive, inflated, one after the other (or the bytes themselves)."""
    if not data.startswith(b"PK"):
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"".join(archive.read(info) for info in archive.infolist())


def names_someone(data: bytes) -> list[bytes]:
    everything = data + inflated(data)
    return [token for token in IDENTIFYING if token in everything]


# --- the world of these tests -------------------------------------------------------------------------

@pytest.fixture
def world(client):
    """A call (blind unless told) open for submissions, a submitted project by Mme Lambert, an organiser, a
    jury member and a reviewer assigned to the project (none of them conflicted with her)."""
    call = factories.call()
    call.blind = BlindLevel.BLIND
    lead = factories.user(email=EMAIL, first_name="Inès", last_name="Lambert")
    project = factories.submission(call=call, lead=lead, status=SubmissionStatus.SUBMITTED,
                                   title="Guichet numérique des aidants")
    organiser = factories.user(email="organisatrice@transformation.example.gouv.fr")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    juror = factories.user(email="jure@cour-des-comptes.example.fr")
    factories.grant(juror, call, CallRoleKind.JURY)
    reviewer = factories.user(email="expert@labo-independant.fr")
    factories.pool_member(call=call, user=reviewer)
    db.session.add(Assignment(call_id=call.id, submission_id=project.id, reviewer_id=reviewer.id,
                              status=AssignmentStatus.COMMITTED))
    db.session.commit()
    return {"call": call, "project": project, "lead": lead, "organiser": organiser, "jury": juror,
            "reviewer": reviewer}


def upload_as_lead(client, world, data: bytes, filename: str, *, close_call: bool = True) -> SubmissionFile:
    """Attach a file through the applicant's page, then (unless told) close the call for review."""
    project = world["project"]
    sign_in_as(client, world["lead"])
    html = client.get(f"/submissions/{project.id}").get_data(as_text=True)
    response = client.post(f"/submissions/{project.id}/files",
                           data={"csrf_token": form_token(html), "file": (io.BytesIO(data), filename)},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    if close_call:
        call = world["call"]
        call.phase = CallPhase.REVIEW
        call.submission_deadline = utcnow() - timedelta(hours=1)
        db.session.commit()
    return db.session.scalars(db.select(SubmissionFile).order_by(SubmissionFile.id.desc())).first()


def download_as(client, user, record):
    sign_in_as(client, user)
    return client.get(f"/files/{record.id}")


def sha256_of_stored(record) -> str:
    with open(file_path(record), "rb") as stored:
        return hashlib.sha256(stored.read()).hexdigest()


# --- what reviewers of a blind call get -----------------------------------------------------------------

@pytest.mark.parametrize("filename", DOCUMENTS)
def test_a_blind_reviewer_gets_a_copy_naming_nobody(client, world, filename):
    original = DOCUMENTS[filename]()
    assert names_someone(original)  # the test documents do name their author
    record = upload_as_lead(client, world, original, filename)

    response = download_as(client, world["reviewer"], record)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == record.content_type
    assert response.data != original
    assert names_someone(response.data) == []
    assert sha256_of_stored(record) == record.sha256 == hashlib.sha256(original).hexdigest()


def test_a_blind_reviewer_gets_a_word_document_without_its_properties(client, world):
    record = upload_as_lead(client, world, docx(), "dossier.docx")

    data = download_as(client, world["reviewer"], record).data

    with zipfile.ZipFile(io.BytesIO(data)) as cleaned, zipfile.ZipFile(io.BytesIO(docx())) as original:
        assert cleaned.testzip() is None
        assert cleaned.namelist() == original.namelist()
        for name in original.namelist():
            if not name.startswith("docProps/"):
                assert cleaned.read(name) == original.read(name), name
        core, app = cleaned.read("docProps/core.xml"), cleaned.read("docProps/app.xml")
    assert b"creator" not in core and b"lastModifiedBy" not in core
    assert b"Company" not in app and b"Manager" not in app
    assert b"coreProperties" in core  # still the part Word expects


def test_a_blind_reviewer_gets_an_opendocument_without_its_meta(client, world):
    record = upload_as_lead(client, world, odt(), "dossier.odt")

    data = download_as(client, world["reviewer"], record).data

    with zipfile.ZipFile(io.BytesIO(data)) as cleaned, zipfile.ZipFile(io.BytesIO(odt())) as original:
        assert cleaned.testzip() is None
        first = cleaned.infolist()[0]
        assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
        for name in original.namelist():
            if name != "meta.xml":
                assert cleaned.read(name) == original.read(name), name
        meta = cleaned.read("meta.xml")
    assert b"initial-creator" not in meta and b"creator" not in meta and b"user-defined" not in meta
    assert b'office:version="1.3"' in meta


def test_a_blind_reviewer_gets_a_pdf_without_author_nor_xmp(client, world):
    record = upload_as_lead(client, world, pdf(), "dossier.pdf")

    data = download_as(client, world["reviewer"], record).data

    with pikepdf.open(io.BytesIO(data)) as cleaned:
        assert len(cleaned.pages) == 1
        assert "/Author" not in cleaned.docinfo and "/Creator" not in cleaned.docinfo
        assert "/Metadata" not in cleaned.Root
        with cleaned.open_metadata() as xmp:
            assert "dc:creator" not in xmp


def test_a_blind_reviewer_gets_a_photograph_without_exif_but_still_turned_the_right_way(client, world):
    record = upload_as_lead(client, world, jpeg(), "photo.jpg")

    data = download_as(client, world["reviewer"], record).data

    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.size == (40, 20)
    assert dict(image.getexif()) == {0x0112: 6}  # the orientation, and nothing else
    assert "comment" not in image.info
    assert image.getpixel((20, 10))[0] > 150  # still the red picture


def test_a_blind_reviewer_gets_a_png_without_text_chunks(client, world):
    record = upload_as_lead(client, world, png(), "photo.png")

    data = download_as(client, world["reviewer"], record).data

    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.size == (40, 20)
    assert image.text == {}
    assert dict(image.getexif()) == {}
    assert image.getpixel((20, 10)) == (30, 30, 200)


def test_the_clean_copy_is_made_once_and_the_original_is_kept(client, world):
    record = upload_as_lead(client, world, pdf(), "dossier.pdf")

    folder, stem = os.path.dirname(file_path(record)), record.stored_name.rsplit(".", 1)[0]
    copy = os.path.join(folder, f"{stem}.clean{scrubbing.VERSION}.pdf")

    first = download_as(client, world["reviewer"], record).data
    made_at = os.stat(copy).st_mtime_ns
    second = client.get(f"/files/{record.id}").data

    assert first == second
    assert os.stat(copy).st_mtime_ns == made_at
    assert sorted(n for n in os.listdir(folder) if n.startswith(stem)) == [
        f"{stem}.clean{scrubbing.VERSION}.pdf", record.stored_name]
    assert sha256_of_stored(record) == record.sha256


def test_removing_a_file_removes_its_clean_copy(client, world):
    record = upload_as_lead(client, world, png(), "photo.png", close_call=False)
    folder, stem = os.path.dirname(file_path(record)), record.stored_name.rsplit(".", 1)[0]
    assert download_as(client, world["reviewer"], record).status_code == 200
    assert os.path.exists(os.path.join(folder, f"{stem}.clean{scrubbing.VERSION}.png"))
    sign_in_as(client, world["lead"])
    html = client.get(f"/submissions/{world['project'].id}").get_data(as_text=True)

    response = client.post(f"/files/{record.id}/delete", data={"csrf_token": form_token(html)})

    assert response.status_code == 302
    assert [n for n in os.listdir(folder) if n.startswith(stem)] == []


# --- who wrote comments and tracked changes -------------------------------------------------------------

COMMENTER = "Jade Duval"
COMMENTER_EMAIL = "jade.duval@ville.fr"
COMMENTER_FOLDER = "jduval"  # her user folder, in the path of the template Word attached
WORD = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def docx_with_comments_and_changes() -> bytes:
    """A Word document with a comment, a tracked insertion and deletion, people.xml and an attached template
    in Mme Duval's user folder, as Word writes them (deflated: nothing readable in the bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats'
            '-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
            'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/><Override PartName="/word/comments.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/><Override PartName="/word/settings.'
            'xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
            '<Override PartName="/word/people.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.people+xml"/></Types>'))
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="' + RELATIONSHIPS
            + '/officeDocument" Target="word/document.xml"/></Relationships>'))
        archive.writestr("word/_rels/document.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="' + RELATIONSHIPS
            + '/settings" Target="settings.xml"/><Relationship Id="rId2" Type="' + RELATIONSHIPS + '/comments" '
            'Target="comments.xml"/><Relationship Id="rId3" Type="http://schemas.microsoft.com/office/2011/'
            'relationships/people" Target="people.xml"/></Relationships>'))
        archive.writestr("word/document.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<w:document {WORD}><w:body><w:p>'
            '<w:commentRangeStart w:id="0"/><w:r><w:t xml:space="preserve">Un guichet unique </w:t></w:r>'
            f'<w:ins w:id="1" w:author="{COMMENTER}" w:date="2024-03-01T10:00:00Z"><w:r><w:t>pour les aidants'
            f'</w:t></w:r></w:ins><w:del w:id="2" w:author="{COMMENTER}" w:date="2024-03-01T10:05:00Z"><w:r>'
            '<w:delText>et leurs proches</w:delText></w:r></w:del><w:commentRangeEnd w:id="0"/><w:r>'
            '<w:commentReference w:id="0"/></w:r></w:p><w:sectPr/></w:body></w:document>'))
        archive.writestr("word/comments.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<w:comments {WORD}><w:comment w:id="0" '
            f'w:author="{COMMENTER}" w:date="2024-03-01T10:10:00Z" w:initials="JD"><w:p><w:r><w:t>Chiffrer le '
            'budget de la plateforme</w:t></w:r></w:p></w:comment></w:comments>'))
        archive.writestr("word/people.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<w15:people xmlns:w15="http://schemas.'
            f'microsoft.com/office/word/2012/wordml"><w15:person w15:author="{COMMENTER}"><w15:presenceInfo '
            f'w15:providerId="AD" w15:userId="S::{COMMENTER_EMAIL}::8a2f61c4"/></w15:person></w15:people>'))
        archive.writestr("word/settings.xml", (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<w:settings {WORD}><w:trackRevisions/>'
            '<w:attachedTemplate r:id="rId1"/><w:defaultTabStop w:val="708"/></w:settings>'))
        archive.writestr("word/_rels/settings.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="' + RELATIONSHIPS
            + f'/attachedTemplate" Target="file:///C:\\Users\\{COMMENTER_FOLDER}\\AppData\\Roaming\\Microsoft\\'
            'Templates\\Normal.dotm" TargetMode="External"/></Relationships>'))
    return buffer.getvalue()


ODF = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
       'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
       'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" '
       'xmlns:ooo="http://openoffice.org/2004/office" office:version="1.3"')


def odt_with_annotation_and_change() -> bytes:
    """An OpenDocument text with an annotation and a tracked deletion by Mme Duval, as LibreOffice writes them,
    and settings naming her printer and address book."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {ODF}><office:body><office:text>'
            '<text:tracked-changes text:track-changes="true"><text:changed-region xml:id="ct1" text:id="ct1">'
            f'<text:deletion><office:change-info><dc:creator>{COMMENTER}</dc:creator><dc:date>2024-03-01T10:05:00'
            '</dc:date></office:change-info><text:p>et leurs proches</text:p></text:deletion></text:changed-region>'
            '</text:tracked-changes><text:p>Un guichet unique<office:annotation office:name="__Annotation__1">'
            f'<dc:creator>{COMMENTER}</dc:creator><dc:date>2024-03-01T10:10:00</dc:date><meta:creator-initials>JD'
            '</meta:creator-initials><text:p>Chiffrer le budget de la plateforme</text:p></office:annotation> pour '
            'les aidants<text:change text:change-id="ct1"/></text:p></office:text></office:body>'
            '</office:document-content>'))
        archive.writestr("styles.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles {ODF}><office:master-styles/>'
            '</office:document-styles>'))
        archive.writestr("settings.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-settings {ODF}><office:settings>'
            '<config:config-item-set config:name="ooo:configuration-settings"><config:config-item config:name='
            f'"PrinterName" config:type="string">Imprimante de {COMMENTER}</config:config-item><config:config-item '
            'config:name="CurrentDatabaseDataSource" config:type="string">file:///home/'
            f'{COMMENTER_FOLDER}/Documents/{COMMENTER_EMAIL}.odb</config:config-item><config:config-item '
            'config:name="PrintBlackFonts" config:type="boolean">false</config:config-item>'
            '</config:config-item-set></office:settings></office:document-settings>'))
        archive.writestr("META-INF/manifest.xml", (
            '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
            'opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
            'manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
            '<manifest:file-entry manifest:full-path="settings.xml" manifest:media-type="text/xml"/>'
            '</manifest:manifest>'))
    return buffer.getvalue()


ANNOTATED = {"annote.docx": docx_with_comments_and_changes, "annote.odt": odt_with_annotation_and_change}


def inflated_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {info.filename: archive.read(info) for info in archive.infolist()}


@pytest.mark.parametrize("filename", ANNOTATED)
def test_a_blind_reviewer_gets_comments_and_tracked_changes_without_their_authors(client, world, filename):
    original = ANNOTATED[filename]()
    assert COMMENTER.encode() in inflated(original) and COMMENTER_EMAIL.encode() in inflated(original)
    record = upload_as_lead(client, world, original, filename)

    response = download_as(client, world["reviewer"], record)

    assert response.status_code == 200
    cleaned = inflated_members(response.data)
    assert list(cleaned) == list(inflated_members(original))
    for name, content in cleaned.items():
        for naming in (COMMENTER, COMMENTER_EMAIL, COMMENTER_FOLDER, "JD"):
            assert naming.encode() not in content, (name, naming)
        if name.endswith((".xml", ".rels")):
            ElementTree.fromstring(content)  # still well-formed
    everything = b"".join(cleaned.values()).decode()
    for kept in ("Chiffrer le budget de la plateforme", "pour les aidants", "et leurs proches"):
        assert kept in everything
    assert "Relecteur" in everything
    assert download_as(client, world["organiser"], record).data == original


def test_a_blind_reviewer_gets_word_comments_and_changes_still_attached_to_the_text(client, world):
    record = upload_as_lead(client, world, docx_with_comments_and_changes(), "annote.docx")

    cleaned = inflated_members(download_as(client, world["reviewer"], record).data)

    word = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    document = ElementTree.fromstring(cleaned["word/document.xml"])
    insertion, deletion = document.find(f".//{word}ins"), document.find(f".//{word}del")
    assert insertion.get(f"{word}author") == deletion.get(f"{word}author") == "Relecteur"
    assert insertion.get(f"{word}date") == "2024-03-01T10:00:00Z"
    comment = ElementTree.fromstring(cleaned["word/comments.xml"]).find(f"{word}comment")
    assert (comment.get(f"{word}id"), comment.get(f"{word}author"), comment.get(f"{word}initials")) == \
        ("0", "Relecteur", "")
    assert document.find(f".//{word}commentReference").get(f"{word}id") == "0"
    person = ElementTree.fromstring(cleaned["word/people.xml"])[0]
    assert person.get("{http://schemas.microsoft.com/office/word/2012/wordml}author") == "Relecteur"
    assert b'Target="Normal.dotm"' in cleaned["word/_rels/settings.xml.rels"]
    assert cleaned["word/settings.xml"] == inflated_members(docx_with_comments_and_changes())["word/settings.xml"]


def test_a_clean_copy_made_by_an_earlier_cleaner_is_made_again(client, world):
    original = docx_with_comments_and_changes()
    record = upload_as_lead(client, world, original, "annote.docx")
    folder, stem = os.path.dirname(file_path(record)), record.stored_name.rsplit(".", 1)[0]
    # What the cleaner of version 1 left: the properties gone, the authors of comments still there.
    stale = os.path.join(folder, f"{stem}.clean1.docx")
    with open(stale, "wb") as out:
        out.write(original)

    data = download_as(client, world["reviewer"], record).data

    assert COMMENTER.encode() not in inflated(data)
    assert os.path.exists(os.path.join(folder, f"{stem}.clean{scrubbing.VERSION}.docx"))


# --- what everyone else gets --------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["lead", "organiser", "jury"])
@pytest.mark.parametrize("filename", ["dossier.docx", "dossier.pdf", "photo.jpg"])
def test_the_team_the_organisers_and_the_jury_get_the_file_as_uploaded(client, world, who, filename):
    original = DOCUMENTS[filename]()
    record = upload_as_lead(client, world, original, filename)

    response = download_as(client, world[who], record)

    assert response.status_code == 200
    assert response.data == original


@pytest.mark.parametrize("filename", ["dossier.docx", "dossier.odt", "photo.png"])
def test_a_reviewer_of_an_open_call_gets_the_file_as_uploaded(client, world, filename):
    world["call"].blind = BlindLevel.OPEN
    db.session.commit()
    original = DOCUMENTS[filename]()
    record = upload_as_lead(client, world, original, filename)

    response = download_as(client, world["reviewer"], record)

    assert response.status_code == 200
    assert response.data == original


# --- a file that cannot be cleaned ----------------------------------------------------------------------

def test_a_file_that_cannot_be_cleaned_is_refused_to_a_blind_reviewer_and_logged(client, world, caplog):
    broken = b"%PDF-1.7\n" + f"/Author ({NAME}) ".encode() + b"\x00garbage that no reader can parse" * 10
    record = upload_as_lead(client, world, broken, "dossier.pdf")

    with caplog.at_level(logging.WARNING):
        response = download_as(client, world["reviewer"], record)

    assert response.status_code == 422
    assert response.mimetype == "text/html"
    assert b"Lambert" not in response.data
    with force_locale("fr"):
        title = gettext("This file cannot be sent to you")
    assert title in unescape(response.get_data(as_text=True))
    assert any(f"file {record.id}" in r.getMessage() and "not served" in r.getMessage() for r in caplog.records)
    assert download_as(client, world["organiser"], record).data == broken


# --- the applicants are told ----------------------------------------------------------------------------

NOTICE = ("This call is reviewed blind: reviewers are not told who you are. The properties of the files you "
          "attach (author, organisation…) and the names of whoever wrote their comments and tracked changes are "
          "removed from the copies reviewers receive, but not what your documents say: make sure that their "
          "text, headers, footers, and the text of their comments and tracked changes, name neither you nor "
          "your team.")


@pytest.mark.parametrize("blind, shown", [(BlindLevel.BLIND, True), (BlindLevel.OPEN, False)])
def test_the_upload_form_of_a_blind_call_says_what_is_removed_and_what_is_not(client, world, blind, shown):
    world["call"].blind = blind
    db.session.commit()
    sign_in_as(client, world["lead"])

    html = unescape(client.get(f"/submissions/{world['project'].id}").get_data(as_text=True))

    with force_locale("fr"):
        notice, reminder = gettext(NOTICE), gettext("Blind review: the file must not name you.")
    assert notice != NOTICE  # translated
    assert (notice in html) is shown
    # and beside the upload buttons, far below, a reminder that links back to it
    assert (reminder in html) is shown and ('href="#blind-files"' in html) is shown
