"""The public catalogue's list (services.innovations.catalogue): French search on either database, filters,
sorts, stable pages and facet counts, over public records only."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from prizeapp.enums import (
    CallPhase,
    CostBand,
    EvidenceLevel,
    InnovationStatus,
    Readiness,
    ReplicationStatus,
    TerritoryKind,
    Theme,
)
from prizeapp.extensions import db
from prizeapp.models import Innovation
from prizeapp.services.innovations import catalogue
from prizeapp.services.innovations.catalogue import Filters

from .. import factories

pytestmark = pytest.mark.usefixtures("module_transaction")

# name → (content of the published version, published at)
RECORDS = {
    "ecole": (dict(title="École du numérique pour tous", summary="Des ateliers pour apprendre les outils en ligne.",
                   solution="Des médiateurs accueillent les habitants chaque semaine.", theme="digital",
                   territory_kind="urban", departement_code="35", region_code="53", organisation="Ville de Rennes",
                   evidence_level="3", readiness="operating", cost_setup="15000.00", cost_recurring="30000.00"),
              datetime(2025, 1, 10, tzinfo=UTC)),
    "mobilite": (dict(title="Mobilité solidaire en zone rurale", summary="Le partage de voitures entre villages.",
                      solution="Une application et des bénévoles qui conduisent.", theme="mobility",
                      territory_kind="rural", departement_code="23", region_code="75",
                      organisation="Communauté de communes Creuse Sud", evidence_level="2",
                      readiness="experiment", cost_setup="2000.00", cost_recurring="5000.00"),
                 datetime(2025, 3, 1, tzinfo=UTC)),
    "cantine": (dict(title="Cantine zéro déchet", summary="Moins de gaspillage dans la restauration collective.",
                     solution="Les ÉCOLES de la ville pèsent leurs restes et adaptent les menus.", theme="food",
                     territory_kind="periurban", departement_code="44", region_code="52",
                     organisation="Ville de Nantes", evidence_level="1", readiness="spreading",
                     cost_setup="150000.00", cost_recurring="90000.00"),
                datetime(2025, 2, 1, tzinfo=UTC)),
    "jardins": (dict(title="Jardins partagés des quartiers", summary="Des parcelles cultivées par les voisins.",
                     solution="Un jardinier anime les parcelles avec les associations.", theme="environment",
                     territory_kind="urban", departement_code="69", region_code="84",
                     organisation="Métropole de Lyon", evidence_level="4", readiness="operating",
                     cost_setup="60000.00", cost_recurring="40000.00"),
                datetime(2024, 12, 1, tzinfo=UTC)),
}


def _call(year: int):
    call = factories.call(title=f"Prix de l'innovation {year}", phase=CallPhase.PUBLISHED)
    call.results_published_at = datetime(year, 6, 1, tzinfo=UTC)
    return call


@pytest.fixture(scope="module")
def world(app, module_transaction) -> dict:
    """Four public records (two calls: 2024 and 2025), one withdrawn, one never published; replications of
    some; the ids by name."""
    with app.app_context():
        calls = {2024: _call(2024), 2025: _call(2025)}
        year_of = {"ecole": 2024, "jardins": 2024, "mobilite": 2025, "cantine": 2025}
        ids = {}
        for name, (content, published_at) in RECORDS.items():
            record = factories.innovation(call=calls[year_of[name]], **content)
            record.published_at = published_at
            ids[name] = record.id
        withdrawn = factories.innovation(title="École retirée du catalogue", summary="Une école qui n'est plus là.")
        # Withdrawn with its row left in the search index: the list must still leave it out.
        withdrawn.status, withdrawn.withdrawn_reason = InnovationStatus.WITHDRAWN, "Doublon"
        draft = factories.innovation(published=False, title="École en brouillon")
        draft.title, draft.summary = "École en brouillon", "Pas encore vérifiée"  # even with catalogue columns
        db.session.commit()
        # Counted: answered and preparing, launched or operating. Not counted: abandoned, only interested
        # (even answered), or not answered yet.
        factories.replications_of(db.session.get(Innovation, ids["mobilite"]), ReplicationStatus.PREPARING,
                                  ReplicationStatus.OPERATING, ReplicationStatus.ABANDONED)
        factories.replications_of(db.session.get(Innovation, ids["mobilite"]), ReplicationStatus.INTERESTED,
                                  answered=False)
        factories.replications_of(db.session.get(Innovation, ids["jardins"]), ReplicationStatus.LAUNCHED)
        factories.replications_of(db.session.get(Innovation, ids["cantine"]), ReplicationStatus.INTERESTED,
                                  ReplicationStatus.INTERESTED, ReplicationStatus.ABANDONED)
        factories.replications_of(db.session.get(Innovation, ids["cantine"]), ReplicationStatus.OPERATING,
                                  answered=False)
        ids |= {"withdrawn": withdrawn.id, "draft": draft.id, "call_2024": calls[2024].id,
                "call_2025": calls[2025].id}
        db.session.remove()
    return ids


def found(world, q: str | None = None, filters: Filters | None = None, sort: str | None = None,
          page: int = 1, per_page: int = 20) -> list[str]:
    names = {v: k for k, v in world.items() if not k.startswith("call_")}
    result = catalogue.search(q=q, filters=filters or Filters(), sort=sort, page=page, per_page=per_page)
    return [names.get(card.innovation.id, card.innovation.id) for card in result.items]


# --- French search ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["ecole", "École", "ÉCOLES", "écoles", "ECOLE", "l'école", "L’École"])
def test_accents_case_plurals_and_elisions_do_not_matter(world, q):
    assert sorted(found(world, q)) == ["cantine", "ecole"]


@pytest.mark.parametrize(("q", "expected"), [
    ("mobilités", ["mobilite"]), ("mobilite", ["mobilite"]),
    ("partage", ["jardins", "mobilite"]), ("partagés", ["jardins", "mobilite"]),
    ("jardin", ["jardins"]), ("déchets", ["cantine"]),
])
def test_plurals_and_stems_meet(world, q, expected):
    assert sorted(found(world, q)) == expected


def test_a_word_of_the_solution_is_found(world):
    assert found(world, "médiateurs") == ["ecole"]
    assert found(world, "jardinier") == ["jardins"]


def test_a_match_in_the_title_ranks_above_a_match_in_the_body_only(world):
    # "École du numérique" has the word in its title; the cantine only in its solution ("Les ÉCOLES").
    assert found(world, "école") == ["ecole", "cantine"]
    assert found(world, "école", sort="relevance") == ["ecole", "cantine"]


def test_every_word_of_the_query_must_be_found(world):
    assert found(world, "école numérique") == ["ecole"]
    assert found(world, "école jardin") == []


def test_a_query_of_stop_words_only_filters_nothing(world):
    result = catalogue.search(q="de la les des", filters=Filters(), sort=None, page=1, per_page=20)
    assert result.total == 4
    assert (result.sort, result.searched) == ("recency", False)


def test_a_withdrawn_or_unpublished_record_is_never_found(world):
    everything = found(world)
    assert "withdrawn" not in everything and "draft" not in everything
    assert found(world, "retirée") == []
    assert found(world, "brouillon") == []
    assert sorted(found(world, "école")) == ["cantine", "ecole"]


def test_a_word_nowhere_finds_nothing(world):
    result = catalogue.search(q="téléphérique", filters=Filters(), sort=None, page=1, per_page=20)
    assert (result.total, result.items, result.pages) == (0, [], 1)


# --- filters ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("filters", "expected"), [
    (Filters(theme=Theme.MOBILITY), ["mobilite"]),
    (Filters(territory_kind=TerritoryKind.URBAN), ["ecole", "jardins"]),
    (Filters(region_code="53"), ["ecole"]),
    (Filters(departement_code="23"), ["mobilite"]),
    (Filters(organisation="Ville de Nantes"), ["cantine"]),
    (Filters(readiness=Readiness.OPERATING), ["ecole", "jardins"]),
    (Filters(cost_band=CostBand.UNDER_10K), ["mobilite"]),
    (Filters(cost_band=CostBand.OVER_200K), ["cantine"]),
    (Filters(year=2024), ["ecole", "jardins"]),
    (Filters(year=2023), []),
    (Filters(territory_kind=TerritoryKind.URBAN, readiness=Readiness.OPERATING, year=2025), []),
    (Filters(territory_kind=TerritoryKind.URBAN, region_code="84"), ["jardins"]),
])
def test_each_filter_narrows_the_list(world, filters, expected):
    assert sorted(found(world, filters=filters)) == expected


@pytest.mark.parametrize(("level", "expected"), [
    (EvidenceLevel.THEORY, ["cantine", "ecole", "jardins", "mobilite"]),
    (EvidenceLevel.DATA, ["ecole", "jardins", "mobilite"]),
    (EvidenceLevel.COMPARISON, ["ecole", "jardins"]),
    (EvidenceLevel.CAUSAL, ["jardins"]),
    (EvidenceLevel.REPLICATED, []),
])
def test_the_evidence_filter_is_a_minimum_level(world, level, expected):
    assert sorted(found(world, filters=Filters(evidence_level=level))) == expected


def test_the_call_filter_keeps_the_records_of_that_call(world):
    assert sorted(found(world, filters=Filters(call_id=world["call_2025"]))) == ["cantine", "mobilite"]
    assert found(world, filters=Filters(call_id=world["call_2025"] + 1000)) == []


def test_filters_and_search_combine(world):
    assert found(world, "école", Filters(theme=Theme.FOOD)) == ["cantine"]
    assert found(world, "école", Filters(region_code="53")) == ["ecole"]


# --- sorts ------------------------------------------------------------------------------------------------

def test_without_a_query_the_newest_publication_comes_first(world):
    assert found(world) == ["mobilite", "cantine", "ecole", "jardins"]
    assert found(world, sort="recency") == ["mobilite", "cantine", "ecole", "jardins"]


def test_relevance_without_a_query_falls_back_to_recency(world):
    result = catalogue.search(q="", filters=Filters(), sort="relevance", page=1, per_page=20)
    assert result.sort == "recency"
    assert found(world, sort="relevance") == ["mobilite", "cantine", "ecole", "jardins"]


def test_an_unknown_sort_is_the_default_one(world):
    assert catalogue.search(q="école", filters=Filters(), sort="nonsense", page=1, per_page=5).sort == "relevance"
    assert catalogue.search(q=None, filters=Filters(), sort="nonsense", page=1, per_page=5).sort == "recency"


def test_a_query_can_be_sorted_by_recency(world):
    assert found(world, "école", sort="recency") == ["cantine", "ecole"]


def test_replications_sort_counts_the_territories_taking_it_up(world):
    # mobilité: 2 (one abandoned and one unanswered left out); jardins: 1; the cantine has two interested, one
    # abandoned and one unanswered: 0, like the école; ties by recency.
    assert found(world, sort="replications") == ["mobilite", "jardins", "cantine", "ecole"]
    result = catalogue.search(q=None, filters=Filters(), sort="replications", page=1, per_page=20)
    assert [card.replications for card in result.items] == [2, 1, 0, 0]


def test_each_card_carries_its_call_and_its_replications(world):
    result = catalogue.search(q="jardin", filters=Filters(), sort=None, page=1, per_page=20)
    (card,) = result.items
    assert (card.innovation.call.title, card.innovation.prize, card.replications) == (
        "Prix de l'innovation 2024", "Premier prix", 1)


# --- pages ------------------------------------------------------------------------------------------------

def test_pages_never_repeat_or_skip_a_record_even_when_published_at_the_same_instant(world):
    same_instant = datetime(2025, 5, 5, tzinfo=UTC)
    extra = []
    for i in range(7):
        record = factories.innovation(title=f"Tiers-lieu numéro {i}")
        record.published_at = same_instant
        extra.append(record.id)
    db.session.commit()
    for sort in ("recency", "replications", "relevance"):
        seen, page, pages = [], 1, 1
        q = "tiers-lieu" if sort == "relevance" else None
        while page <= pages:
            result = catalogue.search(q=q, filters=Filters(), sort=sort, page=page, per_page=3)
            seen += [card.innovation.id for card in result.items]
            page, pages = page + 1, result.pages
        assert len(seen) == len(set(seen)) == (7 if q else 11), sort
        assert set(extra) <= set(seen)
    newest_first = [card.innovation.id for card in catalogue.search(
        q=None, filters=Filters(), sort="recency", page=1, per_page=7).items]
    assert newest_first == sorted(extra, reverse=True)  # same instant: the later record first


def test_page_information(world):
    result = catalogue.search(q=None, filters=Filters(), sort=None, page=2, per_page=3)
    assert (result.total, result.page, result.pages, result.has_prev, result.has_next) == (4, 2, 2, True, False)
    assert len(result.items) == 1
    assert (result.prev_num, result.next_num) == (1, 3)


def test_a_page_beyond_the_last_shows_the_last(world):
    result = catalogue.search(q=None, filters=Filters(), sort=None, page=99, per_page=3)
    assert (result.page, len(result.items)) == (2, 1)


# --- facets -----------------------------------------------------------------------------------------------

def test_facets_count_the_values_among_the_results(world):
    facets = catalogue.search(q=None, filters=Filters(), sort=None, page=1, per_page=2).facets
    assert facets["territory_kind"] == {"urban": 2, "rural": 1, "periurban": 1}
    assert facets["theme"] == {"digital": 1, "mobility": 1, "food": 1, "environment": 1}
    assert facets["region_code"] == {"53": 1, "75": 1, "52": 1, "84": 1}
    assert facets["year"] == {2024: 2, 2025: 2}
    assert facets["call_id"] == {world["call_2024"]: 2, world["call_2025"]: 2}
    assert facets["readiness"] == {"operating": 2, "experiment": 1, "spreading": 1}
    assert facets["cost_band"] == {"under_50k": 1, "under_10k": 1, "over_200k": 1, "under_200k": 1}
    # At least level N: cumulative.
    assert facets["evidence_level"] == {"1": 4, "2": 3, "3": 2, "4": 1}


def test_facets_follow_the_query(world):
    result = catalogue.search(q="école", filters=Filters(), sort=None, page=1, per_page=20)
    assert result.facets["theme"] == {"digital": 1, "food": 1}
    assert result.facets["organisation"] == {"Ville de Rennes": 1, "Ville de Nantes": 1}


def test_a_facet_sets_its_own_filter_aside_and_follows_the_others(world):
    facets = catalogue.search(q=None, filters=Filters(territory_kind=TerritoryKind.URBAN), sort=None, page=1,
                              per_page=20).facets
    # The other types of territory stay reachable, with their counts...
    assert facets["territory_kind"] == {"urban": 2, "rural": 1, "periurban": 1}
    # ...and every other facet counts among the urban records only.
    assert facets["theme"] == {"digital": 1, "environment": 1}
    assert facets["year"] == {2024: 2}
    assert facets["departement_code"] == {"35": 1, "69": 1}


def test_the_call_facet_comes_with_the_calls_titles(world):
    result = catalogue.search(q="mobilité", filters=Filters(), sort=None, page=1, per_page=20)
    assert result.facets["call_id"] == {world["call_2025"]: 1}
    assert result.call_titles == {world["call_2025"]: "Prix de l'innovation 2025"}


def test_the_list_costs_the_same_queries_whatever_the_number_of_results(world):
    from ..conftest import counted_queries

    catalogue.search(q=None, filters=Filters(), sort=None, page=1, per_page=1)  # the transaction is open
    with counted_queries() as few:
        catalogue.search(q="école", filters=Filters(), sort="replications", page=1, per_page=20)
    for i in range(6):
        factories.replications_of(factories.innovation(title=f"École de quartier {i}"), ReplicationStatus.LAUNCHED)
    catalogue.search(q=None, filters=Filters(), sort=None, page=1, per_page=1)
    with counted_queries() as many:
        result = catalogue.search(q="école", filters=Filters(), sort="replications", page=1, per_page=20)
        shown = [(card.innovation.call.title, card.innovation.title, card.replications) for card in result.items]
    assert result.total == 8
    assert sorted(n for _call, _title, n in shown) == [0, 0, 1, 1, 1, 1, 1, 1]
    assert len(many) == len(few) == 4


# --- flask innovations reindex ----------------------------------------------------------------------------

def test_the_reindex_command_rebuilds_the_index_of_the_public_records(app, world):
    from sqlalchemy import text as sql

    from prizeapp.search_tables import SEARCH_TABLE

    db.session.execute(sql(f"DELETE FROM {SEARCH_TABLE}"))
    db.session.commit()
    assert found(world, "école") == []
    result = app.test_cli_runner().invoke(args=["innovations", "reindex"])
    assert result.exit_code == 0, result.output
    assert result.output == "innovations: 4 public records indexed\n"
    db.session.remove()
    assert found(world, "école") == ["ecole", "cantine"]
    assert found(world, "retirée") == []
