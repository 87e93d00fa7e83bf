"""The applicants' pages through HTTP: calls, the submission form and its engine, the deadline, double
submissions, concurrent edits, files, the team, and the receipt on a real SMTP server."""
from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale, ngettext

from prizeapp.enums import CallPhase, CallRoleKind, MemberRole, QuestionKind, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models import AuditEvent, OutboxEmail, Submission, SubmissionMember
from prizeapp.services.outbox import deliver_pending
from prizeapp.services.submissions import upload_folder

from .. import factories
from ..conftest import form_token, fr, post_form, sign_in_as, text

PDF = factories.PDF_BYTES
EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200  # a Linux program
WINDOWS_EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


# --- the world of these tests -------------------------------------------------------------------------

@pytest.fixture
def clock(monkeypatch):
    """Set the time the app sees: the services (deadline) and the pages (countdown) read the same clock."""
    def set_now(moment: datetime) -> None:
        for module in ("prizeapp.services.calls", "prizeapp.services.submissions", "prizeapp.views.applicant"):
            monkeypatch.setattr(f"{module}.utcnow", lambda: moment)
    return set_now


@pytest.fixture
def call():
    """An open call with categories and one question of each kind (the date question is optional)."""
    c = factories.call(title="Prix de l'innovation publique")
    c.categories = ["Santé", "Éducation"]
    c.summary = "Des projets qui changent le service public."
    c.description = "## Contexte\n\nUn appel **ouvert** à tous les agents."
    c.rules = "1. Un projet par équipe.\n2. Dépôt avant la date limite."
    db.session.commit()
    factories.question(call=c, kind=QuestionKind.SHORT_TEXT, label="Nom de l'équipe", required=True, max_length=20)
    factories.question(call=c, kind=QuestionKind.LONG_TEXT, label="Modèle économique", required=True,
                       help_text="Coûts et financement.")
    factories.question(call=c, kind=QuestionKind.SINGLE_CHOICE, label="Stade", required=True,
                       choices=["Idée", "Expérimentation", "Déploiement"])
    factories.question(call=c, kind=QuestionKind.MULTIPLE_CHOICE, label="Publics", required=True,
                       choices=["Usagers", "Agents", "Élus"])
    factories.question(call=c, kind=QuestionKind.NUMBER, label="Agents concernés", required=True,
                       minimum=Decimal(1), maximum=Decimal(1000))
    factories.question(call=c, kind=QuestionKind.DATE, label="Date de lancement")
    factories.question(call=c, kind=QuestionKind.FILE, label="Plan de financement", required=True)
    return c


def keys(call) -> dict[str, str]:
    """Question keys by label."""
    return {q.label: q.key for q in call.questions}


CORE = {"title": "Guichet unique", "summary": "Un seul guichet pour les démarches.",
        "description": "Le problème, la solution, la mesure de l'impact.", "category": "Santé",
        "territory": "Lyon", "budget_requested": "12 500,50"}


def answers(call, **overrides) -> dict:
    k = keys(call)
    values = {k["Nom de l'équipe"]: "Les Pionniers", k["Modèle économique"]: "Autofinancé.",
              k["Stade"]: "Idée", k["Publics"]: ["Usagers", "Agents"], k["Agents concernés"]: "12",
              k["Date de lancement"]: "2026-05-01"}
    values.update(overrides)
    return values


def start(client, call, title="Guichet unique") -> Submission:
    """Create a draft through the page, as a browser does."""
    response = post_form(client, f"/calls/{call.slug}/apply", {"title": title,
                                                               "creation_key": _creation_key(client, call)})
    assert response.status_code == 302, text(response)[:3000]
    submission_id = int(re.search(r"/submissions/(\d+)$", response.headers["Location"]).group(1))
    return db.session.get(Submission, submission_id)


def _creation_key(client, call) -> str:
    html = client.get(f"/calls/{call.slug}/apply").get_data(as_text=True)
    return re.search(r'name="creation_key" type="hidden" value="([^"]+)"', html).group(1)


def edit_form(client, submission) -> tuple[str, str]:
    """The CSRF token and the version of the edit page."""
    html = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    return form_token(html), version


def send(client, submission, data: dict, *, action="save", token_version: tuple[str, str] | None = None):
    token, version = token_version or edit_form(client, submission)
    return client.post(f"/submissions/{submission.id}",
                       data={"csrf_token": token, "version": version, "action": action, **data})


def upload(client, submission, data: bytes, filename: str, question_key: str = ""):
    from io import BytesIO

    html = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    return client.post(f"/submissions/{submission.id}/files",
                       data={"csrf_token": form_token(html), "question_key": question_key,
                             "file": (BytesIO(data), filename)},
                       content_type="multipart/form-data")


