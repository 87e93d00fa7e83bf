"""The team's side of a record: starting it from a project, editing it (each save a version), its documents,
sending it for checking.

Forms with errors are shown again with what was typed: 400 (the form could not be read), 409 (the record
changed meanwhile, or its state refuses the change), 422 (what was typed is refused)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..core import economic_model as grid
from ..core import territories
from ..enums import EvidenceLevel, Licence, Readiness, TerritoryKind, Theme, VersionStatus
from ..extensions import db
from ..formatting import date_filter, euros, number
from ..forms import territory as territory_check
from ..forms.admin import ConfirmForm
from ..forms.innovations import DocumentForm, RecordForm, SendForm, StartForm
from ..models import Innovation, InnovationDocument, InnovationVersion, Submission, User
from ..permissions import can_edit_innovation, can_start_innovation, can_view_innovation, require
from ..services import uploads
from ..services.innovations import content as fields
from ..services.innovations import documents, records
from ..web import parse_int
from . import economic_model
from .applicant import problem_message
from .refusals import Refusals

bp = Blueprint("innovation_editor", __name__)

# What content.missing() says beside field names.
GAP_LABELS = {
    "results_or_expected": _l("Results so far, or expected results"),
    "a_condition": _l("At least one condition for taking it up: skills, partners, legal frame, data or tools"),
}
GAP_ANCHORS = {"results_or_expected": "results", "a_condition": "conditions_skills"}
RADIOS = ("theme", "territory_kind", "readiness", "evidence_level", "licence")


def field_label(name: str) -> str:
    return str(GAP_LABELS.get(name) or fields.LABELS.get(name, name))


def field_anchor(name: str) -> str:
    """The id of the input a link to a field points at (the first option of a list of radio buttons)."""
    if name in GAP_ANCHORS:
        return GAP_ANCHORS[name]
    if name in ("territory_kind", "readiness", "evidence_level", "licence", "contact_ids"):
        return f"{name}-0"
    if name == "phase_dates":
        return RecordForm.phase_field(Readiness.IDEA)
    if name == "links":
        return "links-0-title"
    if name == "resources":
        return economic_model.anchor(name)
    return name


def _labels_list(names: list[str]) -> str:
    return ", ".join(field_label(name) for name in names)


REFUSALS = Refusals(records.InnovationError, {
    "not_submitted": _l("Only a submitted project can become an innovation record."),
    "results_not_published": _l("The results of the call are not published yet: the record can be started once "
                                "they are."),
    "already_started": _l("This project already has its innovation record."),
    "team_must_agree": _l("This project received neither a prize nor a mention: tick the box to say that your team "
                          "agrees to publish it."),
    "stale": _l("Someone in the team saved a newer version (version %(number)d) in the meantime: nothing was done. "
                "What you typed is kept below; compare it with the latest version before saving again."),
    "being_checked": _l("The record is waiting for checking: it cannot be changed until the organisers have "
                        "answered."),
    "territory": _l("The codes of the territory do not agree with one another: see the fields marked below."),
    "already_sent": _l("This version is already waiting for checking."),
    "nothing_new": _l("This version is already approved and public: save a change before sending it again."),
    "save_changes_first": _l("The checkers asked for changes on this version: make them, save, then send the new "
                             "version."),
    "incomplete": lambda p: ngettext(
        "The record cannot be sent for checking yet: %(num)d field is still needed (%(list)s).",
        "The record cannot be sent for checking yet: %(num)d fields are still needed (%(list)s).",
        len(p["fields"]), list=_labels_list(p["fields"])),
    "not_waiting": _l("This version is no longer waiting for checking: someone already answered, or the team saved "
                      "a newer one. Nothing was changed."),
    "reason_required": _l("Give the reason: the team reads it."),
    "not_published": _l("Only a published record can be withdrawn from the catalogue."),
}, default=_l("This change is not possible now (%(code)s)."))

# The problems of prizeapp.core.territories.check, each said on the field it concerns, as the form says them
# (the form checks the codes first; the service's check is the last word).
TERRITORY = Refusals(records.InnovationError, territory_check.SENTENCES)
TERRITORY_FIELDS = {code: f"{kind}_code" for code, kind in territory_check.FIELDS.items()}

UPLOADS = Refusals(uploads.UploadError, {
    "file_too_large": lambda p: _("The file is too large: at most %(max)d MB.", max=p["max_mb"]),
    "file_empty": _l("The file is empty."),
    "file_type_refused": _l("This type of file is not accepted: attach a PDF, an ODT or DOCX document, or a PNG "
                            "or JPEG image."),
    "too_many_documents": _l("A record has at most %(max)d documents: remove one before adding another."),
})


# --- shown values -----------------------------------------------------------------------------------------

VOCABULARIES = {"theme": Theme, "territory_kind": TerritoryKind, "readiness": Readiness,
                "evidence_level": EvidenceLevel, "licence": Licence}


@dataclass(frozen=True)
class Shown:
    """A field of a version as people read it: a text, or a list of items (a text and maybe an address)."""

    name: str
    label: str
    text: str = ""
    items: list[tuple[str, str | None]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.text or self.items)


def _vocabulary_label(vocabulary, value) -> str:
    try:
        return str(vocabulary(value).label)
    except ValueError:
        return str(value)


def shown_value(content: dict, name: str, people: dict[int, User]) -> Shown:
    """One field of `content` in words (`people`: the users that contact_ids may name)."""
    value, label = content.get(name), field_label(name)
    if value in (None, "", [], {}):
        return Shown(name, label)
    if name in VOCABULARIES:
        return Shown(name, label, _vocabulary_label(VOCABULARIES[name], value))
    if name == "departement_code":
        return Shown(name, label, territories.departement_label(value))
    if name == "region_code":
        return Shown(name, label, f"{territories.region_label(value)} ({value})")
    if name in fields.MONEY_FIELDS:
        return Shown(name, label, euros(Decimal(value)))
    if name == "beneficiaries_count":
        return Shown(name, label, number(value))
    if name == "phase_dates":
        return Shown(name, label, items=[(_("%(stage)s: %(date)s", stage=stage.label, date=_day(value[stage.value])),
                                          None) for stage in Readiness if stage.value in value])
    if name == "links":
        return Shown(name, label, items=[(link.get("title") or link["url"], link["url"]) for link in value])
    if name == "contact_ids":
        return Shown(name, label, items=[(f"{people[i].full_name} <{people[i].email}>", None)
                                         for i in value if i in people])
    if name == "resources":
        return Shown(name, label, items=[(economic_model.resource_text(r), None) for r in value])
    return Shown(name, label, str(value))


def _day(iso: str) -> str:
    return date_filter(date.fromisoformat(iso))  # « 1er septembre 2024 » in French


def shown_sections(content: dict, people: dict[int, User]) -> list[tuple[fields.Section, list[Shown]]]:
    return [(section, [shown_value(content, name, people) for name in section.fields]) for section in fields.SECTIONS]


def people_of(innovation: Innovation) -> dict[int, User]:
    return {user.id: user for user in records.team_of(innovation)}


# --- templates' helpers ----------------------------------------------------------------------------------

@bp.app_context_processor
def _record_helpers() -> dict:
    # For the team's pages of other areas (my submissions, the decision), which offer to start a record.
    return {"innovation_records": innovation_records}


def innovation_records(submission_ids) -> dict[int, Innovation]:
    """The records of these projects, by project id (one query)."""
    ids = list(submission_ids)
    if not ids:
        return {}
    return {r.submission_id: r for r in db.session.scalars(db.select(Innovation).where(
        Innovation.submission_id.in_(ids)))}


def _record_or_404(slug: str) -> Innovation:
    return db.first_or_404(db.select(Innovation).where(Innovation.slug == slug))


# --- starting a record ------------------------------------------------------------------------------------

@bp.route("/submissions/<int:submission_id>/innovation", methods=["GET", "POST"])
@login_required
def start(submission_id: int):
    submission = db.get_or_404(Submission, submission_id)
    require(can_start_innovation(current_user, submission))
    form = StartForm()
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            return _render_start(submission, form, 400)
        try:
            innovation = records.start(submission=submission, actor=current_user,
                                       team_agrees=bool(form.team_agrees.data))
        except records.InnovationError as error:
            db.session.rollback()
            form.form_errors.append(REFUSALS.say(error))
            status = 422 if error.code == "team_must_agree" else 409
        else:
            db.session.commit()
            flash(_("The record is started, filled in with what the project already says. Complete it, then send "
                    "it for checking."), "success")
            return redirect(url_for("innovation_editor.edit", slug=innovation.slug))
    return _render_start(submission, form, status)


def _render_start(submission: Submission, form: StartForm, status: int):
    existing = records.record_of(submission)
    published = submission.call.results_published_at is not None
    decision = records.decision_of(submission) if published else None
    awarded = decision is not None and decision.outcome in records.AWARDED
    # What would stop the project whatever the team says (the box answers "team_must_agree").
    blocking = None if existing else records.refusal_to_start(submission, team_agrees=True)
    return render_template("innovation_editor/start.html", submission=submission, call=submission.call, form=form,
                           existing=existing, decision=decision, awarded=awarded,
                           blocking=REFUSALS.sentence(blocking) if blocking else None,
                           can_edit=existing is not None and can_edit_innovation(current_user, existing)), status


# --- editing -----------------------------------------------------------------------------------------------

@dataclass
class EditPage:
    """What the edit page shows besides the record."""

    form: RecordForm
    grid: dict[str, list[str]] | None = None  # the economic-model grid as typed (None: as the latest version says)
    grid_errors: dict[str, str] = field(default_factory=dict)
    notice: str | None = None
    conflict: bool = False
    gaps: list[str] = field(default_factory=list)  # the fields a refused sending named
    document_form: DocumentForm | None = None
    document_error: str | None = None


def _team_choices(form: RecordForm, innovation: Innovation) -> None:
    # Each member of the team answers for themself (records.save keeps the others' choices).
    form.contact_ids.choices = [SelectChoice(user.id, f"{user.full_name} ({user.email})")
                                for user in records.team_of(innovation) if user.id == current_user.id]


def _fresh_form(innovation: Innovation, version: InnovationVersion) -> RecordForm:
    form = RecordForm(formdata=None)
    _team_choices(form, innovation)
    form.fill(version.content, based_on=version.number)
    return form


def _changes_asked(innovation: Innovation) -> InnovationVersion | None:
    """The latest version the checkers sent back, while the team has not sent another one since."""
    for version in reversed(innovation.versions):
        if version.status == VersionStatus.CHANGES_REQUESTED:
            return version
        if version.status in (VersionStatus.SUBMITTED, VersionStatus.APPROVED):
            return None
    return None


def _render_edit(innovation: Innovation, page: EditPage, status: int = 200):
    current = records.latest(innovation)
    people = people_of(innovation)
    history = [(version, [field_label(name) for name in changed])
               for version, changed in records.history(innovation, public=False)]
    gaps = fields.missing(current.content)
    return render_template(
        "innovation_editor/edit.html", innovation=innovation, call=innovation.call, latest_version=current,
        form=page.form, page=page, people=people, history=history,
        missing=[(field_anchor(name), field_label(name)) for name in gaps],
        refused_gaps=[(field_anchor(name), field_label(name)) for name in page.gaps],
        waiting=current.status == VersionStatus.SUBMITTED, changes_asked=_changes_asked(innovation),
        send_form=SendForm(formdata=None, number=str(current.number)),
        document_form=page.document_form or DocumentForm(formdata=None, prefix="document"), confirm_form=ConfirmForm(),
        max_mb=current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024), sections=fields.SECTIONS,
        anchor=field_anchor, error_list=_error_list(page.form, page.grid_errors), needed=set(fields.REQUIRED),
        labels=fields.LABELS, record_title=records.title_of(current),
        grid_values=page.grid if page.grid is not None else economic_model.stored(current.content),
        grid_errors=page.grid_errors,
    ), status


def _error_list(form: RecordForm, grid_errors: dict[str, str]) -> list[tuple[str, str, str]]:
    """(anchor, label, message) of every field in error, in the form's order (the economic-model grid's after
    its "in a few words"); a link's errors by row."""
    found = []
    for item in form:
        if item.name == "economic_model":
            found += [(economic_model.anchor(key), economic_model.label(key), message)
                      for key, message in grid_errors.items()]
        if item.name in ("csrf_token", "based_on") or not item.errors:
            continue
        if item.name == "links":
            for row, entry in enumerate(item, start=1):
                for sub in entry.form:
                    if sub.errors:
                        found.append((sub.id, _("Link %(row)d, %(field)s", row=row, field=sub.label.text),
                                      " ".join(str(e) for e in sub.errors)))
            continue
        anchor = f"{item.id}-0" if item.name in ("territory_kind", "readiness", "evidence_level", "licence",
                                                  "contact_ids") else item.id
        found.append((anchor, str(item.label.text), " ".join(str(e) for e in item.errors)))
    return found


