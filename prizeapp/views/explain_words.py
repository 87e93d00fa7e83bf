"""The explanations in words: one project's calibrated score step by step, two projects compared, one reviewer
described; and the numbers as these pages write them.

Every number shown comes from `core.calibration.explain.shown` (or `shown_comparison`), so that what the words,
the chart and the table say adds up to the last decimal written. Scores are written by `Numbers`, the one place
that decides how (formatting.score with the ranking's decimals, formatting.score_places).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from babel.numbers import format_decimal
from flask_babel import format_percent, get_locale, ngettext
from flask_babel import gettext as _

from ..core.calibration import explain
from ..formatting import score, score_places, words_list
from ..labels import model_label
from ..services.explanations import MissingReviews
from .explain_charts import Bar, domain_of, odds, waterfall

MINUS = "\u2212"


@dataclass(frozen=True)
class Numbers:
    """Scores as the ranking writes them: `places` decimals (formatting.score_places over the ranking's
    scores), from the explanations' units of the last decimal or from plain values."""

    places: int

    def of(self, amount: int) -> str:
        return score(amount / 10**self.places, self.places)

    def value(self, value: float | None) -> str:
        written = score(value, self.places)
        return MINUS + written[1:] if written.startswith("-") else written

    def signed(self, amount: int) -> str:
        """+0,3, −0,3, 0,0."""
        if amount == 0:
            return self.of(0)
        return ("+" if amount > 0 else MINUS) + self.of(abs(amount))

    def points(self, amount: int) -> str:
        """0,3 point, 2,5 points (in French a point below two is singular)."""
        value = abs(amount) / 10**self.places
        n = 1 if value == 1 else 0 if value < 2 else 2
        return ngettext("%(value)s point", "%(value)s points", n, value=self.of(abs(amount)))

    def units(self, value: float) -> int:
        return explain.units(value, self.places)


def numbers_of(result: dict) -> Numbers:
    """How the ranking `result` writes its scores (the same decimals as its page)."""
    return Numbers(places=score_places([p["score"] for p in result["submissions"]], result["scale"]))


def factor(value: float) -> str:
    """A spread's factor, 1,30."""
    return format_decimal(round(value, 2), format="0.00", locale=get_locale())


def share(value: float) -> str:
    """0.42 → « 42 % »."""
    return format_percent(value)


def confidence_label(level: int | None) -> str:
    return {1: _("low"), 2: _("medium"), 3: _("high")}.get(level, "—")


def confidence_phrase(level: int | None) -> str:
    return {1: _("low confidence"), 2: _("medium confidence"), 3: _("high confidence")}.get(level, "")


@dataclass
class Step:
    """One step of an explanation: its title, what it adds (or the value reached), and what it says."""

    kind: str
    title: str
    amount: str
    sentences: list[str] = field(default_factory=list)
    after: str = ""  # the value reached once it is made


STEP_TITLES = {
    "start": lambda: _("Raw mean of the reviews"),
    "leniency": lambda: _("Leniency corrected"),
    "spread": lambda: _("Spread corrected"),
    "weights": lambda: _("Weights"),
    "weighted": lambda: _("Weighted mean"),
    "pull": lambda: _("Pull towards the call's mean"),
    "rest": lambda: _("Joint estimation"),
    "bounds": lambda: _("Kept within the scale"),
    "end": lambda: _("Calibrated score"),
}


def _title(kind: str) -> str:
    return STEP_TITLES[kind]()


# --- one project ---------------------------------------------------------------------------------------------

@dataclass
class ProjectStory:
    steps: list[Step]
    chart: object  # explain_charts.Waterfall
    rows: list[dict]  # one per review: the table's cells


@dataclass
class _Telling:
    """What every sentence of one project's explanation reads."""

    e: explain.Explanation
    s: explain.Shown
    num: Numbers
    result: dict
    label: Callable[[int], str]
    reviewers: dict

    @property
    def corrects(self) -> bool:
        return self.result["model"] not in explain.UNCORRECTED

    def rows(self):
        return zip(self.e.reviews, self.s.reviews, strict=True)


