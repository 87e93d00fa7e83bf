"""Applicants' use cases, for the rules the HTTP tests (tests/views/test_applicant.py) do not reach:
eligibility, the number of projects per applicant, references, and the edge cases of saving and submitting."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from prizeapp.enums import CallKind, MemberRole, SubmissionStatus, UnitKind
from prizeapp.extensions import db
from prizeapp.models import OutboxEmail, Submission
from prizeapp.services import submissions
from prizeapp.services.submissions import SubmissionError

from .. import factories


@pytest.fixture(autouse=True)
def _request(app):
    # Receipts and invitations carry absolute links, built from the request.
    with app.test_request_context():
        yield


def _core(**values: str) -> dict[str, list[str]]:
    base = {"title": "Projet", "summary": "Résumé", "description": "Description"}
    return {name: [value] for name, value in {**base, **values}.items()}


def _receipts() -> list[OutboxEmail]:
    return db.session.scalars(db.select(OutboxEmail).where(OutboxEmail.kind == "submission_receipt")
                              .order_by(OutboxEmail.id)).all()


# --- eligibility --------------------------------------------------------------------------------------

@pytest.fixture
def chart():
    """A ministry with two directions, one of which has a service."""
    ministry = factories.unit(name="Ministère")
    innovation = factories.unit(name="Direction de l'innovation", kind=UnitKind.DIRECTION, parent=ministry)
    lab = factories.unit(name="Laboratoire", kind=UnitKind.SERVICE, parent=innovation)
    finance = factories.unit(name="Direction des finances", kind=UnitKind.DIRECTION, parent=ministry)
    return {"ministry": ministry, "innovation": innovation, "lab": lab, "finance": finance}


def test_a_unit_rule_admits_the_unit_and_every_unit_below_it(chart):
    call = factories.call()
    call.eligible_unit_ids = [chart["innovation"].id]
    db.session.commit()

    assert submissions.eligibility_problem(call, factories.user(unit=chart["innovation"])) is None
    assert submissions.eligibility_problem(call, factories.user(unit=chart["lab"])) is None
    assert submissions.eligibility_problem(call, factories.user(unit=chart["finance"])) == "not_eligible"
    assert submissions.eligibility_problem(call, factories.user(unit=chart["ministry"])) == "not_eligible"
    assert submissions.eligibility_problem(call, factories.user(unit=None)) == "not_eligible"


@pytest.mark.parametrize("email, eligible", [
    ("camille@interieur.gouv.fr", True),
    ("Camille@Interieur.Gouv.FR", True),
    ("camille@sg.interieur.gouv.fr", True),  # a sub-domain of an eligible domain
    ("camille@faux-interieur.gouv.fr", False),
    ("camille@notinterieur.gouv.fr", False),
    ("camille@interieur.gouv.fr.example.com", False),
    ("camille@example.org", False),
])
def test_an_email_domain_rule_admits_the_domain_and_its_sub_domains_only(email, eligible):
    call = factories.call()
    call.eligible_email_domains = ["@interieur.gouv.fr"]
    db.session.commit()
    user = factories.user(email=email.lower())
    assert submissions.eligibility_problem(call, user) == (None if eligible else "not_eligible")


def test_meeting_either_rule_is_enough(chart):
    call = factories.call()
    call.eligible_unit_ids = [chart["innovation"].id]
    call.eligible_email_domains = ["ville.example.fr"]
    db.session.commit()

    assert submissions.eligibility_problem(call, factories.user(email="a@ville.example.fr")) is None
    assert submissions.eligibility_problem(call, factories.user(unit=chart["lab"])) is None
    assert submissions.eligibility_problem(call, factories.user(unit=chart["finance"])) == "not_eligible"


def test_an_unconfirmed_address_cannot_start_a_project():
    call = factories.call()
    assert submissions.eligibility_problem(call, factories.user(confirmed=False)) == "email_not_confirmed"


def test_an_applicant_leads_at_most_the_calls_maximum_of_projects_withdrawn_ones_aside():
    call = factories.call()
    call.max_submissions_per_applicant = 2
    db.session.commit()
    applicant = factories.user()
    first = submissions.create_draft(call=call, user=applicant, title="Premier")
    submissions.create_draft(call=call, user=applicant, title="Deuxième")

    with pytest.raises(SubmissionError) as refused:
        submissions.create_draft(call=call, user=applicant, title="Troisième")
    assert (refused.value.code, refused.value.params) == ("max_submissions_reached", {"max": 2})

    # Being a co-applicant elsewhere does not count, and a withdrawn project frees its place.
    factories.submission(call=call, members=(applicant,))
    submissions.withdraw(submission=first, user=applicant)
    assert submissions.eligibility_problem(call, applicant) is None
    submissions.create_draft(call=call, user=applicant, title="Troisième")


def test_the_maximum_is_per_call():
    call, other = factories.call(), factories.call()
    call.max_submissions_per_applicant = other.max_submissions_per_applicant = 1
    db.session.commit()
    applicant = factories.user()
    submissions.create_draft(call=call, user=applicant, title="Ici")
    assert submissions.eligibility_problem(other, applicant) is None


# --- references ---------------------------------------------------------------------------------------

def test_references_number_the_projects_of_each_call_with_the_kind_and_the_deadline_year():
    prize = factories.call(kind=CallKind.INNOVATION_PRIZE)
    prize.submission_deadline = datetime(2031, 1, 15, 11, 0, tzinfo=UTC)
    other = factories.call()
    db.session.commit()

    made = [submissions.create_draft(call=prize, user=factories.user(), title=f"P{i}").reference for i in range(3)]
    elsewhere = submissions.create_draft(call=other, user=factories.user(), title="A").reference

    assert made == [f"PRIX-2031-{prize.id}-0001", f"PRIX-2031-{prize.id}-0002", f"PRIX-2031-{prize.id}-0003"]
    assert elsewhere == f"AAP-{other.submission_deadline.year}-{other.id}-0001"


def test_a_reference_taken_at_the_same_instant_is_skipped_not_an_error():
    call, elsewhere = factories.call(), factories.call()
    year = call.submission_deadline.year
    # Another request took the next reference between the count and the insert (simulated here by a
    # project holding it): the new draft takes the following number instead of failing.
    taken = submissions.create_draft(call=elsewhere, user=factories.user(), title="Autre")
    taken.reference = f"AAP-{year}-{call.id}-0001"
    db.session.commit()

    draft = submissions.create_draft(call=call, user=factories.user(), title="Projet")
    db.session.commit()

    assert draft.reference == f"AAP-{year}-{call.id}-0002"
    assert db.session.scalar(db.select(db.func.count()).select_from(Submission)) == 2


def test_a_creation_key_used_twice_returns_the_first_draft():
    call, applicant = factories.call(), factories.user()
    first = submissions.create_draft(call=call, user=applicant, title="Projet", creation_key="k1")
    again = submissions.create_draft(call=call, user=applicant, title="Projet", creation_key="k1")
    assert again.id == first.id
    assert db.session.scalar(db.select(db.func.count()).select_from(Submission)) == 1


# --- saving and submitting ----------------------------------------------------------------------------

def test_saving_what_is_already_saved_changes_nothing_even_from_an_older_version():
    call, applicant = factories.call(), factories.user()
    draft = submissions.create_draft(call=call, user=applicant, title="Projet")
    submissions.save(submission=draft, user=applicant, version=draft.version, core=_core(), answers={})
    db.session.commit()
    version = draft.version

    # The same form sent again (a double click): neither a conflict nor a new version.
    submissions.save(submission=draft, user=applicant, version=version - 1, core=_core(), answers={})
    assert draft.version == version
    # Different content from the older version is a conflict.
    with pytest.raises(SubmissionError) as stale:
        submissions.save(submission=draft, user=applicant, version=version - 1, core=_core(summary="Autre"),
                         answers={})
    assert stale.value.code == "stale"


def test_a_submitted_project_refuses_a_save_that_empties_a_required_field_and_names_it():
    call, applicant = factories.call(), factories.user()
    draft = submissions.create_draft(call=call, user=applicant, title="Projet")
    submissions.save(submission=draft, user=applicant, version=draft.version, core=_core(), answers={})
    assert submissions.submit(submission=draft, user=applicant) is True

    with pytest.raises(SubmissionError) as refused:
        submissions.save(submission=draft, user=applicant, version=draft.version, core=_core(summary=""),
                         answers={})
    assert (refused.value.code, refused.value.params) == ("submitted_must_stay_complete", {"missing": ["summary"]})
    assert draft.summary == "Résumé"


def test_submitting_twice_sends_one_receipt_and_submitting_after_a_change_sends_another():
    call, applicant, partner = factories.call(), factories.user(), factories.user()
    draft = submissions.create_draft(call=call, user=applicant, title="Projet")
    draft.members.append(factories_member(partner))
    submissions.save(submission=draft, user=applicant, version=draft.version, core=_core(), answers={})

    assert submissions.submit(submission=draft, user=applicant) is True
    assert submissions.submit(submission=draft, user=applicant) is False
    assert sorted(e.recipient for e in _receipts()) == sorted([applicant.email, partner.email])

    submitted, missing = submissions.save_and_submit(submission=draft, user=applicant, version=draft.version,
                                                     core=_core(summary="Résumé revu"), answers={})
    assert (submitted, missing) == (True, [])
    assert len(_receipts()) == 4
    # The button pressed twice: the second save is the same content, the second submit nothing new.
    assert submissions.save_and_submit(submission=draft, user=applicant, version=draft.version - 1,
                                       core=_core(summary="Résumé revu"), answers={}) == (False, [])
    assert len(_receipts()) == 4


def test_save_and_submit_keeps_an_incomplete_draft_and_says_what_is_missing():
    call, applicant = factories.call(), factories.user()
    draft = submissions.create_draft(call=call, user=applicant, title="Projet")
    submitted, missing = submissions.save_and_submit(submission=draft, user=applicant, version=draft.version,
                                                     core=_core(description=""), answers={})
    assert (submitted, missing) == (False, ["description"])
    assert (draft.status, draft.summary) == (SubmissionStatus.DRAFT, "Résumé")
    assert _receipts() == []


def test_a_removed_co_applicant_cannot_come_back_with_the_old_invitation():
    call, lead, partner = factories.call(), factories.user(), factories.user()
    draft = submissions.create_draft(call=call, user=lead, title="Projet")
    submissions.invite(submission=draft, actor=lead, email=partner.email)
    [email] = db.session.scalars(db.select(OutboxEmail).where(OutboxEmail.kind == "team_invitation")).all()
    token = email.body_text.split("/join/", 1)[1].split()[0]

    submissions.accept_invitation(token=token, user=partner)
    member = next(m for m in draft.members if m.user_id == partner.id)
    assert member.role == MemberRole.CO_APPLICANT
    submissions.accept_invitation(token=token, user=partner)  # opening the link again while a member: fine
    submissions.remove_member(submission=draft, actor=lead, member=member)

    with pytest.raises(SubmissionError) as refused:
        submissions.accept_invitation(token=token, user=partner)
    assert refused.value.code == "invitation_used"
    assert partner.id not in draft.member_ids()


def factories_member(user):
    from prizeapp.models import SubmissionMember

    return SubmissionMember(user_id=user.id, role=MemberRole.CO_APPLICANT)
