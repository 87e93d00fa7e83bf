"""The organiser side of a call, through HTTP: settings, dates in Paris time, grid, form, phases, submissions.

People here read the pages in English so that the assertions hold before and after the French translation;
dates are checked in French, where Babel (not our catalog) writes them.
"""
from __future__ import annotations

import csv
import html as html_lib
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import url_for

from prizeapp.enums import CallKind, CallPhase, CallRoleKind, Locale, QuestionKind, SubmissionStatus, UnitKind
from prizeapp.extensions import db
from prizeapp.models import AuditEvent, Call, CallRole, FormQuestion, SubmissionFile
from prizeapp.models.types import utcnow
from prizeapp.services import submissions as submissions_service

from .. import factories
from ..conftest import post_form, sign_in_as


@pytest.fixture
def organiser():
    return factories.user(locale=Locale.EN, first_name="Sophie", last_name="Martin")


@pytest.fixture
def call(organiser):
    call = factories.call(title="Prix de l'innovation publique")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    return call


@pytest.fixture
def signed_in(client, organiser):
    sign_in_as(client, organiser)
    return client


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    return response.get_data(as_text=True)


def text_of(html: str) -> str:
    """The page as text: tags dropped, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html)))


def field_error(html: str, field_id: str) -> str:
    match = re.search(rf'<p class="field__error" id="{re.escape(field_id)}-error">(.*?)</p>', html, re.S)
    assert match, f"no error shown for {field_id}"
    return text_of(match.group(1)).replace("Error:", "").strip()


def input_value(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', html)
    assert match, f"no input {name}"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return html_lib.unescape(value.group(1)) if value else ""


def reload(call: Call) -> Call:
    db.session.expire_all()
    return db.session.get(Call, call.id)


# --- creating and editing a call ----------------------------------------------------------------------

def test_an_organiser_creates_a_call_as_a_draft_with_the_sgmap_grid(signed_in, organiser, call):
    response = post_form(signed_in, "/manage/calls/new", {"kind": "innovation_prize", "title": "Prix 2027"})
    assert response.status_code == 302
    call = db.session.scalar(db.select(Call).where(Call.title == "Prix 2027"))
    assert response.headers["Location"] == f"/manage/calls/{call.id}/settings"
    assert (call.kind, call.phase) == (CallKind.INNOVATION_PRIZE, CallPhase.DRAFT)
    assert [c.weight for c in call.criteria] == [25, 25, 15, 20, 15]
    assert db.session.scalar(db.select(CallRole.role).where(CallRole.call_id == call.id,
                                                            CallRole.user_id == organiser.id)) == CallRoleKind.ORGANISER
    assert "Prix 2027" in page(signed_in, "/manage/")


def test_creating_a_call_without_a_title_explains(signed_in, call):
    response = post_form(signed_in, "/manage/calls/new", {"kind": "call_for_projects", "title": " "})
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "title") == "Enter the title of the call."
    assert db.session.scalar(db.select(db.func.count(Call.id))) == 1  # the fixture's only


def settings(**overrides) -> dict:
    values = {"kind": "call_for_projects", "title": "Appel à projets Territoires", "summary": "Pour les agents.",
              "description": "## Objet\n\nDes **projets**.", "rules": "1. Être agent.",
              "categories": "Santé\n\n Éducation \nSanté",
              "eligible_email_domains": "@Interieur.gouv.fr\nville.example.fr",
              "max_submissions_per_applicant": "2", "review_mode": "peer", "reviewers_per_submission": "4",
              "blind": "blind", "opens_at": "2026-03-02T09:00", "submission_deadline": "2026-04-30T12:00",
              "review_deadline": "2026-06-01T18:00", "deliberation_at": "2026-06-15T14:00",
              "results_at": "2026-07-01T10:00"}
    values.update(overrides)
    return values


def test_the_settings_form_saves_every_setting(signed_in, call):
    ministry = factories.unit(name="Ministère")
    direction = factories.unit(name="Direction du numérique", kind=UnitKind.DIRECTION, parent=ministry)
    response = post_form(signed_in, f"/manage/calls/{call.id}/settings",
                         settings(eligible_unit_ids=[str(direction.id)]))
    assert response.status_code == 302
    call = reload(call)
    assert (call.kind, call.title, call.summary, call.rules) == (
        CallKind.CALL_FOR_PROJECTS, "Appel à projets Territoires", "Pour les agents.", "1. Être agent.")
    assert call.categories == ["Santé", "Éducation"]
    assert call.eligible_email_domains == ["interieur.gouv.fr", "ville.example.fr"]
    assert call.eligible_unit_ids == [direction.id]
    assert (call.max_submissions_per_applicant, call.review_mode.value, call.reviewers_per_submission,
            call.blind.value) == (2, "peer", 4, "blind")
    assert call.opens_at == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert "summary" in factories.audit_events("call.updated")[-1].details["changed"]
    # The description is Markdown, rendered (and sanitised) where applicants read it.
    assert "<h3>Objet</h3>" in page(signed_in, f"/manage/calls/{call.id}")


def test_markdown_cannot_carry_a_script(signed_in, call):
    post_form(signed_in, f"/manage/calls/{call.id}/settings",
              settings(description='<script>alert(1)</script> [x](javascript:alert(1))'))
    html = page(signed_in, f"/manage/calls/{call.id}")
    assert "<script>alert" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text


def test_a_deadline_before_the_opening_is_explained_and_what_was_typed_is_kept(signed_in, call):
    before = reload(call).submission_deadline
    response = post_form(signed_in, f"/manage/calls/{call.id}/settings",
                         settings(title="Titre modifié", opens_at="2026-05-10T09:00",
                                  submission_deadline="2026-05-01T12:00"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert field_error(html, "submission_deadline") == "This date must come after “Opening of submissions”."
    assert 'href="#submission_deadline"' in html  # the error summary links to the field
    assert input_value(html, "submission_deadline") == "2026-05-01T12:00"
    assert input_value(html, "opens_at") == "2026-05-10T09:00"
    assert input_value(html, "title") == "Titre modifié"
    assert "Santé\n\n Éducation \nSanté" in html_lib.unescape(html)  # the textarea as typed
    call = reload(call)
    assert (call.title, call.submission_deadline) == ("Prix de l'innovation publique", before)


def test_a_bad_email_domain_is_explained(signed_in, call):
    response = post_form(signed_in, f"/manage/calls/{call.id}/settings",
                         settings(eligible_email_domains="interieur.gouv.fr\nnot a domain"))
    assert response.status_code == 400
    assert "Not a domain name: not a domain." in field_error(response.get_data(as_text=True), "eligible_email_domains")


def test_dates_are_entered_and_shown_in_paris_time_across_the_change_to_summer_time(client, call):
    french = factories.user(locale=Locale.FR)
    factories.grant(french, call, CallRoleKind.ORGANISER)
    sign_in_as(client, french)
    # Opening in winter time (UTC+1), deadline the day after the clocks go forward (UTC+2).
    response = post_form(client, f"/manage/calls/{call.id}/settings",
                         settings(opens_at="2026-03-20T09:00", submission_deadline="2026-03-30T12:00",
                                  review_deadline="2026-10-26T09:30", deliberation_at="", results_at=""))
    assert response.status_code == 302
    call = reload(call)
    assert call.opens_at == datetime(2026, 3, 20, 8, 0, tzinfo=UTC)
    assert call.submission_deadline == datetime(2026, 3, 30, 10, 0, tzinfo=UTC)
    assert call.review_deadline == datetime(2026, 10, 26, 8, 30, tzinfo=UTC)  # back to winter time
    assert (call.deliberation_at, call.results_at) == (None, None)

    html = page(client, f"/manage/calls/{call.id}/settings")
    assert input_value(html, "opens_at") == "2026-03-20T09:00"
    assert input_value(html, "submission_deadline") == "2026-03-30T12:00"
    assert input_value(html, "review_deadline") == "2026-10-26T09:30"
    assert "30 mars 2026, 12:00" in text_of(page(client, f"/manage/calls/{call.id}"))


@pytest.mark.parametrize("typed, explanation", [
    ("2026-03-29T02:30", "This time does not exist in Paris"),  # clocks jump from 02:00 to 03:00
    ("2026-10-25T02:30", "This time happens twice in Paris"),  # clocks go back from 03:00 to 02:00
])
def test_a_paris_time_that_is_not_one_instant_is_refused_with_a_reason(signed_in, call, typed, explanation):
    before = reload(call).review_deadline
    response = post_form(signed_in, f"/manage/calls/{call.id}/settings",
                         settings(opens_at="2026-03-01T09:00", submission_deadline="2026-03-20T12:00",
                                  review_deadline=typed, deliberation_at="", results_at=""))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert field_error(html, "review_deadline").startswith(explanation)
    assert input_value(html, "review_deadline") == typed
    assert reload(call).review_deadline == before


def test_dates_typed_the_french_way_are_understood(signed_in, call):
    response = post_form(signed_in, f"/manage/calls/{call.id}/settings",
                         settings(opens_at="02/03/2026 09:00", submission_deadline="30/04/2026 12h00"))
    assert response.status_code == 302
    assert reload(call).submission_deadline == datetime(2026, 4, 30, 10, 0, tzinfo=UTC)


# --- the evaluation grid ------------------------------------------------------------------------------

def grid_data(*rows: dict) -> dict:
    data = {}
    for i, row in enumerate(rows):
        values = {"name": "", "description": "", "weight": "", "scale_min": "1", "scale_max": "5", "levels": ""}
        values.update(row)
        data.update({f"criteria-{i}-{k}": v for k, v in values.items()})
    return data


def test_the_grid_editor_shows_the_grid_and_its_total(signed_in, call):
    html = page(signed_in, f"/manage/calls/{call.id}/grid")
    assert input_value(html, "criteria-0-name") == "Innovation"
    assert input_value(html, "criteria-1-name") == ""  # one empty row to add a criterion without JavaScript
    assert re.search(r"<output data-weight-total[^>]*>100</output>", html)


def test_grid_weights_that_do_not_add_up_to_100_are_refused(signed_in, call):
    response = post_form(signed_in, f"/manage/calls/{call.id}/grid", grid_data(
        {"name": "Innovation", "weight": "60"}, {"name": "Impact", "weight": "30"}, {}))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "The weights add up to 90 %: they must add up to exactly 100 %." in text_of(html)
    assert re.search(r"<output data-weight-total[^>]*>90</output>", html)
    assert input_value(html, "criteria-1-name") == "Impact"
    assert [(c.name, c.weight) for c in reload(call).criteria] == [("Innovation", 100)]


def test_a_grid_of_100_is_saved_with_its_labels_and_rows_can_be_removed(signed_in, call):
    response = post_form(signed_in, f"/manage/calls/{call.id}/grid", grid_data(
        {"name": "Innovation", "weight": "100", "remove": "y"},
        {"name": "Impact", "description": "Pour les usagers", "weight": "70", "scale_min": "0", "scale_max": "3",
         "levels": "nul\n\nbien\nexcellent"},
        {"name": "Essaimage", "weight": "30"}, {}))
    assert response.status_code == 302
    criteria = reload(call).criteria
    assert [(c.position, c.name, c.weight, c.scale_min, c.scale_max) for c in criteria] == [
        (1, "Impact", 70, 0, 3), (2, "Essaimage", 30, 1, 5)]
    assert criteria[0].level_labels == {"0": "nul", "2": "bien", "3": "excellent"}
    # Shown again one line per score, the empty one kept in its place.
    html = html_lib.unescape(page(signed_in, f"/manage/calls/{call.id}/grid"))
    assert "nul\n\nbien\nexcellent</textarea>" in html
    assert factories.audit_events("call.grid_changed")[-1].details == {"criteria": ["Impact 70%", "Essaimage 30%"]}


def test_grid_problems_are_shown_next_to_their_row(signed_in, call):
    response = post_form(signed_in, f"/manage/calls/{call.id}/grid", grid_data(
        {"name": "Innovation", "weight": "50"},
        {"name": "", "description": "Sans nom", "weight": "50", "scale_min": "1", "scale_max": "3",
         "levels": "a\nb\nc\nd"}))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert field_error(html, "criteria-1-name") == "Enter the name of the criterion."
    assert field_error(html, "criteria-1-levels") == "More lines than scores: from 1 to 3 there are 3 scores."
    assert 'href="#criteria-1-name"' in html


def test_add_a_row_keeps_what_was_typed_and_saves_nothing(signed_in, call):
    response = post_form(signed_in, f"/manage/calls/{call.id}/grid",
                         {**grid_data({"name": "Innovation", "weight": "40"}, {"name": "Impact", "weight": "20"}),
                          "action": "add_row"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert input_value(html, "criteria-1-name") == "Impact"
    assert input_value(html, "criteria-2-name") == ""
    assert input_value(html, "criteria-2-scale_max") == "5"
    assert re.search(r"<output data-weight-total[^>]*>60</output>", html)
    assert [c.name for c in reload(call).criteria] == ["Innovation"]


def test_the_grid_is_read_only_and_refuses_changes_from_the_review_phase_on(signed_in, call):
    call.phase = CallPhase.REVIEW
    db.session.commit()
    html = page(signed_in, f"/manage/calls/{call.id}/grid")
    assert "The grid is frozen" in html and "data-grid" not in html
    response = post_form(signed_in, f"/manage/calls/{call.id}/grid", grid_data({"name": "Autre", "weight": "100"}))
    assert response.status_code == 302
    assert "The evaluation grid can no longer change" in page(signed_in, response.headers["Location"])
    assert [c.name for c in reload(call).criteria] == ["Innovation"]
    assert factories.audit_events("call.grid_changed") == []


# --- the submission form ------------------------------------------------------------------------------

def question_data(**overrides) -> dict:
    values = {"kind": "single_choice", "label": "Votre territoire est-il rural ?", "help_text": "Selon l'INSEE.",
              "required": "y", "choices": "Oui\nNon\n", "minimum": "", "maximum": "", "max_length": ""}
    values.update(overrides)
    return values


def questions(call: Call) -> list[tuple]:
    return [(q.position, q.kind.value, q.label) for q in reload(call).questions]


def test_the_form_page_shows_the_fixed_fields(signed_in, call):
    html = text_of(page(signed_in, f"/manage/calls/{call.id}/form"))
    for name in ("Title of the project", "Summary", "Description", "Category", "Territory", "Team",
                 "Budget requested"):
        assert name in html


def test_questions_are_added_edited_moved_and_deleted(signed_in, call):
    url = f"/manage/calls/{call.id}/form/questions/new"
    assert post_form(signed_in, url, question_data()).status_code == 302
    assert post_form(signed_in, url, question_data(kind="number", label="Nombre d'agents", choices="ignored",
                                                   minimum="1", maximum="50 000,5")).status_code == 302
    first, second = reload(call).questions
    assert (first.choices, first.required, first.help_text) == (["Oui", "Non"], True, "Selon l'INSEE.")
    assert (second.choices, str(second.minimum), str(second.maximum)) == ([], "1.00", "50000.50")

    response = post_form(signed_in, f"/manage/calls/{call.id}/form/questions/{first.id}",
                         question_data(kind="multiple_choice", label="Vos territoires", choices="Rural\nUrbain\nMixte"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/manage/calls/{call.id}/form#question-{first.id}"
    form_page = f"/manage/calls/{call.id}/form"
    post_form(signed_in, f"/manage/calls/{call.id}/form/questions/{second.id}/move", {"direction": "up"},
              page=form_page)
    assert questions(call) == [(1, "number", "Nombre d'agents"), (2, "multiple_choice", "Vos territoires")]
    assert db.session.get(FormQuestion, first.id).choices == ["Rural", "Urbain", "Mixte"]

    response = post_form(signed_in, f"/manage/calls/{call.id}/form/questions/{second.id}/delete", {}, page=form_page)
    assert response.status_code == 302
    assert questions(call) == [(1, "multiple_choice", "Vos territoires")]
    assert "The question “Nombre d'agents” is deleted." in text_of(page(signed_in, form_page))


def test_a_choice_question_needs_two_choices_and_min_below_max(signed_in, call):
    url = f"/manage/calls/{call.id}/form/questions/new"
    response = post_form(signed_in, url, question_data(choices="Oui"))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert field_error(html, "choices") == "Give at least two choices, one per line."
    assert input_value(html, "label") == "Votre territoire est-il rural ?"
    response = post_form(signed_in, url, question_data(kind="number", minimum="10", maximum="5"))
    assert field_error(response.get_data(as_text=True), "maximum") == "The maximum must not be below the minimum."
    response = post_form(signed_in, url, question_data(kind="number", minimum="dix"))
    assert field_error(response.get_data(as_text=True), "minimum").startswith("Enter a number")
    assert questions(call) == []


def test_once_a_project_is_submitted_the_form_is_locked_but_questions_can_be_reworded(signed_in, call):
    question = factories.question(call=call, label="Ancien libellé")
    factories.submission(call=call, status=SubmissionStatus.SUBMITTED)
    form_page = f"/manage/calls/{call.id}/form"
    assert "Projects have already been submitted" in page(signed_in, form_page)

    response = post_form(signed_in, f"/manage/calls/{call.id}/form/questions/new", question_data())
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "kind").startswith("Projects have already been submitted")
    response = post_form(signed_in, f"/manage/calls/{call.id}/form/questions/{question.id}/delete", {}, page=form_page)
    assert "questions can no longer be removed" in page(signed_in, response.headers["Location"])
    response = post_form(signed_in, f"/manage/calls/{call.id}/form/questions/{question.id}",
                         question_data(kind="short_text", label="Nouveau libellé"))
    assert response.status_code == 302
    assert questions(call) == [(1, "short_text", "Nouveau libellé")]


def test_a_question_of_another_call_is_not_found(signed_in, call):
    other = factories.question(call=factories.call())
    assert signed_in.get(f"/manage/calls/{call.id}/form/questions/{other.id}").status_code == 404


# --- phases -------------------------------------------------------------------------------------------

def move(client, call: Call, target: str):
    response = post_form(client, f"/manage/calls/{call.id}/phase", {"target": target},
                         page=f"/manage/calls/{call.id}")
    assert response.status_code == 302
    return text_of(page(client, response.headers["Location"].split("#")[0]))


def test_phase_moves_forward_and_back_one_step_are_recorded(signed_in, call, organiser):
    html = move(signed_in, call, "review")
    assert "The call is now in the phase “Under review”." in html
    assert reload(call).phase == CallPhase.REVIEW
    move(signed_in, call, "published")
    move(signed_in, call, "deliberation")
    events = factories.audit_events("call.phase_changed")
    assert [e.details for e in events] == [{"from": "open", "to": "review"}, {"from": "review", "to": "published"},
                                           {"from": "published", "to": "deliberation"}]
    assert {e.actor_id for e in events} == {organiser.id}


def test_going_back_two_steps_is_refused_and_not_recorded(signed_in, call):
    call.phase = CallPhase.DELIBERATION
    db.session.commit()
    html = move(signed_in, call, "open")
    assert "from “Deliberation” it cannot go to “Open for submissions”" in html
    assert reload(call).phase == CallPhase.DELIBERATION
    assert factories.audit_events("call.phase_changed") == []


def test_publishing_a_draft_that_is_not_ready_explains_why(signed_in, call):
    call.phase = CallPhase.DRAFT
    call.criteria[0].weight = 90
    call.submission_deadline = None
    db.session.commit()
    dashboard = text_of(page(signed_in, f"/manage/calls/{call.id}"))
    assert "Before publishing the call:" in dashboard  # said before anyone tries
    html = move(signed_in, call, "open")
    assert "The call cannot be published yet." in html
    assert "Set the opening date and the submission deadline in the settings." in html
    assert "The weights of the evaluation grid add up to 90 %, not 100 %: correct the grid." in html
    assert reload(call).phase == CallPhase.DRAFT
    assert factories.audit_events("call.phase_changed") == []


def test_going_back_before_a_date_that_has_passed_is_explained(signed_in, call):
    call.opens_at, call.submission_deadline = utcnow() - timedelta(days=9), utcnow() - timedelta(days=1)
    db.session.commit()  # stored "open", under review by the dates
    html = move(signed_in, call, "open")
    assert ("The dates put the call in the phase “Under review”: to move it to “Open for submissions”, first "
            "change the dates in the settings.") in html
    assert factories.audit_events("call.phase_changed") == []


def test_an_unknown_phase_is_a_bad_request(signed_in, call):
    response = post_form(signed_in, f"/manage/calls/{call.id}/phase", {"target": "nowhere"},
                         page=f"/manage/calls/{call.id}")
    assert response.status_code == 400


# --- the dashboard ------------------------------------------------------------------------------------

@pytest.fixture
def projects(call):
    """Two submitted projects, one withdrawn after submission, one draft, one draft withdrawn unsubmitted."""
    call.categories = ["Santé", "Éducation"]
    db.session.commit()
    alice = factories.user(first_name="Alice", last_name="Durand")
    bruno = factories.user(first_name="Bruno", last_name="Petit")
    return {
        "health": factories.submission(call=call, lead=alice, status=SubmissionStatus.SUBMITTED,
                                       title="Maison de santé mobile", category="Santé"),
        "school": factories.submission(call=call, lead=bruno, status=SubmissionStatus.SUBMITTED,
                                       title="Cantine zéro déchet", category="Éducation", members=(alice,)),
        "withdrawn": factories.submission(call=call, status=SubmissionStatus.WITHDRAWN, title="Projet retiré",
                                          category="Santé"),
        "draft": factories.submission(call=call, title="Brouillon secret", category="Santé"),
        "abandoned": factories.submission(call=call, status=SubmissionStatus.WITHDRAWN, submitted_at=None,
                                          title="Brouillon abandonné"),
    }


def listed(html: str) -> list[str]:
    return re.findall(r'<a href="/manage/calls/\d+/submissions/\d+">([^<]+)</a>', html)


def test_the_dashboard_counts_by_status_and_lists_only_submitted_projects(signed_in, call, projects):
    html = page(signed_in, f"/manage/calls/{call.id}")
    text = text_of(html)
    assert "2 Submitted projects" in text and "1 Withdrawn after submission" in text
    assert "2 Drafts not submitted" in text
    assert listed(html) == ["Maison de santé mobile", "Cantine zéro déchet", "Projet retiré"]
    assert "Brouillon" not in html


@pytest.mark.parametrize("query, titles", [
    ("status=withdrawn", ["Projet retiré"]),
    ("status=submitted", ["Maison de santé mobile", "Cantine zéro déchet"]),
    ("status=draft", ["Maison de santé mobile", "Cantine zéro déchet", "Projet retiré"]),  # no such filter
    ("category=Santé", ["Maison de santé mobile", "Projet retiré"]),
    ("category=Santé&status=submitted", ["Maison de santé mobile"]),
    ("q=cantine", ["Cantine zéro déchet"]),  # title, any case
    ("q=durand", ["Maison de santé mobile", "Cantine zéro déchet"]),  # a team member, lead or not
    ("q=Bruno Petit", ["Cantine zéro déchet"]),
    ("q=Brouillon", []),  # drafts are never found
    ("q=100%25", []),  # LIKE wildcards are plain characters
])
def test_the_dashboard_filters_and_searches(signed_in, call, projects, query, titles):
    assert listed(page(signed_in, f"/manage/calls/{call.id}?{query}")) == titles


def test_the_dashboard_finds_a_project_by_its_reference(signed_in, call, projects):
    reference = projects["school"].reference
    assert listed(page(signed_in, f"/manage/calls/{call.id}?q={reference.lower()}")) == ["Cantine zéro déchet"]


# --- the CSV export -----------------------------------------------------------------------------------

def test_the_csv_export_has_every_answer_of_submitted_projects_only_and_defuses_formulas(signed_in, call, organiser):
    budget = factories.question(call=call, label="Budget détaillé", kind=QuestionKind.NUMBER)
    themes = factories.question(call=call, label="=Thèmes", kind=QuestionKind.MULTIPLE_CHOICE,
                                choices=["Rural", "Urbain"])
    attachment = factories.question(call=call, label="Plan", kind=QuestionKind.FILE)
    submitted = factories.submission(call=call, status=SubmissionStatus.SUBMITTED, title="=HYPERLINK(\"x\")",
                                     answers={budget.key: 12500, themes.key: ["Rural", "Urbain"]})
    db.session.add(SubmissionFile(submission=submitted, question_key=attachment.key, display_name="plan.pdf",
                                  stored_name="abc.pdf", content_type="application/pdf", size=10, sha256="0" * 64))
    db.session.commit()
    factories.submission(call=call, title="Brouillon d'une autre équipe", answers={budget.key: 99})
    factories.submission(call=factories.call(), status=SubmissionStatus.SUBMITTED, title="Autre appel")

    response = signed_in.get(f"/manage/calls/{call.id}/submissions.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="appel-')
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    header, data = rows[0], rows[1:]
    assert len(data) == 1
    row = dict(zip(header, data[0]))
    assert row["title"] == "'=HYPERLINK(\"x\")"  # a spreadsheet shows it, never runs it
    assert (row["Budget détaillé"], row["Plan"], row["status"]) == ("12500", "plan.pdf", "submitted")
    assert "Brouillon" not in body and "Autre appel" not in body and "99" not in header
    assert factories.audit_events("call.submissions_exported")[-1].details == {"rows": 1}


def test_the_csv_export_defuses_a_formula_in_a_question_label(signed_in, call):
    factories.question(call=call, label="=1+1")
    factories.submission(call=call, status=SubmissionStatus.SUBMITTED)
    body = signed_in.get(f"/manage/calls/{call.id}/submissions.csv").get_data(as_text=True)
    header = next(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert header[-1] == "'=1+1"


# --- the printable view of one project ----------------------------------------------------------------

def test_the_printable_view_shows_every_field_answer_and_file(signed_in, call, app):
    date_q = factories.question(call=call, label="Date de lancement", kind=QuestionKind.DATE)
    choice_q = factories.question(call=call, label="Publics", kind=QuestionKind.MULTIPLE_CHOICE,
                                  choices=["Jeunes", "Seniors"])
    empty_q = factories.question(call=call, label="Remarques", kind=QuestionKind.LONG_TEXT)
    file_q = factories.question(call=call, label="Budget prévisionnel", kind=QuestionKind.FILE)
    teammate = factories.user(first_name="Jeanne", last_name="Leroy")
    submission = factories.submission(call=call, status=SubmissionStatus.SUBMITTED, title="Tiers-lieu",
                                      territory="Creuse", budget_requested=50000, members=(teammate,),
                                      answers={date_q.key: "2026-09-01", choice_q.key: ["Jeunes", "Seniors"]})
    record = SubmissionFile(submission=submission, question_key=file_q.key, display_name="budget.xlsx",
                            stored_name="x.xlsx", content_type="application/vnd.ms-excel", size=2048, sha256="0" * 64)
    db.session.add(record)
    db.session.commit()
    with open(submissions_service.file_path(record), "wb") as stored:
        stored.write(b"PK\x03\x04 budget")

    html = page(signed_in, f"/manage/calls/{call.id}/submissions/{submission.id}")
    text = text_of(html)
    for expected in ("Tiers-lieu", submission.reference, "Creuse", "50,000", "Jeanne Leroy",
                     "Résumé du projet", "Description du projet", "September 1, 2026", "Jeunes", "Seniors",
                     "Remarques No answer", "budget.xlsx"):
        assert expected in text, expected
    with app.test_request_context():
        download = url_for("applicant.download", file_id=record.id)
    assert f'<a href="{download}">budget.xlsx</a>' in html
    assert empty_q.label in text
    # The organiser follows the link: the applicant side's download rule lets them in.
    response = signed_in.get(download)
    assert (response.status_code, response.get_data()) == (200, b"PK\x03\x04 budget")


# --- organisers and jury ----------------------------------------------------------------------------------

def test_an_organiser_adds_a_jury_member_with_an_account_and_removes_them(client):
    from prizeapp.enums import CallRoleKind
    from prizeapp.models import CallRole

    call = factories.call()
    organiser = factories.user()
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    juror = factories.user(email="president.jury@region-exemple.fr", first_name="Hélène", last_name="Roux")
    sign_in_as(client, organiser)
    path = f"/manage/calls/{call.id}/people"

    response = post_form(client, path, {"email": "  President.Jury@region-exemple.fr ", "role": "jury"})

    assert response.status_code == 302
    assert db.session.scalar(db.select(CallRole.role).where(CallRole.user_id == juror.id)) == CallRoleKind.JURY
    assert "Hélène Roux" in client.get(path).get_data(as_text=True)
    assert db.session.scalar(db.select(AuditEvent.details).where(AuditEvent.action == "call.role_granted"))[
        "role"] == "jury"

    response = post_form(client, f"{path}/revoke", {"user_id": juror.id, "role": "jury"}, page=path)
    assert response.status_code == 302
    assert db.session.scalar(db.select(CallRole.id).where(CallRole.user_id == juror.id)) is None


def test_adding_an_unknown_address_says_so_and_keeps_it(client):
    from prizeapp.enums import CallRoleKind

    call = factories.call()
    organiser = factories.user()
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    sign_in_as(client, organiser)

    response = post_form(client, f"/manage/calls/{call.id}/people", {"email": "inconnu@ville.fr", "role": "jury"})

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="inconnu@ville.fr"' in html


def test_the_last_organiser_cannot_be_removed(client):
    from prizeapp.enums import CallRoleKind
    from prizeapp.models import CallRole

    call = factories.call()
    organiser = factories.user()
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    sign_in_as(client, organiser)
    path = f"/manage/calls/{call.id}/people"

    response = post_form(client, f"{path}/revoke", {"user_id": organiser.id, "role": "organiser"}, page=path)

    assert response.status_code == 302
    assert db.session.scalar(db.select(CallRole.id).where(CallRole.user_id == organiser.id)) is not None


# --- review progress --------------------------------------------------------------------------------------

def test_review_progress_and_a_reminder_to_one_late_reviewer(client, mailbox):
    from prizeapp.enums import AssignmentStatus
    from prizeapp.models import Assignment
    from prizeapp.services.outbox import deliver_pending

    call = factories.call(phase=CallPhase.REVIEW)
    organiser = factories.user()
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    projects = [factories.submission(call=call, status=SubmissionStatus.SUBMITTED, title=f"Projet {i}")
                for i in range(2)]
    done = factories.user(email="assidue@labo.fr", first_name="Anne", last_name="Assidue")
    late = factories.user(email="retard@labo.fr", first_name="Louis", last_name="Tardif")
    for project in projects:
        factories.submitted_review(call=call, submission=project, reviewer=done, total=3.0)
        db.session.add(Assignment(call_id=call.id, submission_id=project.id, reviewer_id=late.id,
                                  status=AssignmentStatus.COMMITTED))
    db.session.commit()
    sign_in_as(client, organiser)
    page = f"/manage/calls/{call.id}/reviews"

    html = client.get(page).get_data(as_text=True)
    assert "Louis Tardif" in html and "Anne Assidue" in html
    assert html.index("Louis Tardif") < html.index("Anne Assidue")  # most left to do first

    response = post_form(client, f"{page}/remind", {"reviewer_id": late.id}, page=page)
    db.session.commit()
    deliver_pending()

    assert response.status_code == 302
    assert [m["To"] for m in mailbox.messages] == ["retard@labo.fr"]
    body = mailbox.messages[0].get_body(("plain",)).get_content()
    assert projects[0].reference in body and projects[1].reference in body
