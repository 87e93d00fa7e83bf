"""The demo's essaimage, loaded on an empty database (either database): a past edition with published results,
a dozen public innovation records with their history, parrains, replications at every stage, a call for
replication; found by the catalogue's French search; and loading it again changes nothing."""
from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest

from prizeapp.core import territories
from prizeapp.demo import load_demo
from prizeapp.demo.resources import NBSP, typeset
from prizeapp.enums import (
    CallKind,
    CallPhase,
    CallRoleKind,
    CostBand,
    DecisionOutcome,
    EvidenceLevel,
    InnovationStatus,
    OutboxStatus,
    ReplicationStatus,
    TerritoryKind,
    VersionStatus,
)
from prizeapp.extensions import db
from prizeapp.models import (
    AuditEvent,
    Call,
    CallRole,
    Innovation,
    InnovationSponsor,
    InnovationVersion,
    OutboxEmail,
    ReadinessComment,
    Replication,
    ReplicationEvent,
    SponsorProfile,
    Submission,
    SubmissionMember,
    User,
)
from prizeapp.models.decision import Decision
from prizeapp.search_tables import SEARCH_TABLE
from prizeapp.services.innovations import catalogue, content, records, replications
from prizeapp.services.innovations.catalogue import Filters
from prizeapp.services.results import lead_of

pytestmark = pytest.mark.usefixtures("module_transaction")

EDITION = "Prix de l'innovation publique 2025"
AAP_SLUG = "appel-a-projets-territoires-d-essaimage-2026"


@pytest.fixture(scope="module")
def demo(app, module_transaction) -> list[str]:
    """The whole demo, loaded once for the module on its empty database; returns its catalogue's lines."""
    with app.app_context():
        lines = load_demo().catalogue
        db.session.commit()
        db.session.remove()
    return lines


def edition() -> Call:
    return db.session.scalar(db.select(Call).where(Call.title == EDITION))


def public_records() -> list[Innovation]:
    return [i for i in db.session.scalars(db.select(Innovation).order_by(Innovation.id)) if i.is_public]


def user(login: str) -> User:
    return db.session.scalar(db.select(User).where(User.email.like(f"{login}@%")))


# --- the past edition ------------------------------------------------------------------------------------------

def test_the_past_edition_has_published_results_and_decisions(demo):
    call = edition()
    assert call.kind == CallKind.INNOVATION_PRIZE and call.phase == CallPhase.PUBLISHED
    assert call.results_published_at.year == 2025
    assert call.opens_at < call.submission_deadline < call.review_deadline < call.results_at
    organisers = db.session.scalars(db.select(User.email).join(CallRole, CallRole.user_id == User.id).where(
        CallRole.call_id == call.id, CallRole.role == CallRoleKind.ORGANISER))
    assert list(organisers) == ["sophie.martin@transformation.example.gouv.fr"]
    projects = db.session.scalars(db.select(Submission).where(Submission.call_id == call.id)).all()
    assert len(projects) >= 14 and all(p.submitted_at < call.submission_deadline for p in projects)
    decisions = db.session.scalars(db.select(Decision).where(Decision.call_id == call.id)).all()
    assert len(decisions) == len(projects)
    outcomes = Counter(d.outcome for d in decisions)
    assert outcomes[DecisionOutcome.LAUREATE] >= 5 and outcomes[DecisionOutcome.MENTION] >= 5
    assert outcomes[DecisionOutcome.NOT_SELECTED] >= 2
    laureates = [d for d in decisions if d.outcome == DecisionOutcome.LAUREATE]
    assert all(d.prize and Decimal(0) < d.amount <= Decimal(15_000) for d in laureates)
    assert all(d.reason and d.notified_at == call.results_published_at for d in decisions)


# --- the catalogue -------------------------------------------------------------------------------------------

def test_a_dozen_public_records_complete_and_varied(demo):
    found = public_records()
    assert len(found) >= 12
    contents = [i.published_version.content for i in found]
    assert all(content.missing(c) == [] for c in contents)
    assert len({i.theme for i in found}) >= 8
    assert {i.territory_kind for i in found} == set(TerritoryKind)
    assert {i.cost_band for i in found} == set(CostBand)
    assert {EvidenceLevel.DATA, EvidenceLevel.COMPARISON, EvidenceLevel.CAUSAL} <= {i.evidence_level for i in found}
    every = [records.latest(i).content for i in db.session.scalars(db.select(Innovation))]
    assert {c["evidence_level"] for c in every} >= {"1", "2", "3", "4"}
    for c in contents:
        assert c["fixed_core"] and c["adaptable"] and c["licence"] and c["phase_dates"]
        assert all(link["url"].startswith("https://example.org/") for link in c.get("links", []))
    with_contacts = [c for c in contents if c.get("contact_ids")]
    assert 0 < len(with_contacts) < len(contents)


