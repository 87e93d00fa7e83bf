"""The record of the jury's meeting as an A4 PDF to sign, and the jury pack, on a call of 60 projects built with
the factories: a few pages, the tally of the members present only (the screen says the same), the ranking in
words, the signature block, the reasons; the pack without a recused member's projects, reviewers' names kept
out of blind calls; the PDFs' metadata."""
from __future__ import annotations

import io
import re
import subprocess
from datetime import timedelta
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from prizeapp.enums import BlindLevel, CallPhase, CallRoleKind, DecisionOutcome, SubmissionStatus, VoteChoice
from prizeapp.extensions import db
from prizeapp.models import Call, Submission, User
from prizeapp.models.decision import Deliberation
from prizeapp.models.types import utcnow
from prizeapp.services import deliberation, ranking

from .. import factories
from ..conftest import counted_queries, fr, nfr, sign_in_as

# Built once for the module (60 projects, 180 reviews, a ranking): each test is rolled back to it.
pytestmark = pytest.mark.usefixtures("module_transaction")

THEMES = ["Mobilité douce en zone rurale", "Cantine zéro déchet", "Accueil numérique des usagers",
          "Rénovation énergétique des écoles", "Maison France services itinérante",
          "Jardins partagés au pied des immeubles", "Covoiturage solidaire pour l'emploi",
          "Tiers-lieu de la transition écologique et citoyenne", "Aide aux aidants", "Budget participatif des jeunes"]
NOT_SELECTED = ("Projet solide dont l'impact reste à démontrer à l'échelle du territoire ; le jury encourage "
                "l'équipe à présenter de nouveau sa candidature l'an prochain.")


def sixty_project_call(*, blind: BlindLevel = BlindLevel.OPEN) -> SimpleNamespace:
    """A call of 60 reviewed projects (three reviews each, eight reviewers), ranked; five jury members, one of
    them absent from the meeting though he voted on twenty projects, one recused from the second project of the
    ranking; three laureates, three mentions and the others not selected, each with its reason; the meeting
    recorded with the ranking."""
    call = factories.call(title="Prix de l'innovation publique 2027", phase=CallPhase.REVIEW)
    call.submission_deadline = utcnow() - timedelta(days=1)
    call.prize_count = 3
    call.blind = blind
    db.session.commit()
    projects = [factories.submission(call=call, status=SubmissionStatus.SUBMITTED,
                                     title=f"{THEMES[i % len(THEMES)]} (n° {i + 1})",
                                     summary=f"{THEMES[i % len(THEMES)]} : un service conçu avec les habitants, "
                                             f"expérimenté sur deux communes et prêt à être étendu.")
                for i in range(60)]
    reviewers = [factories.user(email=f"expert{j}@labo{j}.fr", first_name="Experte", last_name=f"Relectrice{j}")
                 for j in range(8)]
    for i, project in enumerate(projects):
        for k in range(3):
            j = (i + 3 * k) % 8
            factories.submitted_review(call=call, submission=project, reviewer=reviewers[j],
                                       total=max(1.0, min(5.0, 4.8 - i * 0.06 + (0.3 if j % 3 == 0 else -0.1 * k))),
                                       jury_comment=f"Avis au jury sur le projet {i + 1} par {j}.")
    organiser = factories.user(email="sophie.martin@ville-exemple.fr", first_name="Sophie", last_name="Martin")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    names = [("Anne", "Arnaud"), ("Bruno", "Blanc"), ("Chloé", "Colin"), ("David", "Durand"), ("Émilie", "Étienne")]
    jury = []
    for n, (first, last) in enumerate(names):
        member = factories.user(email=f"jure{n}@collectivite{n}.fr", first_name=first, last_name=last)
        factories.grant(member, call, CallRoleKind.JURY)
        jury.append(member)
    run = ranking.run_calibration(run=ranking.start_calibration(call=call, actor=organiser))
    ordered = [s for s, _ in deliberation.in_ranking_order(call, run)]
    absent, recused = jury[1], jury[3]
    deliberation.recuse(submission=ordered[1], jury_member=recused, actor=organiser, reason="Ancien collègue")
    for member in jury:
        for s in ordered[:20]:
            if member is recused and s is ordered[1]:
                continue
            deliberation.record_vote(submission=s, jury_member=member,
                                     choice=VoteChoice.LAUREATE if s in ordered[:3] else VoteChoice.NOT_SELECTED)
    for place, s in enumerate(ordered[:3]):
        deliberation.record_decision(submission=s, actor=organiser, outcome=DecisionOutcome.LAUREATE,
                                     reason=f"Lauréat : un impact mesuré et déjà repris ailleurs (rang {place + 1}).",
                                     prize=["Premier prix", "Deuxième prix", "Troisième prix"][place],
                                     amount=[15000, 10000, 5000][place])
    deliberation.draft_from_ranking(call=call, actor=organiser, laureates=3, mentions=3, run=run, reasons={
        DecisionOutcome.LAUREATE: "Lauréat.", DecisionOutcome.MENTION: "Mention du jury pour une démarche exemplaire.",
        DecisionOutcome.NOT_SELECTED: NOT_SELECTED})
    meeting = deliberation.record_deliberation(
        call=call, actor=organiser, held_at=utcnow().replace(second=0, microsecond=0),
        present_ids=[m.id for m in jury if m is not absent], calibration_run=run, notes="Séance en mairie.")
    db.session.commit()
    return SimpleNamespace(call=call, projects=ordered, organiser=organiser, jury=jury, absent=absent,
                           recused=recused, meeting=meeting, run=run)


