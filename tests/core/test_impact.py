from datetime import UTC, datetime

import pytest

from prizeapp.core import impact


def paris(*args) -> datetime:
    from prizeapp.core.localtime import to_utc

    return to_utc(datetime(*args))


def test_a_milestone_keeps_the_paris_wall_clock_across_the_change_of_time():
    # Results at 18:00 in summer time; the 6-month report is due at 18:00 in winter time.
    assert impact.add_months(paris(2026, 8, 31, 18, 0), 6) == paris(2027, 2, 28, 18, 0)
    assert impact.add_months(paris(2026, 8, 31, 18, 0), 6) == datetime(2027, 2, 28, 17, 0, tzinfo=UTC)


def test_a_milestone_on_a_shorter_month_is_its_last_day():
    assert impact.add_months(paris(2027, 10, 31, 9, 0), 4) == paris(2028, 2, 29, 9, 0)  # a leap year
    assert impact.add_months(paris(2026, 1, 31, 9, 0), 1) == paris(2026, 2, 28, 9, 0)


def test_milestones_cross_years():
    assert impact.add_months(paris(2025, 10, 2, 11, 0), 24) == paris(2027, 10, 2, 11, 0)


def test_add_days_keeps_the_wall_clock():
    # 14 days before 5 April 2027 09:00 (summer time) is 22 March 09:00 (winter time).
    assert impact.add_days(paris(2027, 4, 5, 9, 0), -14) == paris(2027, 3, 22, 9, 0)


@pytest.mark.parametrize("months", [[], [0], [121], [-6]])
def test_milestones_must_be_between_one_month_and_ten_years(months):
    with pytest.raises(ValueError):
        impact.check_milestones(months)


def test_milestones_are_sorted_without_repeats():
    assert impact.check_milestones([24, 6, 12, 6]) == [6, 12, 24]


def test_reminder_stages_follow_the_due_date():
    due = paris(2027, 4, 2, 11, 0)
    assert impact.reminder_stage(due, paris(2027, 3, 19, 10, 59)) is None
    assert impact.reminder_stage(due, paris(2027, 3, 19, 11, 0)) == "before"
    assert impact.reminder_stage(due, paris(2027, 4, 2, 11, 0)) == "due"
    assert impact.reminder_stage(due, paris(2027, 4, 16, 11, 0)) == "late"
    assert impact.reminder_stage(due, paris(2027, 5, 2, 11, 0)) == "organisers"
    assert impact.reminder_stage(due, paris(2028, 1, 1, 0, 0)) == "organisers"


def test_progress_goes_from_the_baseline_to_the_target():
    assert impact.progress(0, 400, 100) == pytest.approx(0.25)
    assert impact.progress(21, 7, 14) == pytest.approx(0.5)  # a time to reduce
    assert impact.progress(21, 7, 25) == pytest.approx(-4 / 14)  # it went the wrong way
    assert impact.progress(0, 400, 600) == pytest.approx(1.5)
    assert impact.progress(5, 5, 6) is None
    assert impact.progress(None, 5, 6) is None


def test_targets_reached_share_caps_each_indicator():
    assert impact.targets_reached_share([1.5, 0.5, -0.2]) == pytest.approx(0.5)
    assert impact.targets_reached_share([None]) is None


def test_percentile_ranks_share_ties():
    assert impact.percentile_ranks([3.0, 1.0, 2.0, 2.0]) == [1.0, 0.0, 0.5, 0.5]
    assert impact.percentile_ranks([4.2]) == [0.5]


def test_rank_agreement_finds_a_perfect_order():
    agreement = impact.rank_agreement([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [1, 2, 3, 4, 5, 6])

    assert agreement.rho == pytest.approx(1.0)
    assert agreement.low == pytest.approx(1.0) and agreement.high == pytest.approx(1.0)
    assert agreement.n == 6


def test_rank_agreement_has_a_wide_interval_for_a_few_noisy_projects():
    agreement = impact.rank_agreement([0.0, 0.2, 0.4, 0.6, 0.8, 1.0], [2, 1, 4, 3, 1, 5], seed=3)

    assert -1 <= agreement.low < agreement.rho < agreement.high <= 1
    assert agreement.high - agreement.low > 0.5


def test_rank_agreement_is_the_same_for_the_same_seed():
    places, outcomes = [0.1, 0.5, 0.3, 0.9, 0.7], [2, 3, 1, 5, 4]

    assert impact.rank_agreement(places, outcomes, seed=1) == impact.rank_agreement(places, outcomes, seed=1)


@pytest.mark.parametrize(("places", "outcomes"), [([0.1, 0.2, 0.3], [1, 2, 3]), ([0.1, 0.2, 0.3, 0.4], [2, 2, 2, 2])])
def test_no_agreement_without_four_projects_or_any_spread(places, outcomes):
    assert impact.rank_agreement(places, outcomes) is None
