import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from prizeapp.core.conflicts import (
    CODES,
    ConflictPolicy,
    OrganiserConflict,
    Person,
    Reason,
    Submission,
    Unit,
    Waiver,
    avoid_reciprocity,
    compute_conflicts,
    reasons_by_code,
    reciprocal_pairs,
    reciprocity_forbidden,
    shared_domains,
)


def person(pid, email="", org=None, direction=None, service=None, **kwargs):
    units = tuple(Unit(uid, level) for uid, level in ((org, "organisation"), (direction, "direction"),
                                                       (service, "service")) if uid is not None)
    return Person(pid, email, units, **kwargs)


def codes(matrix, s=0, r=0):
    return [reason.code for reason in matrix.reasons(s, r)]


def single(reviewer, *team, policy=None, submission=None, **kwargs):
    """One submission by `team` (first is the author), one reviewer."""
    submission = submission or Submission(100, team[0].id, tuple(p.id for p in team[1:]))
    return compute_conflicts(submissions=[submission], reviewers=[reviewer], people=team,
                             policy=policy or ConflictPolicy(), **kwargs)


def test_unrelated_reviewer_is_not_conflicted():
    matrix = single(person(2, "b@b.fr", 1, 2, 3), person(1, "a@a.fr", 4, 5, 6))
    assert matrix.mask.tolist() == [[False]]
    assert matrix.reasons(0, 0) == []


def test_reasons_by_ids_equal_reasons_by_indices():
    people = [person(1), person(2, declared_submission_ids={101})]
    matrix = compute_conflicts(submissions=[Submission(100, 1), Submission(101, 1)], reviewers=people)
    assert matrix.reasons_for(101, 2) == matrix.reasons(1, 1) == [Reason("declared_by_reviewer", {})]
    assert matrix.reasons_for(100, 2) == []


def test_author_is_conflicted_with_own_submission():
    author = person(1, "a@a.fr")
    matrix = single(author, author)
    assert matrix.reasons(0, 0) == [Reason("author", {"person_id": 1})]
    assert matrix.mask[0, 0]


def test_team_member_is_conflicted():
    member = person(2, "m@m.fr")
    matrix = single(member, person(1, "a@a.fr"), member)
    assert codes(matrix) == ["team_member"]
    assert matrix.team.tolist() == [[True]]


def test_same_service_is_always_a_conflict():
    matrix = single(person(2, "b@b.fr", 1, 2, 12), person(1, "a@a.fr", 1, 2, 12))
    assert matrix.reasons(0, 0) == [Reason("same_service", {"unit_id": 12, "person_ids": (1,)})]


def test_same_direction_counts_only_when_the_policy_says_so():
    reviewer, author = person(2, "b@b.fr", 1, 5, 12), person(1, "a@a.fr", 1, 5, 13)
    assert single(reviewer, author).mask.tolist() == [[False]]
    matrix = single(reviewer, author, policy=ConflictPolicy(same_direction=True))
    assert matrix.reasons(0, 0) == [Reason("same_direction", {"unit_id": 5, "person_ids": (1,)})]


def test_same_organisation_counts_only_when_the_policy_says_so():
    reviewer, author = person(2, "b@b.fr", 7, 5, 12), person(1, "a@a.fr", 7, 6, 13)
    assert single(reviewer, author, policy=ConflictPolicy(same_direction=True)).mask.tolist() == [[False]]
    matrix = single(reviewer, author, policy=ConflictPolicy(same_organisation=True))
    assert matrix.reasons(0, 0) == [Reason("same_organisation", {"unit_id": 7, "person_ids": (1,)})]


def test_missing_levels_never_match_each_other():
    # Neither has a service: "no service" is not a shared service.
    matrix = single(person(2, "b@b.fr", 1, 2), person(1, "a@a.fr", 1, 3))
    assert matrix.mask.tolist() == [[False]]


