"""Scheduled reminders on the real SMTP server: drafts at D-7 and D-1, reviewers at D-7 and D-2, the organisers'
digest of late reviewers with its working re-assignment link, daily digests; Paris wall clock, sent once."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import current_app

from prizeapp.core.localtime import to_utc
from prizeapp.enums import (
    AssignmentStatus,
    CallPhase,
    CallRoleKind,
    NotificationMode,
    SubmissionStatus,
)
from prizeapp.extensions import db
from prizeapp.models import (
    Assignment,
    AuditEvent,
    Call,
    DigestItem,
    OutboxEmail,
    SentReminder,
)
from prizeapp.services import reminders
from prizeapp.services.outbox import deliver_pending

from .. import factories
from ..conftest import post_form, sign_in_as

# The last Sunday of October 2026 is the 25th: clocks go back from 03:00 to 02:00 that night.
DEADLINE = to_utc(datetime(2026, 10, 26, 9, 0))  # 08:00 UTC (winter time)


def paris(*args) -> datetime:
    return to_utc(datetime(*args))


def run(now: datetime):
    """One cron run at `now` (Paris wall clock given as UTC instant), then the outbox worker."""
    with current_app.test_request_context():
        report = reminders.run(now=now)
        db.session.commit()
    deliver_pending()
    return report


def subjects(mailbox, address: str) -> list[str]:
    return [m["Subject"] for m in mailbox.to(address)]


# --- milestones on the Paris wall clock -------------------------------------------------------------------

def test_milestone_is_the_same_paris_time_days_before_across_a_change_of_summer_time():
    # 19 October 09:00 is summer time (UTC+2): 07:00 UTC, one hour before 7 × 24 hours would say.
    assert reminders.milestone_start(DEADLINE, 7) == datetime(2026, 10, 19, 7, 0, tzinfo=UTC)
    assert DEADLINE - timedelta(days=7) == datetime(2026, 10, 19, 8, 0, tzinfo=UTC)
    assert reminders.milestone_start(DEADLINE, 1) == datetime(2026, 10, 25, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("now, expected", [
    (paris(2026, 10, 19, 8, 59), None),
    (paris(2026, 10, 19, 9, 0), 7),
    (paris(2026, 10, 25, 8, 59), 7),  # a missed D-7 is still due until D-1
    (paris(2026, 10, 25, 9, 0), 1),
    (paris(2026, 10, 26, 8, 59), 1),
    (paris(2026, 10, 26, 9, 0), None),  # the deadline has passed
])
def test_current_milestone_windows(now, expected):
    assert reminders.current_milestone(DEADLINE, (7, 1), now) == expected


# --- applicants' drafts -------------------------------------------------------------------------------------

@pytest.fixture
def open_call():
    call = factories.call(phase=CallPhase.OPEN, title="Prix de l'innovation 2026")
    call.opens_at, call.submission_deadline = paris(2026, 9, 1, 9, 0), DEADLINE
    call.review_deadline = paris(2026, 12, 1, 12, 0)
    lead, co = factories.user(first_name="Hélène"), factories.user(first_name="Marc")
    draft = factories.submission(call=call, lead=lead, members=(co,), title="Guichet unique")
    second = factories.submission(call=call, lead=lead, title="Tiers-lieu numérique")
    done = factories.submission(call=call, status=SubmissionStatus.SUBMITTED, title="Déjà déposé")
    db.session.commit()
    return {"call": call, "lead": lead, "co": co, "draft": draft, "second": second, "done": done}


def test_draft_reminder_at_d7_paris_time_lists_each_persons_drafts(open_call, mailbox):
    lead, co = open_call["lead"], open_call["co"]
    assert run(paris(2026, 10, 19, 8, 59)).drafts == 0
    assert mailbox.messages == []

    report = run(paris(2026, 10, 19, 9, 0))

    assert report.drafts == 2
    [to_lead] = mailbox.to(lead.email)
    [to_co] = mailbox.to(co.email)
    text = mailbox.text(to_lead)
    assert "Guichet unique" in text and "Tiers-lieu numérique" in text and "Déjà déposé" not in text
    assert "Prix de l'innovation 2026" in to_lead["Subject"]
    assert "26 octobre 2026" in text and "09:00" in text  # the deadline in Paris time (untranslated yet)
    assert mailbox.link(to_lead, "/submissions") == "/submissions"
    assert "Guichet unique" in mailbox.text(to_co) and "Tiers-lieu numérique" not in mailbox.text(to_co)
    done_lead = open_call["done"].members[0].user
    assert mailbox.to(done_lead.email) == []


def test_draft_reminders_are_sent_once_per_milestone_even_if_cron_runs_again(open_call, mailbox):
    run(paris(2026, 10, 19, 9, 0))
    mailbox.reset()

    assert run(paris(2026, 10, 19, 9, 0)).drafts == 0
    assert run(paris(2026, 10, 22, 7, 0)).drafts == 0  # same D-7 window
    assert mailbox.messages == []

    assert run(paris(2026, 10, 25, 9, 0)).drafts == 2  # D-1
    assert run(paris(2026, 10, 25, 18, 0)).drafts == 0
    assert len(mailbox.to(open_call["lead"].email)) == 1
    keys = set(db.session.scalars(db.select(SentReminder.key)))
    assert f"draft:7:call:{open_call['call'].id}:user:{open_call['lead'].id}" in keys
    assert f"draft:1:call:{open_call['call'].id}:user:{open_call['lead'].id}" in keys


def test_a_missed_d7_is_sent_late_once_and_d1_still_follows(open_call, mailbox):
    assert run(paris(2026, 10, 23, 12, 0)).drafts == 2  # cron did not run from the 19th to the 22nd
    assert run(paris(2026, 10, 25, 9, 30)).drafts == 2
    assert len(mailbox.to(open_call["lead"].email)) == 2


def test_nothing_is_sent_after_the_deadline_nor_for_submitted_drafts(open_call, mailbox):
    assert run(paris(2026, 10, 26, 9, 0)).drafts == 0
    for key in ("draft", "second"):
        open_call[key].status = SubmissionStatus.SUBMITTED
    db.session.commit()
    assert run(paris(2026, 10, 25, 10, 0)).drafts == 0
    assert mailbox.messages == []


def test_nothing_is_sent_for_calls_not_accepting_submissions(open_call, mailbox):
    open_call["call"].phase = CallPhase.DRAFT
    db.session.commit()
    assert run(paris(2026, 10, 19, 10, 0)).drafts == 0
    open_call["call"].phase = CallPhase.REVIEW  # moved on by hand before the deadline
    db.session.commit()
    assert run(paris(2026, 10, 19, 10, 0)).drafts == 0
    assert mailbox.messages == []


def test_cli_runs_the_reminders_at_a_given_paris_time(app, open_call, mailbox):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reminders", "run", "--now", "2026-10-19T09:00"])
    assert result.exit_code == 0, result.output
    assert "2 to applicants" in result.output
    again = runner.invoke(args=["reminders", "run", "--now", "2026-10-19T07:00:00+00:00"])
    assert "0 to applicants" in again.output
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxEmail)) == 2
    bad = runner.invoke(args=["reminders", "run", "--now", "2026-10-25T02:30"])  # happens twice that night
    assert bad.exit_code != 0


# --- reviewers and organisers -------------------------------------------------------------------------

@pytest.fixture
def reviewing():
    """A call in review: Alice has one review left of two, Bruno has finished, Chloé is free to take more."""
    call = factories.call(phase=CallPhase.REVIEW, title="Appel Territoires")
    call.opens_at, call.submission_deadline = paris(2026, 9, 1, 9, 0), paris(2026, 10, 1, 12, 0)
    call.review_deadline, call.reviewers_per_submission = DEADLINE, 1
    organiser = factories.user(first_name="Sophie", email="sophie@organisation.fr")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    projects = [factories.submission(call=call, status=SubmissionStatus.SUBMITTED, title=f"Projet {i}",
                                     lead=factories.user(email=f"porteur{i}@ville{i}.fr")) for i in range(3)]
    alice = factories.user(first_name="Alice", last_name="Martin", email="alice@labo-a.fr")
    bruno = factories.user(first_name="Bruno", last_name="Petit", email="bruno@labo-b.fr")
    chloe = factories.user(first_name="Chloé", last_name="Roux", email="chloe@labo-c.fr")
    for person in (alice, bruno, chloe):
        factories.pool_member(call=call, user=person)
    factories.submitted_review(call=call, submission=projects[0], reviewer=alice, total=4)
    db.session.add(Assignment(call_id=call.id, submission_id=projects[1].id, reviewer_id=alice.id,
                              status=AssignmentStatus.COMMITTED))
    factories.submitted_review(call=call, submission=projects[2], reviewer=bruno, total=3)
    db.session.commit()
    return {"call": call, "organiser": organiser, "alice": alice, "bruno": bruno, "chloe": chloe,
            "projects": projects}


def test_reviewers_with_reviews_left_are_reminded_at_d7_and_d2(reviewing, mailbox):
    alice, bruno = reviewing["alice"], reviewing["bruno"]
    assert run(paris(2026, 10, 19, 8, 30)).reviews == 0

    assert run(paris(2026, 10, 19, 9, 0)).reviews == 1
    [message] = mailbox.to(alice.email)
    text = mailbox.text(message)
    assert "Projet 1" in text and "Projet 0" not in text
    assert mailbox.link(message, "/reviewing/") == f"/reviewing/calls/{reviewing['call'].id}/assignments"
    assert mailbox.to(bruno.email) == []

    # D-2 is 24 October 09:00 Paris, still summer time (07:00 UTC), not 48 hours before (08:00 UTC).
    assert run(paris(2026, 10, 24, 8, 59)).reviews == 0
    assert run(paris(2026, 10, 24, 9, 0)).reviews == 1
    assert run(paris(2026, 10, 24, 9, 0)).reviews == 0
    assert len(mailbox.to(alice.email)) == 2
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "review.reminders_sent")
                               .order_by(AuditEvent.id)).all()[-1]
    assert event.details == {"reviewers": [alice.id], "milestone": "D-2", "scheduled": True}
    assert event.call_id == reviewing["call"].id


def test_no_reviewer_reminder_after_the_review_deadline(reviewing, mailbox):
    assert run(paris(2026, 10, 26, 9, 0)).reviews == 0
    assert mailbox.to(reviewing["alice"].email) == []


def test_organiser_digest_lists_late_reviewers_once_a_day_and_its_link_reassigns(reviewing, mailbox, client):
    call, alice, organiser = reviewing["call"], reviewing["alice"], reviewing["organiser"]
    assert run(paris(2026, 10, 23, 10, 0)).organiser_digests == 0  # the deadline is not near yet

    assert run(paris(2026, 10, 24, 10, 0)).organiser_digests == 1
    assert run(paris(2026, 10, 24, 23, 0)).organiser_digests == 0  # once a Paris day
    [digest] = mailbox.to(organiser.email)
    text = mailbox.text(digest)
    assert "Alice Martin" in text and "Bruno Petit" not in text
    assert reviewing["projects"][1].reference in text and reviewing["projects"][0].reference not in text
    path = mailbox.link(digest, f"/manage/calls/{call.id}/late-reviewers/")
    assert path == f"/manage/calls/{call.id}/late-reviewers/{alice.id}"

    sign_in_as(client, organiser)
    page = client.get(path)
    assert page.status_code == 200
    assert "Projet 1" in page.get_data(as_text=True)
    response = post_form(client, path, {})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/manage/calls/{call.id}/assignment"

    db.session.expire_all()
    given_back = db.session.scalar(db.select(Assignment).where(Assignment.reviewer_id == alice.id,
                                                               Assignment.submission_id == reviewing["projects"][1].id))
    assert given_back.status == AssignmentStatus.DECLINED
    proposed = db.session.scalars(db.select(Assignment).where(Assignment.status == AssignmentStatus.PROPOSED)).all()
    assert [(a.submission_id, a.reviewer_id != alice.id) for a in proposed] == [(reviewing["projects"][1].id, True)]
    declined = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "assignment.declined"))
    assert declined.details["reason"] == "late" and declined.actor_id == organiser.id
    assert declined.call_id == call.id
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "assignment.reassigned")) is not None

    # Next day: Alice is no longer late.
    assert run(paris(2026, 10, 25, 10, 0)).organiser_digests == 0


def test_organiser_digest_continues_after_the_deadline_until_the_call_is_moved_on(reviewing, mailbox):
    assert run(paris(2026, 10, 27, 10, 0)).organiser_digests == 1
    reviewing["call"].phase = CallPhase.DELIBERATION
    db.session.commit()
    assert run(paris(2026, 10, 28, 10, 0)).organiser_digests == 0


def test_give_back_with_nobody_to_take_the_reviews_changes_nothing(reviewing, client):
    call, alice = reviewing["call"], reviewing["alice"]
    for person in ("bruno", "chloe"):
        db.session.execute(db.delete(Assignment).where(Assignment.reviewer_id == reviewing[person].id))
    from prizeapp.models import PoolMember, Review

    db.session.execute(db.delete(Review).where(Review.reviewer_id != alice.id))
    db.session.execute(db.delete(PoolMember).where(PoolMember.user_id != alice.id))
    db.session.commit()
    sign_in_as(client, reviewing["organiser"])
    path = f"/manage/calls/{call.id}/late-reviewers/{alice.id}"
    response = post_form(client, path, {})
    assert response.status_code == 400
    assert "impossible" in response.get_data(as_text=True)
    db.session.expire_all()
    statuses = set(db.session.scalars(db.select(Assignment.status).where(Assignment.reviewer_id == alice.id)))
    assert statuses == {AssignmentStatus.COMMITTED}


# --- digest mode -------------------------------------------------------------------------------------------

def test_digest_mode_people_get_one_email_a_day_with_their_reminders(reviewing, open_call, mailbox):
    alice = reviewing["alice"]
    alice.notification_mode = NotificationMode.DIGEST
    # Alice also has a draft in the open call (same deadline): two reminders on the 19th.
    factories.submission(call=open_call["call"], lead=alice, title="Projet d'Alice")
    db.session.commit()

    report = run(paris(2026, 10, 19, 9, 0))

    assert report.digests >= 1
    [message] = mailbox.to(alice.email)
    text = mailbox.text(message)
    assert "Projet d'Alice" in text and "Projet 1" in text
    assert "2 messages" in message["Subject"]
    assert db.session.scalar(db.select(db.func.count()).select_from(DigestItem)
                             .where(DigestItem.user_id == alice.id, DigestItem.sent_at.is_(None))) == 0

    assert run(paris(2026, 10, 19, 20, 0)).digests == 0
    assert run(paris(2026, 10, 24, 9, 0)).digests == 1  # the D-2 reminder, the next day it happens
    assert len(mailbox.to(alice.email)) == 2
    # Nobody in immediate mode got a digest.
    assert all("résumé" not in (m["Subject"] or "").lower() for m in mailbox.to(open_call["lead"].email))


def test_reminders_skip_calls_without_dates(mailbox):
    call = factories.call(phase=CallPhase.REVIEW)
    call.review_deadline = None
    db.session.commit()
    assert db.session.get(Call, call.id).review_deadline is None
    report = run(paris(2026, 10, 19, 9, 0))
    assert (report.drafts, report.reviews, report.organiser_digests, report.digests) == (0, 0, 0, 0)
