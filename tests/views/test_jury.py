"""The jury's ranking pages through HTTP: the ranking with its plots, one project explained, exports,
organisers' controls, and who sees reviewers' names; the table jury-first (what the jury decides on, the rest
one click away, one score format), voting from it in one form, and what a recused member is told."""
import csv
import io
import re
from datetime import timedelta
from html import unescape

import pytest
from flask_babel import force_locale

from prizeapp.enums import CalibrationStatus, CallPhase, CallRoleKind, SubmissionStatus, VoteChoice
from prizeapp.extensions import db
from prizeapp.formatting import percent, score, score_places
from prizeapp.models import AuditEvent, CalibrationExclusion, CalibrationRun
from prizeapp.models.decision import JuryVote
from prizeapp.models.types import utcnow
from prizeapp.services import deliberation, ranking
from prizeapp.views.jury import VARIANTS

from .. import factories
from ..conftest import form_token, fr, nfr, post_form, sign_in_as, text


@pytest.fixture
def judged():
    """A call with 4 projects, 3 reviewers (one harsh), an organiser and a jury member; no ranking yet."""
    call = factories.call(phase=CallPhase.REVIEW, title="Prix de l'innovation 2027")
    call.submission_deadline = utcnow() - timedelta(days=1)
    call.prize_count = 1
    call.categories = ["Santé", "Éducation"]
    projects = [factories.submission(call=call, status=SubmissionStatus.SUBMITTED, title=f"Projet {name}",
                                     category=["Santé", "Éducation"][i % 2])
                for i, name in enumerate(["Alpha", "Bêta", "Gamma", "Delta"])]
    reviewers = [factories.user(email=f"expert{i}@labo{i}.fr", first_name="Expert", last_name=name)
                 for i, name in enumerate(["Arnaud", "Bérénice", "Sévère"])]
    scores = {0: [4.5, 3.5, 3.0, 2.0], 1: [4.4, 3.6, 2.8, 2.1], 2: [3.0, 2.0, 1.5, 1.0]}
    for j, row in scores.items():
        for i, total in enumerate(row):
            factories.submitted_review(call=call, submission=projects[i], reviewer=reviewers[j], total=total,
                                       jury_comment=f"Confidentiel {j}-{i}")
    organiser, juror = factories.user(), factories.user(email="jure@region-exemple.fr")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    factories.grant(juror, call, CallRoleKind.JURY)
    return call, projects, reviewers, organiser, juror


def compute(call, organiser):
    run = ranking.start_calibration(call=call, actor=organiser)
    ranking.run_calibration(run=run)
    db.session.commit()
    return run


def test_the_organiser_queues_a_computation_and_the_page_shows_its_progress(client, judged):
    call, projects, reviewers, organiser, juror = judged
    sign_in_as(client, organiser)
    page = f"/jury/calls/{call.id}/ranking"

    response = post_form(client, f"{page}/compute", {"model": "additive"}, page=page)

    assert response.status_code == 302
    run = db.session.scalar(db.select(CalibrationRun))
    assert (run.status, run.model, call.calibration_model) == (CalibrationStatus.QUEUED, "additive", "additive")
    html = client.get(page).get_data(as_text=True)
    assert f'data-run-status="/jury/calls/{call.id}/ranking/runs/{run.id}.json"' in html
    assert client.get(f"{page}/runs/{run.id}.json").get_json()["finished"] is False


def test_the_jury_sees_the_ranking_with_intervals_plots_and_names(client, judged):
    call, projects, reviewers, organiser, juror = judged
    compute(call, organiser)
    sign_in_as(client, juror)

    html = client.get(f"/jury/calls/{call.id}/ranking").get_data(as_text=True)

    assert html.count('class="chart__dot"') == 4 + 3  # the forest plot's projects, the leniency chart's reviewers
    assert "Projet Alpha" in html and "Expert Sévère" in html
    assert f'action="/jury/calls/{call.id}/ranking/compute"' not in html  # computing is the organisers'
    # The form of the model chosen for these reviews, in words.
    variant = ranking.latest(call).result["parameters"]["variant"]
    with force_locale("fr"):
        assert str(VARIANTS[variant]).replace("'", "&#39;") in html