def test_same_email_domain_is_a_conflict():
    matrix = single(person(2, "b@Asso-Quartier.org"), person(1, "a@asso-quartier.org"))
    assert matrix.reasons(0, 0) == [Reason("same_email_domain",
                                           {"domain": "asso-quartier.org", "person_ids": (1,)})]


@pytest.mark.parametrize("domain", ["gmail.com", "yahoo.fr", "orange.fr", "free.fr", "laposte.net",
                                    "hotmail.fr", "outlook.fr", "wanadoo.fr", "sfr.fr", "icloud.com"])
def test_default_shared_domains_never_conflict(domain):
    matrix = single(person(2, f"b@{domain}"), person(1, f"a@{domain}"))
    assert matrix.mask.tolist() == [[False]]
    assert domain in matrix.shared_domains


def test_policy_can_add_a_shared_domain():
    policy = ConflictPolicy(shared_domains={"interieur.gouv.fr"})
    matrix = single(person(2, "b@interieur.gouv.fr"), person(1, "a@interieur.gouv.fr"), policy=policy)
    assert matrix.mask.tolist() == [[False]]


def test_shared_domain_covers_its_subdomains():
    policy = ConflictPolicy(shared_domains={"gouv.fr"})
    matrix = single(person(2, "b@interieur.gouv.fr"), person(1, "a@interieur.gouv.fr"), policy=policy)
    assert matrix.mask.tolist() == [[False]]
    # …but a shared subdomain says nothing of its parent.
    policy = ConflictPolicy(shared_domains={"interieur.gouv.fr"})
    assert single(person(2, "b@gouv.fr"), person(1, "a@gouv.fr"), policy=policy).mask.tolist() == [[True]]


def test_domain_used_by_more_than_the_share_is_institution_wide():
    # 10 people; 3 (30 % > 20 %) at region.fr, 2 at asso.org (20 %, not more).
    people = ([person(i, f"p{i}@region.fr") for i in range(1, 4)]
              + [person(i, f"p{i}@asso.org") for i in range(4, 6)]
              + [person(i, f"p{i}@other{i}.fr") for i in range(6, 11)])
    policy = ConflictPolicy(institution_min_people=3)
    assert shared_domains(people, policy) == policy.shared_domains | {"region.fr"}
    submissions = [Submission(100, 1), Submission(101, 4)]
    matrix = compute_conflicts(submissions=submissions, reviewers=[people[1], people[4]], people=people,
                               policy=policy)
    assert matrix.mask.tolist() == [[False, False], [False, True]]


def test_share_rule_needs_a_minimum_number_of_people():
    # Two colleagues out of six are a third of the call, but still just two colleagues.
    people = [person(1, "a@asso.org"), person(2, "b@asso.org")] + [person(i, f"p@d{i}.fr") for i in range(3, 7)]
    assert "asso.org" not in shared_domains(people, ConflictPolicy())
    matrix = compute_conflicts(submissions=[Submission(100, 1)], reviewers=[people[1]], people=people)
    assert codes(matrix) == ["same_email_domain"]


def test_tie_declared_by_the_reviewer():
    matrix = single(person(2, ties={1}), person(1))
    assert matrix.reasons(0, 0) == [Reason("declared_tie", {"person_id": 1, "declared_by": (2,)})]


def test_tie_declared_by_the_team_member_counts_too():
    matrix = single(person(2), person(1), person(3, ties={2}))
    assert matrix.reasons(0, 0) == [Reason("declared_tie", {"person_id": 3, "declared_by": (3,)})]


def test_conflict_declared_by_the_reviewer_on_a_title():
    matrix = single(person(2, declared_submission_ids={100}), person(1))
    assert matrix.reasons(0, 0) == [Reason("declared_by_reviewer", {})]


def test_conflict_declared_by_the_applicant():
    matrix = single(person(2), person(1), submission=Submission(100, 1, excluded_reviewer_ids={2}))
    assert matrix.reasons(0, 0) == [Reason("declared_by_applicant", {"person_id": 2})]


