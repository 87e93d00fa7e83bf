"""The economic-model grid as people read it: the stacked bar's geometry and drawing, the shared partial in
French, the reviewers' panel beside the economic criterion (blind-safe), the jury's project page, the
innovation's page and one-page sheet."""
from __future__ import annotations

import io
import re
from datetime import timedelta
from html import unescape

import pytest
from flask import render_template_string
from flask_babel import force_locale
from flask_babel import gettext as _
from pypdf import PdfReader

from prizeapp.enums import AssignmentStatus, BlindLevel, CallPhase, CallRoleKind, SubmissionStatus
from prizeapp.extensions import db
from prizeapp.models import Assignment, Criterion
from prizeapp.models.types import utcnow
from prizeapp.services import economic_grid
from prizeapp.views.charts import BAR_WIDTH, Part, stacked_bar
from prizeapp.views.helpers import resource_bar

from .. import factories
from ..conftest import sign_in_as

NNBSP, NBSP = "\u202f", "\u00a0"


def fr(text: str, **values) -> str:
    with force_locale("fr"):
        return _(text, **values)


# --- the stacked bar -----------------------------------------------------------------------------------------

def test_each_segment_is_as_wide_as_its_share_side_by_side():
    bar = stacked_bar([Part("a", "A", 60), Part("b", "B", 10), Part("c", "C", 30)])

    assert [(s.key, s.x, s.width) for s in bar.segments] == [
        ("a", 0, 0.6 * BAR_WIDTH), ("b", 0.6 * BAR_WIDTH, 0.1 * BAR_WIDTH), ("c", 0.7 * BAR_WIDTH, 0.3 * BAR_WIDTH)]
    assert bar.segments[-1].x + bar.segments[-1].width == BAR_WIDTH
    assert [s.text_x for s in bar.segments] == [0.3 * BAR_WIDTH, 0.65 * BAR_WIDTH, 0.85 * BAR_WIDTH]
    assert bar.total == 100


def test_shares_short_of_100_leave_the_rest_of_the_bar_blank_and_more_than_100_fill_it():
    short = stacked_bar([Part("a", "A", 25), Part("b", "B", 25)])
    assert short.segments[-1].x + short.segments[-1].width == BAR_WIDTH / 2

    over = stacked_bar([Part("a", "A", 100), Part("b", "B", 60)])
    assert [s.width for s in over.segments] == [300, 180]  # against 160 in all


def test_an_empty_share_has_no_segment_and_a_narrow_one_has_its_percent_in_the_legend_only():
    bar = stacked_bar([Part("a", "A", 95), Part("b", "B", 0), Part("c", "C", 5)])

    assert [s.key for s in bar.segments] == ["a", "c"]
    assert [s.inside for s in bar.segments] == [True, False]  # 5 % is 24 px wide


def test_the_macro_draws_every_segment_and_labels_every_share(app):
    with app.test_request_context(), force_locale("fr"):
        html = render_template_string(
            '{% from "_charts.html" import stacked_bar %}{{ stacked_bar(bar, "r", "Titre", "Description") }}',
            bar=stacked_bar([Part("public_subsidy", "Subvention", 95), Part("in_kind", "Bénévolat", 5)]))

    widths = re.findall(r'class="chart__segment chart__segment--(\w+)" x="[\d.]+" y="0" width="([\d.]+)"', html)
    assert widths == [("public_subsidy", "456.0"), ("in_kind", "24.0")]
    legend = re.findall(r'chart__swatch--(\w+)"></span>([^<]+)</li>', html)
    assert legend == [("public_subsidy", f"Subvention – 95{NBSP}%"), ("in_kind", f"Bénévolat – 5{NBSP}%")]
    assert re.findall(r'class="chart__segment-label"[^>]*>([^<]+)<', html) == [f"95{NBSP}%"]  # the wide one only
    assert 'aria-labelledby="r-title r-desc"' in html and "<title id=\"r-title\">Titre</title>" in html


# --- the partial ---------------------------------------------------------------------------------------------

def render(app, values, *, locale="fr") -> str:
    grid = economic_grid.read(values)
    with app.test_request_context(), force_locale(locale):
        return render_template_string(
            '{% from "_economic_model_view.html" import economic_model_view %}'
            '{{ economic_model_view(grid, bar, "grid") }}', grid=grid, bar=resource_bar(grid))