def test_the_records_territories_have_official_codes_that_agree(demo):
    for innovation in db.session.scalars(db.select(Innovation)):
        c = records.latest(innovation).content
        commune, departement, region = c.get("commune_code", ""), c["departement_code"], c["region_code"]
        assert territories.check(commune_code=commune, departement_code=departement, region_code=region) == []
        assert territories.region_of(departement) == region
        if commune:
            assert territories.departement_of_commune(commune) == departement
    codes = {c.get("commune_code") for i in public_records() if (c := i.published_version.content)}
    assert {"67482", "69123", "44109", "59350", "31555", "25056", "29019", "34172"} <= codes


def test_records_show_a_history_and_each_step_of_checking(demo):
    found = list(db.session.scalars(db.select(Innovation)))
    approved = Counter(v.innovation_id for i in found for v in i.versions if v.status == VersionStatus.APPROVED)
    assert sum(1 for n in approved.values() if n >= 2) >= 2
    assert any(len(records.history(i, public=True)) >= 2 for i in found if i.is_public)
    waiting = [i for i in found if records.latest(i).status == VersionStatus.SUBMITTED]
    assert {i.status for i in waiting} == {InnovationStatus.PENDING, InnovationStatus.PUBLISHED}
    sent_back = [i for i in found if any(v.status == VersionStatus.CHANGES_REQUESTED for v in i.versions)]
    assert len(sent_back) == 1 and sent_back[0].status == InnovationStatus.DRAFT
    assert sent_back[0].versions[1].checker_note
    for innovation in found:
        versions = innovation.versions
        assert [v.number for v in versions] == list(range(1, len(versions) + 1))
        assert all(a.created_at < b.created_at for a, b in zip(versions, versions[1:]))
        for v in versions:
            assert v.submitted_at is None or v.created_at <= v.submitted_at
            assert v.checked_at is None or v.submitted_at < v.checked_at
        if innovation.is_public:
            assert innovation.call_id == edition().id and innovation.year == 2025
            assert innovation.published_at == innovation.published_version.checked_at
    # A record taken from a project the jury did not select, its team agreeing.
    outcomes = {d.submission_id: d.outcome for d in db.session.scalars(db.select(Decision))}
    assert DecisionOutcome.NOT_SELECTED in {outcomes[i.submission_id] for i in found}


def test_each_public_record_is_in_the_search_index(demo):
    indexed = db.session.scalar(db.text(f"SELECT count(*) FROM {SEARCH_TABLE}"))
    assert indexed == len(public_records())


@pytest.mark.parametrize("q", ["légumerie", "legumeries", "LÉGUMERIE", "cantines rurales"])
def test_the_search_finds_a_record_by_a_french_word_with_or_without_accents(demo, q):
    result = catalogue.search(q=q, filters=Filters(), sort=None, page=1, per_page=50)
    assert [card.innovation.slug for card in result.items] == ["une-legumerie-intercommunale-pour-les-cantines-rurales"]


@pytest.mark.parametrize("q", ["épicerie", "epicerie", "Épiceries solidaires"])
def test_the_search_finds_the_grocery_however_it_is_typed(demo, q):
    result = catalogue.search(q=q, filters=Filters(), sort=None, page=1, per_page=50)
    assert [card.innovation.slug for card in result.items] == ["une-epicerie-solidaire-etudiante-sur-le-campus"]


def test_one_innovation_is_based_on_another(demo):
    derived = [i for i in public_records() if i.based_on_id is not None]
    assert len(derived) == 1
    original = derived[0].based_on
    assert original.is_public
    assert any(r.requester_id in {m.user_id for m in derived[0].submission.members}
               for r in db.session.scalars(db.select(Replication).where(Replication.innovation_id == original.id)))


# --- parrains ------------------------------------------------------------------------------------------------

def test_parrains_are_assigned_and_give_their_opinion(demo):
    profiles = db.session.scalars(db.select(SponsorProfile)).all()
    assert len(profiles) >= 5 and all(p.active and p.expertise and p.themes and p.availability for p in profiles)
    assert len({p.region_code for p in profiles}) >= 2
    assert sum(1 for p in profiles if not p.listed) == 1
    links = db.session.scalars(db.select(InnovationSponsor)).all()
    assert len({link.innovation_id for link in links}) >= 6
    assert {link.user_id for link in links} <= {p.user_id for p in profiles}
    comments = db.session.scalars(db.select(ReadinessComment)).all()
    assert len(comments) >= 3 and len({c.opinion for c in comments}) >= 2
    assigned = {(link.innovation_id, link.user_id) for link in links}
    assert all((c.innovation_id, c.author_id) in assigned for c in comments)


# --- replications --------------------------------------------------------------------------------------------

