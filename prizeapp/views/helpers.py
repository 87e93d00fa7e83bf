"""Small helpers the blueprints share."""
from __future__ import annotations

from datetime import date
from functools import wraps

from flask import current_app, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from ..enums import QuestionKind
from ..extensions import db
from ..formatting import date_filter
from ..models import FormQuestion, OrgUnit, Submission
from ..services.orgchart import units_in_tree_order

NO_UNIT = 0


def unit_choices() -> list[SelectChoice]:
    """Options of the unit select: one group per organisation, its units indented by depth."""
    choices = [SelectChoice(NO_UNIT, str(_l("— Outside the administrations listed here —")))]
    organisation = None
    for unit, depth in units_in_tree_order():
        if depth == 0:
            organisation = unit.name
        choices.append(SelectChoice(unit.id, "\u2003" * depth + unit.name, optgroup=organisation))
    return choices


def unit_from_choice(value: int | None) -> OrgUnit | None:
    return db.session.get(OrgUnit, value) if value else None


def client_ip() -> str:
    from flask import request

    return request.remote_addr or "unknown"


def _file_url(record) -> str:
    # The file download route belongs to the applicant side; it decides who may download.
    return url_for("applicant.download", file_id=record.id)


def _answer_text(question: FormQuestion, value) -> str | list[str]:
    if value in (None, "", []):
        return ""
    if question.kind == QuestionKind.MULTIPLE_CHOICE and isinstance(value, list):
        return [str(v) for v in value]
    if question.kind == QuestionKind.NUMBER:
        return format_decimal(value)
    if question.kind == QuestionKind.DATE:
        try:
            return date_filter(date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    return str(value)


def dossier_context(submission: Submission) -> dict:
    """What templates/_dossier.html needs to show a project: answers with their files, other attachments."""
    answers = [(q, _answer_text(q, submission.answers.get(q.key)),
                [f for f in submission.files if f.question_key == q.key]) for q in submission.call.questions]
    return {"answers": answers, "attachments": [f for f in submission.files if f.question_key is None],
            "file_url": _file_url,
            "budget": format_decimal(submission.budget_requested) if submission.budget_requested is not None
            else None}


def same_origin_download(view):
    """For downloads that leave a trace in the audit log: a link or an image on another site must not make
    someone "export". Browsers say where a navigation comes from (Sec-Fetch-Site); one from elsewhere gets a
    page with the same link to click, which then comes from this site. Bookmarks and typed addresses ("none")
    and browsers that send no such header go straight through."""
    @wraps(view)
    def guarded(*args, **kwargs):
        if request.headers.get("Sec-Fetch-Site", "none") not in ("same-origin", "none"):
            return render_template("confirm_download.html", url=request.full_path.rstrip("?"))
        return view(*args, **kwargs)

    return guarded


def csv_download(body: str, name: str):
    """A CSV file to download, named `<name>-<today>.csv`, never cached."""
    from datetime import date as _date

    filename = f"{name}-{_date.today().isoformat()}.csv"
    return current_app.response_class(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})


def resend_email(email) -> None:
    """Queue a failed email again for the person asking (their access already checked), with a flash saying
    what happened; commits when it is queued."""
    from flask import abort, flash
    from flask_babel import gettext as _
    from flask_login import current_user

    from ..forms.admin import ConfirmForm
    from ..services import outbox

    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        outbox.resend(email=email, actor=current_user)
    except ValueError:
        flash(_("Only failed emails can be sent again."), "error")
    else:
        db.session.commit()
        flash(_("The email to %(recipient)s is queued again.", recipient=email.recipient), "success")


def resource_bar(grid):
    """The resources of an economic-model grid (services.economic_grid.GridView, or None) as a stacked bar for
    templates/_economic_model_view.html, or None when it gives none."""
    from .charts import Part, stacked_bar

    if grid is None or not grid.resources:
        return None
    return stacked_bar([Part(key=r.kind.value, label=str(r.kind.label), share=r.share) for r in grid.resources])
