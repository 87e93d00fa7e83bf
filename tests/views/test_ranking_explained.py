"""The ranking explained through HTTP: one project's score step by step (the steps shown add up to the score
shown, a missing review is said), two projects compared (what put one above the other, how sure the ranking is
of their order), one reviewer's page; reviewers' names only where the call shows them, nothing of a project a
jury member is recused from."""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from html.parser import HTMLParser

import pytest
from flask_babel import force_locale, format_percent

from prizeapp.core.calibration import explain
from prizeapp.enums import AssignmentStatus, CallPhase, CallRoleKind, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.formatting import score, score_places
from prizeapp.labels import model_label
from prizeapp.models import Assignment
from prizeapp.models.types import utcnow
from prizeapp.services import deliberation, explanations, ranking
from prizeapp.views.explain_words import numbers_of

from .. import factories
from ..conftest import fr, nfr, sign_in_as

TITLES = ["Projet Aulne", "Projet Bouleau", "Projet Charme", "Projet Douglas", "Projet Érable", "Projet Frêne",
          "Projet Genévrier", "Projet Hêtre"]
QUALITY = [4.2, 3.9, 3.6, 3.3, 3.0, 2.7, 2.4, 2.1]
# (first name, last name, leniency, spread): Émilie generous, Paul harsh and compressed.
REVIEWERS = [("Émilie", "Lenoir", 0.8, 1.0), ("Paul", "Sévère", -0.7, 0.6), ("Inès", "Moyenne", 0.0, 1.0),
             ("Jules", "Droit", 0.1, 1.2), ("Karim", "Juste", -0.1, 1.0)]
NOISE = [0.3, -0.4, 0.2, 0.0, -0.3, 0.45, -0.2, 0.1, 0.35, -0.35, 0.15, -0.1]