@pytest.fixture(scope="module")
def world_ids(app, module_transaction):
    with app.app_context():
        built = sixty_project_call()
        ids = SimpleNamespace(call=built.call.id, projects=[p.id for p in built.projects],
                              organiser=built.organiser.id, jury=[m.id for m in built.jury],
                              absent=built.absent.id, recused=built.recused.id, meeting=built.meeting.id,
                              hash=built.run.inputs_hash)
        db.session.remove()
    return ids


@pytest.fixture
def world(world_ids):
    return SimpleNamespace(ids=world_ids, call=db.session.get(Call, world_ids.call),
                           organiser=db.session.get(User, world_ids.organiser),
                           absent=db.session.get(User, world_ids.absent),
                           recused=db.session.get(User, world_ids.recused),
                           jury=[db.session.get(User, i) for i in world_ids.jury])


def _download(app, user_id: int, path: str):
    """One request by the person `user_id`, in the module's world (a PDF takes seconds to lay out: each one the
    tests read is made once)."""
    with app.app_context():
        client = app.test_client()
        sign_in_as(client, db.session.get(User, user_id))
        response = client.get(path)
        db.session.remove()
    return response


def _record_url(ids, suffix: str = ".pdf") -> str:
    return f"/manage/calls/{ids.call}/deliberation/{ids.meeting}{suffix}"


def _pack_url(ids, **args) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/jury/calls/{ids.call}/pack.pdf" + (f"?{query}" if query else "")


@pytest.fixture(scope="module")
def record_pdf(app, world_ids) -> PdfReader:
    """The organiser's PDF of the record."""
    return _pdf(_download(app, world_ids.organiser, _record_url(world_ids)))


