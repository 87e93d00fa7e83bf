"""The checkers' side of records (the call's organisers, administrators): what waits, a version against the
public one, approving, asking for changes, withdrawing."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..forms.innovations import ApproveForm, ReasonForm
from ..models import Innovation
from ..permissions import can_check_innovation, can_check_innovations, require
from ..services.innovations import content as fields
from ..services.innovations import records
from ..web import parse_int
from .innovation_editor import REFUSALS, field_label, people_of, shown_sections

bp = Blueprint("innovation_checking", __name__)


@bp.route("/manage/innovations")
@login_required
def queue():
    require(can_check_innovations(current_user))
    found = records.queue(call_ids=records.calls_checked_by(current_user))
    return render_template("innovation_checking/queue.html", queue=found, title_of=records.title_of)


def _record_or_404(slug: str) -> Innovation:
    innovation = db.first_or_404(db.select(Innovation).where(Innovation.slug == slug))
    require(can_check_innovation(current_user, innovation))
    return innovation


def _render_check(innovation: Innovation, *, changes_form: ReasonForm | None = None,
                  withdraw_form: ReasonForm | None = None, problem: str | None = None, status: int = 200):
    waiting = records.submitted_version(innovation)
    version = waiting or records.latest(innovation)
    public = innovation.published_version
    changed = (fields.changed_fields(public.content, version.content)
               if public is not None and public.id != version.id else [])
    number = str(version.number)
    return render_template(
        "innovation_checking/check.html", innovation=innovation, call=innovation.call, version=version,
        waiting=waiting, public=public, changed=set(changed), changed_labels=[field_label(n) for n in changed],
        sections=shown_sections(version.content, people_of(innovation)), problem=problem,
        missing=[field_label(name) for name in fields.missing(version.content)],
        title=records.title_of(version), approve_form=ApproveForm(formdata=None, number=number),
        changes_form=changes_form or ReasonForm(formdata=None, prefix="changes", number=number),
        withdraw_form=withdraw_form or ReasonForm(formdata=None, prefix="withdraw"),
    ), status


@bp.route("/manage/innovations/<slug>")
@login_required
def check(slug: str):
    return _render_check(_record_or_404(slug))


@bp.route("/manage/innovations/<slug>/approve", methods=["POST"])
@login_required
def approve(slug: str):
    innovation = _record_or_404(slug)
    form = ApproveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        version = records.approve(innovation=innovation, number=parse_int(form.number.data) or 0, actor=current_user)
    except records.InnovationError as error:
        db.session.rollback()
        return _render_check(innovation, problem=REFUSALS.say(error), status=409)
    db.session.commit()
    flash(_("Version %(number)d of “%(title)s” is approved: it is the public record now. The team is told by "
            "email.", number=version.number, title=innovation.title), "success")
    return redirect(url_for("innovation_checking.queue"))


@bp.route("/manage/innovations/<slug>/request-changes", methods=["POST"])
@login_required
def request_changes(slug: str):
    innovation = _record_or_404(slug)
    form = ReasonForm(prefix="changes")
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _render_check(innovation, changes_form=form, status=422)
    try:
        version = records.request_changes(innovation=innovation, number=parse_int(form.number.data) or 0,
                                          actor=current_user, reason=form.reason.data)
    except records.InnovationError as error:
        db.session.rollback()
        return _render_check(innovation, changes_form=form, problem=REFUSALS.say(error), status=409)
    db.session.commit()
    flash(_("The changes are asked: the team receives your reason by email. Version %(number)d is not published.",
            number=version.number), "success")
    return redirect(url_for("innovation_checking.queue"))


@bp.route("/manage/innovations/<slug>/withdraw", methods=["POST"])
@login_required
def withdraw(slug: str):
    innovation = _record_or_404(slug)
    form = ReasonForm(prefix="withdraw")
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _render_check(innovation, withdraw_form=form, status=422)
    try:
        records.withdraw(innovation=innovation, actor=current_user, reason=form.reason.data)
    except records.InnovationError as error:
        db.session.rollback()
        return _render_check(innovation, withdraw_form=form, problem=REFUSALS.say(error), status=409)
    db.session.commit()
    flash(_("“%(title)s” is withdrawn from the catalogue. The team receives your reason by email.",
            title=innovation.title), "success")
    return redirect(url_for("innovation_checking.queue"))