class Tables(HTMLParser):
    """Every table of a page by its caption: its body rows, each a list of cell texts."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: str | None = None
        self._in: str | None = None
        self._row: list[str] | None = None
        self._head = False
        self._text = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in ("caption", "th", "td"):
            self._in, self._text = tag, ""
        elif tag == "tr":
            self._row = []
        elif tag == "thead":
            self._head = True

    def handle_endtag(self, tag):
        if tag == "caption":
            self._caption = " ".join(self._text.split())
            self.tables[self._caption] = []
        elif tag in ("th", "td") and self._row is not None:
            self._row.append(" ".join(self._text.split()))
        elif tag == "tr" and self._row is not None:
            if self._caption is not None and self._row and not self._head:
                self.tables[self._caption].append(self._row)
            self._row = None
        elif tag == "thead":
            self._head = False
        if tag in ("caption", "th", "td"):
            self._in = None

    def handle_data(self, data):
        if self._in:
            self._text += data


def _units(text: str, places: int) -> int:
    """« +0,3 », « −1,2 », « 4,0 » in units of the last decimal."""
    value = text.replace("\u2212", "-").replace("+", "").replace("\u202f", "").replace("\xa0", "").replace(",", ".")
    return round(float(value) * 10**places)


@pytest.fixture
def panel():
    """Eight projects, five reviewers (Émilie generous, Paul harsh and compressed); each project read by three,
    but « Projet Bouleau » by two: its third reviewer (Karim) has not submitted. An organiser, a jury member."""
    call = factories.call(phase=CallPhase.REVIEW, title="Prix de l'innovation territoriale 2027")
    call.submission_deadline = utcnow() - timedelta(days=1)
    call.prize_count = 2
    projects = [factories.submission(call=call, status=SubmissionStatus.SUBMITTED, title=t) for t in TITLES]
    people = [factories.user(email=f"{first.lower()}@eval{j}.fr", first_name=first, last_name=last)
              for j, (first, last, _, _) in enumerate(REVIEWERS)]
    k = 0
    for i, project in enumerate(projects):
        for j in (i % 5, (i + 1) % 5, (i + 3) % 5):
            if i == 1 and j == 4:  # assigned, never submitted
                db.session.add(Assignment(call_id=call.id, submission_id=project.id, reviewer_id=people[j].id,
                                          status=AssignmentStatus.COMMITTED))
                db.session.commit()
                continue
            _, _, leniency, spread = REVIEWERS[j]
            total = 3.2 + leniency + spread * (QUALITY[i] - 3.2) + NOISE[k % len(NOISE)]
            k += 1
            factories.submitted_review(call=call, submission=project, reviewer=people[j],
                                       total=round(min(max(total, 1.0), 5.0), 1), confidence=1 + (i + j) % 3)
    organiser = factories.user(email="orga@agglo-exemple.fr", first_name="Sophie", last_name="Martin")
    juror = factories.user(email="jure@region-exemple.fr", first_name="Hélène", last_name="Dubois")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    factories.grant(juror, call, CallRoleKind.JURY)
    run = ranking.start_calibration(call=call, actor=organiser)
    ranking.run_calibration(run=run)
    db.session.commit()
    return call, projects, people, organiser, juror, run


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return unescape(response.get_data(as_text=True))


def test_the_project_page_takes_the_score_apart_and_the_steps_shown_add_up_to_the_score_shown(client, panel):
    call, projects, people, organiser, juror, run = panel
    sign_in_as(client, juror)
    places = score_places([p["score"] for p in run.result["submissions"]], run.result["scale"])

    for project in projects:
        html = _page(client, f"/jury/calls/{call.id}/projects/{project.id}")

        steps = Tables(html).tables[fr("The steps in numbers")]
        entry = next(p for p in run.result["submissions"] if p["id"] == project.id)
        with force_locale("fr"):
            shown_score = score(entry["score"], places)
        start, *moves, end = steps
        assert (start[0], end[0]) == (fr("Raw mean of the reviews"), fr("Calibrated score"))
        assert end[2] == shown_score  # the score as the ranking writes it
        total = _units(start[2], places)
        for title, change, after in moves:
            if change != "—":
                total += _units(change, places)
            assert _units(after, places) == total, (project.title, title)  # every running value adds up
        assert total == _units(shown_score, places)
        # each review's row adds up too: score given + leniency + spread = what it counts as
        reviews = Tables(html).tables[fr("Each review on its way to the score")]
        for _who, given, leniency, spread, counted, *_ in reviews:
            assert _units(given, places) + _units(leniency, places) + _units(spread.split(" ")[0], places) == \
                _units(counted, places)
        assert sum(int(row[5].split("\xa0")[0].split(" ")[0]) for row in reviews) == 100


def test_the_steps_are_said_in_words_with_the_reviewers_named(client, panel):
    call, projects, people, organiser, juror, run = panel
    sign_in_as(client, juror)

    html = _page(client, f"/jury/calls/{call.id}/projects/{projects[0].id}")

    for title in ("Leniency corrected", "Spread corrected", "Weights", "Weighted mean", "Pull towards the call's mean",
                  "How its score was reached", "From the raw mean to the calibrated score"):
        assert fr(title) in html, title
    # Émilie is generous: her score is brought down, in words, with the amount the table shows
    e = explanations.project(run.result, projects[0].id)
    places = score_places([p["score"] for p in run.result["submissions"]], run.result["scale"])
    shown = explain.shown(e, places)
    row = next(r for t, r in zip(e.reviews, shown.reviews, strict=True) if t.reviewer == people[0].id)
    with force_locale("fr"):
        amount = score(-row.leniency / 10**places, places)
    assert row.leniency < 0
    assert "Émilie Lenoir" in html and amount in html
    with force_locale("fr"):
        pulled_by = format_percent(e.shrinkage)
    assert fr("The fewer and the less reliable a project's reviews, the more its score is drawn towards the mean: "
              "here by %(share)s of the distance between their weighted mean and the call's mean.",
              share=pulled_by) in html
    assert f'href="/jury/calls/{call.id}/reviewers/{people[0].id}"' in html  # her page, names being shown
    assert f'href="/jury/calls/{call.id}/compare?a={projects[0].id}"' in html


def test_a_missing_review_is_said_and_the_pull_it_leaves(client, panel):
    call, projects, people, organiser, juror, run = panel
    sign_in_as(client, juror)

    html = _page(client, f"/jury/calls/{call.id}/projects/{projects[1].id}")

    assert nfr("%(num)d expected review has not been submitted: the score rests on the submitted ones only.",
               "%(num)d expected reviews have not been submitted: the score rests on the submitted ones only.", 1) \
        in html
    assert fr("Expected from: %(names)s.", names="Karim Juste") in html
    e = explanations.project(run.result, projects[1].id)
    assert len(e.reviews) == 2 and e.shrinkage > 0
    with force_locale("fr"):
        numbers = numbers_of(run.result)
        moved = explain.shown(e, numbers.places).steps["pull"]
        points, mean = numbers.points(moved), numbers.value(e.prior_mean)
    assert moved < 0  # its two reviews are above the call's mean: brought down towards it
    assert nfr("With only %(num)d review, the score is brought down %(points)s towards the call's mean (%(mean)s).",
               "With only %(num)d reviews, the score is brought down %(points)s towards the call's mean (%(mean)s).",
               2, points=points, mean=mean) in html
    # a project whose three reviews all came in says nothing of the kind
    assert fr("Expected from: %(names)s.", names="Karim Juste") not in \
        _page(client, f"/jury/calls/{call.id}/projects/{projects[2].id}")


def test_a_blind_call_names_no_reviewer_to_the_jury_and_closes_their_pages(client, panel):
    call, projects, people, organiser, juror, run = panel
    call.reviewers_named_to_jury = False
    db.session.commit()
    sign_in_as(client, juror)

    for path in (f"/jury/calls/{call.id}/projects/{projects[1].id}",
                 f"/jury/calls/{call.id}/compare?a={projects[0].id}&b={projects[1].id}"):
        html = _page(client, path)
        for person in people:
            # Their name in full or alone in an element (a last name may also be a word: « Moyenne brute »).
            assert person.full_name not in html and f">{person.last_name}<" not in html, path
            assert person.email not in html, path
            assert f"/reviewers/{person.id}" not in html, path
        assert fr("Reviewer %(code)s", code="A") in html or fr("Reviewer %(code)s", code="B") in html
    assert fr("Expected from: %(names)s.", names="Karim Juste") not in \
        _page(client, f"/jury/calls/{call.id}/projects/{projects[1].id}")
    assert client.get(f"/jury/calls/{call.id}/reviewers/{people[0].id}").status_code == 403
    sign_in_as(client, organiser)
    html = _page(client, f"/jury/calls/{call.id}/reviewers/{people[0].id}")
    assert "Émilie Lenoir" in html


def test_the_comparison_says_what_put_one_above_the_other_and_how_sure_it_is(client, panel):
    call, projects, people, organiser, juror, run = panel
    sign_in_as(client, juror)
    a, b = projects[2], projects[1]  # asked in either order: the better ranked comes first

    html = _page(client, f"/jury/calls/{call.id}/compare?a={a.id}&b={b.id}")

    order = [p["id"] for p in run.result["submissions"]]
    first, second = sorted((a, b), key=lambda p: order.index(p.id))
    assert fr("%(first)s above %(second)s", first=first.reference, second=second.reference) in html
    probability = explanations.probability_above(run.result, first.id, second.id)
    assert 0.5 <= probability <= 1
    for title in ("How sure is the ranking of their order?", "What put one above the other",
                  "Both projects step by step", "From the gap in raw means to the gap in calibrated scores"):
        assert fr(title) in html, title
    # the gap's reasons add up to the gap between the two scores as written
    places = score_places([p["score"] for p in run.result["submissions"]], run.result["scale"])
    rows = Tables(html).tables[fr("Both projects step by step")]
    assert rows[0][0] == fr("Raw mean of the reviews") and rows[-1][0] == fr("Calibrated score")
    gap = _units(rows[0][3], places) + sum(_units(r[3], places) for r in rows[1:-1] if r[0] != fr("Weighted mean"))
    assert gap == _units(rows[-1][3], places) == _units(rows[-1][1], places) - _units(rows[-1][2], places)
    reasons = re.findall(r'<span class="reasons__gap">\(([^)]*)\)</span>', html)
    assert sum(_units(g, places) for g in reasons[:-1]) == _units(reasons[-1], places) == gap
    # which reviewers: those of either project whose corrections moved the gap are named
    comparison = explanations.comparison(run.result, first.id, second.id)
    moved = explain.shown_comparison(comparison, places).reviewers
    assert any(moved)
    for share, units in zip(comparison.reviewers, moved, strict=True):
        name = next(p.full_name for p in people if p.id == share.reviewer)
        if units:
            assert name in html


def test_the_comparison_offers_the_neighbours_calibration_swapped(client, panel):
    call, projects, people, organiser, juror, run = panel
    sign_in_as(client, juror)

    html = _page(client, f"/jury/calls/{call.id}/compare")

    projects_ = run.result["submissions"]
    swapped = [(x, y) for x, y in zip(projects_, projects_[1:]) if x["raw_mean"] < y["raw_mean"]]
    for x, y in swapped:
        assert f"/jury/calls/{call.id}/compare?a={x['id']}&amp;b={y['id']}" in html.replace("&b=", "&amp;b=")
    assert fr("Choose a project") in html


def test_the_comparison_needs_two_different_projects_of_the_call(client, panel):
    call, projects, people, organiser, juror, run = panel
    sign_in_as(client, juror)
    other = factories.submission(call=factories.call(), status=SubmissionStatus.SUBMITTED)

    assert fr("Choose two different projects.") in \
        _page(client, f"/jury/calls/{call.id}/compare?a={projects[0].id}&b={projects[0].id}")
    assert client.get(f"/jury/calls/{call.id}/compare?a={projects[0].id}&b={other.id}").status_code == 404
    assert client.get(f"/jury/calls/{call.id}/compare?a=abc").status_code == 400


def test_a_recused_jury_member_sees_nothing_of_the_project_and_no_corrections(client, panel):
    call, projects, people, organiser, juror, run = panel
    deliberation.recuse(submission=projects[3], jury_member=juror, actor=juror)
    db.session.commit()
    sign_in_as(client, juror)

    assert client.get(f"/jury/calls/{call.id}/projects/{projects[3].id}").status_code == 404
    assert client.get(f"/jury/calls/{call.id}/compare?a={projects[3].id}&b={projects[0].id}").status_code == 404
    html = _page(client, f"/jury/calls/{call.id}/compare?a={projects[0].id}&b={projects[1].id}")
    assert projects[3].title not in html and projects[3].reference not in html
    assert fr("How sure is the ranking of their order?") in html
    assert fr("Reviewers' leniency, and with it the correction of each review, is estimated from all their "
              "reviews of the call: it is not shown to jury members recused from a project.") in html
    assert fr("Both projects step by step") not in html
    reviewer = _page(client, f"/jury/calls/{call.id}/reviewers/{people[3].id}")
    assert projects[3].title not in reviewer and projects[3].reference not in reviewer
    project = _page(client, f"/jury/calls/{call.id}/projects/{projects[0].id}")
    assert fr("How its score was reached") not in project


def test_the_reviewers_page_shows_their_estimates_and_their_scores_against_the_others(client, panel):
    call, projects, people, organiser, juror, run = panel
    sign_in_as(client, juror)

    html = _page(client, f"/jury/calls/{call.id}/reviewers/{people[1].id}")

    assert "<h1 class=\"break\">Paul Sévère</h1>" in html
    profile = explanations.reviewer_profile(run.result, people[1].id)
    assert profile.reviewer["leniency"] < 0 and len(profile.shared) == len(profile.projects) >= 3
    assert html.count('class="chart__dot"') == len(profile.shared)
    assert 'class="chart__model"' in html and 'class="chart__equal"' in html
    rows = Tables(html).tables[fr("The projects they reviewed")]
    assert len(rows) == len(profile.projects)
    for p in profile.projects:
        assert p.reference in html
    assert client.get(f"/jury/calls/{call.id}/reviewers/{juror.id}").status_code == 404  # no review of theirs


def test_a_ranking_stored_before_the_explanations_says_so(client, panel):
    call, projects, people, organiser, juror, run = panel
    result = dict(run.result)
    result["submissions"] = [{k: v for k, v in p.items() if k not in ("quality", "draws")}
                             for p in result["submissions"]]
    run.result = result
    db.session.commit()
    sign_in_as(client, juror)

    html = _page(client, f"/jury/calls/{call.id}/projects/{projects[0].id}")

    assert fr("This ranking was stored before its explanations were: computing it again gives each project's "
              "score step by step.") in html
    compare = _page(client, f"/jury/calls/{call.id}/compare?a={projects[0].id}&b={projects[1].id}")
    assert fr("This ranking was stored without its draws: computing it again says how sure it is of this "
              "order.") in compare


@pytest.mark.parametrize(("model", "says"), [
    ("zscore", "This model does not pull scores towards the call's mean."),
    ("raw_mean", "This ranking's model (%(model)s) takes nothing off: it corrects neither the reviewers' leniency nor "
                 "their spread, and weighs every review the same."),
])
def test_every_model_is_explained_in_its_own_terms(client, panel, model, says):
    call, projects, people, organiser, juror, run = panel
    run = ranking.start_calibration(call=call, actor=organiser, model=model)
    ranking.run_calibration(run=run)
    db.session.commit()
    sign_in_as(client, juror)

    html = _page(client, f"/jury/calls/{call.id}/projects/{projects[0].id}")

    with force_locale("fr"):
        name = model_label(model)
    assert fr(says, model=name) in html
    places = score_places([p["score"] for p in run.result["submissions"]], run.result["scale"])
    steps = Tables(html).tables[fr("The steps in numbers")]
    assert sum(_units(change, places) for _, change, _ in steps if change != "—") + _units(steps[0][2], places) == \
        _units(steps[-1][2], places)
    # both weigh every review alike; z-scores read each reviewer on their own scale
    assert fr("Every review counts the same: the weighted mean is their plain mean, %(mean)s.", mean=steps[4][2]) \
        in html