def project_story(e: explain.Explanation, result: dict, entry: dict, *, label: Callable[[int], str],
                  missing: MissingReviews, named: bool) -> ProjectStory:
    """The project's score in words, a waterfall and a table, every number adding up as shown."""
    num = numbers_of(result)
    s = explain.shown(e, num.places)
    tell = _Telling(e=e, s=s, num=num, result=result, label=label,
                    reviewers={r["id"]: r for r in result["reviewers"]})
    subtotal = s.subtotals
    steps = [Step("start", _title("start"), num.of(subtotal[0]), _start(tell, missing, named)),
             Step("leniency", _title("leniency"), num.signed(s.steps["leniency"]), _leniency(tell)),
             Step("spread", _title("spread"), num.signed(s.steps["spread"]), _spread(tell)),
             Step("weights", _title("weights"), num.signed(s.steps["weights"]), _weights(tell)),
             Step("weighted", _title("weighted"), num.of(subtotal[3])),
             Step("pull", _title("pull"), num.signed(s.steps["pull"]), _pull(tell, missing))]
    if s.steps["rest"]:
        rest = [_("Estimating all the call's reviews together moves it a further %(amount)s.",
                  amount=num.signed(s.steps["rest"]))]
        if not result["parameters"].get("converged", True):
            rest.append(_("The model's estimates did not fully settle: see the warnings of the ranking."))
        steps.append(Step("rest", _title("rest"), num.signed(s.steps["rest"]), rest))
    if s.steps["bounds"]:
        low, high = result["scale"]
        steps.append(Step("bounds", _title("bounds"), num.signed(s.steps["bounds"]),
                          [_("The score is kept within the call's scale, from %(low)s to %(high)s.",
                             low=num.value(low), high=num.value(high))]))
    steps.append(Step("end", _title("end"), num.of(subtotal[-1]),
                      [_("Calibrated score: %(score)s, rank %(rank)d.", score=num.of(subtotal[-1]),
                         rank=entry["rank"])]))
    rows = [{"reviewer": term.reviewer, "label": label(term.reviewer), "score": num.of(row.score),
             "leniency": num.signed(row.leniency), "spread": num.signed(row.spread),
             "spread_factor": factor(term.spread) if abs(term.spread - 1.0) > 1e-9 else None,
             "corrected": num.of(row.corrected),
             "weight": share(row.weight_percent / 100), "confidence": confidence_label(term.confidence)}
            for term, row in tell.rows()]
    return ProjectStory(steps=steps, chart=_project_waterfall(steps, s, tuple(result["scale"])), rows=rows)


def _project_waterfall(steps: list[Step], s: explain.Shown, scale: tuple[float, float]):
    """The steps as bars, from the values as shown: each bar starts where the one above ended. Also sets each
    step's value once made (`Step.after`)."""
    subtotal = s.subtotals
    totals = {"start": subtotal[0], "weighted": subtotal[3], "end": subtotal[-1]}
    bars, running = [], subtotal[0]
    for step in steps:
        if step.kind in totals:
            running = totals[step.kind]
            bars.append(Bar(label=step.title, start=s.value(running), end=s.value(running), total=True,
                            text=step.amount))
        else:
            after = running + s.steps[step.kind]
            bars.append(Bar(label=step.title, start=s.value(running), end=s.value(after), text=step.amount))
            running = after
        step.after = Numbers(places=s.decimals).of(running)
    return waterfall(bars, domain=domain_of([v for bar in bars for v in (bar.start, bar.end)], scale))


