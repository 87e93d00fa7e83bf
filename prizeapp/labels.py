"""Labels for templates (`member|label`), and those of the vocabularies that are plain strings rather than
enums: the core's conflict reason codes, the calibration models and the kinds of email. The enums carry their
own labels (prizeapp.enums)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The reasons prizeapp.core.conflicts gives for a conflicted pair.
CONFLICT_CODES = {
    "author": _l("Author of the project"),
    "team_member": _l("Member of the project's team"),
    "teammate": _l("Teammate of an applicant in another project"),
    "same_service": _l("Same service as an applicant"),
    "same_direction": _l("Same direction as an applicant"),
    "same_organisation": _l("Same organisation as an applicant"),
    "same_email_domain": _l("Same email domain as an applicant"),
    "declared_tie": _l("Declared tie with an applicant"),
    "declared_by_reviewer": _l("Declared by the reviewer"),
    "declared_by_applicant": _l("The applicants asked that this person not review them"),
    "set_by_organiser": _l("Set by an organiser"),
}

# The models of prizeapp.core.calibration.MODELS.
CALIBRATION_MODELS = {
    "hierarchical": _l("Calibrated (recommended): each reviewer's leniency, spread and reliability, learned "
                       "from the reviews"),
    "additive": _l("Leniency only: each reviewer's average generosity is taken off"),
    "zscore": _l("Standardised per reviewer (z-scores)"),
    "raw_mean": _l("Raw mean, without calibration"),
}

# The kinds of the outbox's emails (OutboxEmail.kind) that a call's organisers see.
EMAIL_KINDS = {
    "submission_receipt": _l("Submission receipt"),
    "team_invitation": _l("Invitation to a project's team"),
    "exclusion_decided": _l("Decision on a request about who reviews a project"),
    "reviewer_invitation": _l("Invitation to review"),
    "assignments": _l("Projects to review"),
    "review_reminder": _l("Reminder to reviewers (sent by an organiser)"),
    "review_deadline_reminder": _l("Reminder to reviewers before the deadline"),
    "draft_reminder": _l("Reminder to applicants with a draft"),
    "organiser_digest": _l("Daily summary of late reviewers"),
    "digest": _l("Daily summary"),
    "decision_laureate": _l("Decision: laureate"),
    "decision_mention": _l("Decision: honourable mention"),
    "decision_not_selected": _l("Decision: not selected"),
    "innovation_to_check": _l("Innovation record to check"),
    "innovation_approved": _l("Innovation record published"),
    "innovation_changes_requested": _l("Changes asked on an innovation record"),
    "innovation_withdrawn": _l("Innovation record withdrawn from the catalogue"),
    "sponsor_assigned": _l("Parrain assigned to an innovation"),
    "readiness_commented": _l("Parrain's opinion of an innovation's readiness"),
    "impact_invitation": _l("Invitation to set up the impact follow-up"),
    "impact_setup_reminder": _l("Reminder to set up the impact follow-up"),
    "impact_report_due": _l("Reminder of a follow-up report"),
    "impact_reports_late": _l("Late follow-up reports"),
    "impact_report_submitted": _l("Follow-up report submitted"),
}

# The impact follow-up's emails (services.impact.reminders): what each one was about.
IMPACT_REMINDER_STAGES = {
    "invitation": _l("Invitation to set up the follow-up, at the results"),
    "setup": _l("Follow-up not set up two weeks after the results"),
    "before": _l("Report due in two weeks"),
    "due": _l("Report due"),
    "late": _l("Report two weeks late"),
    "organisers": _l("Organisers told of reports a month late"),
}


# The economic-model grid's fields (core.economic_model), as the submission form and the innovation record ask
# them; "costs" and "resources" are what core.economic_model.missing() names beside the fields.
ECONOMIC_MODEL = {
    "beneficiaries": _l("Who it serves"),
    "beneficiary_value": _l("What it brings them"),
    "funding": _l("Who pays for it"),
    "payer_value": _l("What it brings those who pay"),
    "cost_setup": _l("Set-up cost (€)"),
    "cost_recurring": _l("Running cost per year (€)"),
    "cost_per_user": _l("Cost per person served (€)"),
    "costs": _l("Set-up or running cost"),
    "resources": _l("Resources by kind"),
    "costs_avoided": _l("Costs avoided per year (€)"),
    "costs_avoided_how": _l("How these costs are avoided"),
    "human_resources": _l("Human resources"),
    "partners": _l("Partners and alliances"),
    "local_costs": _l("What a territory taking it up pays for locally"),
}


def label(member) -> str:
    """The label of an enum member (see prizeapp.enums.LabelledEnum); anything without one as it is."""
    found = getattr(member, "label", None)
    return str(found) if found is not None else str(member)


def code_label(code: str) -> str:
    return str(CONFLICT_CODES.get(code, code))


def model_label(model: str) -> str:
    return str(CALIBRATION_MODELS.get(model, model))


def email_kind_label(kind: str) -> str:
    return str(EMAIL_KINDS.get(kind, kind))


def impact_stage_label(stage: str) -> str:
    return str(IMPACT_REMINDER_STAGES.get(stage, stage))
