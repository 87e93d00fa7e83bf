"""The impact follow-up's emails: the invitation at the results (once), the reminder of a follow-up not under way
two weeks later, each report's reminders before, on and after its due date on the Paris calendar (across the
changes of summer time), then the organisers' notice; sent once, only the stage in force, to active people."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import current_app

from prizeapp.core.localtime import to_utc
from prizeapp.enums import CallPhase, CallRoleKind, DecisionOutcome, NotificationMode, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models import AuditEvent, DigestItem, OutboxEmail
from prizeapp.services import reminders, results
from prizeapp.services.impact import reminders as impact_reminders
from prizeapp.services.outbox import deliver_pending

from .. import factories

# Results published on 31 August 2026 at 18:00, summer time: the 6-month report is due on 28 February 2027 at
# 18:00, winter time (the day clamped to the shorter month); the clocks go forward on 28 March 2027.
RESULTS = to_utc(datetime(2026, 8, 31, 18, 0))
NB = "\u00a0"  # before « : » and inside « guillemets », as French writes them


def paris(*args) -> datetime:
    return to_utc(datetime(*args))


def run(now: datetime) -> reminders.ReminderReport:
    """One cron run at `now`, committed, as `flask reminders run` does."""
    with current_app.test_request_context():
        report = reminders.run(now=now)
        db.session.commit()
    return report


def emails(kind: str, to=None) -> list[OutboxEmail]:
    query = db.select(OutboxEmail).where(OutboxEmail.kind == kind).order_by(OutboxEmail.id)
    if to is not None:
        query = query.where(OutboxEmail.recipient == to.email)
    return list(db.session.scalars(query))


def subjects(kind: str, to=None) -> list[str]:
    return [e.subject for e in emails(kind, to)]


def followed(call, *, title: str, members: tuple = (), outcome=None):
    """A laureate of `call` (with `members` beside its lead) whose follow-up is under way."""
    lead = factories.user(first_name="Aïcha", email=f"lead-{title[:4].lower()}@ville.fr")
    project = factories.laureate(call=call, lead=lead, members=members, outcome=outcome, title=title)
    plan = factories.impact_plan(project=project)
    return lead, project, plan


@pytest.fixture
def edition():
    """A call whose results were published on 31 August 2026 at 18:00 (Paris), with one laureate under way
    (a lead and a co-applicant) and an organiser."""
    call = factories.results_call(results_at=RESULTS, title="Prix de l'innovation 2026")
    organiser = factories.user(first_name="Sophie", email="sophie@organisation.fr")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    co = factories.user(first_name="Marc", email="marc@ville.fr")
    lead, project, plan = followed(call, title="Cantine zéro déchet", members=(co,))
    return {"call": call, "organiser": organiser, "lead": lead, "co": co, "project": project, "plan": plan}


# --- the calendar -----------------------------------------------------------------------------------------

def test_the_reports_are_due_at_the_same_paris_time_months_later_clamped_to_the_month_end(edition):
    due = {r.months: r.due_at for r in edition["plan"].reports}
    assert due == {6: paris(2027, 2, 28, 18, 0), 12: paris(2027, 8, 31, 18, 0), 24: paris(2028, 8, 31, 18, 0)}
    assert due[6] == datetime(2027, 2, 28, 17, 0, tzinfo=UTC)  # winter time, from results in summer time


@pytest.mark.parametrize("now, stage", [
    (paris(2027, 2, 13, 23, 59), None),
    (paris(2027, 2, 14, 0, 0), "before"),  # D-14 opens at the start of its Paris day
    (paris(2027, 2, 27, 23, 59), "before"),
    (paris(2027, 2, 28, 0, 0), "due"),  # the day itself, hours before 18:00
    (paris(2027, 3, 13, 23, 59), "due"),
    (paris(2027, 3, 14, 0, 0), "late"),
    (paris(2027, 3, 29, 23, 59), "late"),
    (paris(2027, 3, 30, 0, 0), "organisers"),  # D+30, after the change to summer time on 28 March
    (paris(2027, 7, 1, 9, 0), "organisers"),
])
def test_the_6_month_report_stage_at_fixed_paris_times(edition, now, stage):
    report = next(r for r in edition["plan"].reports if r.months == 6)
    assert impact_reminders.stage_of(report, now) == stage


def test_the_organisers_stage_opens_at_paris_midnight_in_summer_time(edition):
    report = next(r for r in edition["plan"].reports if r.months == 6)
    # 30 March 00:00 in Paris is 22:00 UTC the day before (UTC+2), not 23:00 as 30 × 24 hours would say.
    assert impact_reminders.stage_of(report, datetime(2027, 3, 29, 21, 59, tzinfo=UTC)) == "late"
    assert impact_reminders.stage_of(report, datetime(2027, 3, 29, 22, 0, tzinfo=UTC)) == "organisers"


def test_a_report_due_in_late_march_after_the_spring_change(mailbox):
    # Results on 30 September 2026 at 10:00 (summer time): due 30 March 2027 at 10:00, summer time again, two
    # days after the change; D-14 (16 March) is in winter time.
    call = factories.results_call(results_at=paris(2026, 9, 30, 10, 0), milestones=[6])
    lead, _project, plan = followed(call, title="Guichet unique")
    [report] = plan.reports
    assert report.due_at == datetime(2027, 3, 30, 8, 0, tzinfo=UTC)

    assert run(datetime(2027, 3, 15, 22, 59, tzinfo=UTC)).impact_reports == 0  # 15 March 23:59 Paris
    assert run(datetime(2027, 3, 15, 23, 0, tzinfo=UTC)).impact_reports == 1  # 16 March 00:00 Paris (UTC+1)
    assert subjects("impact_report_due", lead) == ["Votre rapport à 6 mois est attendu le 30 mars 2027"]

    assert run(datetime(2027, 3, 29, 21, 59, tzinfo=UTC)).impact_reports == 0  # 29 March 23:59 Paris
    assert run(datetime(2027, 3, 29, 22, 0, tzinfo=UTC)).impact_reports == 1  # 30 March 00:00 Paris (UTC+2)
    assert subjects("impact_report_due", lead)[-1] == "Votre rapport à 6 mois est attendu aujourd'hui"


def test_a_report_due_in_late_october_after_the_autumn_change():
    # Results on 30 April 2026 at 09:00: due 30 October 2026 at 09:00 in winter time (clocks went back on 25
    # October); D-14, 16 October, is still in summer time.
    call = factories.results_call(results_at=paris(2026, 4, 30, 9, 0), milestones=[6])
    lead, _project, plan = followed(call, title="Tiers-lieu numérique")
    [report] = plan.reports
    assert report.due_at == datetime(2026, 10, 30, 8, 0, tzinfo=UTC)

    assert run(datetime(2026, 10, 15, 21, 59, tzinfo=UTC)).impact_reports == 0  # 15 October 23:59 Paris
    assert run(datetime(2026, 10, 15, 22, 0, tzinfo=UTC)).impact_reports == 1  # 16 October 00:00 Paris (UTC+2)
    assert run(datetime(2026, 10, 29, 22, 59, tzinfo=UTC)).impact_reports == 0  # 29 October 23:59 Paris
    assert run(datetime(2026, 10, 29, 23, 0, tzinfo=UTC)).impact_reports == 1  # 30 October 00:00 Paris (UTC+1)
    assert subjects("impact_report_due", lead) == ["Votre rapport à 6 mois est attendu le 30 octobre 2026",
                                                   "Votre rapport à 6 mois est attendu aujourd'hui"]


# --- the team's reminders of a report ----------------------------------------------------------------------

def test_each_stage_is_sent_once_to_each_member_with_its_own_subject(edition):
    lead, co = edition["lead"], edition["co"]
    assert run(paris(2027, 2, 13, 8, 0)).impact_reports == 0

    assert run(paris(2027, 2, 14, 8, 0)).impact_reports == 2
    assert run(paris(2027, 2, 14, 8, 0)).impact_reports == 0  # cron again: nothing twice
    assert run(paris(2027, 2, 20, 8, 0)).impact_reports == 0  # same window
    assert run(paris(2027, 2, 28, 8, 0)).impact_reports == 2
    assert run(paris(2027, 3, 14, 8, 0)).impact_reports == 2
    assert run(paris(2027, 3, 20, 8, 0)).impact_reports == 0

    expected = ["Votre rapport à 6 mois est attendu le 28 février 2027",
                "Votre rapport à 6 mois est attendu aujourd'hui",
                "Votre rapport à 6 mois est en retard depuis le 28 février 2027"]
    assert subjects("impact_report_due", lead) == expected
    assert subjects("impact_report_due", co) == expected
    late = emails("impact_report_due", lead)[-1]
    assert "Cantine zéro déchet" in late.body_text and "Prix de l'innovation 2026" in late.body_text
    assert "30 mars 2027" in late.body_text  # when the organisers will be told
    assert f"/submissions/{edition['project'].id}/impact/reports/6" in late.body_text
    assert all(not e.body_text.startswith("{") for e in emails("impact_report_due"))


def test_a_run_after_d14_sends_the_late_reminder_only(edition):
    lead = edition["lead"]
    assert run(paris(2027, 3, 16, 8, 0)).impact_reports == 2
    assert run(paris(2027, 3, 29, 8, 0)).impact_reports == 0
    assert subjects("impact_report_due", lead) == ["Votre rapport à 6 mois est en retard depuis le 28 février 2027"]


def test_a_due_reminder_sent_after_its_day_says_it_was_due(edition):
    assert run(paris(2027, 3, 2, 8, 0)).impact_reports == 2
    assert subjects("impact_report_due", edition["lead"]) == ["Votre rapport à 6 mois était attendu le 28 février 2027"]


def test_the_english_subject_follows_the_members_language(edition):
    from prizeapp.enums import Locale

    edition["co"].locale = Locale.EN
    db.session.commit()
    run(paris(2027, 2, 28, 8, 0))
    assert subjects("impact_report_due", edition["co"]) == ["Your 6-month report is due today"]


def test_a_submitted_report_stops_its_reminders_and_the_next_one_follows(edition):
    plan = edition["plan"]
    factories.impact_report(plan, 6, values=("120", "15", "62"))
    assert run(paris(2027, 2, 14, 8, 0)).impact_reports == 0
    assert run(paris(2027, 3, 14, 8, 0)).impact_reports == 0
    assert run(paris(2027, 3, 30, 8, 0)).impact_late == 0
    assert run(paris(2027, 8, 17, 8, 0)).impact_reports == 2  # the 12-month report, D-14
    assert subjects("impact_report_due", edition["lead"]) == ["Votre rapport à 12 mois est attendu le 31 août 2027"]


def test_a_draft_report_is_still_reminded(edition):
    factories.impact_report(edition["plan"], 6, values=("120",), submitted=False)
    assert run(paris(2027, 2, 28, 8, 0)).impact_reports == 2


def test_inactive_members_are_skipped(edition):
    edition["co"].active = False
    db.session.commit()
    assert run(paris(2027, 2, 14, 8, 0)).impact_reports == 1
    assert emails("impact_report_due", edition["co"]) == []
    assert len(emails("impact_report_due", edition["lead"])) == 1


def test_a_moved_due_date_is_reminded_again_for_its_new_date(edition):
    from prizeapp.services.impact import plans

    call = edition["call"]
    run(paris(2027, 2, 14, 8, 0))
    call.impact_milestones = [7, 12, 24]  # the organisers move the first report a month later
    plans.sync_call(call)
    db.session.commit()
    assert run(paris(2027, 3, 17, 8, 0)).impact_reports == 2  # 31 March − 14 days
    assert subjects("impact_report_due", edition["lead"])[-1] == "Votre rapport à 7 mois est attendu le 31 mars 2027"


def test_reminders_wait_in_the_digest_of_people_who_asked_for_one(edition):
    co = edition["co"]
    co.notification_mode = NotificationMode.DIGEST
    db.session.commit()
    report = run(paris(2027, 2, 14, 8, 0))
    assert report.impact_reports == 2 and report.digests == 1
    held = db.session.scalars(db.select(DigestItem).where(DigestItem.user_id == co.id)).all()
    assert [(i.kind, i.subject) for i in held] == [
        ("impact_report_due", "Votre rapport à 6 mois est attendu le 28 février 2027")]
    assert emails("impact_report_due", co) == []
    [digest] = emails("digest", co)
    assert "Votre rapport à 6 mois est attendu le 28 février 2027" in digest.body_text


def test_each_stage_is_recorded_in_the_audit_log(edition):
    run(paris(2027, 2, 14, 8, 0))
    [event] = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "impact.reminders_sent")).all()
    assert event.call_id == edition["call"].id and event.actor_id is None
    assert event.details == {"stage": "before", "months": 6, "people": sorted([edition["lead"].id, edition["co"].id]),
                             "scheduled": True}


# --- the organisers ------------------------------------------------------------------------------------------

def test_organisers_get_one_email_per_call_and_day_listing_the_late_follow_ups(edition):
    call, organiser = edition["call"], edition["organiser"]
    second_lead, second, _plan = followed(call, title="Guichet unique", outcome=DecisionOutcome.MENTION)
    on_time = followed(call, title="Tiers-lieu numérique")[2]
    factories.impact_report(on_time, 6, values=("1", "2", "3"))
    away = factories.user(first_name="Paul", email="paul@organisation.fr")
    factories.grant(away, call, CallRoleKind.ORGANISER)
    away.active = False
    other_call = factories.results_call(results_at=RESULTS)
    stranger = factories.user(email="autre@organisation.fr")
    factories.grant(stranger, other_call, CallRoleKind.ORGANISER)
    db.session.commit()

    assert run(paris(2027, 3, 29, 8, 0)).impact_late == 0  # D+29
    report = run(paris(2027, 3, 30, 8, 0))
    assert report.impact_late == 1 and report.impact_reports == 0  # the team is not reminded at D+30
    [email] = emails("impact_reports_late", organiser)
    assert email.subject == f"Appel «{NB}Prix de l'innovation 2026{NB}»{NB}: 2 rapports de suivi en retard"
    text = email.body_text
    assert "Cantine zéro déchet" in text and "Guichet unique" in text and "Tiers-lieu numérique" not in text
    assert f"/submissions/{edition['project'].id}/impact" in text and f"/submissions/{second.id}/impact" in text
    assert f"/manage/calls/{call.id}/impact" in text
    assert "28 février 2027" in text
    assert emails("impact_reports_late", away) == [] and emails("impact_reports_late", stranger) == []
    assert emails("impact_reports_late", edition["lead"]) == []

    assert run(paris(2027, 3, 30, 20, 0)).impact_late == 0  # once a Paris day
    assert run(paris(2027, 3, 31, 8, 0)).impact_late == 0  # nothing newly late: no daily repeat
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "impact.reminders_sent")
                               .order_by(AuditEvent.id)).all()[-1]
    assert event.details == {"stage": "organisers", "people": [organiser.id], "scheduled": True}


def test_organisers_are_told_again_when_another_report_becomes_late(edition):
    call, organiser = edition["call"], edition["organiser"]
    run(paris(2027, 3, 30, 8, 0))
    later = factories.laureate(call=call, title="Mobilité solidaire")
    plan = factories.impact_plan(project=later)
    report = next(r for r in plan.reports if r.months == 6)
    report.due_at = paris(2027, 3, 15, 18, 0)  # as if its milestone had been moved
    db.session.commit()
    assert run(paris(2027, 4, 13, 8, 0)).impact_late == 0  # D+29 for the new one
    assert run(paris(2027, 4, 14, 8, 0)).impact_late == 1
    email = emails("impact_reports_late", organiser)[-1]
    assert email.subject == f"Appel «{NB}Prix de l'innovation 2026{NB}»{NB}: 2 rapports de suivi en retard"
    assert "Mobilité solidaire" in email.body_text and "Cantine zéro déchet" in email.body_text
    assert "(nouveau)" in email.body_text.split("Mobilité solidaire", 1)[1].split("\n", 1)[0]


# --- setting up the follow-up ------------------------------------------------------------------------------

def test_a_follow_up_not_under_way_14_days_after_the_results_is_reminded_once(edition):
    call = edition["call"]
    waiting_lead = factories.user(email="attente@ville.fr")
    waiting = factories.laureate(call=call, lead=waiting_lead, title="Pas encore de suivi")
    opted_lead = factories.user(email="volontaire@ville.fr")
    opted = factories.submission(call=call, lead=opted_lead, status=SubmissionStatus.SUBMITTED, title="Volontaire")
    factories.decision(opted, DecisionOutcome.NOT_SELECTED)
    factories.impact_plan(project=opted, active=False)
    ignored_lead = factories.user(email="non-retenu@ville.fr")
    factories.decision(factories.submission(call=call, lead=ignored_lead, status=SubmissionStatus.SUBMITTED),
                       DecisionOutcome.NOT_SELECTED)

    assert run(paris(2026, 9, 13, 23, 59)).impact_setups == 0
    assert run(paris(2026, 9, 14, 0, 0)).impact_setups == 2
    assert run(paris(2026, 9, 20, 8, 0)).impact_setups == 0
    [to_waiting] = emails("impact_setup_reminder", waiting_lead)
    assert to_waiting.subject == (f"Rappel{NB}: le suivi d'impact de «{NB}Pas encore de suivi{NB}» "
                                  "n'est pas encore mis en place")
    assert f"/submissions/{waiting.id}/impact/setup" in to_waiting.body_text
    assert "28 février 2027" in to_waiting.body_text  # the first report's due date
    [to_opted] = emails("impact_setup_reminder", opted_lead)
    assert "brouillon" in to_opted.body_text
    assert emails("impact_setup_reminder", ignored_lead) == []
    assert emails("impact_setup_reminder", edition["lead"]) == []  # under way


def test_no_set_up_reminder_once_the_first_report_is_due():
    call = factories.results_call(results_at=RESULTS)
    factories.laureate(call=call)
    assert run(paris(2027, 2, 28, 8, 0)).impact_setups == 0
    assert run(paris(2027, 2, 27, 8, 0)).impact_setups == 1  # a late cron still catches up before that day


# --- the invitation at the results, through the real SMTP server -----------------------------------------

@pytest.fixture
def deliberated():
    call = factories.call(title="Prix de l'innovation 2027", phase=CallPhase.DELIBERATION)
    organiser = factories.user(first_name="Sophie")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    lead = factories.user(first_name="Aïcha", email="aicha@ville.fr")
    co = factories.user(first_name="Marc", email="marc@ville.fr")
    gone = factories.user(email="parti@ville.fr")
    gone.active = False
    winner = factories.submission(call=call, status=SubmissionStatus.SUBMITTED, lead=lead, members=(co, gone),
                                  title="Cantine zéro déchet")
    mention_lead = factories.user(email="mention@ville.fr")
    mention = factories.submission(call=call, status=SubmissionStatus.SUBMITTED, lead=mention_lead,
                                   title="Guichet unique")
    other_lead = factories.user(email="autre@ville.fr")
    other = factories.submission(call=call, status=SubmissionStatus.SUBMITTED, lead=other_lead)
    factories.decision(winner, DecisionOutcome.LAUREATE, prize="Premier prix")
    factories.decision(mention, DecisionOutcome.MENTION)
    factories.decision(other, DecisionOutcome.NOT_SELECTED)
    db.session.commit()
    return {"call": call, "organiser": organiser, "lead": lead, "co": co, "gone": gone, "winner": winner,
            "mention": mention, "mention_lead": mention_lead, "other_lead": other_lead}


def test_publishing_invites_the_awarded_teams_once_in_french_with_the_set_up_link(deliberated, mailbox):
    call, winner = deliberated["call"], deliberated["winner"]
    with current_app.test_request_context():
        done = results.publish(call=call, actor=deliberated["organiser"])
        db.session.commit()
    assert done.invitations == 3  # Aïcha, Marc, and the mention's lead
    deliver_pending()

    [message] = [m for m in mailbox.to(deliberated["lead"].email)
                 if m["Subject"] == f"Mettez en place le suivi d'impact de «{NB}Cantine zéro déchet{NB}»"]
    text = mailbox.text(message)
    assert "Bonjour Aïcha," in text
    assert f"lauréat de l'appel «{NB}Prix de l'innovation 2027{NB}»" in text
    assert "quelques minutes" in text and "3 à 5 indicateurs" in text
    assert "6 mois après les résultats" in text and "24 mois après les résultats" in text
    assert mailbox.link(message, "/submissions/") == f"/submissions/{winner.id}/impact/setup"
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f"/submissions/{winner.id}/impact/setup" in html
    assert len([m for m in mailbox.to(deliberated["co"].email) if "suivi d'impact" in m["Subject"]]) == 1
    mention = [m for m in mailbox.to(deliberated["mention_lead"].email) if "suivi d'impact" in m["Subject"]]
    assert len(mention) == 1 and "mention" in mailbox.text(mention[0])
    assert all("suivi d'impact" not in m["Subject"] for m in mailbox.to(deliberated["other_lead"].email))
    assert emails("impact_invitation", deliberated["gone"]) == []  # an inactive account (its decision still goes)
    [event] = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "impact.reminders_sent")).all()
    assert event.details["stage"] == "invitation" and event.actor_id == deliberated["organiser"].id

    with current_app.test_request_context():
        again = results.publish(call=call, actor=deliberated["organiser"])
        db.session.commit()
    assert again.invitations == 0
    assert len(emails("impact_invitation")) == 3


def test_the_reports_reminder_reaches_the_smtp_server_in_french(edition, mailbox):
    run(paris(2027, 3, 14, 8, 0))
    deliver_pending()
    [message] = mailbox.to(edition["lead"].email)
    assert message["Subject"] == "Votre rapport à 6 mois est en retard depuis le 28 février 2027"
    path = mailbox.link(message, "/submissions/")
    assert path == f"/submissions/{edition['project'].id}/impact/reports/6"


def test_the_cli_reports_the_follow_up_reminders(app, edition):
    result = app.test_cli_runner().invoke(args=["reminders", "run", "--now", "2027-02-14T08:00"])
    assert result.exit_code == 0, result.output
    assert "0 follow-ups to set up, 2 follow-up reports due, 0 late follow-ups to organisers" in result.output
