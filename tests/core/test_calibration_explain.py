"""A calibrated score taken apart (core.calibration.explain): on random panels, for every model, the steps add
up to the score, exactly and as shown rounded; the pull they show is the model's; two projects compared add up
too; the draws keep their verdict once packed."""
import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prizeapp.core.calibration import MODELS, calibrate
from prizeapp.core.calibration.explain import (
    REVIEW_STEPS,
    STEPS,
    Calibrated,
    Review,
    Reviewer,
    compare,
    explain,
    explain_result,
    largest_remainder,
    pack_draws,
    probability_above,
    shown,
    shown_comparison,
    units,
    unpack_draws,
)
from prizeapp.core.calibration.selection import VARIANTS

from .test_calibration import panel, panels

# Each example calibrates one panel with every model.
EVERY_MODEL = settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
# What the formula leaves between the weighted mean pulled towards the prior and the model's quality (the
# step `rest`), in a fit that converged: within this share of the scores' spread. The fit stops at a
# tolerance, its last round used the previous round's spreads, and it reads an uncertain spread cautiously
# around its own origin, which lies near the call's centre that `explain` uses (0.8 % at most on 400 random
# panels).
REST_TOLERANCE = 0.02


def _explained(s, r, y, conf, model, **kwargs):
    result = calibrate(s, r, y, conf, model=model, **kwargs)
    return result, explain_result(result, s, r, y, conf)


def _assert_adds_up(e, decimals):
    # exactly (to float rounding): the raw mean plus the steps is the score, each review step is its parts
    assert e.raw_mean + math.fsum(e.steps.values()) == pytest.approx(e.score, abs=1e-9)
    for kind in REVIEW_STEPS:
        assert math.fsum(t.parts[kind] for t in e.reviews) == pytest.approx(e.steps[kind], abs=1e-9)
    assert math.fsum(t.weight for t in e.reviews) == pytest.approx(1.0)
    # as shown: the rounded subtotals are what each value shows on its own, the steps between them add up
    # to the rounded score, and each is within one unit of its value
    out = shown(e, decimals)
    scale = 10**decimals
    assert out.subtotals == tuple(units(v, decimals) for v in e.subtotals)
    assert out.subtotals[-1] == units(e.score, decimals)
    assert out.subtotals[0] + sum(out.steps[k] for k in STEPS) == out.subtotals[-1]
    for kind in STEPS:
        assert abs(out.steps[kind] - e.steps[kind] * scale) < 1
    for kind in REVIEW_STEPS:
        assert sum(out.parts[kind]) == out.steps[kind]
        for part, term in zip(out.parts[kind], e.reviews, strict=True):
            assert abs(part - term.parts[kind] * scale) < 1
    assert sum(row.weight_percent for row in out.reviews) == 100
    for row, term in zip(out.reviews, e.reviews, strict=True):
        assert row.score + row.leniency + row.spread == row.corrected == units(term.corrected, decimals)
        assert row.score == units(term.score, decimals)
        assert abs(row.weight_percent - 100 * term.weight) < 1


