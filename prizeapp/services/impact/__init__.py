"""The impact follow-up: what became of the projects after the results.

library    the indicators a team picks from, grouped by dimension
plans      who may be followed and when, the plan (baseline, theory of change, indicators), the reports' due dates
reports    a milestone's follow-up form: a draft saved as the team goes, its submission, its attachments
dashboards the team's indicators over time, the call's follow-up overview and its export, the public summary
outcomes   across editions: what became of the laureates against their calibrated scores
reminders  before, on and after each report's due date, then the organisers
"""