def test_conflict_set_by_an_organiser_keeps_its_reason():
    matrix = single(person(2), person(1), organiser_conflicts=[OrganiserConflict(100, 2, "ancien associé")])
    assert matrix.reasons(0, 0) == [Reason("set_by_organiser", {"reason": "ancien associé"})]
    assert matrix.mask[0, 0]


def test_organiser_conflict_for_unknown_pair_is_ignored():
    matrix = single(person(2), person(1), organiser_conflicts=[OrganiserConflict(999, 2, "x")])
    assert matrix.mask.tolist() == [[False]]


def test_every_reason_of_a_pair_is_listed():
    reviewer = person(2, "b@asso.org", 1, 5, 12, ties={1}, declared_submission_ids={100})
    author = person(1, "a@asso.org", 1, 5, 12)
    matrix = single(reviewer, author, policy=ConflictPolicy(same_direction=True, same_organisation=True),
                    submission=Submission(100, 1, excluded_reviewer_ids={2}),
                    organiser_conflicts=[OrganiserConflict(100, 2, "vu en réunion")])
    assert matrix.reasons(0, 0) == [
        Reason("same_service", {"unit_id": 12, "person_ids": (1,)}),
        Reason("same_direction", {"unit_id": 5, "person_ids": (1,)}),
        Reason("same_organisation", {"unit_id": 1, "person_ids": (1,)}),
        Reason("same_email_domain", {"domain": "asso.org", "person_ids": (1,)}),
        Reason("declared_tie", {"person_id": 1, "declared_by": (2,)}),
        Reason("declared_by_reviewer", {}),
        Reason("declared_by_applicant", {"person_id": 2}),
        Reason("set_by_organiser", {"reason": "vu en réunion"}),
    ]


def test_reasons_name_every_member_sharing_the_unit():
    team = [person(1, "", 1, 2, 12), person(3, "", 1, 2, 12), person(4, "", 1, 2, 13)]
    matrix = single(person(2, "", 1, 2, 12), *team)
    assert matrix.reasons(0, 0) == [Reason("same_service", {"unit_id": 12, "person_ids": (1, 3)})]


def test_waiver_lifts_its_reason_and_is_recorded():
    waiver = Waiver(100, 2, "same_service", "services fusionnés depuis janvier")
    matrix = single(person(2, "", 1, 2, 12), person(1, "", 1, 2, 12), waivers=[waiver])
    assert matrix.mask.tolist() == [[False]]
    assert matrix.reasons(0, 0) == []
    assert [(w.reason.code, w.waiver.reason) for w in matrix.waived(0, 0)] == [
        ("same_service", "services fusionnés depuis janvier")]


def test_waiver_leaves_the_other_reasons():
    waiver = Waiver(100, 2, "same_service", "services fusionnés")
    matrix = single(person(2, "b@asso.org", 1, 2, 12), person(1, "a@asso.org", 1, 2, 12), waivers=[waiver])
    assert matrix.mask.tolist() == [[True]]
    assert codes(matrix) == ["same_email_domain"]


@pytest.mark.parametrize("code", ["author", "team_member"])
def test_author_and_team_member_cannot_be_waived(code):
    with pytest.raises(ValueError, match="cannot be waived"):
        Waiver(100, 2, code, "il insiste")


def test_waiver_needs_a_reason_and_a_known_code():
    with pytest.raises(ValueError):
        Waiver(100, 2, "same_service", "  ")
    with pytest.raises(ValueError):
        Waiver(100, 2, "same_city", "x")


def test_waiving_everything_else_leaves_a_team_member_conflicted():
    member = person(2, "b@asso.org", 1, 2, 12)
    waivers = [Waiver(100, 2, code, "x") for code in ("same_service", "same_email_domain")]
    matrix = single(member, person(1, "a@asso.org", 1, 2, 12), member, waivers=waivers)
    assert matrix.mask.tolist() == [[True]]
    assert codes(matrix) == ["team_member"]


