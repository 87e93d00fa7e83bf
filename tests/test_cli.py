"""flask commands: demo, create-admin, outbox send."""
from __future__ import annotations

import random
import re
from collections import Counter

import pytest
from werkzeug.security import check_password_hash

from prizeapp.core.uploads import PDF, sniff_bytes
from prizeapp.demo import DEMO_PASSWORD, texts
from prizeapp.demo.edition import NEWCOMERS
from prizeapp.demo.files import minimal_pdf
from prizeapp.demo.people import NAMED
from prizeapp.demo.plan import SEED, generated_people, prize_plans
from prizeapp.enums import (
    CallKind,
    CallPhase,
    CallRoleKind,
    MemberRole,
    OutboxStatus,
    QuestionKind,
    SubmissionStatus,
    UnitKind,
)
from prizeapp.extensions import db
from prizeapp.markup import render_markdown
from prizeapp.models import (
    Assignment,
    AssignmentRun,
    AuditEvent,
    Bid,
    CalibrationRun,
    Call,
    CallRole,
    ConflictDeclaration,
    ConflictWaiver,
    FormQuestion,
    ImpactIndicator,
    ImpactPlan,
    ImpactReport,
    OrgUnit,
    OutboxEmail,
    PoolMember,
    Review,
    ReviewScore,
    Submission,
    SubmissionFile,
    SubmissionMember,
    User,
)
from prizeapp.models.types import utcnow
from prizeapp.services.calls import accepts_submissions, current_phase
from prizeapp.services.submissions import file_path, missing_items

from . import factories

PRIZE = "Prix de l'innovation des agents publics 2026"
AAP = "Appel à projets «\u00a0Territoires d'essaimage\u00a0» 2026"


def counts():
    return {model.__name__: db.session.scalar(db.select(db.func.count()).select_from(model))
            for model in (User, OrgUnit, Call, CallRole, FormQuestion, Submission, SubmissionMember,
                          SubmissionFile, AuditEvent, OutboxEmail, PoolMember, Bid, ConflictDeclaration,
                          ConflictWaiver, AssignmentRun, Assignment, Review, ReviewScore, CalibrationRun,
                          ImpactPlan, ImpactIndicator, ImpactReport)}


@pytest.fixture
def demo_loaded(app, monkeypatch, tmp_path):
    """The demo loaded by `flask demo`, its files stored in a temporary folder; returns the command's output."""
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return result.output


def call_titled(title: str) -> Call:
    return db.session.scalar(db.select(Call).where(Call.title == title))


def submissions_of(call: Call, status: SubmissionStatus | None = None) -> list[Submission]:
    query = db.select(Submission).where(Submission.call_id == call.id).order_by(Submission.id)
    if status is not None:
        query = query.where(Submission.status == status)
    return list(db.session.scalars(query))


def test_demo_loads_a_realistic_platform_and_is_idempotent(app, demo_loaded):
    loaded = counts()
    calls_before = {c.slug: (c.phase, c.opens_at, c.submission_deadline, c.rules, c.categories)
                    for c in db.session.scalars(db.select(Call))}
    second = app.test_cli_runner().invoke(args=["demo"])
    assert second.exit_code == 0, second.output

    db.session.expire_all()
    assert counts() == loaded
    assert {c.slug: (c.phase, c.opens_at, c.submission_deadline, c.rules, c.categories)
            for c in db.session.scalars(db.select(Call))} == calls_before
    assert 80 <= loaded["User"] <= 120
    assert loaded["Submission"] >= 60 + 6 and loaded["SubmissionFile"] >= 3
    # The prize's reviews (five late) and the 2025 edition's, three per project; a ranking of each.
    assert loaded["Review"] == 3 * 60 - 5 + 3 * 17 and loaded["CalibrationRun"] == 2
    # Nothing waits to go to the fake addresses: no receipts or invitations; the emails of the essaimage story
    # (prizeapp/demo/essaimage.py) were delivered on the story's dates.
    assert db.session.scalar(db.select(db.func.count(OutboxEmail.id))
                             .where(OutboxEmail.status != OutboxStatus.SENT)) == 0
    assert DEMO_PASSWORD in demo_loaded and "claire.admin@" in demo_loaded
    # The named people one per line, the generated applicants in one line, one line per call (and two for the
    # past edition's impact follow-up).
    assert len(demo_loaded.splitlines()) < 52
    assert re.search(r"\+ \d+ generated applicants", demo_loaded)
    assert "60 submitted" in demo_loaded
    kinds = Counter(u.kind for u in db.session.scalars(db.select(OrgUnit)))
    assert kinds[UnitKind.ORGANISATION] == 2 and kinds[UnitKind.DIRECTION] == 6 and kinds[UnitKind.SERVICE] == 12
    calls = db.session.scalars(db.select(Call)).all()
    assert {c.kind for c in calls} == {CallKind.INNOVATION_PRIZE, CallKind.CALL_FOR_PROJECTS}
    for call in calls:
        assert [c.name for c in call.criteria] == ["Innovation", "Impact", "Modèle économique", "Essaimage",
                                                   "Faisabilité et équipe"]
        assert sum(c.weight for c in call.criteria) == 100
        assert call.submission_deadline < call.review_deadline < call.results_at
        assert call.schedule.problems() == []
        assert len(call.categories) >= 3 and not call.eligible_unit_ids and not call.eligible_email_domains
        rules = str(render_markdown(call.rules))
        assert "<h3>Calendrier</h3>" in rules and "<h3>Évaluation</h3>" in rules and "None" not in call.rules
    roles = Counter(r.role for r in db.session.scalars(db.select(CallRole)))
    assert roles[CallRoleKind.ORGANISER] >= 2 and roles[CallRoleKind.JURY] >= 4 and roles[CallRoleKind.REVIEWER] >= 10
    admin = db.session.scalar(db.select(User).where(User.is_admin))
    assert admin is not None and check_password_hash(admin.password_hash, DEMO_PASSWORD)
    # Every demo account can sign in: confirmed, and placed in the org chart unless from outside it (the social
    # innovator, and the people of territories across France in the essaimage story).
    users = db.session.scalars(db.select(User)).all()
    assert all(u.email_confirmed for u in users)
    assert {u.email for u in users if u.unit_id is None} == {
        "alice.blanchard@innovation-sociale.example.org", *(p.email for p in NEWCOMERS)}