def test_the_partial_writes_amounts_shares_and_dates_in_french(app):
    html = render(app, factories.economic_grid())

    for amount in (f"15{NNBSP}000{NBSP}€", f"30{NNBSP}000{NBSP}€", f"75,50{NBSP}€", f"8{NNBSP}000{NBSP}€"):
        assert f'<dd class="nowrap">{amount}</dd>' in html
    assert f"<strong>70{NBSP}%</strong>" in html
    text = unescape(html)
    assert fr("Mostly public money (over two thirds)") in text
    assert '<time datetime="2027-12-31">31 décembre 2027</time>' in html
    assert fr("The first resource to run out is secured until %(date)s.", date="30 juin 2026") in text
    rows = [row.strip() for row in re.findall(r'<th scope="row">([^<]+)', text)]
    assert rows == ["Subvention publique", "Mutualisation avec d'autres organismes publics",
                    "Recettes propres (ventes, redevances)", "Apports en nature et bénévolat", "Total"]
    assert html.count('class="chart__segment chart__segment--') == 4 and html.count('"chart__swatch ') == 4


def test_the_partial_shows_who_benefits_beside_who_pays(app):
    html = render(app, factories.economic_grid())

    sides = re.findall(r'economic-canvas__side--(\w+)">(.*?)</dl>', html, re.S)
    assert [name for name, _body in sides] == ["beneficiaries", "payers"]
    assert "Du répit, un seul interlocuteur." in sides[0][1] and "La ville et la CAF." in sides[1][1]


def test_the_partial_leaves_out_the_empty_parts(app):
    html = render(app, {"funding": "La région.", "cost_recurring": "1200"})

    assert "La région." in html and f"1{NNBSP}200{NBSP}€" in html
    assert fr("Resources") not in html and "<svg" not in html and "<table" not in html
    assert fr("People and partners") not in html and "economic-canvas__side--beneficiaries" not in html


@pytest.mark.parametrize("values", [None, {}, {"resources": []}])
def test_an_empty_grid_renders_nothing(app, values):
    assert render(app, values).strip() == ""


def test_shares_that_do_not_add_up_say_so_instead_of_a_public_share(app):
    html = render(app, {"resources": [{"kind": "public_subsidy", "share": 50}, {"kind": "in_kind", "share": 20}]})

    assert fr("Share of public money:") not in html
    assert fr("The shares do not add up to 100 %%: the share of public money cannot be given.").replace(
        "%%", "%") in unescape(html)
    assert f">70{NBSP}%</td>" in html  # the total, in the table's foot


def test_the_partial_in_english(app):
    html = render(app, factories.economic_grid(), locale="en")
    assert "€15,000" in html and "Who benefits, who pays" in html


# --- the reviewers' panel ------------------------------------------------------------------------------------

@pytest.fixture
def reviewing():
    """A call in review asking for the grid, its grid with an economic and an essaimage criterion; a project
    by Mme Lambert with its grid filled, a reviewer assigned to it."""
    call = factories.call(phase=CallPhase.REVIEW)
    call.submission_deadline = utcnow() - timedelta(days=1)
    call.economic_model_section = True
    call.criteria.append(Criterion(position=2, name="Modèle économique", weight=0))
    call.criteria.append(Criterion(position=3, name="Essaimage", weight=0))
    lead = factories.user(email="ines.lambert@mairie-exemple.fr", first_name="Inès", last_name="Lambert")
    project = factories.submission(call=call, lead=lead, status=SubmissionStatus.SUBMITTED,
                                   title="Guichet numérique des aidants",
                                   economic_model=factories.economic_grid(partners="Associations du quartier."))
    reviewer = factories.user(email="expert@labo.fr")
    factories.pool_member(call=call, user=reviewer)
    assignment = Assignment(call_id=call.id, submission_id=project.id, reviewer_id=reviewer.id,
                            status=AssignmentStatus.COMMITTED)
    db.session.add(assignment)
    db.session.commit()
    return call, project, reviewer, assignment


def _fieldsets(html: str) -> dict[str, str]:
    """The review form's fieldsets by their id, each with its content."""
    return dict(re.findall(r'<fieldset class="field[^"]*" id="([\w-]+)".*?>(.*?)</fieldset>', html, re.S))


def review_page(client, reviewing) -> str:
    call, project, reviewer, assignment = reviewing
    sign_in_as(client, reviewer)
    response = client.get(f"/reviewing/assignments/{assignment.id}/review")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_grid_s_answers_are_beside_the_economic_criterion_only(client, reviewing):
    call, project, reviewer, assignment = reviewing
    html = review_page(client, reviewing)

    fieldsets = _fieldsets(html)
    economic, essaimage, first = (f"criterion-{c.id}" for c in (call.criteria[1], call.criteria[2],
                                                                 call.criteria[0]))
    assert f'id="economic-{call.criteria[1].id}"' in fieldsets[economic]
    assert "Associations du quartier." in fieldsets[economic] and f"15{NNBSP}000{NBSP}€" in fieldsets[economic]
    assert "economic-panel" not in fieldsets[essaimage] and "economic-panel" not in fieldsets[first]
    assert html.count('class="economic-panel"') == 1
    assert "css/economic-model.css" in html


