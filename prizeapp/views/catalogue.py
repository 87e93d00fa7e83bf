"""The public catalogue of innovations: search and filters, a page per innovation, its history, its printable
sheet, and what makes it findable (sitemap, Open Graph, schema.org)."""
from __future__ import annotations

from flask import Blueprint, abort

bp = Blueprint("catalogue", __name__)


@bp.route("/innovations")
def index():
    abort(501)


@bp.route("/innovations/<slug>")
def page(slug: str):
    abort(501)