def _start(tell: _Telling, missing: MissingReviews, named: bool) -> list[str]:
    n = len(tell.e.reviews)
    out = [ngettext("Its review gave %(raw)s.", "Its %(num)d reviews give %(raw)s on average.", n,
                    raw=tell.num.of(tell.s.subtotals[0]))]
    if missing.pending:
        out.append(ngettext("%(num)d expected review has not been submitted: the score rests on the submitted "
                            "ones only.", "%(num)d expected reviews have not been submitted: the score rests on the "
                            "submitted ones only.", len(missing.pending)))
        if named:
            out.append(_("Expected from: %(names)s.", names=words_list(missing.names[rid] for rid in missing.pending)))
    if missing.not_counted:
        out.append(ngettext("%(num)d submitted review is not counted in this ranking: left out by the organisers, "
                            "set aside for a conflict of interest, or submitted after the ranking was computed.",
                            "%(num)d submitted reviews are not counted in this ranking: left out by the organisers, "
                            "set aside for a conflict of interest, or submitted after the ranking was computed.",
                            len(missing.not_counted)))
    return out


def _leniency(tell: _Telling) -> list[str]:
    num = tell.num
    if not tell.corrects:
        return [_("This ranking's model (%(model)s) takes nothing off: it corrects neither the reviewers' leniency "
                  "nor their spread, and weighs every review the same.", model=model_label(tell.result["model"]))]
    out = []
    for term, row in tell.rows():
        values = {"who": tell.label(term.reviewer), "raw": num.of(row.score),
                  "after": num.of(row.score + row.leniency), "points": num.points(row.leniency)}
        if row.leniency < 0:
            out.append(_("%(who)s scores on average %(points)s above the other reviewers of the same projects: "
                         "their %(raw)s counts as %(after)s.", **values))
        elif row.leniency > 0:
            out.append(_("%(who)s scores on average %(points)s below the other reviewers of the same projects: "
                         "their %(raw)s counts as %(after)s.", **values))
        else:
            out.append(_("%(who)s scores like the other reviewers of the same projects: their %(raw)s is kept as "
                         "it is.", **values))
    return out


def _spread(tell: _Telling) -> list[str]:
    if not tell.corrects:
        return []
    num, out = tell.num, []
    for term, row in tell.rows():
        if abs(term.spread - 1.0) <= 1e-9:
            continue
        values = {"who": tell.label(term.reviewer), "factor": factor(term.spread),
                  "after": num.of(row.score + row.leniency), "center": num.value(tell.e.center),
                  "corrected": num.of(row.corrected)}
        if term.spread > 1:
            out.append(_("%(who)s spreads their scores more widely than the average reviewer (%(factor)s times): "
                         "the distance of their %(after)s from the call's centre (%(center)s) is divided by "
                         "%(factor)s, which gives %(corrected)s.", **values))
        else:
            out.append(_("%(who)s keeps their scores closer together than the average reviewer (%(factor)s times "
                         "as spread): the distance of their %(after)s from the call's centre (%(center)s) is "
                         "divided by %(factor)s, which gives %(corrected)s.", **values))
        estimate = tell.reviewers[term.reviewer]
        if estimate.get("scale") and abs(term.spread - estimate["scale"]) >= 0.02:
            out.append(_("Their spread, estimated at %(scale)s from few reviews, is read cautiously as %(factor)s.",
                         scale=factor(estimate["scale"]), factor=factor(term.spread)))
    if not out:
        out.append(_("This model does not correct the reviewers' spread.")
                   if all(r.get("scale") is None for r in tell.result["reviewers"]) else
                   _("The reviewers of these reviews spread their scores like the average reviewer: there is no "
                     "spread to correct."))
    return out