@pytest.fixture(scope="module")
def record_screen(app, world_ids) -> str:
    """The record's page, as text."""
    response = _download(app, world_ids.organiser, _record_url(world_ids, ""))
    assert response.status_code == 200
    return _plain(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


@pytest.fixture(scope="module")
def jury_pack_pdf(app, world_ids) -> PdfReader:
    """The pack of a jury member recused from nothing, with six projects on pages of their own."""
    return _pdf(_download(app, world_ids.jury[0], _pack_url(world_ids, projects=6)))


def _pdf(response) -> PdfReader:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    return PdfReader(io.BytesIO(response.data))


def _plain(text: str) -> str:
    """`text` in one line: line breaks and no-break spaces (French punctuation, digit groups) as plain spaces."""
    return re.sub(r"\s+", " ", str(text)).strip()


def _text(reader: PdfReader) -> str:
    return _plain(" ".join(page.extract_text() for page in reader.pages))


# --- the record ------------------------------------------------------------------------------------------

def test_the_record_of_sixty_projects_is_a_few_a4_pages(record_pdf):
    assert 2 <= len(record_pdf.pages) <= 5, f"{len(record_pdf.pages)} pages"
    width, height = (float(v) for v in record_pdf.pages[0].mediabox.upper_right)
    assert (round(width * 25.4 / 72), round(height * 25.4 / 72)) == (210, 297)  # A4, in millimetres


def test_the_record_counts_only_the_votes_of_the_members_present(world, record_pdf, record_screen):
    """Bruno Blanc voted on the first twenty projects but was absent: the tally is the four others' votes, and
    the record says whose votes it leaves out; the screen and the PDF say the same."""
    content = deliberation.record(world.call, db.session.get(Deliberation, world.ids.meeting))
    first = content.rows[0]
    assert first.tally.counts[VoteChoice.LAUREATE] == 4
    assert [v.jury_member_id for v in first.tally.not_counted] == [world.ids.absent]
    assert content.votes_counted == 4 * 20 - 1  # David Durand is recused from the second project
    assert [(x.member.id, x.votes, x.absent) for x in content.not_counted] == [(world.ids.absent, 20, True)]

    counted = _plain(nfr("Only the votes of the member present are counted: %(votes)s in all.",
                         "Only the votes of the %(num)d members present are counted: %(votes)s in all.", 4,
                         votes=nfr("%(num)d vote", "%(num)d votes", 79)))
    left_out = _plain(f"{fr('Not counted:')} Bruno Blanc ({fr('absent')}, {nfr('%(num)d vote', '%(num)d votes', 20)}).")
    text = _text(record_pdf)
    for shown in (text, record_screen):
        assert counted in shown and left_out in shown
    best = db.session.get(Submission, world.ids.projects[0])
    row = re.search(f"{re.escape(best.reference)} {re.escape(best.title)} (\\d+) (\\d+) (\\d+) ", text)
    assert row is not None and row.groups() == ("4", "0", "0")  # laureate, mention, not selected


def test_the_record_names_the_jury_the_ranking_in_words_and_the_reasons(world, record_pdf):
    text = _text(record_pdf)

    assert "Anne Arnaud" in text and "Émilie Étienne" in text
    assert _plain(f"{fr('Absent')} (1) Bruno Blanc") in text
    assert "Ancien collègue" in text  # the recusal, with its reason
    assert _plain(fr("Calibrated (recommended): each reviewer's leniency, spread and reliability, learned "
                     "from the reviews")) in text
    assert _plain(nfr("Each project's chance of being the laureate was estimated.",
                      "Each project's chance of being among the %(num)d laureates was estimated.", 3)) in text
    assert "seed =" not in text and "top_k" not in text
    assert world.ids.hash in text.replace(" ", "")
    assert "Premier prix, 15 000 €" in text
    assert text.count(NOT_SELECTED) == 54 and "Mention du jury pour une démarche exemplaire." in text
    assert "Séance en mairie." in text


def test_the_record_ends_with_a_signature_box_for_each_member_present(world, record_pdf):
    last = _plain(record_pdf.pages[-1].extract_text())

    assert _plain(fr("Done at")) in last
    boxes = last[last.index(_plain(fr("Signatures"))):]
    for member in world.jury:
        assert (member.full_name in boxes) == (member.id != world.ids.absent)
    assert boxes.count(_plain(fr("Jury member"))) == 4


def test_the_pdfs_metadata_give_the_title_and_nothing_personal(app, world, record_pdf):
    info = record_pdf.metadata

    assert info["/Title"] == f"{fr('Deliberation record')} – Prix de l'innovation publique 2027"
    assert info["/Author"] == info["/Creator"] == app.config["OPERATOR_NAME"]
    everything = " ".join(str(v) for v in info.values())
    for person in [world.organiser, *world.jury]:
        assert person.last_name not in everything and person.email not in everything


def test_pdftotext_reads_the_reasons_as_text(app, world_ids, tmp_path):
    """Poppler reads the record as well as pypdf does (as an archive or a search would): reasons are text."""
    path = tmp_path / "record.pdf"
    path.write_bytes(_download(app, world_ids.organiser, _record_url(world_ids)).data)

    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout

    assert _plain(text).count(NOT_SELECTED) == 54


def test_the_record_pdf_is_the_organisers(app, world_ids):
    assert _download(app, world_ids.jury[0], _record_url(world_ids)).status_code == 403


# --- the jury pack ---------------------------------------------------------------------------------------

def test_the_jury_pack_has_the_ranking_the_charts_and_a_page_per_shortlisted_project(world, jury_pack_pdf):
    text = _text(jury_pack_pdf)
    for project_id in world.ids.projects[:6]:
        assert db.session.get(Submission, project_id).title in text
    pages = [i for i, page in enumerate(jury_pack_pdf.pages)
             if _plain(fr("Reviewers' comments to the jury")) in _plain(page.extract_text())]
    assert len(pages) == 6 and pages == list(range(pages[0], pages[0] + 6))  # one page each
    assert "Avis au jury sur le projet" in jury_pack_pdf.pages[pages[0]].extract_text()
    assert pages[0] <= 5, "the ranking and its charts take at most five pages"
    assert _plain(fr("Charts")) in text and _plain(fr("Reviewers' leniency")) in text
    assert "Experte Relectrice" in text  # an open call names its reviewers to the jury
    assert jury_pack_pdf.metadata["/Title"] == f"{fr('Jury pack')} – Prix de l'innovation publique 2027"


def test_downloading_the_pack_is_in_the_audit_log(app, world_ids):
    _download(app, world_ids.organiser, _pack_url(world_ids, projects=1))

    last = factories.audit_events("jury.pack_exported")[-1]
    assert (last.actor_id, last.details) == (world_ids.organiser, {"projects": 1})


def test_a_recused_jury_member_gets_the_pack_without_the_project(app, world_ids):
    text = _text(_pdf(_download(app, world_ids.recused, _pack_url(world_ids, projects=3))))

    second, third = (db.session.get(Submission, i) for i in world_ids.projects[1:3])
    assert second.reference not in text and second.title not in text
    assert third.title in text


def test_a_blind_call_keeps_reviewers_names_out_of_the_pack(app, world):
    world.call.blind = BlindLevel.BLIND
    db.session.commit()

    text = _text(_pdf(_download(app, world.ids.organiser, _pack_url(world.ids, projects=2))))

    assert "Relectrice" not in text and "Experte" not in text
    assert _plain(fr("Reviewer %(code)s", code="A")) in text


def test_the_pack_is_for_the_calls_jury_and_organisers(app, world_ids):
    outsider = factories.user()
    assert _download(app, outsider.id, _pack_url(world_ids)).status_code == 403
    assert _download(app, world_ids.organiser, _pack_url(world_ids, projects=0)).status_code == 400






# --- queries ---------------------------------------------------------------------------------------------

def _recorded_call(n: int) -> tuple[int, int, int]:
    """A ranked call of `n` projects, each voted on by two jury members (one absent) and decided; its meeting
    recorded. (organiser id, call id, meeting id)"""
    call = factories.call(phase=CallPhase.REVIEW)
    call.prize_count = 1
    organiser = factories.user()
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    jury = [factories.user(email=f"jure{i}.{call.id}@collectivite{i}.fr") for i in range(2)]
    for member in jury:
        factories.grant(member, call, CallRoleKind.JURY)
    reviewers = [factories.user(email=f"expert{j}.{call.id}@labo{j}.fr") for j in range(3)]
    projects = [factories.submission(call=call, status=SubmissionStatus.SUBMITTED,
                                     lead=factories.user(email=f"porteur{i}.{call.id}@commune{i}.fr"))
                for i in range(n)]
    for i, project in enumerate(projects):
        for j in (i % 3, (i + 1) % 3):
            factories.submitted_review(call=call, submission=project, reviewer=reviewers[j], total=2 + (i + j) % 3)
        for member in jury:
            deliberation.record_vote(submission=project, jury_member=member, choice=VoteChoice.NOT_SELECTED)
        deliberation.record_decision(submission=project, actor=organiser, outcome=DecisionOutcome.NOT_SELECTED,
                                     reason="Non retenu.")
    run = ranking.run_calibration(run=ranking.start_calibration(call=call, actor=organiser))
    meeting = deliberation.record_deliberation(call=call, actor=organiser, held_at=utcnow(),
                                               present_ids=[jury[0].id], calibration_run=run)
    db.session.commit()
    return organiser.id, call.id, meeting.id


def test_the_record_runs_as_many_queries_for_twelve_projects_as_for_four(app):
    counts = []
    for n in (4, 12):
        organiser, call, meeting = _recorded_call(n)
        path = f"/manage/calls/{call}/deliberation/{meeting}"
        _download(app, organiser, path)  # once to warm what lives beyond a request
        with app.app_context():
            client = app.test_client()
            sign_in_as(client, db.session.get(User, organiser))
            with counted_queries() as seen:
                assert client.get(path).status_code == 200
            db.session.remove()
        counts.append(len(seen))
    assert counts[1] <= counts[0], f"queries grew from 4 to 12 projects: {counts}"