def test_demo_prize_is_in_review_with_sixty_submitted_projects(demo_loaded):
    prize = call_titled(PRIZE)
    now = utcnow()
    assert prize.opens_at < prize.submission_deadline < now < prize.review_deadline
    assert prize.phase == CallPhase.REVIEW and current_phase(prize) == CallPhase.REVIEW
    assert not accepts_submissions(prize)

    submitted = submissions_of(prize, SubmissionStatus.SUBMITTED)
    assert len(submitted) >= 55
    assert len(submissions_of(prize)) == len(submitted)
    for sub in submitted:
        assert missing_items(sub) == [], sub.reference
        assert prize.opens_at <= sub.created_at <= sub.submitted_at < prize.submission_deadline
        assert sub.category in prize.categories
        assert sub.territory and 0 < sub.budget_requested <= 15_000
        assert len(sub.summary) <= 1500 and sub.description.count("### ") >= 4
        assert "{" not in sub.title + sub.summary + sub.description  # every template slot was filled
        assert [m.role for m in sub.members].count(MemberRole.LEAD) == 1
    assert len({s.title for s in submitted}) == len(submitted)
    assert len({s.description for s in submitted}) == len(submitted)
    assert len({s.category for s in submitted}) == len(prize.categories)  # every category has projects
    assert sum(len(s.members) > 1 for s in submitted) >= 10  # teams with co-applicants
    leads = {m.user_id for s in submitted for m in s.members if m.role == MemberRole.LEAD}
    assert len(leads) >= 50  # spread over many applicants, not a handful of accounts
    # The last hours before the deadline are busy, as in real calls.
    assert sum(prize.submission_deadline - s.submitted_at < (prize.submission_deadline - prize.opens_at) / 10
               for s in submitted) >= 15


