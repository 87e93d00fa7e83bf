"""Lists offered in words are in dictionary order for their reader: the régions and départements of every
territory select (« Île-de-France » with the I's, not last), the themes by their label in the reader's
language, and the innovations a project of a call for replication may take up (« Épicerie » with the E's)."""
from __future__ import annotations

import re
from html import unescape

import pytest
from flask_babel import force_locale

from prizeapp.enums import CallPhase
from prizeapp.extensions import db
from prizeapp.models.types import utcnow

from .. import factories
from ..conftest import sign_in_as, text

REGIONS_IN_ORDER = [
    "Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté", "Bretagne", "Centre-Val de Loire", "Corse", "Grand Est",
    "Guadeloupe", "Guyane", "Hauts-de-France", "Île-de-France", "La Réunion", "Martinique", "Mayotte", "Normandie",
    "Nouvelle-Aquitaine", "Occitanie", "Pays de la Loire", "Provence-Alpes-Côte d'Azur"]
THEMES_FR = [
    "Action sociale et solidarités", "Agents publics et management", "Alimentation et agriculture",
    "Citoyenneté et participation", "Culture et sport", "Éducation et jeunesse", "Emploi et insertion",
    "Environnement et transition écologique", "Logement et urbanisme", "Mobilités", "Numérique et données",
    "Santé et soins", "Sécurité et prévention", "Simplification administrative"]
THEMES_EN = [
    "Citizenship and participation", "Culture and sport", "Digital services and data", "Education and youth",
    "Employment and integration", "Environment and ecological transition", "Food and agriculture",
    "Health and care", "Housing and town planning", "Mobility", "Public agents and management",
    "Safety and prevention", "Simpler administration", "Social action and solidarity"]


def _labels(field) -> list[str]:
    """The words of a select's options, the empty one left out."""
    return [str(choice.label) for choice in field.iter_choices() if choice.value != ""]


def _forms():
    from prizeapp.forms.innovations import RecordForm
    from prizeapp.forms.parrains import DirectoryFilterForm, SponsorProfileForm
    from prizeapp.forms.replications import ReplicationRequestForm

    return RecordForm(formdata=None), ReplicationRequestForm(formdata=None), SponsorProfileForm(formdata=None), \
        DirectoryFilterForm(None)


def test_every_region_select_is_in_dictionary_order(app):
    with app.test_request_context(), force_locale("fr"):
        record, replication, profile, directory = _forms()
        for field in (record.region_code, replication.region_code, profile.region_code, directory.region):
            assert _labels(field) == REGIONS_IN_ORDER, field.name


def test_departements_named_first_are_in_the_order_of_their_names(app):
    with app.test_request_context(), force_locale("fr"):
        record, replication, profile, _directory = _forms()
        for field in (record.departement_code, replication.departement_code, profile.departement_code):
            names = [label.rsplit(" (", 1)[0] for label in _labels(field)]
            assert len(names) == 101
            assert names[:2] == ["Ain", "Aisne"] and names[-2:] == ["Yonne", "Yvelines"], field.name
            assert names.index("Essonne") < names.index("Eure") < names.index("Eure-et-Loir")
            assert names.index("Indre-et-Loire") < names.index("Isère") < names.index("Jura")


@pytest.mark.parametrize("locale, expected", [("fr", THEMES_FR), ("en", THEMES_EN)])
def test_the_themes_are_in_the_order_of_their_labels_in_the_reader_s_language(app, locale, expected):
    with app.test_request_context(), force_locale(locale):
        record, _replication, profile, directory = _forms()
        for field in (record.theme, profile.themes, directory.theme):
            assert _labels(field) == expected, field.name


def test_the_catalogue_filters_list_the_themes_and_regions_in_order(client):
    call = factories.call(phase=CallPhase.PUBLISHED)
    call.results_published_at = utcnow()
    for theme, region, departement in (("social", "11", "75"), ("workforce", "84", "69"), ("education", "28", "14"),
                                       ("employment", "53", "35")):
        factories.innovation(call=call, theme=theme, region_code=region, departement_code=departement,
                             title=f"Fiche {theme}")
    db.session.commit()
    page = text(client.get("/innovations"))

    def options(name: str) -> list[str]:
        select = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
        return [re.sub(r" \(\d+\)$", "", unescape(words)) for value, words in
                re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select) if value]

    assert options("theme") == ["Action sociale et solidarités", "Agents publics et management",
                                "Éducation et jeunesse", "Emploi et insertion"]
    assert options("region") == ["Auvergne-Rhône-Alpes", "Bretagne", "Île-de-France", "Normandie"]
    assert options("departement") == ["14 – Calvados", "35 – Ille-et-Vilaine", "69 – Rhône", "75 – Paris"]


def test_the_innovations_to_take_up_are_in_the_order_of_their_titles(client):
    call = factories.call(title="Territoires d'essaimage")
    call.for_replication = True
    agent = factories.user()
    project = factories.submission(call=call, lead=agent, title="Répit à Vitré")
    for title in ("Zéro déchet à la cantine", "Épicerie solidaire itinérante", "atelier vélo partagé",
                  "Emploi des jeunes"):
        factories.innovation(title=title, organisation="")
    db.session.commit()
    sign_in_as(client, agent)
    page = text(client.get(f"/submissions/{project.id}"))
    select = re.search(r'<select[^>]*id="replicates".*?</select>', page, re.S).group(0)
    offered = [words for value, words in re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select)
               if value]
    assert offered == ["atelier vélo partagé", "Emploi des jeunes", "Épicerie solidaire itinérante",
                       "Zéro déchet à la cantine"]