def test_replications_at_different_stages_with_coherent_timelines(demo):
    found = db.session.scalars(db.select(Replication).order_by(Replication.id)).all()
    assert len(found) >= 10 and len({r.innovation_id for r in found}) >= 5
    statuses = Counter(r.status for r in found)
    assert len(statuses) >= 4 and set(statuses) == set(ReplicationStatus)
    for replication in found:
        events = replications.timeline(replication)
        assert events[0].at == replication.created_at and events[-1].at == replication.updated_at
        assert all(a.at <= b.at for a, b in zip(events, events[1:]))
        moves = [e.status for e in events if e.status is not None]
        assert moves[-1] == replication.status
        steps = [s for s in moves if s != ReplicationStatus.ABANDONED]
        assert steps == sorted(steps, key=replications.STEPS.index)
        assert territories.check(commune_code=replication.commune_code, departement_code=replication.departement_code,
                                 region_code=replication.region_code) == []
        parties = replications.parties_of(replication)
        answers = [e for e in events if e.status is None and parties.answers(e.author_id)]
        assert replication.answered_at == (answers[0].at if answers else None)
    assert any(r.status == ReplicationStatus.INTERESTED and r.answered_at is None for r in found)
    assert all(r.abandon_reason for r in found if r.status == ReplicationStatus.ABANDONED)
    assert any(r.status == ReplicationStatus.OPERATING and r.variant and r.results for r in found)


def test_the_call_for_projects_is_a_call_for_replication(demo):
    aap = db.session.scalar(db.select(Call).where(Call.slug == AAP_SLUG))
    assert aap.for_replication
    linked = db.session.scalars(db.select(Submission).where(Submission.call_id == aap.id,
                                                            Submission.replicates_id.is_not(None))).all()
    assert len(linked) >= 2 and all(p.replicates.is_public for p in linked)
    submitted = [p for p in linked if p.submitted_at is not None]
    assert len(submitted) >= 2
    for project in submitted:
        replication = replications.replication_of(project)
        assert replication.innovation_id == project.replicates_id
        assert replication.status == ReplicationStatus.PREPARING
        assert replication.requester_id == lead_of(project).id


# --- what `flask demo` prints --------------------------------------------------------------------------------

def test_the_summary_names_the_catalogue_and_who_to_sign_in_as(demo):
    assert f"{len(public_records())} public records" in demo[0]
    text = "\n".join(demo)
    team, checker, parrain, repreneur = (user(login) for login in ("ines.masson", "sophie.martin",
                                                                   "nathalie.lefevre", "arthur.denis"))
    assert all(person.email in text for person in (team, checker, parrain, repreneur))
    teams = db.session.scalars(db.select(Innovation).join(
        SubmissionMember, SubmissionMember.submission_id == Innovation.submission_id)
        .where(SubmissionMember.user_id == team.id)).all()
    assert any(records.latest(i).status == VersionStatus.DRAFT for i in teams)
    waiting = [i for i in db.session.scalars(db.select(Innovation))
               if records.latest(i).status == VersionStatus.SUBMITTED]
    assert waiting and all(checker in records.checkers_of(i) for i in waiting)
    assert db.session.scalar(db.select(db.func.count()).select_from(InnovationSponsor)
                             .where(InnovationSponsor.user_id == parrain.id)) >= 2
    assert db.session.scalar(db.select(Replication).where(Replication.requester_id == repreneur.id)) is not None


def test_the_story_s_emails_are_delivered_at_their_date_not_queued_now(demo):
    emails = db.session.scalars(db.select(OutboxEmail)).all()
    assert emails and {e.status for e in emails} == {OutboxStatus.SENT}
    assert all(e.sent_at == e.created_at for e in emails)


def test_loading_the_demo_again_changes_nothing(demo):
    models = (User, Call, Submission, Decision, Innovation, InnovationVersion, SponsorProfile, InnovationSponsor,
              ReadinessComment, Replication, ReplicationEvent, OutboxEmail, AuditEvent)

    def state():
        counts = {m.__name__: db.session.scalar(db.select(db.func.count()).select_from(m)) for m in models}
        counts["index"] = db.session.scalar(db.text(f"SELECT count(*) FROM {SEARCH_TABLE}"))
        versions = [(v.innovation_id, v.number, v.status, v.content) for v in
                    db.session.scalars(db.select(InnovationVersion).order_by(InnovationVersion.id))]
        events = [(e.replication_id, e.status, e.body, e.at) for e in
                  db.session.scalars(db.select(ReplicationEvent).order_by(ReplicationEvent.id))]
        return counts, versions, events

    before = state()
    again = load_demo()
    db.session.commit()
    db.session.expire_all()
    assert state() == before
    assert again.catalogue == demo


# --- the data ------------------------------------------------------------------------------------------------

def test_typeset_puts_french_no_break_spaces_in():
    assert typeset("Bonjour : « ça va ? » oui ; non !") == (
        f"Bonjour{NBSP}: «{NBSP}ça va{NBSP}?{NBSP}» oui{NBSP}; non{NBSP}!")
    assert typeset({"a": ["x : y"], "n": 3}) == {"a": [f"x{NBSP}: y"], "n": 3}
    assert typeset("https://example.org/a?b") == "https://example.org/a?b"