def test_demo_prize_has_a_reviewer_pool_assigned_and_reviewed_by_reviewers_of_varied_leniency(demo_loaded):
    from prizeapp.enums import (
        AssignmentRunStatus,
        AssignmentStatus,
        ConflictSource,
        PoolStatus,
    )
    from prizeapp.services import ranking, review_pool, reviews

    prize = call_titled(PRIZE)
    members = db.session.scalars(db.select(PoolMember).where(PoolMember.call_id == prize.id)).all()
    assert len(members) >= 10 and {m.status for m in members} == {PoolStatus.ACCEPTED}
    assert all(m.keywords and set(m.themes) <= set(prize.categories) for m in members)
    assert len({tuple(m.keywords) for m in members}) == len(members)
    assert sum(m.max_load is not None for m in members) >= 2
    assert db.session.scalar(db.select(db.func.count(Bid.id))) >= 40
    sources = Counter(d.source for d in db.session.scalars(db.select(ConflictDeclaration)))
    assert sources[ConflictSource.REVIEWER] == 2 and sources[ConflictSource.APPLICANT] == 1
    assert db.session.scalar(db.select(db.func.count(ConflictWaiver.id))) == 1
    # The demo computed and committed the assignment with the real solver, conflicts avoided...
    run = db.session.scalar(db.select(AssignmentRun).where(AssignmentRun.call_id == prize.id))
    assert run.status == AssignmentRunStatus.DONE, run.error
    assert run.result["pairs"] == prize.reviewers_per_submission * len(review_pool.submissions_to_review(prize))
    assert run.result["conflicts_avoided"]["by_reason"]["declared_by_reviewer"] == 2
    committed = db.session.scalars(db.select(Assignment).where(Assignment.call_id == prize.id)).all()
    assert {a.status for a in committed} == {AssignmentStatus.COMMITTED} and len(committed) == run.result["pairs"]
    # ...most reviews are in, a few are late, and the ranking is computed.
    state = reviews.progress(prize)
    assert state.assigned - 10 <= state.submitted < state.assigned
    latest = ranking.latest(prize)
    assert latest is not None and latest.model == "hierarchical" and ranking.is_current(prize, latest)
    leniency = {r["name"]: r["leniency"] for r in latest.result["reviewers"]}
    assert leniency["Émilie François"] > 0.3 > -0.3 > leniency["Laure Robin"]  # the generous and the harsh
    assert any(r["outlier"] for r in latest.result["reviewers"])  # the one who scores at random is flagged
    assert any(p["raw_rank"] != p["rank"] for p in latest.result["submissions"])
    assert latest.result["top_k"] == prize.prize_count == 3


def test_demo_prize_jury_has_voted_on_its_best_projects_and_nothing_is_decided(demo_loaded):
    from prizeapp.enums import VoteChoice
    from prizeapp.models.decision import Decision, JuryVote
    from prizeapp.services import deliberation

    prize = call_titled(PRIZE)
    votes = db.session.scalars(db.select(JuryVote).where(JuryVote.call_id == prize.id)).all()
    jury = deliberation.jury_members(prize)
    assert len(jury) == 3 and len(votes) >= 8
    assert {v.jury_member_id for v in votes} == {u.id for u in jury}
    assert {v.choice for v in votes} == set(VoteChoice)
    for member in jury:  # nobody votes on a project they are recused from
        hidden = deliberation.hidden_from(prize, member, organiser=False)
        assert not hidden & {v.submission_id for v in votes if v.jury_member_id == member.id}
    assert db.session.scalar(db.select(db.func.count(Decision.id)).where(Decision.call_id == prize.id)) == 0
    assert prize.results_published_at is None


def test_demo_call_for_projects_has_a_pool_ready_for_an_assignment(demo_loaded):
    from prizeapp.enums import AssignmentRunStatus
    from prizeapp.services import assignment

    aap = call_titled(AAP)
    assert db.session.scalar(db.select(db.func.count(PoolMember.id)).where(PoolMember.call_id == aap.id)) >= 5
    assert db.session.scalar(db.select(db.func.count(Assignment.id)).where(Assignment.call_id == aap.id)) == 0
    organiser = db.session.scalar(db.select(User).where(User.email.startswith("sophie.martin@")))
    run = assignment.run_assignment(run=assignment.start_run(call=aap, actor=organiser))
    assert run.status == AssignmentRunStatus.DONE, run.error


def test_demo_call_for_projects_is_open_with_drafts_and_complete_submissions(demo_loaded):
    aap = call_titled(AAP)
    assert aap.phase == CallPhase.OPEN and accepts_submissions(aap)
    assert aap.submission_deadline > utcnow()
    kinds = {q.label: q.kind for q in aap.questions}
    assert kinds == {"Type de territoire": QuestionKind.SINGLE_CHOICE,
                     "Nombre d'agents concernés": QuestionKind.NUMBER, "Plan de financement": QuestionKind.FILE}
    file_question = next(q for q in aap.questions if q.kind == QuestionKind.FILE)
    assert file_question.required

    submitted = submissions_of(aap, SubmissionStatus.SUBMITTED)
    drafts = submissions_of(aap, SubmissionStatus.DRAFT)
    assert len(submitted) >= 3 and len(drafts) >= 2
    for sub in submitted:
        assert missing_items(sub) == [], sub.reference
        assert aap.opens_at <= sub.submitted_at <= utcnow()
        assert any(f.question_key == file_question.key for f in sub.files)
    # Drafts are incomplete, so the form's "what is missing" has something to show.
    assert all(missing_items(d) for d in drafts)
    assert any(file_question.key in missing_items(d) for d in drafts)
    assert any(m.role == MemberRole.CO_APPLICANT for s in submitted for m in s.members)
    assert any(m.role == MemberRole.CO_APPLICANT for s in drafts for m in s.members)