def test_a_call_can_hide_reviewers_names_from_the_jury_but_not_from_organisers(client, judged):
    call, projects, reviewers, organiser, juror = judged
    call.reviewers_named_to_jury = False
    db.session.commit()
    compute(call, organiser)

    sign_in_as(client, juror)
    for path in (f"/jury/calls/{call.id}/ranking", f"/jury/calls/{call.id}/projects/{projects[0].id}",
                 f"/jury/calls/{call.id}/reviews.csv"):
        body = client.get(path).get_data(as_text=True)
        assert "Sévère" not in body and reviewers[2].email not in body, path
    sign_in_as(client, organiser)
    assert "Expert Sévère" in client.get(f"/jury/calls/{call.id}/ranking").get_data(as_text=True)


def test_filters_by_category_and_sorts(client, judged):
    call, projects, reviewers, organiser, juror = judged
    compute(call, organiser)
    sign_in_as(client, juror)

    html = client.get(f"/jury/calls/{call.id}/ranking?category=Éducation&sort=reference").get_data(as_text=True)

    assert "Projet Bêta" in html and "Projet Delta" in html
    assert "Projet Alpha" not in html and "Projet Gamma" not in html
    assert html.index("Projet Bêta") < html.index("Projet Delta")


def test_one_project_is_explained_review_by_review(client, judged):
    call, projects, reviewers, organiser, juror = judged
    compute(call, organiser)
    sign_in_as(client, juror)

    html = client.get(f"/jury/calls/{call.id}/projects/{projects[0].id}").get_data(as_text=True)

    assert "Expert Sévère" in html and "Confidentiel 2-0" in html
    assert fr("Leniency corrected") in html and fr("Weighted mean") in html  # step by step
    assert html.count('class="chart__marker"') == 3  # each review's raw score beside its correction


def test_ranking_export_has_every_column_and_numbers_stay_numbers(client, judged):
    call, projects, reviewers, organiser, juror = judged
    compute(call, organiser)
    sign_in_as(client, juror)

    response = client.get(f"/jury/calls/{call.id}/ranking.csv")

    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:7] == ["rank", "rank_low", "rank_high", "reference", "title", "category", "calibrated_score"]
    assert len(rows) == 1 + 4
    assert rows[1][0] == "1" and "," in rows[1][6]


def test_leaving_out_a_reviewer_needs_a_reason_and_is_audited(client, judged):
    call, projects, reviewers, organiser, juror = judged
    compute(call, organiser)
    sign_in_as(client, organiser)
    page = f"/jury/calls/{call.id}/ranking"

    post_form(client, f"/jury/calls/{call.id}/reviewers/{reviewers[2].id}/exclude", {"reason": ""}, page=page)
    assert db.session.scalar(db.select(CalibrationExclusion)) is None

    post_form(client, f"/jury/calls/{call.id}/reviewers/{reviewers[2].id}/exclude", {"reason": "Notes au hasard"},
              page=page)
    assert db.session.scalar(db.select(CalibrationExclusion.reason)) == "Notes au hasard"
    assert db.session.scalar(db.select(AuditEvent.id).where(AuditEvent.action == "calibration.reviewer_excluded"))
    assert "Reviews have changed" in client.get(page).get_data(as_text=True) or \
        "ont changé" in client.get(page).get_data(as_text=True)
    html = client.get(page).get_data(as_text=True)
    exclusion = db.session.scalar(db.select(CalibrationExclusion))
    assert "Notes au hasard" in html  # listed among the reviewers left out, with the way back
    assert f'action="/jury/calls/{call.id}/exclusions/{exclusion.id}/remove"' in html


# --- the ranking, jury-first: the essentials in the table, one form for every vote, recusals said --------

