"""The organisers' pages of a call's reviewer pool and its conflicts."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pool", __name__, url_prefix="/manage")