def test_demo_files_are_real_pdfs(demo_loaded):
    files = db.session.scalars(db.select(SubmissionFile)).all()
    assert files
    for record in files:
        with open(file_path(record), "rb") as stored:
            data = stored.read()
        assert sniff_bytes(data) == PDF and record.content_type == PDF.content_type
        assert data.startswith(b"%PDF-1.4") and record.size == len(data) < 2000
        assert record.display_name == "Plan de financement.pdf"
        assert_valid_pdf_structure(data)
        assert record.uploaded_at <= record.submission.submitted_at


def assert_valid_pdf_structure(data: bytes) -> None:
    """The cross-reference table points at each object, and startxref at the table."""
    assert data.rstrip().endswith(b"%%EOF")
    startxref = int(re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data).group(1))
    assert data[startxref:].startswith(b"xref")
    entries = re.findall(rb"(\d{10}) 00000 n ", data[startxref:])
    assert len(entries) == 5
    for number, offset in enumerate(entries, start=1):
        assert data[int(offset):].startswith(b"%d 0 obj" % number)
    length = int(re.search(rb"/Length (\d+)", data).group(1))
    stream = data[data.index(b"stream\n") + len(b"stream\n"):]
    assert stream[length:].startswith(b"\nendstream")


def test_minimal_pdf_escapes_text_and_keeps_accents():
    data = minimal_pdf(["Coût (estimé) : 12 000 €", "a\\b"])
    assert_valid_pdf_structure(data)
    assert "Coût \\(estimé\\) : 12 000 €".encode("cp1252") in data and b"a\\\\b" in data


def test_demo_texts_are_reproducible():
    def plans():
        r = random.Random(SEED)
        generated = generated_people(r)
        return generated, prize_plans(r, generated)

    (people1, plans1), (people2, plans2) = plans(), plans()
    assert people1 == people2
    assert [(p.key, p.lead.email, p.text.title, p.text.description) for p in plans1] == \
           [(p.key, p.lead.email, p.text.title, p.text.description) for p in plans2]
    emails = [p.email for p in NAMED + people1]
    assert len(emails) == len(set(emails))
    # Each direction's agents write about their own field: a crèche team about crèches, not about data.
    for plan in plans1:
        assert any(plan.text.title in theme.titles and theme.direction == plan.lead.direction
                   for theme in texts.THEMES), plan.text.title


def test_demo_is_refused_in_production(app, monkeypatch):
    monkeypatch.setitem(app.config, "ENV", "production")
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    assert counts()["User"] == 0 and counts()["Submission"] == 0


def test_create_admin_creates_or_promotes(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "--email", "Chef@Example.gouv.fr", "--first-name", "Anne",
                                 "--last-name", "Chef", "--password", "une longue phrase"])
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(db.select(User).where(User.email == "chef@example.gouv.fr"))
    assert admin.is_admin and admin.email_confirmed

    existing = factories.user(email="agent@example.gouv.fr")
    runner.invoke(args=["create-admin", "--email", existing.email, "--first-name", "x", "--last-name", "y",
                        "--password", "une autre phrase"])
    db.session.refresh(existing)
    assert existing.is_admin and check_password_hash(existing.password_hash, "une autre phrase")


def test_outbox_send_delivers_due_emails(app, mailbox):
    factories.email(recipient="a@example.gouv.fr")
    factories.email(recipient="b@example.gouv.fr")

    result = app.test_cli_runner().invoke(args=["outbox", "send"])

    assert result.exit_code == 0, result.output
    assert "2 sent" in result.output
    assert sorted(m["To"] for m in mailbox.messages) == ["a@example.gouv.fr", "b@example.gouv.fr"]
    assert set(db.session.scalars(db.select(OutboxEmail.status))) == {OutboxStatus.SENT}


def test_outbox_worker_loop_stops_cleanly_on_sigterm(app, mailbox, tmp_path):
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    factories.email(recipient="worker@example.gouv.fr")
    env = {"PRIZEAPP_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "PRIZEAPP_MAIL_PORT": str(app.config["MAIL_PORT"]),
           "PRIZEAPP_INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "outbox", "send", "--loop",
                               "--interval", "0.2"], cwd=Path(__file__).parents[1], env=env,
                              stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not mailbox.messages and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0
    assert "1 sent" in output
    assert [m["To"] for m in mailbox.messages] == ["worker@example.gouv.fr"]