def _row(html: str, submission_id: int) -> str:
    """The table row of one project."""
    match = re.search(rf'<tr id="project-{submission_id}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row for project {submission_id}"
    return match.group(1)


def _shown(value: float, places: int) -> str:
    with force_locale("fr"):
        return score(value, places)


def test_the_table_shows_what_the_jury_decides_on_and_the_rest_one_click_away(client, judged):
    call, projects, reviewers, organiser, juror = judged
    run = compute(call, organiser)
    other = factories.user(email="autre-jure@departement-exemple.fr")
    factories.grant(other, call, CallRoleKind.JURY)
    deliberation.record_vote(submission=projects[0], jury_member=juror, choice=VoteChoice.LAUREATE)
    deliberation.record_vote(submission=projects[0], jury_member=other, choice=VoteChoice.MENTION)
    db.session.commit()
    sign_in_as(client, juror)

    html = client.get(f"/jury/calls/{call.id}/ranking").get_data(as_text=True)

    first = run.result["submissions"][0]
    places = score_places([p["score"] for p in run.result["submissions"]], run.result["scale"])
    row = _row(html, projects[0].id)
    assert f"<strong>{first['rank']}</strong>" in row and f"{first['rank_low']}–{first['rank_high']}" in row
    assert ">Projet Alpha</a>" in row and projects[0].reference in row
    assert f"<strong>{_shown(first['score'], places)}</strong>" in row
    assert f"[{_shown(first['score_low'], places)} – {_shown(first['score_high'], places)}]" in row
    assert nfr("Chance of being the laureate", "Chance of being among the %(num)d laureates", 1) in unescape(html)
    with force_locale("fr"):
        assert percent(first["top_k_probability"]) in row
    assert '<option value="laureate" selected>' in row  # the member's own vote, in the ballot
    assert re.search(r"Laureate|Lauréat", row) and "<strong>1</strong></li>" in row  # the jury's tally
    # One click away: the raw mean, the change of rank, the reviews, the spread, each criterion
    details = re.search(r'<details class="ranking__details">(.*?)</details>', row, re.S).group(1)
    assert _shown(first["raw_mean"], places) in details and "Innovation" in details
    assert fr("Raw mean") in unescape(details) and fr("Spread of the reviews") in unescape(details)
    # the table's header stays in view, its box does not scroll
    assert 'class="table-wrap table-wrap--sticky"' in html


def test_every_score_has_the_same_decimals_in_the_table_the_plot_and_the_csv(client, judged):
    call, projects, reviewers, organiser, juror = judged
    run = compute(call, organiser)
    sign_in_as(client, juror)

    html = client.get(f"/jury/calls/{call.id}/ranking").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(client.get(f"/jury/calls/{call.id}/ranking.csv")
                                           .get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))

    places = score_places([p["score"] for p in run.result["submissions"]], run.result["scale"])
    forest = re.search(r'<figure class="forest" aria-labelledby="forest-title">(.*?)</figure>', html, re.S).group(1)
    for p, line in zip(run.result["submissions"], rows):
        shown = _shown(p["score"], places)
        assert f'<span class="forest__value">{shown}</span>' in forest
        assert line["calibrated_score"] == shown and line["raw_mean"] == _shown(p["raw_mean"], places)
        assert re.fullmatch(r"\d," + r"\d" * places, line["score_low"])
    assert 'title="1. Projet Alpha"' in forest  # titles, whole on hover


def test_the_forest_plot_draws_the_laureates_cut_off(client, judged):
    call, projects, reviewers, organiser, juror = judged
    run = compute(call, organiser)
    sign_in_as(client, juror)

    html = client.get(f"/jury/calls/{call.id}/ranking").get_data(as_text=True)

    first, second = run.result["submissions"][:2]  # one prize: between the first and the second
    assert ranking.laureate_cutoff(run.result) == pytest.approx((first["score"] + second["score"]) / 2)
    assert html.count('class="forest__cutoff"') == 4  # across each project's line
    assert f'<tr id="project-{projects[0].id}" class="ranking__last-laureate">' in html