def _weights(tell: _Telling) -> list[str]:
    e, mean = tell.e, tell.num.of(tell.s.subtotals[3])
    if not all(t.odds is not None for t in e.reviews) or len({round(t.weight, 9) for t in e.reviews}) == 1:
        return [_("Every review counts the same: the weighted mean is their plain mean, %(mean)s.", mean=mean)]
    with_confidence = explain.multipliers_of(tell.result["parameters"]) is not None and all(
        t.confidence is not None for t in e.reviews)
    out = []
    for term, row in tell.rows():
        values = {"who": tell.label(term.reviewer), "percent": share(row.weight_percent / 100)}
        reliability = tell.reviewers[term.reviewer].get("reliability")
        if reliability is not None and with_confidence:
            out.append(_("The review of %(who)s counts for %(percent)s of the weighted mean (reliability "
                         "%(reliability)s, %(confidence)s).", reliability=factor(reliability),
                         confidence=confidence_phrase(term.confidence), **values))
        elif reliability is not None:
            out.append(_("The review of %(who)s counts for %(percent)s of the weighted mean (reliability "
                         "%(reliability)s).", reliability=factor(reliability), **values))
        else:
            out.append(_("The review of %(who)s counts for %(percent)s of the weighted mean.", **values))
    out.append(_("Weighted mean of the corrected reviews: %(mean)s.", mean=mean))
    return out


def _pull(tell: _Telling, missing: MissingReviews) -> list[str]:
    e, num = tell.e, tell.num
    if e.shrinkage is None:
        return [_("This model does not pull scores towards the call's mean.")] if tell.corrects else []
    n, moved = len(e.reviews), tell.s.steps["pull"]
    values = {"points": num.points(moved), "mean": num.value(e.prior_mean)}
    if moved < 0 and n <= 2:
        out = [ngettext("With only %(num)d review, the score is brought down %(points)s towards the call's mean "
                        "(%(mean)s).", "With only %(num)d reviews, the score is brought down %(points)s towards the "
                        "call's mean (%(mean)s).", n, **values)]
    elif moved < 0:
        out = [ngettext("With %(num)d review, the score is brought down %(points)s towards the call's mean "
                        "(%(mean)s).", "With %(num)d reviews, the score is brought down %(points)s towards the "
                        "call's mean (%(mean)s).", n, **values)]
    elif moved > 0 and n <= 2:
        out = [ngettext("With only %(num)d review, the score is brought up %(points)s towards the call's mean "
                        "(%(mean)s).", "With only %(num)d reviews, the score is brought up %(points)s towards the "
                        "call's mean (%(mean)s).", n, **values)]
    elif moved > 0:
        out = [ngettext("With %(num)d review, the score is brought up %(points)s towards the call's mean "
                        "(%(mean)s).", "With %(num)d reviews, the score is brought up %(points)s towards the call's "
                        "mean (%(mean)s).", n, **values)]
    else:
        out = [ngettext("With %(num)d review, the score barely moves towards the call's mean (%(mean)s): by less "
                        "than %(unit)s.", "With %(num)d reviews, the score barely moves towards the call's mean "
                        "(%(mean)s): by less than %(unit)s.", n, unit=num.points(1), **values)]
    out.append(_("The fewer and the less reliable a project's reviews, the more its score is drawn towards the "
                 "mean: here by %(share)s of the distance between their weighted mean and the call's mean.",
                 share=share(e.shrinkage)))
    if missing.pending and e.one_more_pull is not None and moved:
        smaller = abs(num.units(e.one_more_pull))
        if smaller < abs(moved):
            out.append(_("The missing review would most likely have made this pull smaller: about %(points)s with "
                         "one more review.", points=num.points(smaller)))
    return out


# --- two projects ---------------------------------------------------------------------------------------------

@dataclass
class Reason:
    text: str
    gap: str  # what it gives, signed: + in favour of the project ranked first


@dataclass
class ComparisonStory:
    summary: list[str]
    certainty: list[str]
    reasons: list[Reason]
    chart: object | None
    table: list[dict]  # steps × (first, second, gap)
    first: dict
    second: dict
    percent: int | None