def complete(client, call, submission):
    """Fill every required answer and attach the required file."""
    assert send(client, submission, {**CORE, **answers(call)}).status_code == 302
    assert upload(client, submission, PDF, "plan.pdf", keys(call)["Plan de financement"]).status_code == 302


@pytest.fixture
def applicant(client):
    user = factories.user(first_name="Inès", last_name="Martin", email="ines.martin@example.gouv.fr")
    sign_in_as(client, user)
    return user


def receipts() -> list[OutboxEmail]:
    return db.session.scalars(db.select(OutboxEmail).where(OutboxEmail.kind == "submission_receipt")).all()


def refresh(submission) -> Submission:
    db.session.expire_all()
    return db.session.get(Submission, submission.id)


# --- calls --------------------------------------------------------------------------------------------

def test_the_home_page_and_the_list_of_calls_link_to_each_call(client, call):
    draft_call = factories.call(title="Appel en préparation", phase=CallPhase.DRAFT)
    for path in ("/", "/calls"):
        html = text(client.get(path))
        assert f'href="/calls/{call.slug}"' in html
        assert draft_call.title not in html


def test_a_call_page_shows_description_rules_grid_categories_and_deadline_in_paris_time(client, call, clock):
    call.submission_deadline = datetime(2027, 1, 15, 11, 0, tzinfo=UTC)  # 12:00 in Paris (winter time)
    call.criteria[0].name, call.criteria[0].weight = "Innovation", 60
    call.criteria.append(factories.Criterion(position=2, name="Essaimage", description="Reprise ailleurs", weight=40))
    db.session.commit()
    clock(datetime(2027, 1, 12, 10, 30, tzinfo=UTC))

    response = client.get(f"/calls/{call.slug}")

    html = text(response)
    assert response.status_code == 200
    assert "<h3>Contexte</h3>" in html and "<strong>ouvert</strong>" in html  # Markdown, below the page's h2
    assert "<li>Un projet par équipe.</li>" in html
    assert "Essaimage" in html and "Reprise ailleurs" in html and fr("%(weight)d %%", weight=40) in html
    assert "Santé" in html and "Éducation" in html
    assert "15 janvier 2027, 12:00" in html
    left = "3\xa0jours"  # 3 days and 30 minutes, rounded down
    assert fr("Closes in %(duration)s.", duration=f'<strong class="countdown__value">{left}</strong>') in html
    assert f'data-countdown="{call.submission_deadline.isoformat()}"' in html
    # Anonymous visitors are offered to sign in first.
    assert f'/login?next=/calls/{call.slug}/apply' in html.replace("%2F", "/")


def test_the_countdown_counts_hours_then_minutes_rounded_down(client, call, clock):
    deadline = call.submission_deadline
    clock(deadline - timedelta(hours=5, minutes=59))
    assert re.search(r'<strong class="countdown__value">5\s+heures</strong>', text(client.get(f"/calls/{call.slug}")))
    clock(deadline - timedelta(minutes=1, seconds=30))
    assert re.search(r'<strong class="countdown__value">1\s+minute</strong>', text(client.get(f"/calls/{call.slug}")))
    clock(deadline)
    html = text(client.get(f"/calls/{call.slug}"))
    assert "countdown__value" not in html and fr("Submissions are closed.") in html
    assert f'href="/calls/{call.slug}/apply"' not in html


def test_an_eligible_person_is_offered_to_submit_and_others_are_told_why_not(client, call):
    call.eligible_email_domains = ["example.gouv.fr"]
    db.session.commit()
    sign_in_as(client, factories.user(email="agent@example.gouv.fr"))
    assert f'href="/calls/{call.slug}/apply"' in text(client.get(f"/calls/{call.slug}"))

    outsider = factories.user(email="agent@example.org")
    sign_in_as(client, outsider)
    html = text(client.get(f"/calls/{call.slug}"))
    assert f'href="/calls/{call.slug}/apply"' not in html
    assert fr("This call is not open to your unit or your email address.") in html
    assert "@example.gouv.fr" in html  # who can apply
    # The server refuses too, whatever the page showed.
    response = post_form(client, f"/calls/{call.slug}/apply", {"title": "Projet", "creation_key": "k"},
                         page=f"/calls/{call.slug}")
    assert response.status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(Submission)) == 0


def test_a_draft_call_is_shown_to_its_organisers_only(client):
    draft_call = factories.call(phase=CallPhase.DRAFT)
    organiser = factories.user()
    factories.grant(organiser, draft_call, CallRoleKind.ORGANISER)
    assert client.get(f"/calls/{draft_call.slug}").status_code == 302  # to the sign-in page
    sign_in_as(client, factories.user())
    assert client.get(f"/calls/{draft_call.slug}").status_code == 403
    sign_in_as(client, organiser)
    assert client.get(f"/calls/{draft_call.slug}").status_code == 200
    assert client.get("/calls/no-such-call").status_code == 404


