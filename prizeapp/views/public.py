from __future__ import annotations

from flask import Blueprint, render_template

from ..extensions import db
from ..services import calls

bp = Blueprint("public", __name__)


@bp.route("/")
def index():
    return render_template("public/index.html", listing=calls.public_listing())


@bp.route("/healthz")
def healthz():
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}