def comparison_story(result: dict, first: dict, second: dict, comparison: explain.Comparison | None,
                     probability: float | None, *, label: Callable[[int], str]) -> ComparisonStory:
    """Why `first` (the better ranked) is above `second`, in words, a waterfall of the gap and a table;
    `comparison` None when the ranking cannot be explained to this viewer (only scores and certainty)."""
    num = numbers_of(result)
    out = explain.shown_comparison(comparison, num.places) if comparison is not None else None
    if out is not None:
        shown = out.a.subtotals[0], out.b.subtotals[0], out.a.subtotals[-1], out.b.subtotals[-1]
    else:
        shown = tuple(num.units(v) for v in (first["raw_mean"], second["raw_mean"], first["score"], second["score"]))
    percent = odds(probability).a_percent if probability is not None else None
    story = ComparisonStory(summary=_summary(first, second, shown, num), certainty=_certainty(first, second, percent),
                            reasons=[], chart=None, table=[], first=first, second=second, percent=percent)
    if out is not None:
        story.reasons, bars = _reasons(comparison, out, result, first["reference"], second["reference"], num, label)
        story.chart = waterfall(bars, domain=domain_of([v for bar in bars for v in (bar.start, bar.end)],
                                                       include=0.0, least=4 / 10**num.places), reference=0.0)
        story.table = _side_by_side(out, num)
    return story


def _summary(first: dict, second: dict, shown: tuple[int, int, int, int], num: Numbers) -> list[str]:
    ra, rb, sa, sb = shown
    values = {"a": first["reference"], "b": second["reference"], "ra": num.of(ra), "rb": num.of(rb),
              "sa": num.of(sa), "sb": num.of(sb)}
    if first["raw_mean"] < second["raw_mean"]:
        return [_("In raw means, %(b)s was ahead (%(rb)s against %(ra)s); calibrated, %(a)s is ahead (%(sa)s "
                  "against %(sb)s).", **values)]
    if first["raw_mean"] == second["raw_mean"]:
        return [_("Their raw means are equal (%(ra)s); calibrated, %(a)s is ahead (%(sa)s against %(sb)s).",
                  **values)]
    return [_("%(a)s is ahead both in raw means (%(ra)s against %(rb)s) and calibrated (%(sa)s against %(sb)s).",
              **values)]


def _certainty(first: dict, second: dict, percent: int | None) -> list[str]:
    if percent is None:
        return []
    values = {"a": first["reference"], "b": second["reference"], "percent": share(percent / 100)}
    if percent >= 95:
        out = [_("The ranking is almost sure of this order: %(a)s is above %(b)s in %(percent)s of the "
                 "calibration's draws.", **values)]
    elif percent >= 75:
        out = [_("This order is likely but not certain: %(a)s is above %(b)s in %(percent)s of the calibration's "
                 "draws.", **values)]
    else:
        out = [_("This order is uncertain: %(a)s is above %(b)s in only %(percent)s of the calibration's draws; "
                 "they could well be the other way round.", **values)]
    out.append(_("Each draw is one plausible reading of all the reviews, given what they show of the reviewers' "
                 "leniency, spread and noise."))
    return out


MAX_REVIEWER_BARS = 6  # the waterfall of a gap names this many reviewers, the others in one bar


