from __future__ import annotations

from flask import Blueprint, render_template

from ..enums import CallPhase
from ..extensions import db
from ..models import Call

bp = Blueprint("public", __name__)


@bp.route("/")
def index():
    calls = db.session.scalars(
        db.select(Call).where(Call.phase != CallPhase.DRAFT).order_by(Call.submission_deadline.desc())
    ).all()
    return render_template("public/index.html", calls=calls)


@bp.route("/healthz")
def healthz():
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}
