"""The default model's reviewer components chosen per call (core.calibration.selection): which variant on which
panel, deterministically, and the closed-form leave-one-out it rests on."""
import math

import numpy as np
import pytest

from prizeapp.core.calibration import calibrate
from prizeapp.core.calibration.data import prepare, standardise
from prizeapp.core.calibration.hierarchical import Structure, fit_hierarchical
from prizeapp.core.calibration.selection import MAX_REVIEWERS, VARIANTS, loo_residuals

from .test_calibration import panel


def reviewers_panel(seed, stretch=(1.0,), noise=(0.5,), n_sub=150, n_rev=10):
    """150 projects × 10 reviewers × 3 reviews, leniencies sd 0.5; each reviewer's stretch and noise taken in
    turn from `stretch` and `noise` (so (0.5, 2.0) alternates compressing and stretching reviewers)."""
    s, r, _, _, q, bias = panel(n_sub=n_sub, n_rev=n_rev, k=3, bias_sd=0.5, seed=seed)
    rng = np.random.default_rng(seed + 1000)
    a, sd = np.resize(stretch, n_rev), np.resize(noise, n_rev)
    return s, r, bias[r] + a[r] * q[s] + sd[r] * rng.standard_normal(len(s))


@pytest.mark.parametrize("seed", range(4))
def test_reviewers_who_share_one_spread_and_one_noise_get_the_leniency_only_variant(seed):
    res = calibrate(*reviewers_panel(seed), n_draws=20)
    assert res.parameters["variant"] == "leniency"
    assert all(e.scale == 1.0 for e in res.reviewers)
    assert res.parameters["noise_prior_dof"] is None  # one noise level for all


@pytest.mark.parametrize("seed", range(4))
def test_reviewers_who_clearly_differ_in_spread_get_a_variant_with_spreads(seed):
    res = calibrate(*reviewers_panel(seed, stretch=(0.5, 2.0)), n_draws=20)
    how = res.parameters["variant_selection"]
    assert res.parameters["variant"] in ("leniency_spread", "full")
    assert how["method"] == "leave_one_out"
    assert how["scores"][res.parameters["variant"]] < how["scores"]["leniency"]
    scales = np.array([e.scale for e in res.reviewers])
    assert np.all(scales[1::2] > 1.5 * scales[0::2])  # the stretching reviewers found as such


@pytest.mark.parametrize("seed", range(4))
def test_reviewers_who_clearly_differ_in_noise_get_the_full_variant(seed):
    res = calibrate(*reviewers_panel(seed, noise=(0.2, 1.2)), n_draws=20)
    assert res.parameters["variant"] == "full"
    noise = np.array([e.noise_sd for e in res.reviewers])
    assert np.all(noise[1::2] > 2 * noise[0::2])


def test_the_choice_depends_neither_on_the_seed_nor_on_the_order_or_labels_of_the_reviews():
    s, r, y = reviewers_panel(1, stretch=(0.7, 1.4), noise=(0.4, 0.7), n_sub=60, n_rev=8)
    base = calibrate(s, r, y, n_draws=20)
    order = np.random.default_rng(3).permutation(len(s))
    others = [calibrate(s, r, y, n_draws=20, seed=7),
              calibrate(s[order], r[order], y[order], n_draws=20),
              calibrate(-s, [f"reviewer {j}" for j in (7 - r)], y, n_draws=20)]
    for other in others:
        assert other.parameters["variant"] == base.parameters["variant"]
        assert other.parameters["variant_selection"]["method"] == base.parameters["variant_selection"]["method"]
        for name, score in base.parameters["variant_selection"]["scores"].items():
            assert other.parameters["variant_selection"]["scores"][name] == pytest.approx(score, rel=1e-9)
    assert calibrate(s, r, y, n_draws=20) == base


def test_a_panel_with_more_reviewers_than_the_limit_gets_the_full_model_without_selection():
    n_rev = MAX_REVIEWERS + 1
    s, r, y, *_ = panel(n_sub=n_rev, n_rev=n_rev, k=3, bias_sd=0.5, seed=2)
    res = calibrate(s, r, y, n_draws=20)
    assert res.parameters["variant"] == "full"
    assert res.parameters["variant_selection"] == {"method": "size", "max_reviewers": MAX_REVIEWERS}


def test_a_panel_where_no_project_is_reviewed_twice_gets_the_leniency_only_variant():
    res = calibrate([1, 2, 3, 4], ["a", "b", "a", "b"], [3.0, 4.0, 2.0, 5.0], n_draws=20)
    assert res.parameters["variant"] == "leniency"
    assert res.parameters["variant_selection"] == {"method": "too_few_reviews"}


def test_a_variant_can_be_asked_for_and_an_unknown_one_is_refused():
    s, r, y = reviewers_panel(0, stretch=(0.5, 2.0))
    res = calibrate(s, r, y, n_draws=20, variant="leniency")
    assert res.parameters["variant"] == "leniency"
    assert res.parameters["variant_selection"] == {"method": "requested"}
    assert all(e.scale == 1.0 for e in res.reviewers)
    with pytest.raises(ValueError, match="variant must be"):
        calibrate(s, r, y, variant="everything")
    with pytest.raises(ValueError, match="variant must be"):
        calibrate(s, r, y, model="additive", variant="full")


@pytest.mark.parametrize("structure", [VARIANTS["leniency"], Structure(scale="shrunk", noise="shared"),
                                       Structure(scale="shrunk", noise="tested")])
def test_the_closed_form_leverages_are_those_of_the_dense_hat_matrix(structure):
    # the linearised model written out in full: J (reviews × qualities, leniencies, log scales), M = JᵀWJ + P,
    # H = diag(W J M⁻¹ Jᵀ); `loo_residuals` eliminates the qualities instead
    s, r, y, *_ = panel(n_sub=30, n_rev=6, k=3, bias_sd=0.8, scale_sd=0.4, seed=3)
    d = prepare(s, r, y, None, None, None)
    center, spread = standardise(d.y)
    z = (d.y - center) / spread
    fit = fit_hierarchical(d, z, max_iter=500, tol=1e-8, structure=structure)
    e, h, w = loo_residuals(d, fit)
    n, N, R = len(z), d.n_sub, d.n_rev
    a = np.exp(fit.l)
    rows = np.arange(n)
    blocks, prior = [np.zeros((n, N))], [np.full(N, 1 / fit.tau_q2)]
    blocks[0][rows, d.s] = a[d.r]
    if fit.params["tau_b2"] > 0:
        blocks.append(np.zeros((n, R)))
        blocks[-1][rows, d.r] = 1.0
        prior.append(np.full(R, 1 / fit.params["tau_b2"]))
    if fit.params["tau_l2"] > 0:
        blocks.append(np.zeros((n, R)))
        blocks[-1][rows, d.r] = a[d.r] * fit.q[d.s]
        prior.append(np.full(R, 1 / fit.params["tau_l2"]))
    assert len(blocks) == 3 or structure == VARIANTS["leniency"]  # the panel exercises every component
    J = np.hstack(blocks)
    M = J.T @ (w[:, None] * J) + np.diag(np.concatenate(prior))
    hat = w * np.einsum("ij,jk,ik->i", J, np.linalg.inv(M), J)
    np.testing.assert_allclose(h, hat, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(e, z - (fit.b[d.r] + a[d.r] * fit.q[d.s]), atol=1e-12)
    assert np.all((0 < h) & (h < 1)) and math.isfinite(float(np.sum(e / (1 - h))))
