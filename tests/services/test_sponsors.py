"""Parrains at the service level: profiles, the directory, assigning them to records, their opinions of
readiness, their own list; and the conditions for replication shown to reviewers beside the essaimage
criterion."""
from __future__ import annotations

import pytest

from prizeapp.enums import (
    BlindLevel,
    CallPhase,
    InnovationStatus,
    ReadinessOpinion,
    ReplicationStatus,
    SubmissionStatus,
    UnitKind,
)
from prizeapp.extensions import db
from prizeapp.models import Criterion, InnovationSponsor, OutboxEmail, ReadinessComment
from prizeapp.services.calls import default_grid
from prizeapp.services.innovations import for_review, records, sponsors
from prizeapp.services.innovations.sponsors import SponsorError

from .. import factories


@pytest.fixture(autouse=True)
def _request(app):
    # The emails link to the record: url_for(_external=True) needs a request (or SERVER_NAME).
    with app.test_request_context():
        yield


def emails(kind: str) -> list[OutboxEmail]:
    return list(db.session.scalars(db.select(OutboxEmail).where(OutboxEmail.kind == kind).order_by(OutboxEmail.id)))


# --- profiles ------------------------------------------------------------------------------------------------

def test_volunteering_saves_the_profile_with_its_themes_in_their_order():
    agent = factories.user()

    profile = sponsors.save_profile(user=agent, expertise="  Achats publics innovants. ",
                                    themes=["mobility", "social", "nonsense"], region_code="53",
                                    departement_code="35", availability="Deux heures par mois", listed=True)

    assert (profile.expertise, profile.themes, profile.region_code, profile.departement_code,
            profile.availability, profile.listed, profile.active) == (
        "Achats publics innovants.", ["social", "mobility"], "53", "35", "Deux heures par mois", True, True)


def test_a_departement_alone_brings_its_region():
    profile = sponsors.save_profile(user=factories.user(), expertise="Données ouvertes", themes=[],
                                    departement_code="2a")
    assert (profile.departement_code, profile.region_code) == ("2A", "94")


def test_a_departement_outside_the_region_is_refused_with_every_problem():
    with pytest.raises(SponsorError) as refused:
        sponsors.save_profile(user=factories.user(), expertise="", themes=[], region_code="11",
                              departement_code="35")
    assert refused.value.codes == ["expertise_required", "departement_not_in_region"]
    with pytest.raises(SponsorError) as unknown:
        sponsors.save_profile(user=factories.user(), expertise="x", themes=[], region_code="99")
    assert unknown.value.codes == ["unknown_region"]


def test_stopping_keeps_the_assignments_and_saving_again_comes_back():
    record = factories.innovation()
    profile = factories.sponsor()
    sponsors.assign(innovation=record, sponsor=profile.user, actor=factories.user(admin=True))
    assert sponsors.public_sponsors(record) == [(profile.user, profile)]

    sponsors.stop(user=profile.user)

    assert profile.active is False
    assert [a.user.id for a in sponsors.assigned(record)] == [profile.user_id]  # the history stays
    assert sponsors.sponsors_of(record) == []  # no more emails about it
    assert sponsors.public_sponsors(record) == []  # nor named as its parrain
    sponsors.save_profile(user=profile.user, expertise="De retour", themes=[])
    assert profile.active is True and sponsors.sponsors_of(record) == [profile.user]


def test_stopping_without_a_profile_is_refused():
    with pytest.raises(SponsorError) as refused:
        sponsors.stop(user=factories.user())
    assert refused.value.code == "not_a_volunteer"


def test_the_organisation_is_the_top_of_the_persons_unit():
    ville = factories.unit(name="Ville d'Exempleville")
    service = factories.unit(name="Service des solidarités", kind=UnitKind.SERVICE, parent=ville)
    assert sponsors.organisation_of(factories.user(unit=service)) == "Ville d'Exempleville"
    assert sponsors.organisation_of(factories.user()) == ""


# --- the directory -------------------------------------------------------------------------------------------