def test_units_must_be_ordered_one_per_level():
    with pytest.raises(ValueError):
        Person(1, units=(Unit(3, "service"), Unit(1, "organisation")))
    with pytest.raises(ValueError):
        Unit(1, "bureau")


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError):
        compute_conflicts(submissions=[Submission(1, 1), Submission(1, 2)], reviewers=[])


def test_team_member_unknown_to_people_brings_only_id_rules():
    matrix = compute_conflicts(submissions=[Submission(100, 1, (9,))], reviewers=[person(2, ties={9})])
    assert codes(matrix) == ["declared_tie"]


# --- Peer prizes ---------------------------------------------------------------------------------------------

def peer_call():
    # Projects 100 (by 1 and 2), 101 (by 2 alone), 102 (by 3). Everyone reviews.
    people = [person(i, f"p{i}@d{i}.fr") for i in (1, 2, 3)]
    submissions = [Submission(100, 1, (2,)), Submission(101, 2), Submission(102, 3)]
    return people, submissions


def test_peer_prize_nobody_reviews_their_own_team():
    people, submissions = peer_call()
    matrix = compute_conflicts(submissions=submissions, reviewers=people, policy=ConflictPolicy(peer_prize=True))
    assert matrix.mask.tolist() == [[True, True, False], [True, True, False], [False, False, True]]
    # 1 is not in 101's team, but submitted 100 with its author.
    assert matrix.reasons(1, 0) == [Reason("teammate", {"person_id": 2, "submission_id": 100})]
    panel = compute_conflicts(submissions=submissions, reviewers=people)
    assert not panel.mask[1, 0]


def test_reciprocal_pairs_are_found():
    people, submissions = peer_call()
    matrix = compute_conflicts(submissions=submissions, reviewers=people, policy=ConflictPolicy(peer_prize=True))
    # 3 reviews 100 (by 1) while 1 reviews 102 (by 3): reciprocal. 2 reviews 102 too: also with 3→100.
    pairs = np.array([[0, 2], [2, 0], [2, 1]])
    assert reciprocal_pairs(pairs, matrix.team) == [((0, 2), (2, 0)), ((0, 2), (2, 1))]
    assert reciprocal_pairs(np.array([[0, 2], [1, 2]]), matrix.team) == []


def test_reciprocity_forbidden_given_fixed_pairs():
    people, submissions = peer_call()
    matrix = compute_conflicts(submissions=submissions, reviewers=people, policy=ConflictPolicy(peer_prize=True))
    fixed = np.zeros_like(matrix.mask)
    fixed[0, 2] = True  # 3 already reviews 100: 1 and 2 may no longer review 102
    assert reciprocity_forbidden(fixed, matrix.team).tolist() == [[2, 0], [2, 1]]


def test_avoid_reciprocity_forbids_the_lower_side_and_solves_again():
    # Four single-person projects; project i is by person i + 1, who is reviewer i.
    people = [person(i, f"p{i}@d{i}.fr") for i in (1, 2, 3, 4)]
    submissions = [Submission(100 + i, i + 1) for i in range(4)]
    matrix = compute_conflicts(submissions=submissions, reviewers=people, policy=ConflictPolicy(peer_prize=True))
    affinity = np.array([[0.0, 0.9, 0.0, 0.0],
                         [0.5, 0.0, 0.4, 0.0],
                         [0.0, 0.0, 0.0, 0.9],
                         [0.2, 0.1, 0.3, 0.0]])

    def solve(mask):  # stand-in for the solver: the best allowed reviewer of each submission
        scores = np.where(mask, -np.inf, affinity)
        return np.array([[s, int(np.argmax(scores[s]))] for s in range(len(scores))])

    pairs, mask, solves = avoid_reciprocity(solve, matrix.mask, matrix.team, affinity=affinity)
    assert solves == 2
    assert pairs.tolist() == [[0, 1], [1, 2], [2, 3], [3, 0]]
    assert reciprocal_pairs(pairs, matrix.team) == []
    assert np.argwhere(mask & ~matrix.mask).tolist() == [[1, 0], [3, 2]]  # the 0.5 and 0.3 sides


