"""Office documents are ZIP archives: one that inflates to hundreds of megabytes from a few hundred kilobytes
is refused at upload, and never inflated, neither at upload nor when a blind reviewer downloads it."""
from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
import uuid
import zipfile
from html import unescape

import pytest
from flask_babel import force_locale, gettext

from prizeapp.enums import AssignmentStatus, BlindLevel, CallPhase, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models import Assignment, SubmissionFile
from prizeapp.services.submissions import upload_folder

from .. import factories
from ..conftest import form_token, sign_in_as

MIB = 1024 * 1024
INFLATED = 300 * MIB  # what the bombs below become once inflated
ODT_TYPE = b"application/vnd.oasis.opendocument.text"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _deflated_member(archive: zipfile.ZipFile, name: str, *, prefix: bytes, filler: bytes, size: int) -> None:
    """A deflated member of about `size` bytes, written a megabyte at a time (the test stays small)."""
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    chunk = filler * (MIB // len(filler))
    with archive.open(info, "w") as member:
        member.write(prefix)
        for _ in range(size // len(chunk)):
            member.write(chunk)


@pytest.fixture(scope="module")
def odt_bomb() -> bytes:
    """An OpenDocument text whose "mimetype" entry is the right type followed by 300 MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _deflated_member(archive, "mimetype", prefix=ODT_TYPE, filler=b"\0", size=INFLATED)
        archive.writestr("content.xml", b"<office:document-content/>")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def docx_bomb() -> bytes:
    """A Word document whose word/document.xml is 300 MB of empty paragraphs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("docProps/core.xml", b"<cp:coreProperties/>")
        _deflated_member(archive, "word/document.xml", prefix=b"<w:document><w:body>", filler=b"<w:p/>",
                         size=INFLATED)
    return buffer.getvalue()


@pytest.fixture
def draft(client):
    call = factories.call()
    lead = factories.user()
    submission = factories.submission(call=call, lead=lead)
    sign_in_as(client, lead)
    return submission


def upload(client, submission, data: bytes, filename: str):
    html = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    return client.post(f"/submissions/{submission.id}/files",
                       data={"csrf_token": form_token(html), "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def refused_message() -> str:
    with force_locale("fr"):
        return gettext("This type of file is not accepted: attach a PDF, an ODT or DOCX document, or a PNG or "
                       "JPEG image.")


def peak_memory_of(action):
    tracemalloc.start()
    try:
        result = action()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("bomb, name", [("odt_bomb", "dossier.odt"), ("docx_bomb", "dossier.docx")])
def test_an_office_document_inflating_to_hundreds_of_megabytes_is_refused_without_inflating_it(
        request, client, draft, bomb, name):
    data = request.getfixturevalue(bomb)
    assert len(data) < 2 * MIB  # well under the upload limit: only its inflated size is absurd
    before = set(os.listdir(upload_folder()))

    response, peak = peak_memory_of(lambda: upload(client, draft, data, name))

    assert response.status_code == 422
    assert refused_message() in unescape(response.get_data(as_text=True))
    assert db.session.scalars(db.select(SubmissionFile)).all() == []
    assert set(os.listdir(upload_folder())) == before
    assert peak < 30 * MIB  # the upload itself and the page; nothing near the 300 MB it would inflate to


def test_a_bomb_stored_before_the_limits_is_not_inflated_for_a_blind_reviewer(client, docx_bomb):
    call = factories.call(phase=CallPhase.REVIEW)
    call.blind = BlindLevel.BLIND
    project = factories.submission(call=call, status=SubmissionStatus.SUBMITTED)
    reviewer = factories.user(email="experte@labo-independant.fr")  # no conflict with the applicant
    factories.pool_member(call=call, user=reviewer)
    db.session.add(Assignment(call_id=call.id, submission_id=project.id, reviewer_id=reviewer.id,
                              status=AssignmentStatus.COMMITTED))
    stored_name = f"{uuid.uuid4().hex}.docx"
    with open(os.path.join(upload_folder(), stored_name), "wb") as out:
        out.write(docx_bomb)
    record = SubmissionFile(submission=project, display_name="dossier.docx", stored_name=stored_name,
                            content_type=DOCX_TYPE, size=len(docx_bomb),
                            sha256=hashlib.sha256(docx_bomb).hexdigest())
    db.session.add(record)
    db.session.commit()
    sign_in_as(client, reviewer)

    response, peak = peak_memory_of(lambda: client.get(f"/files/{record.id}"))

    assert response.status_code == 422
    assert response.mimetype == "text/html"
    assert peak < 30 * MIB