def _reasons(comparison: explain.Comparison, out: explain.ShownComparison, result: dict, a: str, b: str,
             num: Numbers, label: Callable[[int], str]) -> tuple[list[Reason], list[Bar]]:
    """The gap's reasons in words, largest first, and its waterfall's bars: raw gap, reviewers, pull, rest,
    bounds, calibrated gap, adding up as shown."""
    def gives(gap: int) -> dict:
        return {"winner": a if gap > 0 else b, "gain": num.points(gap)}

    reviewers = {r["id"]: r for r in result["reviewers"]}
    ids_a = {t.reviewer for t in comparison.a.reviews}
    ids_b = {t.reviewer for t in comparison.b.reviews}
    reasons = [Reason(_("Raw means: %(ra)s for %(a)s, %(rb)s for %(b)s.", a=a, b=b, ra=num.of(out.a.subtotals[0]),
                        rb=num.of(out.b.subtotals[0])), num.signed(out.raw_gap))]
    bars = [Bar(label=_("Gap in raw means"), start=0.0, end=out.value(out.raw_gap), total=True,
                text=num.signed(out.raw_gap))]
    running, others = out.raw_gap, 0
    for part, gap in sorted(zip(comparison.reviewers, out.reviewers, strict=True), key=lambda x: -abs(x[1])):
        if not gap:
            continue
        who = label(part.reviewer)
        text = _reviewer_reason(who, part.reviewer in ids_a, part.reviewer in ids_b, a, b, gives(gap))
        leniency = num.units(reviewers[part.reviewer]["leniency"])
        if leniency > 0:
            text += " " + _("They score on average %(points)s above the other reviewers.", points=num.points(leniency))
        elif leniency < 0:
            text += " " + _("They score on average %(points)s below the other reviewers.", points=num.points(leniency))
        reasons.append(Reason(text, num.signed(gap)))
        if len(bars) <= MAX_REVIEWER_BARS:
            bars.append(Bar(label=who, start=out.value(running), end=out.value(running + gap), text=num.signed(gap)))
        else:
            others += gap
        running += gap
    if others:
        bars.append(Bar(label=_("Other reviewers"), start=out.value(running - others), end=out.value(running),
                        text=num.signed(others)))
    for kind, gap in (("pull", out.pull_gap), ("rest", out.rest_gap), ("bounds", out.bounds_gap)):
        if not gap:
            continue
        if kind == "pull":
            text = _("The pull towards the call's mean: %(pa)s for %(a)s, %(pb)s for %(b)s; it gives %(winner)s "
                     "%(gain)s.", a=a, b=b, pa=num.signed(out.a.steps["pull"]), pb=num.signed(out.b.steps["pull"]),
                     **gives(gap))
        elif kind == "rest":
            text = _("Estimating all the reviews together gives %(winner)s %(gain)s.", **gives(gap))
        else:
            text = _("Keeping the scores within the scale gives %(winner)s %(gain)s.", **gives(gap))
        reasons.append(Reason(text, num.signed(gap)))
        bars.append(Bar(label=_title(kind), start=out.value(running), end=out.value(running + gap),
                        text=num.signed(gap)))
        running += gap
    if out.score_gap > 0:
        total = _("In all, %(a)s is ahead by %(gap)s.", a=a, gap=num.points(out.score_gap))
    elif out.score_gap == 0:
        total = _("In all, %(a)s and %(b)s are level as written, %(a)s ranked ahead.", a=a, b=b)
    else:
        total = _("In all, %(b)s is ahead by %(gap)s.", b=b, gap=num.points(out.score_gap))
    reasons.append(Reason(total, num.signed(out.score_gap)))
    bars.append(Bar(label=_("Gap in calibrated scores"), start=0.0, end=out.value(out.score_gap), total=True,
                    text=num.signed(out.score_gap)))
    return reasons, bars


def _reviewer_reason(who: str, on_a: bool, on_b: bool, a: str, b: str, gives: dict) -> str:
    if on_a and on_b:
        return _("%(who)s reviewed both: correcting their reviews gives %(winner)s %(gain)s.", who=who, **gives)
    if on_a:
        return _("%(who)s reviewed %(a)s only: correcting their review gives %(winner)s %(gain)s.", who=who, a=a,
                 **gives)
    return _("%(who)s reviewed %(b)s only: correcting their review gives %(winner)s %(gain)s.", who=who, b=b,
             **gives)


def _side_by_side(out: explain.ShownComparison, num: Numbers) -> list[dict]:
    """Both projects' steps and their gap, as shown: the table of the comparison."""
    table = []
    for kind in ("start", "leniency", "spread", "weights", "weighted", "pull", "rest", "bounds", "end"):
        if kind in out.a.steps:
            x, y = out.a.steps[kind], out.b.steps[kind]
            if kind in ("rest", "bounds") and not x and not y:
                continue
            table.append({"title": _title(kind), "a": num.signed(x), "b": num.signed(y), "gap": num.signed(x - y)})
        else:
            index = {"start": 0, "weighted": 3, "end": -1}[kind]
            x, y = out.a.subtotals[index], out.b.subtotals[index]
            table.append({"title": _title(kind), "a": num.of(x), "b": num.of(y), "gap": num.signed(x - y),
                          "total": True})
    return table