def test_avoid_reciprocity_refuses_reciprocal_fixed_pairs():
    people = [person(1), person(2)]
    submissions = [Submission(100, 1), Submission(101, 2)]
    matrix = compute_conflicts(submissions=submissions, reviewers=people)
    fixed = np.array([[False, True], [True, False]])
    with pytest.raises(ValueError, match="reciprocal"):
        avoid_reciprocity(lambda mask: np.argwhere(fixed), matrix.mask, matrix.team, fixed=fixed)


# --- The vectorised mask equals the rules applied pair by pair ----------------------------------------------

@st.composite
def calls(draw):
    n_people = draw(st.integers(1, 12))
    domains = ["gmail.com", "a.fr", "b.fr", "x.b.fr", "c.org"]
    people = []
    for pid in range(1, n_people + 1):
        org = draw(st.sampled_from([None, 1, 2]))
        direction = draw(st.sampled_from([None, 10, 11])) if org else None
        service = draw(st.sampled_from([None, 100, 101])) if direction else None
        people.append(person(
            pid, draw(st.sampled_from(["", *(f"p{pid}@{d}" for d in domains)])), org, direction, service,
            ties=frozenset(draw(st.sets(st.integers(1, n_people + 2), max_size=2))),
            declared_submission_ids=frozenset(draw(st.sets(st.integers(1, 6), max_size=2)))))
    submissions = []
    for sid in range(1, draw(st.integers(1, 6)) + 1):
        team = draw(st.lists(st.integers(1, n_people + 2), min_size=1, max_size=4))  # ids > n_people: unknown
        submissions.append(Submission(sid, team[0], tuple(team[1:]),
                                      frozenset(draw(st.sets(st.integers(1, n_people), max_size=2)))))
    reviewers = draw(st.lists(st.sampled_from(people), min_size=1, max_size=n_people, unique_by=lambda p: p.id))
    policy = ConflictPolicy(same_direction=draw(st.booleans()), same_organisation=draw(st.booleans()),
                            shared_domains=draw(st.sampled_from([{"gmail.com"}, {"b.fr"}, {"x.b.fr"}])),
                            institution_min_people=draw(st.integers(1, 4)), peer_prize=draw(st.booleans()))
    pair = st.tuples(st.integers(1, 6), st.integers(1, n_people))
    organiser = [OrganiserConflict(s, r, "x") for s, r in draw(st.lists(pair, max_size=3))]
    waivable = ["teammate", "same_service", "same_direction", "same_organisation", "same_email_domain",
                "declared_tie", "declared_by_reviewer", "declared_by_applicant", "set_by_organiser"]
    waivers = [Waiver(s, r, code, "y") for (s, r), code in draw(st.lists(
        st.tuples(pair, st.sampled_from(waivable)), max_size=6))]
    chunk = draw(st.integers(1, 4))
    return {"submissions": submissions, "reviewers": reviewers, "people": people, "policy": policy,
            "organiser_conflicts": organiser, "waivers": waivers, "chunk_size": chunk}


@given(calls())
def test_vectorised_mask_equals_pairwise_reasons(call):
    matrix = compute_conflicts(**call)
    naive = np.array([[bool(matrix.reasons(s, r)) for r in range(len(call["reviewers"]))]
                      for s in range(len(call["submissions"]))])
    assert matrix.mask.tolist() == naive.tolist()
    for s, sub in enumerate(call["submissions"]):
        for r, reviewer in enumerate(call["reviewers"]):
            assert matrix.team[s, r] == (reviewer.id in sub.team_ids)
            if reviewer.id in sub.team_ids:
                assert matrix.mask[s, r]