def test_the_directory_lists_the_listed_and_active_parrains_only():
    shown = factories.sponsor(themes=["social"], region_code="53",
                              user=factories.user(first_name="Anne", last_name="Bretonne"))
    factories.sponsor(listed=False)
    factories.sponsor(active=False)
    closed = factories.sponsor()
    closed.user.active = False
    db.session.commit()

    assert list(db.session.scalars(sponsors.directory())) == [shown]


def test_the_directory_filters_by_theme_and_region():
    social_bzh = factories.sponsor(themes=["social", "health"], region_code="53")
    factories.sponsor(themes=["socialist"], region_code="53")  # a value that contains another is not it
    mobility_idf = factories.sponsor(themes=["mobility"], region_code="11")

    assert list(db.session.scalars(sponsors.directory(theme="social"))) == [social_bzh]
    assert list(db.session.scalars(sponsors.directory(theme="mobility", region_code="11"))) == [mobility_idf]
    assert list(db.session.scalars(sponsors.directory(theme="social", region_code="11"))) == []


def test_the_directory_shows_the_public_innovations_each_sponsors():
    public, draft = factories.innovation(title="Cantine zéro déchet"), factories.innovation(published=False)
    profile = factories.sponsor()
    admin = factories.user(admin=True)
    for record in (public, draft):
        sponsors.assign(innovation=record, sponsor=profile.user, actor=admin)

    assert sponsors.sponsored_public([profile.user_id]) == {profile.user_id: [public]}


# --- assigning -----------------------------------------------------------------------------------------------

def test_assigning_tells_the_parrain_and_is_audited():
    record = factories.innovation()
    organiser = factories.user(first_name="Sophie", last_name="Martin")
    profile = factories.sponsor()

    sponsors.assign(innovation=record, sponsor=profile.user, actor=organiser)

    (email,) = emails("sponsor_assigned")
    assert email.recipient == profile.user.email and email.call_id == record.call_id
    assert "Conciergerie solidaire des aidants" in email.subject
    assert f"/innovations/{record.slug}" in email.body_text and "Sophie Martin" in email.body_text
    (event,) = factories.audit_events("sponsor.assigned")
    assert (event.actor_id, event.object_id, event.details) == (organiser.id, record.id,
                                                                {"user_id": profile.user_id})


@pytest.mark.parametrize("case, code", [("no_profile", "not_a_volunteer"), ("stopped", "not_a_volunteer"),
                                        ("team", "own_team"), ("twice", "already_assigned"),
                                        ("withdrawn", "withdrawn")])
def test_assigning_is_refused(case, code):
    lead = factories.user()
    record = factories.innovation(lead=lead)
    admin = factories.user(admin=True)
    person = factories.user()
    if case == "stopped":
        factories.sponsor(user=person, active=False)
    elif case == "team":
        person = lead
        factories.sponsor(user=lead)
    elif case != "no_profile":
        factories.sponsor(user=person)
    if case == "twice":
        sponsors.assign(innovation=record, sponsor=person, actor=admin)
    if case == "withdrawn":
        record.status = InnovationStatus.WITHDRAWN
        db.session.commit()

    with pytest.raises(SponsorError) as refused:
        sponsors.assign(innovation=record, sponsor=person, actor=admin)
    assert refused.value.code == code


def test_removing_a_parrain_is_audited_and_refused_for_someone_not_assigned():
    record = factories.innovation()
    admin = factories.user(admin=True)
    profile = factories.sponsor()
    sponsors.assign(innovation=record, sponsor=profile.user, actor=admin)

    sponsors.remove(innovation=record, sponsor=profile.user, actor=admin)

    assert db.session.scalar(db.select(db.func.count()).select_from(InnovationSponsor)) == 0
    assert [e.details for e in factories.audit_events("sponsor.removed")] == [{"user_id": profile.user_id}]
    with pytest.raises(SponsorError) as refused:
        sponsors.remove(innovation=record, sponsor=profile.user, actor=admin)
    assert refused.value.code == "not_assigned"


