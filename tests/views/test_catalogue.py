"""The public catalogue's list (/innovations): search, filters with their counts, removable active filters,
sort, pages, the empty states, messages for values that are not in the lists; French first; and the same
queries whatever the catalogue's size."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from prizeapp.enums import CallPhase, ReplicationStatus
from prizeapp.extensions import db

from .. import factories
from ..conftest import counted_queries, fr, post_form, text


def _call(title: str, year: int):
    call = factories.call(title=title, phase=CallPhase.PUBLISHED)
    call.results_published_at = datetime(year, 6, 1, tzinfo=UTC)
    return call


@pytest.fixture
def world():
    rural = _call("Prix des territoires ruraux", 2024)
    urban = _call("Trophées de la ville", 2025)
    ecole = factories.innovation(call=urban, title="École du numérique pour tous", theme="digital",
                                 territory_kind="urban", departement_code="35", region_code="53",
                                 organisation="Ville de Rennes", evidence_level="3", readiness="operating")
    mobilite = factories.innovation(call=rural, title="Mobilité solidaire en zone rurale", theme="mobility",
                                    territory_kind="rural", departement_code="23", region_code="75",
                                    organisation="Communauté de communes Creuse Sud", evidence_level="2",
                                    readiness="experiment", cost_setup="2000.00", cost_recurring="5000.00")
    cantine = factories.innovation(call=urban, title="Cantine zéro déchet", theme="food",
                                   territory_kind="periurban", departement_code="44", region_code="52",
                                   organisation="Ville de Nantes", evidence_level="1", readiness="spreading",
                                   solution="Les écoles pèsent leurs restes.")
    for i, record in enumerate((ecole, mobilite, cantine)):
        record.published_at = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=i)
    db.session.commit()
    factories.replications_of(mobilite, ReplicationStatus.PREPARING, ReplicationStatus.OPERATING)
    return {"ecole": ecole, "mobilite": mobilite, "cantine": cantine, "rural": rural, "urban": urban}


def titles(response) -> list[str]:
    return re.findall(r'<h3 class="card__title[^"]*"><a href="/innovations/[^"]+">([^<]+)</a>', text(response))


def test_the_list_shows_every_public_record_newest_first_in_french(client, world):
    response = client.get("/innovations")
    page = text(response)
    assert response.status_code == 200
    assert titles(response) == ["Cantine zéro déchet", "Mobilité solidaire en zone rurale",
                                "École du numérique pour tous"]
    assert "<h1>Innovations à reprendre</h1>" in page
    assert ">3 innovations</h2>" in page
    assert fr("Search the innovations") == "Rechercher une innovation"
    assert '<label for="q">Rechercher une innovation</label>' in page
    # A card: territory in words, organisation, evidence, cost, replications, the call and prize.
    assert "Rural · Creuse, Nouvelle-Aquitaine" in page
    assert "Communauté de communes Creuse Sud" in page
    assert "Niveau 2\u00a0: des données montrent un changement, sans en prouver la cause" in page
    assert "Moins de 10\u00a0000\u00a0€" in page
    assert "2 territoires" in page and "aucun territoire pour l’instant" in page
    assert "Prix des territoires ruraux · Premier prix (2024)" in page
    assert f'href="/innovations/{world["mobilite"].slug}"' in page


def test_one_result_is_counted_in_the_singular(client, world):
    page = text(client.get("/innovations?q=cantine"))
    assert ">1 innovation</h2>" in page


def test_a_search_finds_the_words_in_french(client, world):
    response = client.get("/innovations?q=ECOLES")
    assert response.status_code == 200
    # The title match first, then the record that has the word in its solution only.
    assert titles(response) == ["École du numérique pour tous", "Cantine zéro déchet"]
    page = text(response)
    assert "<title>«\u00a0ECOLES\u00a0» · Innovations" in page
    # The default order (relevance, for a search) is the empty value: a new search is ranked too.
    assert '<option selected value="">Pertinence</option>' in page
    assert '<option value="recency">Publication la plus récente</option>' in page


def test_without_a_search_the_sort_offers_no_relevance(client, world):
    page = text(client.get("/innovations?sort=replications"))
    assert '<option value="">Publication la plus récente</option>' in page
    assert '<option selected value="replications">Les plus reprises</option>' in page
    assert "Pertinence" not in page


@pytest.mark.parametrize(("query", "expected"), [
    ("theme=mobility", ["Mobilité solidaire en zone rurale"]),
    ("territory=urban", ["École du numérique pour tous"]),
    ("region=52", ["Cantine zéro déchet"]),
    ("departement=35", ["École du numérique pour tous"]),
    ("organisation=Ville+de+Nantes", ["Cantine zéro déchet"]),
    ("evidence=2", ["Mobilité solidaire en zone rurale", "École du numérique pour tous"]),
    ("readiness=spreading", ["Cantine zéro déchet"]),
    ("cost=under_10k", ["Mobilité solidaire en zone rurale"]),
    ("year=2024", ["Mobilité solidaire en zone rurale"]),
    ("sort=replications", ["Mobilité solidaire en zone rurale", "Cantine zéro déchet",
                           "École du numérique pour tous"]),
])
def test_filters_and_sorts_apply(client, world, query, expected):
    response = client.get(f"/innovations?{query}")
    assert response.status_code == 200
    assert titles(response) == expected


def test_the_call_filter_and_its_select_name_the_calls(client, world):
    response = client.get(f"/innovations?call={world['urban'].id}")
    assert titles(response) == ["Cantine zéro déchet", "École du numérique pour tous"]
    page = text(response)
    assert f'<option selected value="{world["urban"].id}">Trophées de la ville (2)</option>' in page
    assert f'<option value="{world["rural"].id}">Prix des territoires ruraux (1)</option>' in page


def test_each_select_counts_its_values_among_the_results(client, world):
    page = text(client.get("/innovations?theme=mobility"))
    # The chosen facet keeps its other values reachable; the others count among the results.
    assert '<option selected value="mobility">Mobilités (1)</option>' in page
    assert '<option value="food">Alimentation et agriculture (1)</option>' in page
    assert '<option value="rural">Rural (1)</option>' in page
    assert '<option value="urban">' not in page
    assert '<option value="23">23 – Creuse (1)</option>' in page


def test_active_filters_are_listed_and_each_can_be_removed(client, world):
    page = text(client.get("/innovations?q=solidaire&territory=rural&year=2024&sort=recency"))
    assert "Type de territoire\u00a0: Rural" in page
    assert "Année\u00a0: 2024" in page
    # The search's chip: no quotes within the quotes a reader might put around it.
    chips = page.split('class="catalogue-active__list"')[1].split("</ul>")[0]
    assert "Recherche\u00a0: solidaire" in chips and "«" not in chips
    # The link that removes the type of territory keeps the rest, and goes back to the first page.
    assert 'href="/innovations?q=solidaire&year=2024&sort=recency"' in page
    assert 'href="/innovations?q=solidaire&territory=rural&sort=recency"' in page
    # Clearing the filters keeps the search and the order.
    assert '<a href="/innovations?q=solidaire&sort=recency">Effacer les filtres</a>' in page
    assert "(2 actifs)" in page


@pytest.mark.parametrize(("query", "clean"), [
    ("q=legumerie&theme=&territory=&region=&departement=&organisation=&evidence=&readiness=&cost=&year=&call=&sort=",
     "/innovations?q=legumerie"),
    ("q=&theme=mobility&territory=&sort=recency", "/innovations?theme=mobility&sort=recency"),
    ("sort=replications&q=&region=75", "/innovations?sort=replications&region=75"),  # the order kept
    ("q=&theme=&sort=", "/innovations"),
    ("q=%C3%A9cole+num%C3%A9rique&year=", "/innovations?q=%C3%A9cole+num%C3%A9rique"),
])
def test_empty_parameters_are_dropped_from_the_address(client, world, query, clean):
    # The search form sends every field, filled or not: the address to share is the one without the empty ones.
    response = client.get(f"/innovations?{query}")
    assert response.status_code == 302
    assert response.headers["Location"] == clean
    assert client.get(clean).status_code == 200


def test_an_address_without_empty_parameters_is_the_page_itself(client, world):
    assert client.get("/innovations?q=solidaire&territory=rural").status_code == 200
    assert client.get("/innovations").status_code == 200


def test_nothing_found_says_what_to_do(client, world):
    response = client.get("/innovations?q=téléphérique&theme=mobility")
    page = text(response)
    assert response.status_code == 200
    assert ">0 innovation</h2>" in page
    assert "Aucune innovation ne correspond à votre recherche." in page
    assert "Effacer les filtres" in page
    assert "Vérifiez l’orthographe" in page
    assert '<a href="/innovations">Voir toutes les innovations</a>' in page


def test_an_empty_catalogue_says_none_is_published_yet(client):
    factories.innovation(published=False, title="Pas encore publiée")
    page = text(client.get("/innovations"))
    assert "Aucune innovation n’a encore été publiée." in page
    assert "Pas encore publiée" not in page


@pytest.mark.parametrize(("query", "field", "message"), [
    ("theme=nonsense", "theme", "Choose a theme from the list."),
    ("territory=lunar", "territory", "Choose a type of territory from the list."),
    ("region=99", "region", "Choose a région from the list."),
    ("departement=2C", "departement", "Choose a département from the list."),
    ("evidence=9", "evidence", "Choose an evidence level from the list."),
    ("readiness=ready", "readiness", "Choose a stage from the list."),
    ("cost=free", "cost", "Choose a cost band from the list."),
    ("year=abc", "year", "Choose a year from the list (four digits, such as 2025)."),
    ("year=99999999999999999999", "year", "Choose a year from the list (four digits, such as 2025)."),
    ("call=-1", "call", "Choose a call from the list."),
    ("call=1e999", "call", "Choose a call from the list."),
    ("sort=cheapest", "sort", "Choose an order from the list."),
    ("q=" + "x" * 201, "q", "At most %(max)d characters."),
])
def test_a_value_not_in_the_list_gets_a_message_and_the_list_without_it(client, world, query, field, message):
    response = client.get(f"/innovations?{query}&territory=rural" if field != "territory" else f"/innovations?{query}")
    page = text(response)
    assert response.status_code == 400
    assert f'<a href="#{field}">' in page
    assert fr(message, max=200) in page
    expected = 3 if field == "territory" else 1  # the other filters still apply
    assert len(titles(response)) == expected


@pytest.mark.parametrize("query", [
    "page=abc", "page=-3", "page=99999999999999999999999", "page=40", "q=%09%C3%A9cole%0A", "q=%1B",
    "organisation=%0DVille", "q=%22%27%3B--", "q=AND+OR+NOT+*", "q=NEAR(a+b)", "q=%E2%80%AF", "q=l%27",
    "q=%F0%9F%8F%AB", "organisation=" + "%C3%A9" * 150, "readiness=%09", "theme=+", "year=%0A2024",
])
def test_odd_input_never_breaks_the_page(client, world, query):
    response = client.get(f"/innovations?{query}")
    assert response.status_code in (200, 400)
    assert "Innovations à reprendre" in text(response)


def test_control_characters_in_the_search_are_left_out(client, world):
    assert titles(client.get("/innovations?q=%09cantine%0A")) == ["Cantine zéro déchet"]


def test_a_nul_byte_is_refused_as_everywhere_else(client, world):
    assert client.get("/innovations?q=%00cantine").status_code == 400


def test_pages_follow_each_other_with_the_filters_kept(client):
    call = _call("Grand prix", 2025)
    for i in range(23):
        factories.innovation(call=call, title=f"Maison de services numéro {i}", territory_kind="rural")
    first = client.get("/innovations?territory=rural")
    assert len(titles(first)) == 20
    assert 'href="/innovations?page=2&territory=rural" rel="next"' in text(first)
    second = client.get("/innovations?territory=rural&page=2")
    assert len(titles(second)) == 3
    assert not set(titles(first)) & set(titles(second))
    assert "Page 2 sur 2" in text(second)


def test_the_main_menu_and_the_home_page_lead_to_the_catalogue(client, world):
    home = text(client.get("/"))
    assert '<a href="/innovations" >Innovations</a>' in home
    assert '<a href="/innovations">Parcourir les innovations</a>' in home
    page = text(client.get("/innovations"))
    assert '<a href="/innovations" aria-current="page">Innovations</a>' in page


def test_the_page_is_in_english_when_asked(client, world):
    post_form(client, "/account/language", {"locale": "en"}, page="/")
    page = text(client.get("/innovations?q=école&territory=urban"))
    assert "<h1>Innovations to take up</h1>" in page
    assert ">1 innovation</h2>" in page
    assert "Type of territory: Urban" in page
    assert "Search: école" in page


# --- the same queries whatever the catalogue's size --------------------------------------------------------

def build(n: int) -> None:
    """`n` public records over several calls, half of them taken up twice, one withdrawn."""
    calls = [_call(f"Appel {i}", 2020 + i) for i in range(3)]
    for i in range(n):
        record = factories.innovation(call=calls[i % 3], title=f"École numéro {i}",
                                      territory_kind=("urban", "rural", "periurban")[i % 3],
                                      departement_code=("35", "23", "44")[i % 3],
                                      region_code=("53", "75", "52")[i % 3])
        if i % 2:
            factories.replications_of(record, ReplicationStatus.LAUNCHED, ReplicationStatus.OPERATING)


PAGES = ("/innovations", "/innovations?q=école", "/innovations?sort=replications&territory=rural",
         "/innovations?q=ecole&region=53&sort=replications")


def queries_of(app) -> dict[str, int]:
    counts = {}
    for path in PAGES:
        client = app.test_client()
        client.get(path)
        with counted_queries() as seen:
            response = client.get(path)
        assert response.status_code == 200, path
        counts[path] = len(seen)
    return counts


def test_the_list_runs_the_same_queries_whatever_the_catalogues_size(app):
    from ..conftest import _truncate_all

    build(4)
    small = queries_of(app)
    db.session.remove()
    _truncate_all()
    build(24)
    large = queries_of(app)
    assert large == small
    assert max(small.values()) <= 6
