"""Organisers' use cases on a call: its grid, its form questions and its phase."""
from __future__ import annotations

from datetime import timedelta

import pytest

from prizeapp.enums import CallKind, CallPhase, CallRoleKind, QuestionKind, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models import Call, FormQuestion
from prizeapp.models.types import utcnow
from prizeapp.services import calls
from prizeapp.services.calls import CallError, CriterionSpec, QuestionSpec

from .. import factories

# --- creation -----------------------------------------------------------------------------------------

def test_a_new_call_is_a_draft_with_the_sgmap_grid_and_its_creator_as_organiser():
    actor = factories.user()
    call = calls.create_call(actor=actor, kind=CallKind.INNOVATION_PRIZE, title="  Prix de l'innovation 2026 ")
    assert (call.phase, call.title, call.slug) == (CallPhase.DRAFT, "Prix de l'innovation 2026",
                                                   "prix-de-l-innovation-2026")
    assert [(c.name, c.weight) for c in call.criteria] == [
        ("Innovation", 25), ("Impact", 25), ("Modèle économique", 15), ("Essaimage", 20),
        ("Faisabilité et équipe", 15)]
    assert [(r.user_id, r.role) for r in call.roles] == [(actor.id, CallRoleKind.ORGANISER)]
    assert [e.details for e in factories.audit_events("call.created")] == [{"title": "Prix de l'innovation 2026"}]


# --- the grid -----------------------------------------------------------------------------------------

def _specs(*weights: int) -> list[CriterionSpec]:
    return [CriterionSpec(name=f"Critère {i}", weight=w, level_labels={"1": " faible ", "5": ""})
            for i, w in enumerate(weights, start=1)]


def test_set_grid_replaces_the_criteria_in_order_and_records_it():
    actor, call = factories.user(), factories.call(phase=CallPhase.DRAFT)
    calls.set_grid(call=call, actor=actor, specs=_specs(60, 40))
    db.session.commit()
    db.session.expire_all()
    call = db.session.get(Call, call.id)
    assert [(c.position, c.name, c.weight) for c in call.criteria] == [(1, "Critère 1", 60), (2, "Critère 2", 40)]
    assert call.criteria[0].level_labels == {"1": "faible"}  # labels stripped, empty ones dropped
    assert factories.audit_events("call.grid_changed")[-1].details == {"criteria": ["Critère 1 60%", "Critère 2 40%"]}


@pytest.mark.parametrize("specs, codes", [
    (_specs(60, 30), ["grid_weights_not_100"]),
    ([], ["grid_empty", "grid_weights_not_100"]),
    ([CriterionSpec(name=" ", weight=100)], ["criterion_name_required"]),
    ([CriterionSpec(name="A", weight=100, scale_min=5, scale_max=5)], ["criterion_scale_invalid"]),
    ([CriterionSpec(name="A", weight=100, scale_min=0, scale_max=21)], ["criterion_scale_invalid"]),
    ([CriterionSpec(name="A", weight=100, level_labels={"6": "trop"})], ["criterion_label_outside_scale"]),
])
def test_set_grid_refuses_a_grid_with_problems_and_keeps_the_old_one(specs, codes):
    actor, call = factories.user(), factories.call(phase=CallPhase.DRAFT)
    with pytest.raises(CallError) as error:
        calls.set_grid(call=call, actor=actor, specs=specs)
    assert error.value.codes == codes
    db.session.rollback()
    assert [c.name for c in db.session.get(Call, call.id).criteria] == ["Innovation"]


def test_the_grid_is_frozen_from_the_review_phase_on():
    actor = factories.user()
    open_call = factories.call(phase=CallPhase.OPEN)
    assert not calls.grid_frozen(open_call)
    call = factories.call(phase=CallPhase.REVIEW)
    assert calls.grid_frozen(call)
    with pytest.raises(CallError) as error:
        calls.set_grid(call=call, actor=actor, specs=_specs(100))
    assert error.value.codes == ["grid_frozen"]
    # The dates alone freeze it too: an open call past its deadline is under review.
    late = factories.call(phase=CallPhase.OPEN)
    late.opens_at, late.submission_deadline = utcnow() - timedelta(days=10), utcnow() - timedelta(minutes=1)
    assert calls.grid_frozen(late)


# --- the form questions -------------------------------------------------------------------------------

def _questions(call: Call) -> list[tuple[int, str]]:
    db.session.expire_all()
    return [(q.position, q.label) for q in db.session.get(Call, call.id).questions]


def _form(labels: list[str]) -> tuple[object, Call, list[FormQuestion]]:
    actor, call = factories.user(), factories.call(phase=CallPhase.DRAFT)
    questions = [calls.add_question(call=call, actor=actor,
                                    spec=QuestionSpec(kind=QuestionKind.SHORT_TEXT, label=label))
                 for label in labels]
    db.session.commit()
    return actor, call, questions


def test_move_question_swaps_with_its_neighbour_and_stops_at_the_ends():
    actor, call, (a, b, c) = _form(["A", "B", "C"])
    calls.move_question(question=c, actor=actor, offset=-1)
    db.session.commit()
    assert _questions(call) == [(1, "A"), (2, "C"), (3, "B")]
    a = db.session.get(FormQuestion, a.id)
    calls.move_question(question=a, actor=actor, offset=-1)  # already first: nothing happens
    calls.move_question(question=a, actor=actor, offset=+1)
    db.session.commit()
    assert _questions(call) == [(1, "C"), (2, "A"), (3, "B")]
    b = db.session.get(FormQuestion, b.id)
    calls.move_question(question=b, actor=actor, offset=+1)  # already last
    db.session.commit()
    assert _questions(call) == [(1, "C"), (2, "A"), (3, "B")]