def test_the_candidates_sharing_the_theme_or_region_come_first_and_the_team_is_not_one():
    lead = factories.user()
    record = factories.innovation(lead=lead, theme="social", region_code="53")  # Bretagne
    factories.sponsor(user=lead)
    far = factories.sponsor(themes=["mobility"], region_code="11", user=factories.user(last_name="Aubert"))
    same_region = factories.sponsor(region_code="53", user=factories.user(last_name="Zola"))
    same_theme = factories.sponsor(themes=["social"], user=factories.user(last_name="Martin"))
    factories.sponsor(active=False)
    taken = factories.sponsor(themes=["social"])
    sponsors.assign(innovation=record, sponsor=taken.user, actor=factories.user(admin=True))

    found = sponsors.candidates(record)

    assert [c.profile for c in found] == [same_theme, same_region, far]
    assert [(c.same_theme, c.same_region) for c in found] == [(True, False), (False, True), (False, False)]


def test_the_candidates_of_a_draft_read_its_latest_version():
    record = factories.innovation(published=False)
    records.save(innovation=record, actor=records.team_of(record)[0], based_on=1,
                 content=factories.record_content(theme="mobility"))
    mobility = factories.sponsor(themes=["mobility"], user=factories.user(last_name="Zola"))
    other = factories.sponsor(user=factories.user(last_name="Aubert"))

    assert [c.profile for c in sponsors.candidates(record)] == [mobility, other]
    assert sponsors.title_of(record) == "Conciergerie solidaire des aidants"


# --- opinions of readiness -----------------------------------------------------------------------------------

def _sponsored():
    lead = factories.user(first_name="Inès")
    record = factories.innovation(lead=lead)
    profile = factories.sponsor(user=factories.user(first_name="Paul", last_name="Parrain"))
    sponsors.assign(innovation=record, sponsor=profile.user, actor=factories.user(admin=True))
    return record, lead, profile


def test_an_opinion_is_kept_and_sent_to_the_team():
    record, lead, profile = _sponsored()

    comment = sponsors.comment_readiness(innovation=record, actor=profile.user, opinion="needs_work",
                                         body="Il manque le coût par usager.")

    assert (comment.opinion, comment.body, comment.author_id) == (ReadinessOpinion.NEEDS_WORK,
                                                                   "Il manque le coût par usager.", profile.user_id)
    (email,) = emails("readiness_commented")
    assert email.recipient == lead.email
    assert "Paul Parrain" in email.body_text and "Il manque le coût par usager." in email.body_text
    assert [e.details for e in factories.audit_events("sponsor.readiness_commented")] == [{"opinion": "needs_work"}]
    assert sponsors.readiness_comments(record) == [comment]


def test_ready_needs_no_text_but_the_other_opinions_do():
    record, _lead, profile = _sponsored()
    sponsors.comment_readiness(innovation=record, actor=profile.user, opinion="ready", body="")
    for opinion, code in (("not_yet", "missing_required"), ("", "opinion_required"), ("great", "opinion_required")):
        with pytest.raises(SponsorError) as refused:
            sponsors.comment_readiness(innovation=record, actor=profile.user, opinion=opinion, body=" ")
        assert refused.value.code == code
    assert db.session.scalar(db.select(db.func.count()).select_from(ReadinessComment)) == 1


def test_only_an_assigned_and_active_parrain_gives_an_opinion():
    record, _lead, profile = _sponsored()
    other = factories.sponsor()
    with pytest.raises(SponsorError) as refused:
        sponsors.comment_readiness(innovation=record, actor=other.user, opinion="ready", body="")
    assert refused.value.code == "not_assigned"
    sponsors.stop(user=profile.user)
    with pytest.raises(SponsorError) as stopped:
        sponsors.comment_readiness(innovation=record, actor=profile.user, opinion="ready", body="")
    assert stopped.value.code == "not_active"


# --- a parrain's own list ------------------------------------------------------------------------------------

