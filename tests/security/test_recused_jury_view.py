"""A jury member recused from projects sees the ranking as if those projects did not exist: ranks 1..n without
gaps, counts, reviewers and exports of the other projects only, nothing of the hidden ones. One rule decides
who is recused from what, for the pages and for the per-project checks alike. Reviews whose reviewer became
conflicted with the project after submitting them count nowhere."""
from __future__ import annotations

import copy
import csv
import io
import re
from collections import Counter
from datetime import timedelta
from html.parser import HTMLParser

import pytest

from prizeapp.enums import CallPhase, CallRoleKind, ConflictSource, Locale, ReviewMode, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models import ConflictDeclaration, Review
from prizeapp.models.types import utcnow
from prizeapp.permissions import can_view_project_as_jury, is_recused, recused_from
from prizeapp.services import deliberation, ranking, review_pool, reviews

from .. import factories
from ..conftest import sign_in_as

# Eight projects, best first; the reviewers agree on the order.
TITLES = ["Projet Aubépine", "Projet Bruyère", "Projet Cerisier", "Projet Dahlia", "Projet Églantier",
          "Projet Fougère", "Projet Glycine", "Projet Houx"]
BASE = [4.8, 4.4, 4.0, 3.6, 3.2, 2.8, 2.4, 2.0]
SORTS = ("rank", "raw_rank", "score", "disagreement", "reference")