def test_one_form_records_the_votes_of_several_rows_and_keeps_the_filters(client, judged):
    call, projects, reviewers, organiser, juror = judged
    compute(call, organiser)
    sign_in_as(client, juror)
    page = f"/jury/calls/{call.id}/ranking?category=Santé&sort=score"
    html = client.get(page).get_data(as_text=True)
    assert html.count('<form method="post" id="ballot"') == 1
    assert html.count("<select id=\"choice-") == 2  # the two projects of the category

    response = post_form(client, f"/jury/calls/{call.id}/votes?back=ranking&category=Santé&sort=score",
                         {f"choice-{projects[0].id}": "laureate", f"choice-{projects[2].id}": "not_selected"},
                         page=page)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/jury/calls/{call.id}/ranking?category=Sant%C3%A9&sort=score"
    votes = {v.submission_id: v.choice for v in db.session.scalars(db.select(JuryVote))}
    assert votes == {projects[0].id: VoteChoice.LAUREATE, projects[2].id: VoteChoice.NOT_SELECTED}
    audited = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "deliberation.voted")).all()
    assert len(audited) == 2

    # Sent again with one change: only that one is written and audited.
    post_form(client, f"/jury/calls/{call.id}/votes?back=ranking",
              {f"choice-{projects[0].id}": "laureate", f"choice-{projects[2].id}": "mention"},
              page=f"/jury/calls/{call.id}/ranking")
    assert db.session.scalar(db.select(JuryVote.choice).where(JuryVote.submission_id == projects[2].id)) \
        == VoteChoice.MENTION
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
        AuditEvent.action == "deliberation.voted")) == 3


def test_the_votes_page_is_one_form_with_a_comment_for_each_project(client, judged):
    call, projects, reviewers, organiser, juror = judged
    compute(call, organiser)
    sign_in_as(client, juror)
    page = f"/jury/calls/{call.id}/votes"
    assert client.get(page).get_data(as_text=True).count("<form method=\"post\" action=\"/jury/calls/") == 1

    response = post_form(client, f"/jury/calls/{call.id}/votes?back=votes",
                         {f"choice-{projects[1].id}": "mention", f"comment-{projects[1].id}": "À suivre",
                          f"choice-{projects[3].id}": "not_selected"}, page=page)

    assert response.status_code == 302 and response.headers["Location"] == page
    votes = {v.submission_id: (v.choice, v.comment) for v in db.session.scalars(db.select(JuryVote))}
    assert votes == {projects[1].id: (VoteChoice.MENTION, "À suivre"), projects[3].id: (VoteChoice.NOT_SELECTED, "")}
    # The ranking's table sends choices only: the comment stays.
    post_form(client, f"/jury/calls/{call.id}/votes?back=ranking", {f"choice-{projects[1].id}": "laureate"},
              page=f"/jury/calls/{call.id}/ranking")
    assert db.session.scalar(db.select(JuryVote.comment).where(JuryVote.submission_id == projects[1].id)) \
        == "À suivre"


def test_a_ballot_with_a_wrong_choice_is_shown_again_as_typed_and_nothing_is_recorded(client, judged):
    call, projects, reviewers, organiser, juror = judged
    compute(call, organiser)
    sign_in_as(client, juror)
    page = f"/jury/calls/{call.id}/ranking"

    response = post_form(client, f"/jury/calls/{call.id}/votes?back=ranking",
                         {f"choice-{projects[0].id}": "mention", f"choice-{projects[1].id}": "premier-prix"},
                         page=page)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'href="#choice-{projects[1].id}"' in html  # the summary points at the row
    assert '<option value="mention" selected>' in _row(html, projects[0].id)  # what was typed is kept
    assert 'aria-invalid="true"' in _row(html, projects[1].id)
    assert db.session.scalar(db.select(JuryVote)) is None


def test_the_ballot_is_refused_once_the_results_are_published_and_shows_what_was_typed(client, judged):
    call, projects, reviewers, organiser, juror = judged
    compute(call, organiser)
    sign_in_as(client, juror)
    page = f"/jury/calls/{call.id}/ranking"
    token_page = client.get(page).get_data(as_text=True)
    call.results_published_at = utcnow()
    db.session.commit()

    response = client.post(f"/jury/calls/{call.id}/votes?back=ranking",
                           data={"csrf_token": form_token(token_page), f"choice-{projects[2].id}": "laureate"})

    assert response.status_code == 403
    html = text(response)
    assert fr("The results are published: votes can no longer be changed.") in html
    row = _row(response.get_data(as_text=True), projects[2].id)
    assert '<option value="laureate" selected>' in row and " disabled>" in row
    assert db.session.scalar(db.select(JuryVote)) is None
    # without a ballot sent, the table shows no form once the results are published
    assert 'id="ballot"' not in client.get(page).get_data(as_text=True)


