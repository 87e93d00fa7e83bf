"""Open data: the catalogue and the replications as CSV, JSON and JSON-LD, and a call's grants as SCDL."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from ..extensions import db
from ..models import Call
from ..services.innovations.opendata import exports
from ..services.innovations.opendata.columns import (
    DATA_LANGUAGE,
    DATA_LICENCE_NAME,
    DATA_LICENCE_URL,
    INNOVATION_COLUMNS,
    REPLICATION_COLUMNS,
)
from ..services.innovations.opendata.grants import (
    GRANT_COLUMNS,
    SCDL_SCHEMA_URL,
    SCDL_VERSION,
    calls_with_grants,
    grants_csv,
)
from .api import json_body, public_data
from .catalogue import script_json

bp = Blueprint("opendata", __name__)

CSV = "text/csv; charset=utf-8; header=present"


def _catalogue_name() -> str:
    return _("Innovation catalogue of %(operator)s", operator=current_app.config["OPERATOR_NAME"])


def _dataset(name, description, columns, distributions, modified) -> dict:
    """One dataset of the page as schema.org's Dataset (for the search engines of data)."""
    data = {"@type": "Dataset", "name": str(name), "description": str(description),
            "license": DATA_LICENCE_URL, "inLanguage": DATA_LANGUAGE,
            "variableMeasured": [c.name for c in columns if c.csv],
            "distribution": [{"@type": "DataDownload", "encodingFormat": mimetype, "contentUrl": url}
                             for mimetype, url in distributions]}
    if modified is not None:
        data["dateModified"] = modified.isoformat()
    return data


@bp.route("/open-data")
def index():
    catalogue_changed = exports.last_change()
    replications_changed = exports.replications_last_change()
    calls = calls_with_grants()
    catalogue = _dataset(_catalogue_name(), _("The public innovation records, one per row."),
                         INNOVATION_COLUMNS,
                         [("text/csv", url_for("opendata.innovations_csv", _external=True)),
                          ("application/json", url_for("opendata.innovations_json", _external=True)),
                          ("application/ld+json", url_for("opendata.innovations_jsonld", _external=True))],
                         catalogue_changed)
    replications = _dataset(_("Territories taking the innovations up"),
                            _("The replications the innovations' teams answered, one per row."),
                            REPLICATION_COLUMNS,
                            [("text/csv", url_for("opendata.replications_csv", _external=True)),
                             ("application/json", url_for("opendata.replications_json", _external=True))],
                            replications_changed)
    described = {"@context": "https://schema.org", "@type": "DataCatalog", "name": _catalogue_name(),
                 "url": url_for("opendata.index", _external=True), "license": DATA_LICENCE_URL,
                 "dataset": [catalogue, replications]}
    return render_template("opendata/index.html", catalogue_changed=catalogue_changed,
                           replications_changed=replications_changed, calls=calls,
                           innovation_columns=[c for c in INNOVATION_COLUMNS if c.csv],
                           replication_columns=[c for c in REPLICATION_COLUMNS if c.csv],
                           grant_columns=GRANT_COLUMNS, licence_name=DATA_LICENCE_NAME,
                           licence_url=DATA_LICENCE_URL, scdl_url=SCDL_SCHEMA_URL,
                           scdl_version=SCDL_VERSION, json_ld=script_json(described))


@bp.route("/open-data/innovations.csv")
def innovations_csv():
    return public_data(exports.innovations_csv(), mimetype=CSV, last_modified=exports.last_change(),
                       download_name="innovations.csv")


@bp.route("/open-data/innovations.json")
def innovations_json():
    return public_data(json_body(exports.innovations_json()), mimetype="application/json",
                       last_modified=exports.last_change())


@bp.route("/open-data/innovations.jsonld")
def innovations_jsonld():
    with force_locale(DATA_LANGUAGE):  # the data's words, whatever the reader's language
        name = _catalogue_name()
    data = exports.innovations_jsonld(name=name, catalogue_url=url_for("catalogue.index", _external=True))
    return public_data(json_body(data), mimetype="application/ld+json", last_modified=exports.last_change())


@bp.route("/open-data/replications.csv")
def replications_csv():
    return public_data(exports.replications_csv(), mimetype=CSV,
                       last_modified=exports.replications_last_change(), download_name="replications.csv")


@bp.route("/open-data/replications.json")
def replications_json():
    return public_data(json_body(exports.replications_json()), mimetype="application/json",
                       last_modified=exports.replications_last_change())


@bp.route("/calls/<slug>/subventions.csv")
def grants(slug: str):
    """The call's awarded amounts as SCDL « subventions », once its results are published (404 before)."""
    call = db.first_or_404(db.select(Call).where(Call.slug == slug))
    if call.results_published_at is None:
        abort(404)
    return public_data(grants_csv(call), mimetype=CSV, last_modified=call.results_published_at,
                       download_name=f"subventions-{call.slug}.csv")