@EVERY_MODEL
@given(panels(), st.sampled_from([0, 1, 2]), st.integers(0, 2**16))
def test_on_random_panels_every_models_steps_add_up_to_the_score_exactly_and_as_shown(data, decimals, pick):
    s, r, y, conf, seed = data
    for model in MODELS:
        result, explained = _explained(s, r, y, conf, model, seed=seed)
        spread = result.parameters["spread"]
        for sid, e in explained.items():
            assert e.score == result.submission(sid).score
            _assert_adds_up(e, decimals)
            if e.shrinkage is None:  # nothing pulls: the quality is the mean of the corrected reviews
                assert e.pull == 0 and abs(e.steps["rest"]) < 1e-6 * spread, (model, sid)
            else:
                assert 0 < e.shrinkage < 1
            if result.parameters.get("converged", True):
                assert abs(e.steps["rest"]) < REST_TOLERANCE * spread, (model, sid)
        # any two projects: the reviewers' parts, the pulls' and the bounds' gaps add up to the gap between
        # the two scores as each project's own explanation shows it
        ids = sorted(explained)
        a, b = ids[pick % len(ids)], ids[(pick // len(ids) + 1 + pick) % len(ids)]
        c = compare(explained[a], explained[b], result.score_draws(a), result.score_draws(b))
        assert c.raw_gap + math.fsum(x.gap for x in c.reviewers) + c.pull_gap + c.rest_gap + c.bounds_gap == \
            pytest.approx(c.score_gap, abs=1e-9)
        out = shown_comparison(c, decimals)
        assert out.raw_gap + sum(out.reviewers) + out.pull_gap + out.rest_gap + out.bounds_gap == out.score_gap
        assert out.score_gap == units(explained[a].score, decimals) - units(explained[b].score, decimals)
        assert 0 <= c.probability <= 1
        if a != b:
            back = compare(explained[b], explained[a], result.score_draws(b), result.score_draws(a))
            assert c.probability + back.probability == pytest.approx(1.0)


@EVERY_MODEL
@given(panels(), st.sampled_from(sorted(VARIANTS)), st.sampled_from([1, 2]))
def test_every_variant_of_the_hierarchical_model_adds_up_too(data, variant, decimals):
    # the default model chooses among simpler variants on small panels: each one is explained in the same terms
    s, r, y, conf, seed = data
    result, explained = _explained(s, r, y, conf, "hierarchical", seed=seed, variant=variant)
    for e in explained.values():
        _assert_adds_up(e, decimals)
        assert 0 < e.shrinkage < 1
        if result.parameters["converged"]:
            assert abs(e.steps["rest"]) < REST_TOLERANCE * result.parameters["spread"], variant


@pytest.mark.parametrize("model", MODELS)
def test_a_panel_in_two_groups_that_share_no_reviewer_adds_up_in_each(model):
    s, r, y, conf, *_ = panel(n_sub=10, n_rev=4, k=2, seed=3, confidence=True, scale_sd=0.3)
    subs = [f"a{i}" for i in s] + [f"b{i}" for i in s]
    revs = [f"A{j}" for j in r] + [f"B{j}" for j in r]
    scores = np.r_[y, y + 1.0]
    result, explained = _explained(subs, revs, scores, np.r_[conf, conf], model)
    assert result.connectivity.n_components == 2
    for e in explained.values():
        _assert_adds_up(e, 1)
        assert abs(e.steps["rest"]) < REST_TOLERANCE * result.parameters["spread"]


def test_the_raw_mean_corrects_nothing_and_pulls_nowhere():
    s, r, y, *_ = panel(n_sub=8, n_rev=4, k=2, seed=1)
    result, explained = _explained(s, r, y, None, "raw_mean")
    for sid, e in explained.items():
        assert e.weighted_mean == pytest.approx(e.raw_mean) == pytest.approx(result.submission(sid).raw_mean)
        assert all(abs(v) < 1e-9 for v in e.steps.values())
        assert e.shrinkage is None and e.prior_mean is None


def test_zscore_reads_each_review_on_its_reviewers_own_scale():
    s, r, y, *_ = panel(n_sub=8, n_rev=4, k=2, seed=2)
    result, explained = _explained(s, r, y, None, "zscore")
    center = result.parameters["center"]
    for sid, e in explained.items():
        for t in e.reviews:
            own = y[r == t.reviewer]
            # the reviewer's mean and deviation (ddof 1) become the call's: their distance from the centre
            assert t.corrected == pytest.approx(center + (t.score - own.mean()) / own.std(ddof=1)
                                                * result.parameters["spread"])
        assert e.weighted_mean == pytest.approx(result.submission(sid).quality)


def test_few_reviews_are_pulled_towards_the_calls_mean_below_both_corrected_reviews():
    # the project: two generous reviews of a project, in a panel where most projects have three; its
    # score is below both corrected reviews, and the steps say why: the pull towards the call's mean
    rng = np.random.default_rng(7)
    subs, revs, scores = [], [], []
    quality = rng.normal(3.5, 0.6, 12)
    leniency = [0.6, 0.0, -0.4, 0.2, -0.2]
    for i in range(12):
        chosen = [0, 1] if i == 0 else sorted(rng.choice(5, 3, replace=False).tolist())
        for j in chosen:
            subs.append(i)
            revs.append(j)
            scores.append(float(np.clip(round(quality[i] + 1.2 * (i == 0) + leniency[j]
                                              + rng.normal(0, 0.4), 1), 0, 5)))
    result = calibrate(subs, revs, scores, scale=(0, 5), step=0.0)
    e = explain_result(result, subs, revs, scores)[0]
    assert e.prior_mean < e.weighted_mean
    assert e.score < min(t.corrected for t in e.reviews)
    assert e.pull < 0 and 0 < e.shrinkage < 1
    assert e.pull == pytest.approx(e.shrinkage * (e.prior_mean - e.weighted_mean))
    assert abs(e.steps["rest"]) < 0.01
    # one more review would pull less
    assert e.pull < e.one_more_pull < 0


def test_weights_follow_reliability_and_confidence():
    reviewers = {"sure": Reviewer(noise_sd=0.5), "noisy": Reviewer(noise_sd=1.0)}
    calibrated = Calibrated(score=3.0, quality=3.0, prior_mean=3.0, prior_sd=1.0)
    e = explain([Review("sure", 4.0, 2), Review("noisy", 2.0, 2)], reviewers, calibrated, center=3.0,
                multipliers=(2.0, 1.0, 0.5))
    assert [t.odds for t in e.reviews] == pytest.approx([4.0, 1.0])
    assert [t.weight for t in e.reviews] == pytest.approx([0.8, 0.2])
    assert e.shrinkage == pytest.approx(1 / 6)
    low = explain([Review("sure", 4.0, 1), Review("noisy", 2.0, 3)], reviewers, calibrated, center=3.0,
                  multipliers=(2.0, 1.0, 0.5))
    assert [t.odds for t in low.reviews] == pytest.approx([2.0, 2.0])  # a low-confidence review weighs less


def test_a_reviewers_spread_is_corrected_around_the_calls_centre_with_caution_when_uncertain():
    sure = Reviewer(leniency=0.5, scale=2.0)
    unsure = Reviewer(leniency=0.5, scale=2.0, log_scale_sd=0.3)
    calibrated = Calibrated(score=3.0, quality=3.0)
    e = explain([Review("r", 4.5)], {"r": sure}, calibrated, center=3.0)
    assert e.reviews[0].corrected == pytest.approx(3.5)  # 4.5 − 0.5 = 4, one point above 3, halved
    e = explain([Review("r", 4.5)], {"r": unsure}, calibrated, center=3.0)
    assert e.reviews[0].spread == pytest.approx(2.0 * math.exp(0.09))


def test_nothing_to_explain_without_reviews():
    with pytest.raises(ValueError, match="without reviews"):
        explain([], {}, Calibrated(score=1.0, quality=1.0), center=0.0)


# --- rounding -------------------------------------------------------------------------------------------------

@given(st.floats(-1e6, 1e6, allow_nan=False), st.sampled_from([0, 1, 2, 3]))
def test_units_round_as_the_pages_write_scores(value, decimals):
    # the shortest decimal form of the value, halves away from zero (formatting.rounded_score)
    expected = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    assert units(value, decimals) == int(expected.scaleb(decimals))
    assert units(4.25, 1) == 43 and units(-4.25, 1) == -43 and units(0.35, 1) == 4


@given(st.lists(st.floats(-50, 50, allow_nan=False), min_size=1, max_size=8), st.integers(-2, 2))
def test_largest_remainder_adds_up_and_stays_within_one(values, off):
    target = round(math.fsum(values))
    out = largest_remainder(values, target)
    assert sum(out) == target
    assert all(math.floor(v) <= o <= math.ceil(v) for v, o in zip(values, out, strict=True))
    assert sum(largest_remainder(values, target + off * len(values))) == target + off * len(values)


def test_largest_remainder_rounds_up_the_largest_fractions_first():
    assert largest_remainder([33.3, 33.3, 33.4], 100) == [33, 33, 34]
    assert largest_remainder([0.5, 0.5], 1) == [1, 0]
    assert largest_remainder([-0.4, 1.4], 1) == [0, 1]
    assert largest_remainder([], 0) == []
    with pytest.raises(ValueError):
        largest_remainder([], 1)


# --- the draws ------------------------------------------------------------------------------------------------

def test_packed_draws_keep_their_values_and_verdict():
    rng = np.random.default_rng(0)
    a, b = rng.normal(3.2, 0.3, 200), rng.normal(3.0, 0.3, 200)
    packed = pack_draws(a)
    assert set(packed) == {"mean", "sd", "z"} and len(packed["z"]) <= 4 * 200 * 2 / 3 + 4
    back = unpack_draws(packed)
    assert np.max(np.abs(back - a)) <= 0.3 / 4096
    assert probability_above(back, unpack_draws(pack_draws(b))) == probability_above(a, b)
    flat = unpack_draws(pack_draws(np.full(50, 2.5)))
    assert np.all(flat == 2.5) and probability_above(flat, flat) == 0.5


@pytest.mark.parametrize("model", MODELS)
def test_the_result_keeps_its_draws_and_priors(model):
    s, r, y, conf, *_ = panel(n_sub=10, n_rev=4, k=2, seed=5, confidence=True)
    result = calibrate(s, r, y, conf, model=model, n_draws=40)
    for e in result.submissions:
        draws = result.score_draws(e.id)
        assert draws.shape == (40,)
        assert abs(float(np.mean(draws)) - e.quality) < 4 * e.quality_sd
    gaussian = model in ("hierarchical", "additive")
    assert all((e.prior_mean is not None and e.prior_sd > 0) == gaussian for e in result.submissions)
    if model == "hierarchical":  # pulled towards the mean of the call's qualities
        assert result.submissions[0].prior_mean == pytest.approx(np.mean([e.quality for e in result.submissions]))
    assert all((rv.log_scale_sd is not None) == (rv.scale is not None) for rv in result.reviewers)