# --- creating a draft ---------------------------------------------------------------------------------

def test_the_same_creation_key_twice_creates_one_draft(client, call, applicant):
    key = _creation_key(client, call)
    first = post_form(client, f"/calls/{call.slug}/apply", {"title": "Guichet unique", "creation_key": key})
    second = post_form(client, f"/calls/{call.slug}/apply", {"title": "Guichet unique", "creation_key": key})

    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    [submission] = db.session.scalars(db.select(Submission)).all()
    assert (submission.title, submission.status) == ("Guichet unique", SubmissionStatus.DRAFT)
    assert [(m.user_id, m.role) for m in submission.members] == [(applicant.id, MemberRole.LEAD)]
    # A new visit of the page is a new key: a second project.
    start(client, call, "Deuxième projet")
    assert db.session.scalar(db.select(db.func.count()).select_from(Submission)) == 2


def test_a_draft_needs_a_title(client, call, applicant):
    response = post_form(client, f"/calls/{call.slug}/apply", {"title": "  ", "creation_key": "k"})
    assert response.status_code == 400
    assert fr("Give your project a title.") in text(response)
    assert db.session.scalar(db.select(db.func.count()).select_from(Submission)) == 0


# --- the form engine through HTTP ---------------------------------------------------------------------

def test_every_kind_of_answer_is_saved_and_shown_again(client, call, applicant):
    submission = start(client, call)
    k = keys(call)

    response = send(client, submission, {**CORE, **answers(call, **{k["Agents concernés"]: "1 000"})})

    assert response.status_code == 302
    saved = refresh(submission)
    assert (saved.title, saved.summary, saved.category, saved.territory, saved.budget_requested) == (
        "Guichet unique", CORE["summary"], "Santé", "Lyon", Decimal("12500.50"))
    assert saved.answers == {k["Nom de l'équipe"]: "Les Pionniers", k["Modèle économique"]: "Autofinancé.",
                             k["Stade"]: "Idée", k["Publics"]: ["Usagers", "Agents"], k["Agents concernés"]: 1000,
                             k["Date de lancement"]: "2026-05-01"}
    html = text(client.get(f"/submissions/{submission.id}"))
    team = k["Nom de l'équipe"]
    assert f'name="{team}" aria-describedby="{team}-hint" value="Les Pionniers"' in html
    assert ">Autofinancé.</textarea>" in html
    assert re.search(rf'id="{k["Stade"]}-0"\s+name="{k["Stade"]}" value="Idée" checked', html)
    assert not re.search(r'value="Expérimentation" checked', html)
    assert re.search(rf'name="{k["Publics"]}" value="Usagers" checked', html)
    assert re.search(rf'name="{k["Publics"]}" value="Agents" checked', html)
    assert not re.search(rf'name="{k["Publics"]}" value="Élus" checked', html)
    assert 'value="1\u202f000"' in html or 'value="1\u00a0000"' in html  # French grouping
    assert 'type="date" id="{0}" name="{0}" value="2026-05-01"'.format(k["Date de lancement"]) in html
    assert 'value="12\u202f500,5"' in html or 'value="12\u00a0500,5"' in html
    assert re.search(r'id="category-0" name="category" type="radio" value="Santé"', html) and 'checked' in html


def test_a_french_date_is_understood(client, call, applicant):
    submission = start(client, call)
    k = keys(call)
    assert send(client, submission, {k["Date de lancement"]: "01/05/2026"}).status_code == 302
    assert refresh(submission).answers[k["Date de lancement"]] == "2026-05-01"


@pytest.mark.parametrize("label, typed, message", [
    ("Agents concernés", "douze", ("Enter a number, for example 12500 or 12 500,50.", {})),
    ("Agents concernés", "0", ("Enter a number greater than or equal to %(min)s.", {"min": "1"})),
    ("Agents concernés", "1001", ("Enter a number less than or equal to %(max)s.", {"max": "1\u202f000"})),
    ("Date de lancement", "31/02/2026", ("Enter a date such as 31/12/2026.", {})),
    ("Nom de l'équipe", "Les Pionniers du Rhône", ("At most %(max)d characters: there are %(length)d.",
                                                   {"max": 20, "length": 22})),
    ("Stade", "Abandon", ("Choose among the options offered.", {})),
])
def test_a_bad_answer_is_refused_next_to_its_field_and_what_was_typed_stays(client, call, applicant, label, typed,
                                                                            message):
    submission = start(client, call)
    key = keys(call)[label]
    version = refresh(submission).version

    response = send(client, submission, {**CORE, **answers(call, **{key: typed})})

    assert response.status_code == 422
    html = text(response)
    expected = fr(message[0], **message[1])
    # The message sits in the field's own error paragraph, tied to the input, and in the summary at the top.
    assert re.search(rf'<p class="field__error" id="{key}-error"><span class="visually-hidden">[^<]*</span> '
                     + re.escape(expected), html), html[:200]
    assert f'href="#{key}' in html
    if label != "Stade":
        assert f'value="{typed}"' in html or f">{typed}</textarea>" in html
    assert 'value="Guichet unique"' in html and CORE["summary"] in html  # the other answers stay too
    assert fr("Nothing was saved: correct the answers marked below.") in html
    saved = refresh(submission)
    assert (saved.version, saved.summary, saved.answers) == (version, "", {})


