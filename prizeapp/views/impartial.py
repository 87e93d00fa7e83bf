"""The organisers' page of a peer prize's impartial selection: what it is, turning it on before the
assignment, and the selection by group once reviews are in (the jury records its decisions elsewhere)."""
from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..extensions import db
from ..forms.impartial import ImpartialGroupsForm
from ..models import Call
from ..permissions import can_manage_call
from ..services import impartial as service
from .loading import call_or_404
from .refusals import Refusals

bp = Blueprint("impartial", __name__, url_prefix="/manage")

MESSAGES = Refusals(service.ImpartialError, {
    "not_peer": _l("The impartial selection only applies to peer prizes."),
    "groups_out_of_range": _l("Choose between %(minimum)d and %(maximum)d groups."),
    "assignment_committed": _l("The assignment is already committed: the groups can no longer decide who reviews "
                               "what, so the setting cannot change."),
    "no_prize_count": _l("The number of laureates of this call is not set yet: the selection is computed once "
                         "it is."),
})


@bp.route("/calls/<int:call_id>/impartial", methods=["GET", "POST"])
@login_required
def selection(call_id: int):
    call = call_or_404(call_id, can_manage_call)
    form = ImpartialGroupsForm(groups=str(call.impartial_groups or 0))
    status, problem = 200, None
    if request.method == "POST":
        if form.validate_on_submit():
            groups = int(form.groups.data) or None
            try:
                service.set_groups(call=call, groups=groups, actor=current_user)
            except service.ImpartialError as error:
                db.session.rollback()
                status, problem = 400, MESSAGES.say(error)
            else:
                db.session.commit()
                flash(_("The impartial selection is on, with %(num)d groups.", num=groups) if groups
                      else _("The impartial selection is off."), "success")
                return redirect(url_for("impartial.selection", call_id=call.id))
        else:
            status = 400
    return _render(call, form, problem), status


def _render(call: Call, form: ImpartialGroupsForm, problem: str | None):
    result, missing_prize_count = None, False
    try:
        result = service.selection(call)
    except service.ImpartialError:
        missing_prize_count = True
    return render_template(
        "impartial/selection.html", call=call, form=form, problem=problem, result=result,
        partition=result.partition if result else service.partition(call),
        missing_prize_count=missing_prize_count, applies=service.applies(call),
        committed=service.assignment_committed(call),
        decisions_url=url_for("deliberation.decisions", call_id=call.id))