def swapped_pairs(result: dict, limit: int = 8) -> list[tuple[dict, dict]]:
    """Neighbours in the calibrated ranking whose raw means are in the other order: the pairs calibration
    swapped, best ranked first."""
    projects = result["submissions"]
    pairs = [(x, y) for x, y in zip(projects, projects[1:], strict=False) if x["raw_mean"] < y["raw_mean"]]
    return pairs[:limit]


# --- one reviewer -------------------------------------------------------------------------------------------------

def reviewer_sentences(row: dict, profile, num: Numbers) -> list[str]:
    """What the calibration estimated of a reviewer, and how their scores compare with the others' (raw)."""
    out = []
    if row.get("leniency") is not None:
        leniency = num.units(row["leniency"])
        values = {"low": num.signed(num.units(row["leniency_low"])),
                  "high": num.signed(num.units(row["leniency_high"])), "points": num.points(leniency)}
        if leniency > 0:
            out.append(_("Scores on average %(points)s above the other reviewers of the same projects (between "
                         "%(low)s and %(high)s with 90 %% probability).", **values))
        elif leniency < 0:
            out.append(_("Scores on average %(points)s below the other reviewers of the same projects (between "
                         "%(low)s and %(high)s with 90 %% probability).", **values))
        else:
            out.append(_("Scores like the other reviewers of the same projects (leniency between %(low)s and "
                         "%(high)s with 90 %% probability).", **values))
    if row.get("scale") is not None:
        values = {"factor": factor(row["scale"]), "low": factor(row["scale_low"]), "high": factor(row["scale_high"])}
        if row["scale"] > 1.005:
            out.append(_("Spreads their scores %(factor)s times as widely as the average reviewer (between %(low)s "
                         "and %(high)s).", **values))
        elif row["scale"] < 0.995:
            out.append(_("Keeps their scores closer together than the average reviewer: %(factor)s times as spread "
                         "(between %(low)s and %(high)s).", **values))
        else:
            out.append(_("Spreads their scores like the average reviewer."))
    if row.get("reliability") is not None:
        out.append(_("Reliability %(value)s: the share of the differences between their scores that reflects the "
                     "projects rather than chance.", value=factor(row["reliability"])))
    shared = profile.shared
    if shared:
        gap = num.units(profile.mean_gap)
        k = len(shared)
        if gap > 0:
            out.append(ngettext("On the %(num)d project they shared with other reviewers, they gave %(points)s more "
                                "than the others' mean.", "On the %(num)d projects they shared with other reviewers, "
                                "they gave on average %(points)s more than the others' mean.", k,
                                points=num.points(gap)))
        elif gap < 0:
            out.append(ngettext("On the %(num)d project they shared with other reviewers, they gave %(points)s less "
                                "than the others' mean.", "On the %(num)d projects they shared with other reviewers, "
                                "they gave on average %(points)s less than the others' mean.", k,
                                points=num.points(gap)))
        else:
            out.append(ngettext("On the %(num)d project they shared with other reviewers, they gave what the others "
                                "gave on average.", "On the %(num)d projects they shared with other reviewers, they "
                                "gave what the others gave on average.", k))
    else:
        out.append(_("They shared no project with another reviewer: nothing compares their scores with others'."))
    return out


def reviewer_line(row: dict, center: float | None) -> tuple[float, float] | None:
    """The reviewer's expected score against an average reviewer's, as the calibration reads them:
    y = centre + leniency + spread × (x − centre); as (intercept, slope)."""
    if center is None or row.get("leniency") is None:
        return None
    slope = row.get("scale") or 1.0
    return center + row["leniency"] - slope * center, slope