def test_a_bad_budget_and_an_unknown_category_are_refused_too(client, call, applicant):
    submission = start(client, call)
    response = send(client, submission, {**CORE, "budget_requested": "beaucoup", "category": "Sport"})
    assert response.status_code == 422
    html = text(response)
    assert re.search(r'id="budget_requested-error">.*'
                     + re.escape(fr("Enter a number, for example 12500 or 12 500,50.")), html)
    assert re.search(r'id="category-error">.*' + re.escape(fr("Choose among the options offered.")), html)
    assert 'value="beaucoup"' in html


def test_an_unknown_multiple_choice_option_is_refused(client, call, applicant):
    submission = start(client, call)
    key = keys(call)["Publics"]
    response = send(client, submission, {key: ["Usagers", "Martiens"]})
    assert response.status_code == 422
    assert re.search(rf'id="{key}-error">.*' + re.escape(fr("Choose among the options offered.")), text(response))
    assert re.search(rf'name="{key}" value="Usagers" checked', text(response))


def test_a_draft_saves_incomplete_and_the_page_says_what_is_missing(client, call, applicant):
    submission = start(client, call)

    assert send(client, submission, {"title": "Guichet unique", "summary": "Juste un résumé"}).status_code == 302

    html = text(client.get(f"/submissions/{submission.id}"))
    missing = re.search(r'<section class="panel panel--todo" id="missing".*?</section>', html, re.S).group(0)
    labels = re.findall(r'<li><a href="#[^"]+">([^<]+)</a></li>', missing)
    assert labels == [fr("Description"), fr("Category"), "Nom de l'équipe", "Modèle économique", "Stade", "Publics",
                      "Agents concernés", "Plan de financement"]  # not the optional date
    assert refresh(submission).summary == "Juste un résumé"


def test_submitting_an_incomplete_project_saves_it_and_marks_the_missing_answers(client, call, applicant):
    submission = start(client, call)
    k = keys(call)

    response = send(client, submission, {**CORE, **answers(call, **{k["Stade"]: ""})}, action="submit")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/submissions/{submission.id}?check=1#problems"
    saved = refresh(submission)
    assert saved.status == SubmissionStatus.DRAFT and saved.title == "Guichet unique"  # what was typed is saved
    html = text(client.get(response.headers["Location"]))
    required = fr("Answer this question before submitting.")
    for key in (k["Stade"], k["Plan de financement"]):
        assert re.search(rf'id="{key}-error"><span class="visually-hidden">[^<]*</span> {re.escape(required)}', html)
    assert f'id="{k["Date de lancement"]}-error"' not in html  # optional
    assert receipts() == []


def test_optional_questions_may_stay_empty_to_submit(client, call, applicant):
    submission = start(client, call)
    complete(client, call, submission)
    k = keys(call)
    assert send(client, submission, {**CORE, **answers(call, **{k["Date de lancement"]: ""})},
                action="submit").status_code == 302
    assert refresh(submission).status == SubmissionStatus.SUBMITTED


# --- the deadline -------------------------------------------------------------------------------------

def test_a_save_a_second_before_the_deadline_is_kept_and_one_at_the_deadline_refused(client, call, applicant, clock):
    submission = start(client, call)
    deadline = call.submission_deadline
    page = edit_form(client, submission)

    clock(deadline - timedelta(seconds=1))
    assert send(client, submission, {**CORE, "summary": "À temps"}, token_version=page).status_code == 302
    page = edit_form(client, submission)

    clock(deadline)
    response = send(client, submission, {**CORE, "summary": "En retard"}, token_version=page)

    assert response.status_code == 409
    html = text(response)
    assert fr("The deadline has passed: submissions closed on %(deadline)s (Paris time). Nothing was changed.",
              deadline=_paris(deadline)) in html
    assert "En retard" in html  # shown, so that it can be copied; not saved
    saved = refresh(submission)
    assert (saved.summary, saved.status) == ("À temps", SubmissionStatus.DRAFT)


def _paris(moment: datetime) -> str:
    from prizeapp.formatting import datetime_filter

    with force_locale("fr"):
        return datetime_filter(moment, "long")