class Tables(HTMLParser):
    """Every table of a page: its caption and its body rows, each a list of cell texts."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self._where: str | None = None
        self._text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self._where, self._text = "caption", []
        elif tag == "tr" and self.tables:
            self._row: list[str] = []
        elif tag == "td":
            self._where, self._text = "td", []

    def handle_endtag(self, tag):
        if tag == "caption" and self._where == "caption":
            self.tables[-1]["caption"] = " ".join("".join(self._text).split())
            self._where = None
        elif tag == "td" and self._where == "td":
            self._row.append(" ".join("".join(self._text).split()))
            self._where = None
        elif tag == "tr" and self.tables and getattr(self, "_row", None):
            self.tables[-1]["rows"].append(self._row)
            self._row = []

    def handle_data(self, data):
        if self._where:
            self._text.append(data)

    def table(self, caption: str) -> list[list[str]]:
        return next(t["rows"] for t in self.tables if t["caption"] == caption)


def _csv(response) -> list[dict]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))


def _leading_int(text: str) -> int:
    return int(re.match(r"\d+", text).group())


@pytest.fixture
def recused():
    """A ranked call of eight projects. Anne is recused from the second best by a recorded recusal; Bruno is
    set aside from the fifth by the conflict rules (he works in the same service as its lead). A fourth
    reviewer reviewed only the second and the fifth projects, a fifth one only the second, a sixth one only
    the fifth."""
    chart = factories.chart()
    call = factories.call(phase=CallPhase.REVIEW, title="Prix de l'innovation 2027")
    call.submission_deadline = utcnow() - timedelta(days=1)
    call.prize_count = 2
    leads = [factories.user(email=f"porteur{i}@asso{i}.fr", unit=chart["s1"] if i == 4 else None)
             for i in range(8)]
    projects = [factories.submission(call=call, status=SubmissionStatus.SUBMITTED, title=title, lead=lead)
                for title, lead in zip(TITLES, leads)]
    reviewers = [factories.user(email=f"expert{j}@labo{j}.fr", first_name="Expert", last_name=name,
                                locale=Locale.EN)
                 for j, name in enumerate(["Arnaud", "Bérénice", "Colas", "Duval", "Ernest", "Fabre"])]
    for j, offset in enumerate([0.0, -0.1, -0.3]):
        for project, base in zip(projects, BASE):
            factories.submitted_review(call=call, submission=project, reviewer=reviewers[j], total=base + offset,
                                       jury_comment=f"Confidentiel {project.title}")
    factories.submitted_review(call=call, submission=projects[1], reviewer=reviewers[3], total=4.3)
    factories.submitted_review(call=call, submission=projects[4], reviewer=reviewers[3], total=3.1)
    factories.submitted_review(call=call, submission=projects[1], reviewer=reviewers[4], total=4.2)
    factories.submitted_review(call=call, submission=projects[4], reviewer=reviewers[5], total=3.3)
    organiser = factories.user(email="sophie@organisatrice.fr", first_name="Sophie", last_name="Martin",
                               locale=Locale.EN)
    anne = factories.user(email="anne@region-exemple.fr", first_name="Anne", last_name="Arnaud", locale=Locale.EN)
    bruno = factories.user(email="bruno@metropole-exemple.fr", first_name="Bruno", last_name="Blanc",
                           locale=Locale.EN, unit=chart["s1"])
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    for juror in (anne, bruno):
        factories.grant(juror, call, CallRoleKind.JURY)
    deliberation.recuse(submission=projects[1], jury_member=anne, actor=anne)
    run = ranking.run_calibration(run=ranking.start_calibration(call=call, actor=organiser))
    db.session.commit()
    assert [p["id"] for p in run.result["submissions"]] == [p.id for p in projects]
    assert deliberation.hidden_from(call, anne) == {projects[1].id}
    assert deliberation.hidden_from(call, bruno) == {projects[4].id}
    return call, projects, reviewers, organiser, anne, bruno, run


def _jury_pages(call, projects, hidden_index):
    """Every jury page and export a recused member may reach."""
    pages = [f"/jury/calls/{call.id}/ranking", f"/jury/calls/{call.id}/ranking.csv",
             f"/jury/calls/{call.id}/reviews.csv", f"/jury/calls/{call.id}/votes", "/jury/"]
    pages += [f"/jury/calls/{call.id}/ranking?sort={sort}" for sort in SORTS]
    pages += [f"/jury/calls/{call.id}/projects/{p.id}" for i, p in enumerate(projects) if i != hidden_index]
    return pages


@pytest.mark.parametrize("who, hidden_index, expected_reviews", [
    ("anne", 1, {"Expert Arnaud": 7, "Expert Bérénice": 7, "Expert Colas": 7, "Expert Duval": 1,
                 "Expert Fabre": 1}),
    ("bruno", 4, {"Expert Arnaud": 7, "Expert Bérénice": 7, "Expert Colas": 7, "Expert Duval": 1,
                  "Expert Ernest": 1}),
], ids=["recorded_recusal", "automatic_recusal"])
def test_a_recused_jury_member_sees_the_ranking_as_if_the_hidden_project_did_not_exist(
        client, recused, who, hidden_index, expected_reviews):
    call, projects, reviewers, organiser, anne, bruno, run = recused
    member = {"anne": anne, "bruno": bruno}[who]
    hidden = projects[hidden_index]
    visible = [p for p in projects if p is not hidden]
    sign_in_as(client, member)

    html = client.get(f"/jury/calls/{call.id}/ranking").get_data(as_text=True)
    ranking_csv = _csv(client.get(f"/jury/calls/{call.id}/ranking.csv"))
    reviews_csv = _csv(client.get(f"/jury/calls/{call.id}/reviews.csv"))

    tables = Tables(html)
    rows = tables.table("Projects, in the order chosen above")
    assert [_leading_int(r[0]) for r in rows] == list(range(1, 8))  # no gap where the hidden project was
    assert [r[1].split()[0] for r in rows] == [p.reference for p in visible]
    assert [int(r["rank"]) for r in ranking_csv] == list(range(1, 8))
    assert [int(r["raw_rank"]) for r in ranking_csv] == list(range(1, 8))
    assert [r["reference"] for r in ranking_csv] == [p.reference for p in visible]
    assert {int(r["rank_change"]) for r in ranking_csv} == {0}
    # read from draws over every project: not shown rather than shown in the whole call's frame
    assert all(r["rank_low"] == r["rank_high"] == r["top_k_probability"] == "" for r in ranking_csv)
    assert "Chance of being among" not in html
    # the reviewers, their reviews and the counts are those of the visible projects
    table = {r[0]: int(r[1]) for r in tables.table("Reviewers")}
    assert table == expected_reviews
    assert Counter(r["reviewer"] for r in reviews_csv) == Counter(expected_reviews)
    assert {r["corrected_total"] for r in reviews_csv} == {""}
    n_reviews = sum(expected_reviews.values())
    assert f"{n_reviews} of {n_reviews} reviews submitted" in html
    assert f"from {n_reviews} reviews" in html
    assert len(reviews_csv) == n_reviews


@pytest.mark.parametrize("who, hidden_index, only_there", [("anne", 1, "Ernest"), ("bruno", 4, "Fabre")],
                         ids=["recorded_recusal", "automatic_recusal"])
def test_nothing_of_the_hidden_project_appears_in_any_jury_page_or_export(client, recused, who, hidden_index,
                                                                          only_there):
    call, projects, reviewers, organiser, anne, bruno, run = recused
    member = {"anne": anne, "bruno": bruno}[who]
    hidden = projects[hidden_index]
    sign_in_as(client, member)

    assert client.get(f"/jury/calls/{call.id}/projects/{hidden.id}").status_code == 404  # as if it did not exist
    for page in _jury_pages(call, projects, hidden_index):
        response = client.get(page)
        body = response.get_data(as_text=True)
        assert response.status_code == 200, page
        assert hidden.reference not in body and hidden.title not in body, page
        assert f"Confidentiel {hidden.title}" not in body, page
        assert only_there not in body, page  # who reviewed the hidden project only


def test_the_votes_and_project_pages_of_a_recused_member_rank_among_the_visible_projects(client, recused):
    call, projects, reviewers, organiser, anne, bruno, run = recused
    sign_in_as(client, anne)

    votes = client.get(f"/jury/calls/{call.id}/votes").get_data(as_text=True)
    third = client.get(f"/jury/calls/{call.id}/projects/{projects[2].id}").get_data(as_text=True)

    assert [int(n) for n in re.findall(r"Rank (\d+) ·", votes)] == list(range(1, 8))
    assert "Rank 2 among the projects you see" in third  # third of eight, second of the seven she sees
    assert "plausibly between" not in third


def test_reviewer_codes_have_no_gap_when_names_are_hidden_from_the_jury(client, recused):
    call, projects, reviewers, organiser, anne, bruno, run = recused
    call.reviewers_named_to_jury = False
    db.session.commit()
    sign_in_as(client, anne)

    html = client.get(f"/jury/calls/{call.id}/ranking").get_data(as_text=True)
    labels = [r[0] for r in Tables(html).table("Reviewers")]
    codes = {r["reviewer"] for r in _csv(client.get(f"/jury/calls/{call.id}/reviews.csv"))}

    # the fifth reviewer reviewed only the project hidden from her: the sixth is her fifth
    assert labels == ["Reviewer A", "Reviewer B", "Reviewer C", "Reviewer D", "Reviewer E"]
    assert codes == set(labels)


def test_the_organisers_view_is_the_stored_ranking_unchanged(client, recused):
    call, projects, reviewers, organiser, anne, bruno, run = recused
    stored = run.result
    sign_in_as(client, organiser)

    html = client.get(f"/jury/calls/{call.id}/ranking").get_data(as_text=True)
    ranking_csv = _csv(client.get(f"/jury/calls/{call.id}/ranking.csv"))
    reviews_csv = _csv(client.get(f"/jury/calls/{call.id}/reviews.csv"))

    tables = Tables(html)
    assert [_leading_int(r[0]) for r in tables.table("Projects, in the order chosen above")] == list(range(1, 9))
    assert [r["reference"] for r in ranking_csv] == [p.reference for p in projects]
    assert [(int(r["rank"]), int(r["rank_low"]), int(r["rank_high"])) for r in ranking_csv] == [
        (p["rank"], p["rank_low"], p["rank_high"]) for p in stored["submissions"]]
    assert all(r["top_k_probability"] != "" for r in ranking_csv) and "Chance of being among" in html
    assert {r[0]: int(r[1]) for r in tables.table("Reviewers")} == {
        r["name"]: r["n_reviews"] for r in stored["reviewers"]}
    assert len(reviews_csv) == len(stored["reviews"]) == 28 and all(r["corrected_total"] for r in reviews_csv)
    assert "28 of 28 reviews submitted" in html
    assert ranking.latest(call).result == stored  # what recused members see is derived, never stored


def test_view_without_reranks_ties_and_keeps_the_stored_result():
    stored = {"submissions": [{"id": i, "rank": r, "raw_rank": w, "rank_low": 1, "rank_high": 4,
                               "top_k_probability": 0.5} for i, r, w in
                              [(1, 1, 2), (2, 1, 1), (3, 3, 3), (4, 4, 3)]],
              "reviewers": [{"id": 10, "name": "A", "n_reviews": 3, "leniency": 0.2},
                            {"id": 11, "name": "B", "n_reviews": 1, "leniency": -0.2}],
              "reviews": [{"submission_id": s, "reviewer_id": 10, "total": 3.0, "corrected": 3.1} for s in (1, 3, 4)]
              + [{"submission_id": 2, "reviewer_id": 11, "total": 4.0, "corrected": 3.9}],
              "connectivity": {"n_components": 2, "components": [], "single_link_reviewers": [], "warnings": ["x"]},
              "parameters": {"submissions": 4}, "warnings": ["x"]}
    before = copy.deepcopy(stored)

    view = ranking.view_without(stored, {2})

    assert [(p["id"], p["rank"], p["raw_rank"]) for p in view["submissions"]] == [(1, 1, 1), (3, 2, 2), (4, 3, 2)]
    assert [(r["id"], r["n_reviews"], r["leniency"]) for r in view["reviewers"]] == [(10, 3, None)]
    assert view["connectivity"]["n_components"] == 1 and view["parameters"] == {} and view["warnings"] == []
    assert stored == before and ranking.view_without(stored, set()) is stored


def test_view_without_splits_the_reviewers_a_hidden_project_was_the_only_link_between():
    stored = {"submissions": [{"id": i, "rank": i, "raw_rank": i} for i in (1, 2, 3)],
              "reviewers": [{"id": 10, "name": "A"}, {"id": 11, "name": "B"}],
              "reviews": [{"submission_id": s, "reviewer_id": r, "total": 3.0, "corrected": 3.0}
                          for s, r in [(1, 10), (2, 10), (2, 11), (3, 11)]],
              "connectivity": {"n_components": 1, "components": [{"reviewers": [10, 11], "submissions": 3}]}}

    view = ranking.view_without(stored, {2})

    assert view["connectivity"]["n_components"] == 2
    assert view["connectivity"]["components"] == [{"reviewers": [10], "submissions": 1},
                                                  {"reviewers": [11], "submissions": 1}]
    assert [(r["id"], r["n_reviews"], r["co_reviewers"]) for r in view["reviewers"]] == [(10, 1, 0), (11, 1, 0)]


# --- one rule for who is recused from what --------------------------------------------------------------------

@pytest.mark.parametrize("mode", [ReviewMode.PANEL, ReviewMode.PEER])
def test_hidden_from_and_is_recused_agree_on_every_pair_of_a_call_with_every_kind_of_recusal(app, mode):
    chart = factories.chart()
    call = factories.call(phase=CallPhase.REVIEW)
    call.review_mode = mode
    db.session.commit()
    person = {name: factories.user(email=f"{name}@{name}-domaine.fr", first_name=name.title(),
                                   unit=chart["s1"] if name in ("david", "gaelle", "olga", "lead3") else None)
              for name in ("anne", "bruno", "carla", "david", "emma", "farid", "gaelle", "hugo", "ines", "olga",
                           "paul", "quentin", "xavier", "lead3")}
    admin = factories.user(email="admin@plateforme.fr", admin=True)
    p = [factories.submission(call=call, status=SubmissionStatus.SUBMITTED, title=f"Projet {i}", **extra)
         for i, extra in enumerate([
             {}, {"lead": person["bruno"]}, {"members": (person["carla"], person["paul"])},
             {"lead": person["lead3"]}, {"members": (person["xavier"],)}, {},
             {"lead": person["xavier"], "members": (person["ines"],)}])]
    p.append(factories.submission(call=call, status=SubmissionStatus.WITHDRAWN, title="Projet retiré",
                                  members=(person["hugo"],)))
    for name in ("anne", "bruno", "carla", "david", "emma", "farid", "gaelle", "hugo", "ines", "olga", "paul"):
        factories.grant(person[name], call, CallRoleKind.JURY)
    for name in ("olga", "paul", "quentin"):
        factories.grant(person[name], call, CallRoleKind.ORGANISER)
    organiser = person["quentin"]
    deliberation.recuse(submission=p[0], jury_member=person["anne"], actor=person["anne"])
    deliberation.recuse(submission=p[1], jury_member=person["olga"], actor=organiser, reason="Lien familial")
    db.session.add(ConflictDeclaration(submission_id=p[4].id, reviewer_id=person["emma"].id,
                                       source=ConflictSource.REVIEWER, reason="Ancienne collègue"))
    review_pool.declare_conflict(submission=p[5], reviewer=person["farid"], source=ConflictSource.ORGANISER,
                                 actor=organiser, reason="Associé du porteur")
    review_pool.waive_conflict(submission=p[3], reviewer=person["gaelle"], code="same_service",
                               reason="Arrivée après le dépôt", actor=organiser)
    db.session.commit()
    everyone = [*person.values(), admin]
    expected = {"anne": {0}, "bruno": {1}, "carla": {2}, "david": {3}, "emma": {4}, "farid": {5}, "gaelle": set(),
                "hugo": {7}, "ines": {6, 4} if mode == ReviewMode.PEER else {6},  # a teammate of Xavier's
                "olga": {1},  # an organiser: recorded recusals count, the conflict rules do not (same service)
                "paul": {2},  # an organiser in a team
                "quentin": set(), "xavier": {4, 6}, "lead3": {3}}

    projects = deliberation.projects(call)
    for user in everyone:
        hidden = deliberation.hidden_from(call, user)
        for project in projects:
            assert is_recused(user, project) == (project.id in hidden), (user.first_name, project.title)
            assert deliberation.hidden_from(call, user, submissions=[project]) == (
                {project.id} if project.id in hidden else set()), (user.first_name, project.title)
            if user.id in (person["anne"].id, person["olga"].id):
                assert can_view_project_as_jury(user, project) == (project.id not in hidden)
        with app.test_request_context():
            assert recused_from(user, call) == hidden
            assert [is_recused(user, s) for s in projects] == [s.id in hidden for s in projects]
    assert {name: {p.index(s) for s in p if s.id in deliberation.hidden_from(call, u)}
            for name, u in person.items()} == expected
    assert deliberation.hidden_from(call, admin) == set()
    # the organisers' list of recusals follows the same rule
    listed = {(r.jury_member.id, r.submission.id) for r in deliberation.all_recusals(call)}
    assert listed == {(u.id, sid) for u in deliberation.jury_members(call) for sid in deliberation.hidden_from(call, u)}


# --- reviews of a reviewer who became conflicted --------------------------------------------------------------

@pytest.fixture
def swayed():
    """Four projects reviewed alike by three reviewers; a fourth reviewer gave the last project the top score
    (and reviewed the first one too)."""
    call = factories.call(phase=CallPhase.REVIEW)
    call.prize_count = 1
    projects = [factories.submission(call=call, status=SubmissionStatus.SUBMITTED, title=f"Projet {n}")
                for n in ("Alpha", "Bêta", "Gamma", "Delta")]
    panel = [factories.user(email=f"expert{j}@labo{j}.fr") for j in range(3)]
    for j, reviewer in enumerate(panel):
        for project, base in zip(projects, [4.0, 3.5, 3.0, 2.5]):
            factories.submitted_review(call=call, submission=project, reviewer=reviewer, total=base - 0.1 * j)
    late = factories.user(email="tardif@bureau-conseil.fr")
    factories.submitted_review(call=call, submission=projects[3], reviewer=late, total=5.0)
    factories.submitted_review(call=call, submission=projects[0], reviewer=late, total=3.9)
    organiser = factories.user(email="sophie@organisatrice.fr", locale=Locale.EN)
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    return call, projects, late, organiser


def _compute(call, organiser):
    run = ranking.run_calibration(run=ranking.start_calibration(call=call, actor=organiser))
    db.session.commit()
    return run


@pytest.mark.parametrize("source", [ConflictSource.REVIEWER, ConflictSource.ORGANISER])
def test_a_review_whose_reviewer_became_conflicted_does_not_count_in_the_ranking(swayed, source):
    call, projects, late, organiser = swayed
    before = _compute(call, organiser)
    counted = reviews.review_rows(call)
    assert (projects[3].id, late.id) in set(zip(counted.submission_ids, counted.reviewer_ids))

    review_pool.declare_conflict(submission=projects[3], reviewer=late, source=source,
                                 actor=late if source == ConflictSource.REVIEWER else organiser,
                                 reason="Conseille le porteur du projet")
    db.session.commit()
    rows = reviews.review_rows(call)
    after = _compute(call, organiser)
    db.session.delete(db.session.scalar(db.select(Review).where(Review.submission_id == projects[3].id,
                                                                 Review.reviewer_id == late.id)))
    db.session.commit()
    without = _compute(call, organiser)

    pairs = set(zip(rows.submission_ids, rows.reviewer_ids))
    assert (projects[3].id, late.id) not in pairs and (projects[0].id, late.id) in pairs
    assert len(rows.submission_ids) == len(rows.totals) == len(rows.confidences) == 13
    assert after.inputs_hash != before.inputs_hash and not ranking.is_current(call, before)
    # as if the review had never been written: the same fingerprint, the very same ranking
    assert without.inputs_hash == after.inputs_hash and without.result["reused_from"] == after.id
    assert next(p for p in after.result["submissions"] if p["id"] == projects[3].id)["n_reviews"] == 3
    assert {(r["submission_id"], r["reviewer_id"]) for r in after.result["reviews"]} == pairs


def test_a_conflicted_reviewers_review_is_left_out_of_the_jurys_pages_and_counts(client, swayed):
    call, projects, late, organiser = swayed
    review_pool.declare_conflict(submission=projects[3], reviewer=late, source=ConflictSource.ORGANISER,
                                 actor=organiser, reason="Conseille le porteur du projet")
    db.session.commit()
    _compute(call, organiser)
    sign_in_as(client, organiser)

    html = client.get(f"/jury/calls/{call.id}/ranking").get_data(as_text=True)
    reviews_csv = _csv(client.get(f"/jury/calls/{call.id}/reviews.csv"))
    page = client.get(f"/jury/calls/{call.id}/projects/{projects[3].id}").get_data(as_text=True)

    assert "from 13 reviews" in html
    listed = {(r["reference"], r["reviewer"]) for r in reviews_csv}
    assert len(reviews_csv) == 13 and (projects[3].reference, late.full_name) not in listed
    assert (projects[0].reference, late.full_name) in listed
    assert page.count('class="chart__marker"') == 3  # the three reviews that count, not the fourth