@given(st.integers(1, 6), st.integers(1, 6), st.data())
def test_reciprocity_helpers_equal_brute_force(n_sub, n_rev, data):
    team = np.array(data.draw(st.lists(st.lists(st.booleans(), min_size=n_rev, max_size=n_rev),
                                       min_size=n_sub, max_size=n_sub)), dtype=bool).reshape(n_sub, n_rev)
    chosen = np.array(data.draw(st.lists(st.lists(st.booleans(), min_size=n_rev, max_size=n_rev),
                                         min_size=n_sub, max_size=n_sub)), dtype=bool).reshape(n_sub, n_rev)
    pairs = [tuple(p) for p in np.argwhere(chosen).tolist()]
    expected = sorted({tuple(sorted((p, q))) for p in pairs for q in pairs
                       if p[0] != q[0] and team[q[0], p[1]] and team[p[0], q[1]]})
    assert reciprocal_pairs(np.array(pairs).reshape(-1, 2), team) == expected
    all_pairs = [(s, r) for s in range(n_sub) for r in range(n_rev)]
    forbidden = sorted({q for p in pairs for q in all_pairs
                        if p[0] != q[0] and team[q[0], p[1]] and team[p[0], q[1]]})
    assert [tuple(p) for p in reciprocity_forbidden(chosen, team).tolist()] == forbidden


def test_reasons_by_code_counts_pairs():
    reviewer = person(2, "b@asso.org", 1, 5, 12)
    matrix = compute_conflicts(submissions=[Submission(100, 1), Submission(101, 3)], reviewers=[reviewer],
                               people=[person(1, "a@asso.org", 1, 5, 12), person(3, "c@asso.org")])
    assert reasons_by_code(matrix, matrix.conflicted_pairs().tolist()) == {
        "same_service": 1, "same_email_domain": 2}


def test_peer_prize_end_to_end_with_the_solver():
    # 12 applicants, 10 projects (two of them by pairs), each reviewed by 3 others: the mask from
    # compute_conflicts and avoid_reciprocity around the real solver give a reciprocity-free assignment.
    from prizeapp.core.affinity import ReviewerProfile, SubmissionText, compute_affinity
    from prizeapp.core.assignment import assign

    people = [person(i, f"p{i}@d{i % 4}.fr", 1, 10 + i % 3, 100 + i % 5) for i in range(1, 13)]
    submissions = [Submission(100 + i, i, (i + 10,) if i <= 2 else ()) for i in range(1, 11)]
    matrix = compute_conflicts(submissions=submissions, reviewers=people, people=people,
                               policy=ConflictPolicy(peer_prize=True))
    topics = ["mobilité", "cantine", "numérique", "habitat", "santé"]
    affinity = compute_affinity(
        submissions=[SubmissionText(s.id, f"projet {topics[s.id % 5]}") for s in submissions],
        reviewers=[ReviewerProfile(p.id, (topics[p.id % 5], topics[(p.id + 1) % 5])) for p in people]).scores

    assert reciprocal_pairs(assign(affinity, matrix.mask, 3, 4).pairs, matrix.team) != []
    pairs, _mask, solves = avoid_reciprocity(lambda m: assign(affinity, m, 3, 4).pairs, matrix.mask,
                                            matrix.team, affinity=affinity)
    assert len(pairs) == 30 and solves > 1
    assert not matrix.mask[pairs[:, 0], pairs[:, 1]].any()
    assert reciprocal_pairs(pairs, matrix.team) == []
    assert np.bincount(pairs[:, 0], minlength=10).tolist() == [3] * 10


@given(calls())
def test_code_counts_equal_the_codes_of_every_pair(call):
    matrix = compute_conflicts(**call)
    counts, waived = dict.fromkeys(CODES, 0), dict.fromkeys(CODES, 0)
    for s in range(len(call["submissions"])):
        for r in range(len(call["reviewers"])):
            for code in {reason.code for reason in matrix.reasons(s, r)}:
                counts[code] += 1
            for code in {w.reason.code for w in matrix.waived(s, r)}:
                waived[code] += 1

    assert matrix.code_counts() == (counts, waived)