def test_a_late_submit_is_refused_and_the_draft_stays_intact(client, call, applicant, clock):
    submission = start(client, call)
    complete(client, call, submission)
    before = refresh(submission)
    snapshot = (before.version, before.title, before.summary, dict(before.answers), len(before.files))
    audit_count = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent))
    page = edit_form(client, submission)

    clock(call.submission_deadline + timedelta(minutes=3))
    response = send(client, submission, {**CORE, "title": "Titre changé trop tard"}, action="submit",
                    token_version=page)

    assert response.status_code == 409
    assert fr("The deadline has passed: submissions closed on %(deadline)s (Paris time). Nothing was changed.",
              deadline=_paris(call.submission_deadline)) in text(response)
    after = refresh(submission)
    assert (after.version, after.title, after.summary, dict(after.answers), len(after.files)) == snapshot
    assert after.status == SubmissionStatus.DRAFT and after.submitted_at is None
    assert receipts() == []
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) == audit_count
    # Late uploads, invitations and re-openings are refused the same way.
    assert upload(client, submission, PDF, "tard.pdf").status_code == 409
    assert len(refresh(submission).files) == 1
    assert post_form(client, f"/submissions/{submission.id}/team", {"email": "a@example.org"},
                     page="/").status_code == 409
    # The page no longer offers the form, and says why.
    html = text(client.get(f"/submissions/{submission.id}"))
    assert 'id="submission-form"' not in html
    assert fr("This draft was not submitted before the deadline. It is kept as it was, but can no longer be "
              "changed.") in html


def test_a_deadline_just_after_the_spring_clock_change_is_enforced_to_the_second(client, call, applicant, clock):
    # On 28 March 2027 Paris clocks jump from 02:00 to 03:00: a 03:30 deadline is 01:30 UTC (summer time), not
    # 02:30 UTC as a fixed +01:00 offset would make it.
    call.opens_at = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
    call.submission_deadline = datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    call.review_deadline = datetime(2027, 5, 1, 8, 0, tzinfo=UTC)
    db.session.commit()
    clock(datetime(2027, 3, 27, 12, 0, tzinfo=UTC))
    submission = start(client, call)
    complete(client, call, submission)
    other = start(client, call, "Projet en retard")
    html = text(client.get(f"/calls/{call.slug}"))
    assert "28 mars 2027, 03:30" in html and "02:30" not in html

    clock(datetime(2027, 3, 28, 1, 29, 59, tzinfo=UTC))  # 03:29:59 in Paris
    assert send(client, submission, {**CORE, **answers(call)}, action="submit").status_code == 302
    assert refresh(submission).status == SubmissionStatus.SUBMITTED

    page = edit_form(client, other)
    clock(datetime(2027, 3, 28, 1, 30, tzinfo=UTC))  # 03:30:00 in Paris: late
    response = send(client, other, {**CORE, **answers(call)}, action="submit", token_version=page)
    assert response.status_code == 409
    assert fr("The deadline has passed: submissions closed on %(deadline)s (Paris time). Nothing was changed.",
              deadline="28 mars 2027, 03:30") in text(response)
    assert refresh(other).status == SubmissionStatus.DRAFT and refresh(other).summary == ""


def test_a_submitted_project_can_be_changed_until_the_deadline_and_each_change_sends_a_receipt(client, call,
                                                                                               applicant):
    submission = start(client, call)
    complete(client, call, submission)
    assert send(client, submission, {**CORE, **answers(call)}, action="submit").status_code == 302
    assert len(receipts()) == 1

    response = send(client, submission, {**CORE, **answers(call), "summary": "Résumé revu"}, action="submit")

    assert response.status_code == 302
    saved = refresh(submission)
    assert (saved.status, saved.summary) == (SubmissionStatus.SUBMITTED, "Résumé revu")
    assert len(receipts()) == 2
    # Emptying a required answer of a submitted project is refused: it must stay complete.
    response = send(client, submission, {**CORE, **answers(call), "description": ""}, action="submit")
    assert response.status_code == 422
    assert refresh(submission).description == CORE["description"]


def test_withdraw_and_bring_back_before_the_deadline_then_no_longer_after(client, call, applicant, clock):
    submission = start(client, call)
    complete(client, call, submission)
    send(client, submission, {**CORE, **answers(call)}, action="submit")

    assert post_form(client, f"/submissions/{submission.id}/withdraw", {}, page="/").status_code == 302
    assert refresh(submission).status == SubmissionStatus.WITHDRAWN
    # A withdrawn project cannot be edited until it is brought back.
    token = form_token(client.get("/").get_data(as_text=True))
    response = send(client, submission, {**CORE, "summary": "Modifié"},
                    token_version=(token, str(refresh(submission).version)))
    assert response.status_code == 409
    assert fr("This project is withdrawn: bring it back before editing it.") in text(response)

    assert post_form(client, f"/submissions/{submission.id}/reopen", {}, page="/").status_code == 302
    assert refresh(submission).status == SubmissionStatus.DRAFT
    assert send(client, submission, {**CORE, **answers(call)}, action="submit").status_code == 302
    assert refresh(submission).status == SubmissionStatus.SUBMITTED
    assert len(receipts()) == 2

    post_form(client, f"/submissions/{submission.id}/withdraw", {}, page="/")
    clock(call.submission_deadline + timedelta(seconds=1))
    response = post_form(client, f"/submissions/{submission.id}/reopen", {}, page="/", follow_redirects=True)
    assert fr("The deadline has passed: submissions closed on %(deadline)s (Paris time). Nothing was changed.",
              deadline=_paris(call.submission_deadline)) in text(response)
    assert refresh(submission).status == SubmissionStatus.WITHDRAWN