def test_a_ballot_naming_a_project_the_member_is_recused_from_is_refused_whole(client, judged):
    call, projects, reviewers, organiser, juror = judged
    compute(call, organiser)
    deliberation.recuse(submission=projects[1], jury_member=juror, actor=juror)
    db.session.commit()
    sign_in_as(client, juror)
    page = f"/jury/calls/{call.id}/ranking"

    response = post_form(client, f"/jury/calls/{call.id}/votes?back=ranking",
                         {f"choice-{projects[0].id}": "laureate", f"choice-{projects[1].id}": "laureate"}, page=page)

    assert response.status_code == 404  # as if the project did not exist
    assert db.session.scalar(db.select(JuryVote)) is None
    with pytest.raises(deliberation.DeliberationError) as refused:
        deliberation.record_votes(call=call, jury_member=juror, choices={projects[1].id: ("laureate", None)})
    assert refused.value.codes == ["recused"]


def test_a_recused_member_sees_the_others_ranked_from_one_and_is_told_how_many_are_not_shown(client, judged):
    call, projects, reviewers, organiser, juror = judged
    run = compute(call, organiser)
    assert [p["id"] for p in run.result["submissions"]] == [p.id for p in projects]
    deliberation.recuse(submission=projects[1], jury_member=juror, actor=juror)  # the second
    db.session.commit()

    sign_in_as(client, juror)
    html = text(client.get(f"/jury/calls/{call.id}/ranking"))
    shown = [int(n) for n in re.findall(r'<td data-label="[^"]*" class="num ranking__rank"><div><strong>(\d+)</strong>',
                                        html)]
    assert shown == [1, 2, 3]  # no gap where the second was
    assert nfr("%(num)d project is not shown to you (recusal): this page and its downloads leave it out, with "
               "its reviews and reviewers, and rank the others among themselves, from 1 without a gap.",
               "%(num)d projects are not shown to you (recusal): this page and its downloads leave them out, with "
               "their reviews and reviewers, and rank the others among themselves, from 1 without a gap.", 1) in html
    member_counts = nfr("%(submitted)d of %(assigned)d reviews submitted, on the %(num)d project shown to you.",
                        "%(submitted)d of %(assigned)d reviews submitted, on the %(num)d projects shown to you.", 3,
                        submitted=9, assigned=9)
    assert member_counts in html
    votes = text(client.get(f"/jury/calls/{call.id}/votes"))
    assert [int(n) for n in re.findall(r"(?:Rank|Rang) (\d+) ·", votes)] == [1, 2, 3]

    sign_in_as(client, organiser)
    html = text(client.get(f"/jury/calls/{call.id}/ranking"))
    # the organiser's counts are the whole call's: the member's plus the three reviews of the hidden project
    assert nfr("%(submitted)d of %(assigned)d reviews submitted, on %(num)d project of the call.",
               "%(submitted)d of %(assigned)d reviews submitted, on the %(num)d projects of the call.", 4,
               submitted=12, assigned=12) in html
    assert "recusals-notice" not in html


def test_what_a_recused_member_sees_is_computed_once_in_the_service(judged):
    call, projects, reviewers, organiser, juror = judged
    run = compute(call, organiser)

    seen = ranking.seen_by(call, frozenset({projects[1].id}))
    nothing_ranked = ranking.seen_by(call, frozenset({10_000}))  # e.g. a draft of their team: not in the ranking

    assert seen.hidden == 1 and seen.restricted
    assert [(p["id"], p["rank"]) for p in seen.result["submissions"]] == [
        (projects[0].id, 1), (projects[2].id, 2), (projects[3].id, 3)]
    assert nothing_ranked.result is run.result and nothing_ranked.hidden == 0 and not nothing_ranked.restricted