def test_the_sponsorships_list_the_innovations_and_their_replications():
    record, _lead, profile = _sponsored()
    other = factories.innovation(title="Cantine zéro déchet")
    later, earlier = factories.replications_of(record, ReplicationStatus.PREPARING, ReplicationStatus.INTERESTED)

    found = sponsors.sponsorships_of(profile.user)

    assert [(s.innovation, s.title) for s in found] == [(record, "Conciergerie solidaire des aidants")]
    assert {r.id for r in found[0].replications} == {later.id, earlier.id}
    assert sponsors.sponsorships_of(records.team_of(other)[0]) == []


# --- beside the essaimage criterion of a review -------------------------------------------------------------

def test_the_essaimage_criterion_of_the_sgmap_grid_is_found_and_the_others_are_not():
    call = factories.call()
    call.criteria.clear()
    db.session.flush()
    call.criteria.extend(default_grid())
    db.session.commit()
    assert [c.name for c in call.criteria if c.id in for_review.replication_criteria(call)] == ["Essaimage"]


def test_a_renamed_criterion_is_found_by_its_description():
    call = factories.call()
    call.criteria.append(Criterion(position=2, name="Potentiel de diffusion", weight=0,
                                   description="Le projet est-il REPRODUCTIBLE ailleurs ?"))
    db.session.commit()
    assert for_review.replication_criteria(call) == {call.criteria[1].id}


def _reviewed_project(*, blind: bool):
    call = factories.call(phase=CallPhase.REVIEW)
    call.blind = BlindLevel.BLIND if blind else BlindLevel.OPEN
    project = factories.submission(call=call, status=SubmissionStatus.SUBMITTED)
    return call, project


def test_a_project_that_takes_an_innovation_up_shows_its_conditions():
    taken = factories.innovation(title="Cantine zéro déchet", conditions_legal="Une délibération du conseil.")
    call, project = _reviewed_project(blind=True)
    project.replicates_id = taken.id
    db.session.commit()

    (panel,) = for_review.conditions_for_review(project, show_team=False)

    assert (panel.taken_up, panel.title, panel.slug, panel.checked) == (True, "Cantine zéro déchet", taken.slug, True)
    assert [name for name, _label, _text in panel.rows] == [
        "fixed_core", "adaptable", "conditions_skills", "conditions_partners", "conditions_legal"]


def test_in_a_blind_call_the_projects_own_record_shows_its_fields_only():
    call, project = _reviewed_project(blind=True)
    record = _own_record(project)

    (panel,) = for_review.conditions_for_review(project, show_team=False)
    assert (panel.taken_up, panel.title, panel.slug) == (False, None, None)
    assert panel.rows[0] == ("fixed_core", panel.rows[0][1], "Le guichet unique et la formation des bénévoles.")

    (open_panel,) = for_review.conditions_for_review(project, show_team=True)
    assert (open_panel.title, open_panel.slug) == ("Conciergerie solidaire des aidants", record.slug)


def test_an_unchecked_own_record_shows_its_latest_draft_and_no_link():
    call, project = _reviewed_project(blind=False)
    record = _own_record(project, published=False)

    (panel,) = for_review.conditions_for_review(project, show_team=True)

    assert (panel.checked, panel.slug, panel.title) == (False, None, "Conciergerie solidaire des aidants")
    assert record.published_version is None


def test_a_project_without_record_shows_nothing():
    call, project = _reviewed_project(blind=False)
    assert for_review.conditions_for_review(project, show_team=True) == []


def _own_record(project, *, published: bool = True):
    """A record of the project under review (written by its team, as if from an earlier edition)."""
    from prizeapp.enums import VersionStatus
    from prizeapp.models import Innovation, InnovationVersion

    record = Innovation(slug=f"fiche-{project.id}", submission=project, call=project.call)
    db.session.add(record)
    db.session.flush()
    version = InnovationVersion(innovation=record, number=1, content=records.clean(factories.record_content()),
                                status=VersionStatus.APPROVED if published else VersionStatus.DRAFT)
    db.session.add(version)
    db.session.flush()
    if published:
        records.apply_published(record, version)
    db.session.commit()
    return record