# --- double submission and concurrent edits -----------------------------------------------------------

def test_submitting_twice_from_the_same_page_sends_one_receipt(client, call, applicant, mailbox):
    submission = start(client, call)
    complete(client, call, submission)
    page = edit_form(client, submission)
    data = {**CORE, **answers(call)}

    first = send(client, submission, data, action="submit", token_version=page)
    second = send(client, submission, data, action="submit", token_version=page)

    assert first.status_code == second.status_code == 302
    assert refresh(submission).status == SubmissionStatus.SUBMITTED
    assert len(receipts()) == 1
    deliver_pending()
    assert len(mailbox.to(applicant.email)) == 1


def test_a_save_over_a_team_mates_newer_save_is_refused_and_keeps_what_was_typed(app, client, call, applicant):
    submission = start(client, call)
    partner = factories.user(first_name="Paul")
    db.session.add(SubmissionMember(submission_id=submission.id, user_id=partner.id, role=MemberRole.CO_APPLICANT))
    db.session.commit()
    other = app.test_client()
    sign_in_as(other, partner)
    mine, theirs = edit_form(client, submission), edit_form(other, submission)
    assert mine[1] == theirs[1]

    assert send(other, submission, {**CORE, "summary": "Version de Paul"}, token_version=theirs).status_code == 302
    response = send(client, submission, {**CORE, "summary": "Version d'Inès"}, token_version=mine)

    assert response.status_code == 409
    html = text(response)
    assert fr("Someone else changed this project while you were editing") in html
    assert "Version d'Inès" in html  # kept in the form, not lost
    assert f'href="/submissions/{submission.id}"' in html  # the latest version, to reload
    assert refresh(submission).summary == "Version de Paul"
    # The form now carries the newer version: saving again, knowingly, replaces Paul's text.
    newer = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    assert int(newer) == refresh(submission).version
    assert send(client, submission, {**CORE, "summary": "Version d'Inès"},
                token_version=(form_token(html), newer)).status_code == 302
    assert refresh(submission).summary == "Version d'Inès"


# --- files --------------------------------------------------------------------------------------------

def test_a_pdf_named_png_is_accepted_as_a_pdf_and_downloaded_as_one(client, call, applicant):
    submission = start(client, call)

    response = upload(client, submission, PDF, "photo.png")

    assert response.status_code == 302
    [record] = refresh(submission).files
    assert (record.display_name, record.content_type, record.size) == ("photo.pdf", "application/pdf", len(PDF))
    download = client.get(f"/files/{record.id}")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"] == "attachment; filename=photo.pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "photo.pdf" in text(client.get(f"/submissions/{submission.id}"))


@pytest.mark.parametrize("data, name", [(EXECUTABLE, "rapport.pdf"), (WINDOWS_EXECUTABLE, "budget.docx"),
                                        (b"PK\x03\x04not really a zip", "note.odt")])
def test_a_program_or_a_fake_document_is_refused_whatever_its_name(client, call, applicant, data, name):
    submission = start(client, call)
    before = set(os.listdir(upload_folder()))

    response = upload(client, submission, data, name)

    assert response.status_code == 422
    assert fr("This type of file is not accepted: attach a PDF, an ODT or DOCX document, or a PNG or JPEG image.") \
        in text(response)
    assert refresh(submission).files == []
    assert set(os.listdir(upload_folder())) == before


def test_a_file_over_the_size_limit_is_refused(app, client, call, applicant, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_UPLOAD_BYTES", 1024 * 1024)
    submission = start(client, call)

    response = upload(client, submission, PDF + b"0" * (1024 * 1024), "gros.pdf")

    assert response.status_code == 422
    assert fr("The file is too large: at most %(max)d MB.", max=1) in text(response)
    assert refresh(submission).files == []


def test_a_request_over_the_content_length_limit_gets_a_clear_page_and_changes_nothing(app, client, call, applicant,
                                                                                      monkeypatch):
    submission = start(client, call)
    assert send(client, submission, {**CORE}).status_code == 302
    before = refresh(submission)
    snapshot = (before.version, before.title, before.summary)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 256 * 1024)

    response = upload(client, submission, PDF + b"0" * (512 * 1024), "enorme.pdf")

    assert response.status_code == 413
    html = text(response)
    assert fr("The file is too large") in html
    assert f'href="/submissions/{submission.id}"' in html
    after = refresh(submission)
    assert (after.version, after.title, after.summary) == snapshot and after.files == []