def test_delete_question_renumbers_the_others_without_gaps():
    actor, call, (a, b, c, d) = _form(["A", "B", "C", "D"])
    calls.delete_question(question=b, actor=actor)
    db.session.commit()
    assert _questions(call) == [(1, "A"), (2, "C"), (3, "D")]
    # The next question goes after the last one, not into a gap.
    calls.add_question(call=db.session.get(Call, call.id), actor=actor,
                       spec=QuestionSpec(kind=QuestionKind.NUMBER, label="E"))
    db.session.commit()
    assert _questions(call) == [(1, "A"), (2, "C"), (3, "D"), (4, "E")]
    assert [e.details for e in factories.audit_events("call.question_deleted")] == [{"label": "B"}]


def test_once_a_project_is_submitted_questions_can_be_reworded_but_not_added_removed_or_change_kind():
    actor, call, (a,) = _form(["A"])
    submission = factories.submission(call=call, status=SubmissionStatus.SUBMITTED)
    assert calls.form_locked(call)
    with pytest.raises(CallError, match="form_locked"):
        calls.add_question(call=call, actor=actor, spec=QuestionSpec(kind=QuestionKind.SHORT_TEXT, label="B"))
    with pytest.raises(CallError, match="form_locked"):
        calls.delete_question(question=a, actor=actor)
    with pytest.raises(CallError, match="form_locked"):
        calls.update_question(question=a, actor=actor, spec=QuestionSpec(kind=QuestionKind.NUMBER, label="A"))
    calls.update_question(question=a, actor=actor, spec=QuestionSpec(kind=QuestionKind.SHORT_TEXT, label="A ?"))
    db.session.commit()
    assert _questions(call) == [(1, "A ?")]
    assert submission.id


def test_question_problems_are_named():
    spec = QuestionSpec(kind=QuestionKind.SINGLE_CHOICE, label=" ", choices=["seul"])
    assert calls.question_problems(spec) == ["question_label_required", "question_needs_two_choices"]
    spec = QuestionSpec(kind=QuestionKind.NUMBER, label="Budget", minimum=10, maximum=5)
    assert calls.question_problems(spec) == ["question_min_above_max"]


# --- the phase ----------------------------------------------------------------------------------------

def _phase_moves() -> list[dict]:
    return [e.details for e in factories.audit_events("call.phase_changed")]


def test_move_phase_forward_any_steps_and_back_one_step_each_recorded():
    actor, call = factories.user(), factories.call(phase=CallPhase.OPEN)
    calls.move_phase(call=call, actor=actor, target=CallPhase.DELIBERATION)
    calls.move_phase(call=call, actor=actor, target=CallPhase.PUBLISHED)
    calls.move_phase(call=call, actor=actor, target=CallPhase.DELIBERATION)
    db.session.commit()
    assert call.phase == CallPhase.DELIBERATION
    assert _phase_moves() == [{"from": "open", "to": "deliberation"}, {"from": "deliberation", "to": "published"},
                              {"from": "published", "to": "deliberation"}]


def test_move_phase_refuses_going_back_two_steps():
    actor, call = factories.user(), factories.call(phase=CallPhase.DELIBERATION)
    with pytest.raises(CallError) as error:
        calls.move_phase(call=call, actor=actor, target=CallPhase.OPEN)
    assert error.value.codes == ["phase_move_not_allowed"]
    assert error.value.params == {"current": "deliberation", "target": "open"}
    assert _phase_moves() == []


def test_publishing_a_draft_needs_dates_and_a_grid_of_100():
    actor, call = factories.user(), factories.call(phase=CallPhase.DRAFT)
    call.criteria[0].weight = 90
    call.opens_at = None
    with pytest.raises(CallError) as error:
        calls.move_phase(call=call, actor=actor, target=CallPhase.OPEN)
    assert error.value.codes == ["opening_and_deadline_required", "grid_weights_not_100"]
    assert call.phase == CallPhase.DRAFT


def test_going_back_to_a_phase_whose_dates_have_passed_is_refused_rather_than_recorded_for_nothing():
    # The deadline has passed: the dates keep the call under review whatever its stored phase.
    actor, call = factories.user(), factories.call(phase=CallPhase.REVIEW)
    call.opens_at, call.submission_deadline = utcnow() - timedelta(days=10), utcnow() - timedelta(days=1)
    with pytest.raises(CallError) as error:
        calls.move_phase(call=call, actor=actor, target=CallPhase.OPEN)
    assert error.value.codes == ["phase_set_by_dates"]
    assert error.value.params["phase"] == "review"
    assert calls.current_phase(call) == CallPhase.REVIEW
    assert _phase_moves() == []
    # With a later deadline, going back works.
    call.submission_deadline = utcnow() + timedelta(days=1)
    calls.move_phase(call=call, actor=actor, target=CallPhase.OPEN)
    assert calls.current_phase(call) == CallPhase.OPEN


def test_level_labels_come_in_score_order_on_a_0_to_10_scale():
    from prizeapp.models import Criterion

    criterion = Criterion(name="Impact", weight=100, scale_min=0, scale_max=10,
                          level_labels={"10": "exceptionnel", "2": "faible", "0": "absent"})
    assert criterion.labels_in_order == [(0, "absent"), (2, "faible"), (10, "exceptionnel")]