def test_in_a_blind_call_the_panel_shows_the_answers_and_nothing_that_names_the_team(client, reviewing):
    call, project, reviewer, assignment = reviewing
    call.blind = BlindLevel.BLIND
    db.session.commit()

    html = review_page(client, reviewing)

    panel = _fieldsets(html)[f"criterion-{call.criteria[1].id}"]
    assert "Associations du quartier." in panel and "La ville et la CAF." in panel
    assert "Lambert" not in html and "ines.lambert" not in html and "Guichet numérique" not in panel


def test_no_panel_without_an_economic_criterion(client, reviewing):
    call, project, reviewer, assignment = reviewing
    call.criteria[1].name = "Faisabilité"
    db.session.commit()

    html = review_page(client, reviewing)

    assert "economic-panel" not in html and "css/economic-model.css" not in html


def test_no_panel_when_the_call_does_not_ask_for_the_grid(client, reviewing):
    call, project, reviewer, assignment = reviewing
    call.economic_model_section = False
    db.session.commit()

    assert "economic-panel" not in review_page(client, reviewing)


def test_no_panel_when_the_project_did_not_fill_the_grid(client, reviewing):
    call, project, reviewer, assignment = reviewing
    project.economic_model = None
    db.session.commit()

    assert "economic-panel" not in review_page(client, reviewing)


# --- the jury's project page ---------------------------------------------------------------------------------

def test_the_jury_reads_the_project_s_grid_on_its_page(client, reviewing):
    call, project, reviewer, assignment = reviewing
    call.phase = CallPhase.DELIBERATION
    juror = factories.user(email="jure@region.fr")
    factories.grant(juror, call, CallRoleKind.JURY)
    factories.submitted_review(call=call, submission=project, reviewer=factories.user(), total=4)
    sign_in_as(client, juror)

    response = client.get(f"/jury/calls/{call.id}/projects/{project.id}")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="economic-title"' in html and "Associations du quartier." in html and "<svg" in html


# --- the innovation's page and sheet -------------------------------------------------------------------------

def test_the_innovation_page_shows_the_grid_in_its_costs_section(client):
    record = factories.economic_record()

    html = client.get(f"/innovations/{record.slug}").get_data(as_text=True)

    costs = html[html.index('id="costs-title"'):html.index('id="resources-title"')]
    assert "Financement communal et CAF." in costs  # the team's few words, first
    assert f"15{NNBSP}000{NBSP}€" in costs and f"<strong>70{NBSP}%</strong>" in costs
    assert costs.count('class="chart__segment chart__segment--') == 4
    assert "css/economic-model.css" in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_a_record_without_grid_keeps_its_few_words_or_says_not_given(client):
    words = factories.innovation(cost_setup="", cost_recurring="", cost_per_user="", funding="")
    empty = factories.innovation(title="Sans modèle", cost_setup="", cost_recurring="", cost_per_user="",
                                 funding="", economic_model="")

    html = client.get(f"/innovations/{words.slug}").get_data(as_text=True)
    costs = html[html.index('id="costs-title"'):html.index('id="resources-title"')]
    assert "Financement communal et CAF." in costs and "economic-model" not in costs

    html = client.get(f"/innovations/{empty.slug}").get_data(as_text=True)
    costs = html[html.index('id="costs-title"'):html.index('id="resources-title"')]
    assert fr("Not given yet.") in costs and "economic-model.css" not in html


def test_the_sheet_gives_the_first_year_and_the_share_of_public_money_on_one_page(client):
    record = factories.economic_record()

    response = client.get(f"/innovations/{record.slug}/sheet.pdf")

    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    words = " ".join(reader.pages[0].extract_text().split())
    plain = words.replace(NBSP, " ").replace(NNBSP, " ")
    assert fr("First year") + " – 45 000 € · " + fr("Share of public money") + " – 70 %, " + fr(
        "Mostly public money (over two thirds)").lower() in plain
    assert "La ville et la CAF." in words  # who pays, as before the grid
    assert "Moins d'hospitalisations" not in words and "Le temps du coordinateur" not in words  # on the page