def test_a_path_in_the_file_name_is_harmless(client, call, applicant, tmp_path):
    submission = start(client, call)
    folder = upload_folder()
    outside = os.path.dirname(os.path.dirname(folder))
    before_outside = set(os.listdir(outside))

    response = upload(client, submission, PDF, "../../x.pdf")

    assert response.status_code == 302
    [record] = refresh(submission).files
    assert record.display_name == "x.pdf"
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", record.stored_name)
    assert os.path.exists(os.path.join(folder, record.stored_name))
    assert set(os.listdir(outside)) == before_outside
    assert client.get(f"/files/{record.id}").headers["Content-Disposition"] == "attachment; filename=x.pdf"


def test_a_file_answers_its_question_and_can_be_removed(client, call, applicant):
    submission = start(client, call)
    key = keys(call)["Plan de financement"]
    assert upload(client, submission, PDF, "plan.pdf", key).status_code == 302
    [record] = refresh(submission).files
    assert record.question_key == key
    html = text(client.get(f"/submissions/{submission.id}"))
    missing = re.search(r'id="missing".*?</section>', html, re.S).group(0)
    assert "Plan de financement" not in missing
    path = os.path.join(upload_folder(), record.stored_name)

    response = post_form(client, f"/files/{record.id}/delete", {}, page=f"/submissions/{submission.id}")

    assert response.status_code == 302
    assert refresh(submission).files == [] and not os.path.exists(path)