@bp.route("/innovations/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    innovation = _record_or_404(slug)
    require(can_edit_innovation(current_user, innovation))
    if request.method == "GET":
        return _render_edit(innovation, EditPage(_fresh_form(innovation, records.latest(innovation))))
    form = RecordForm()
    _team_choices(form, innovation)
    # "Who it serves" is the record's own field, with the solution: the grid's form does not ask it again.
    typed = economic_model.typed(request.form, ask_beneficiaries=False)
    parsed = grid.parse(typed)
    page = EditPage(form, grid=typed, grid_errors=economic_model.messages(parsed.problems, problem_message))
    valid = form.validate_on_submit()
    if "csrf_token" in form.errors:
        page.notice = _("The form could not be read. Please send it again.")
        return _render_edit(innovation, page, 400)
    if not valid or parsed.problems:
        page.notice = _("Nothing was saved: correct the fields marked below.")
        return _render_edit(innovation, page, 422)
    based_on = parse_int(form.based_on.data) or 0
    try:
        version = records.save(innovation=innovation, actor=current_user, content={**form.content(), **parsed.values},
                               based_on=based_on, change_note=form.change_note.data or "")
    except records.InnovationError as error:
        db.session.rollback()
        return _render_refused_save(innovation, page, error)
    db.session.commit()
    if version.number == based_on:
        flash(_("Nothing changed since the last version: no new version was made."), "info")
    else:
        flash(_("Version %(number)d is saved.", number=version.number), "success")
    return redirect(url_for("innovation_editor.edit", slug=innovation.slug))


def _render_refused_save(innovation: Innovation, page: EditPage, error: records.InnovationError):
    form = page.form
    if error.code == "territory":
        for problem in error.params["problems"]:
            target = form[TERRITORY_FIELDS[problem]]
            target.errors = [*target.errors, TERRITORY.sentence(problem, error.params)]
        page.notice = REFUSALS.say(error)
        return _render_edit(innovation, page, 422)
    if error.code == "stale":
        # Keep what this person typed: saving again from it replaces the newer version, knowingly.
        form.based_on.data = str(error.params["number"])
        page.conflict = True
    page.notice = REFUSALS.say(error)
    return _render_edit(innovation, page, 409)


# --- sending for checking ----------------------------------------------------------------------------------

@bp.route("/innovations/<slug>/send", methods=["POST"])
@login_required
def send(slug: str):
    innovation = _record_or_404(slug)
    require(can_edit_innovation(current_user, innovation))
    form = SendForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        records.send_for_checking(innovation=innovation, actor=current_user, number=parse_int(form.number.data))
    except records.InnovationError as error:
        db.session.rollback()
        page = EditPage(_fresh_form(innovation, records.latest(innovation)), notice=REFUSALS.say(error),
                        gaps=list(error.params.get("fields", [])))
        return _render_edit(innovation, page, 409)
    db.session.commit()
    flash(_("The record is sent for checking. The organisers receive it by email; you will receive their answer "
            "by email too."), "success")
    return redirect(url_for("innovation_editor.edit", slug=innovation.slug))


# --- documents ---------------------------------------------------------------------------------------------

@bp.route("/innovations/<slug>/documents", methods=["POST"])
@login_required
def upload_document(slug: str):
    innovation = _record_or_404(slug)
    require(can_edit_innovation(current_user, innovation))
    form = DocumentForm(prefix="document")
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _render_document_error(innovation, form, None, 422)
    upload = request.files.get(form.file.name)
    if upload is None or not upload.filename:
        return _render_document_error(innovation, form, _("Choose a file."), 400)
    try:
        document = documents.add(innovation=innovation, actor=current_user, stream=upload.stream,
                                 filename=upload.filename, title=form.title.data or "")
    except uploads.UploadError as error:
        db.session.rollback()
        return _render_document_error(innovation, form, UPLOADS.say(error), 422)
    db.session.commit()
    flash(_("“%(name)s” is attached.", name=document.display_name), "success")
    return redirect(url_for("innovation_editor.edit", slug=innovation.slug, _anchor="documents"))


def _render_document_error(innovation: Innovation, form: DocumentForm, message: str | None, status: int):
    page = EditPage(_fresh_form(innovation, records.latest(innovation)), document_form=form, document_error=message)
    return _render_edit(innovation, page, status)


def _document_of(innovation: Innovation, document_id: int) -> InnovationDocument:
    document = db.session.get(InnovationDocument, document_id)
    if document is None or document.innovation_id != innovation.id:
        abort(404)
    return document


@bp.route("/innovations/<slug>/documents/<int:document_id>/delete", methods=["POST"])
@login_required
def remove_document(slug: str, document_id: int):
    innovation = _record_or_404(slug)
    document = _document_of(innovation, document_id)
    require(can_edit_innovation(current_user, innovation))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = document.display_name
    documents.remove(document=document, actor=current_user)
    db.session.commit()
    flash(_("“%(name)s” is removed.", name=name), "success")
    return redirect(url_for("innovation_editor.edit", slug=innovation.slug, _anchor="documents"))


@bp.route("/innovations/<slug>/documents/<int:document_id>")
def document(slug: str, document_id: int):
    """A document to reuse: for everyone once the record is public, before that for its team, its checkers and
    its parrains."""
    innovation = _record_or_404(slug)
    found = _document_of(innovation, document_id)
    require(can_view_innovation(current_user, innovation))
    try:
        response = send_file(documents.path_of(found), mimetype=found.content_type, as_attachment=True,
                             download_name=found.display_name, max_age=0, conditional=False, etag=False)
    except FileNotFoundError:
        abort(404)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "public, max-age=600" if innovation.is_public else "private, no-store"
    return response


@bp.errorhandler(413)
def too_large(error):
    """A document over MAX_CONTENT_LENGTH is refused while its form is read, before anything is changed."""
    back = None
    if request.view_args and "slug" in request.view_args:
        back = url_for("innovation_editor.edit", slug=request.view_args["slug"], _anchor="documents")
    return render_template("applicant/too_large.html", back=back,
                           max_mb=current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024)), 413