def test_no_file_chosen_is_explained(client, call, applicant):
    submission = start(client, call)
    html = client.get(f"/submissions/{submission.id}").get_data(as_text=True)
    response = client.post(f"/submissions/{submission.id}/files", data={"csrf_token": form_token(html)},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert fr("Choose a file.") in text(response)


def test_files_of_a_draft_are_the_teams_and_organisers_get_them_once_submitted(app, client, call, applicant):
    submission = start(client, call)
    complete(client, call, submission)
    record = refresh(submission).files[0]
    organiser, stranger = factories.user(), factories.user()
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    other = app.test_client()

    assert other.get(f"/files/{record.id}").status_code == 302  # anonymous: to the sign-in page
    sign_in_as(other, stranger)
    assert other.get(f"/files/{record.id}").status_code == 403
    sign_in_as(other, organiser)
    assert other.get(f"/files/{record.id}").status_code == 403
    assert other.get(f"/submissions/{submission.id}").status_code == 403

    send(client, submission, {**CORE, **answers(call)}, action="submit")
    assert other.get(f"/files/{record.id}").status_code == 200
    sign_in_as(other, stranger)
    assert other.get(f"/files/{record.id}").status_code == 403
    assert client.get("/files/999999").status_code == 404


# --- the receipt --------------------------------------------------------------------------------------

def test_the_receipt_reaches_every_team_member_with_a_summary(client, call, applicant, mailbox):
    submission = start(client, call)
    partner = factories.user(first_name="Paul", last_name="Durand", email="paul.durand@example.gouv.fr")
    db.session.add(SubmissionMember(submission_id=submission.id, user_id=partner.id, role=MemberRole.CO_APPLICANT))
    db.session.commit()
    complete(client, call, submission)
    upload(client, submission, PDF, "lettre de soutien.pdf")

    send(client, submission, {**CORE, **answers(call)}, action="submit")
    report = deliver_pending()

    assert len(report.sent) == 2
    saved = refresh(submission)
    for person in (applicant, partner):
        [message] = mailbox.to(person.email)
        assert message["Subject"] == fr("Receipt: your project %(reference)s is submitted", reference=saved.reference)
        body = mailbox.text(message)
        assert fr("Hello %(name)s,", name=person.first_name) in body
        assert saved.reference in body and "Guichet unique" in body and call.title in body
        assert f"{fr('Submitted on:')} {_paris(saved.submitted_at)} ({fr('Paris time')})" in body
        assert f"{fr('Team:')} Inès Martin, Paul Durand" in body
        assert f"{fr('Files:')} plan.pdf, lettre de soutien.pdf" in body
        assert mailbox.link(message, "/submissions/") == f"/submissions/{submission.id}"
        html = message.get_body(preferencelist=("html",)).get_content()
        assert saved.reference in html and "lettre de soutien.pdf" in html


# --- the team -----------------------------------------------------------------------------------------

def test_an_invitation_is_accepted_with_the_invited_address(app, client, call, applicant, mailbox):
    submission = start(client, call)
    partner = factories.user(first_name="Paul", email="paul.durand@example.gouv.fr")

    response = post_form(client, f"/submissions/{submission.id}/team", {"email": " Paul.Durand@Example.Gouv.FR "},
                         page=f"/submissions/{submission.id}")
    assert response.status_code == 302
    deliver_pending()
    [message] = mailbox.to("paul.durand@example.gouv.fr")
    assert message["Subject"] == fr("%(name)s invites you to the team of a project", name="Inès Martin")
    link = mailbox.link(message, "/join/")
    assert "Guichet unique" in mailbox.text(message)

    other = app.test_client()
    html = text(other.get(link))  # not signed in yet
    assert "/login?next=" + link.replace("/", "%2F") in html or f"next={link}" in html
    sign_in_as(other, partner)
    assert fr("Join the team") in text(other.get(link))
    response = post_form(other, link, {})
    assert response.status_code == 302 and response.headers["Location"] == f"/submissions/{submission.id}"
    member = next(m for m in refresh(submission).members if m.user_id == partner.id)
    assert member.role == MemberRole.CO_APPLICANT
    # Now part of the team: edits the project, and sees it among their submissions.
    assert send(other, submission, {**CORE, "territory": "Grenoble"}).status_code == 302
    assert "Guichet unique" in text(other.get("/submissions"))


def test_an_invitation_opened_with_another_account_is_refused(app, client, call, applicant, mailbox):
    submission = start(client, call)
    post_form(client, f"/submissions/{submission.id}/team", {"email": "paul.durand@example.gouv.fr"},
              page=f"/submissions/{submission.id}")
    deliver_pending()
    link = mailbox.link(mailbox.to("paul.durand@example.gouv.fr")[0], "/join/")
    intruder = factories.user(email="autre@example.gouv.fr")
    other = app.test_client()
    sign_in_as(other, intruder)

    page = text(other.get(link))
    expected = fr("This invitation was sent to %(email)s, and you are signed in as %(current)s. Sign out, sign in "
                  "with the invited address, then open the invitation link again.",
                  email="paul.durand@example.gouv.fr", current="autre@example.gouv.fr")
    assert expected in page
    response = post_form(other, link, {})
    assert response.status_code == 403 and expected in text(response)
    assert intruder.id not in refresh(submission).member_ids()
    assert other.get(f"/submissions/{submission.id}").status_code == 403


def test_a_forged_invitation_link_is_refused(client):
    response = client.get("/join/not-a-token")
    assert response.status_code == 400
    assert fr("This link cannot be used") in text(response)


def test_inviting_a_member_again_is_explained(client, call, applicant):
    submission = start(client, call)
    response = post_form(client, f"/submissions/{submission.id}/team", {"email": applicant.email},
                         page=f"/submissions/{submission.id}")
    assert response.status_code == 409
    assert fr("This person is already in the team.") in text(response)
    response = post_form(client, f"/submissions/{submission.id}/team", {"email": "pas-une-adresse"},
                         page=f"/submissions/{submission.id}")
    assert response.status_code == 400
    assert fr("Enter an email address such as prenom.nom@example.gouv.fr.") in text(response)


def test_the_lead_removes_a_co_applicant_who_then_loses_access(app, client, call, applicant):
    submission = start(client, call)
    partner = factories.user()
    db.session.add(SubmissionMember(submission_id=submission.id, user_id=partner.id, role=MemberRole.CO_APPLICANT))
    db.session.commit()
    member = next(m for m in refresh(submission).members if m.user_id == partner.id)

    response = post_form(client, f"/submissions/{submission.id}/members/{member.id}/remove", {}, page="/")

    assert response.status_code == 302
    assert partner.id not in refresh(submission).member_ids()
    other = app.test_client()
    sign_in_as(other, partner)
    assert other.get(f"/submissions/{submission.id}").status_code == 403


# --- my submissions -----------------------------------------------------------------------------------

def test_my_submissions_lists_those_i_lead_or_join_with_what_is_missing(client, call, applicant):
    mine = start(client, call, "Mon projet")
    joined = factories.submission(call=call, title="Projet d'une collègue", members=(applicant,))
    factories.submission(call=call, title="Projet d'un inconnu")

    html = text(client.get("/submissions"))

    assert f'href="/submissions/{mine.id}"' in html and f'href="/submissions/{joined.id}"' in html
    assert "Projet d'un inconnu" not in html
    assert call.title in html and _paris(call.submission_deadline) in html
    with force_locale("fr"):
        count = ngettext("%(num)d item missing before it can be submitted:",
                         "%(num)d items missing before it can be submitted:", 9)  # all but the title
    assert count in html
    assert 'aria-current="page">' + fr("My submissions") in html
