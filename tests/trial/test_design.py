"""A trial plan's design and calendar, and what a plan can promise (issue 37)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journal.trial import design
from journal.trial.design import (
    BASELINE,
    DEFAULT_DAILY_SD,
    Block,
    Design,
    block_on,
    chance_of_helped,
    daily_sd_of,
    draw_orders,
    schedule,
    shortest_design,
    washout_days,
)

ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Pacific/Chatham", "UTC"]

designs = st.builds(
    Design,
    pairs=st.integers(2, 6),
    block_days=st.sampled_from(design.BLOCK_DAYS),
    baseline_week=st.booleans(),
    sessions_per_week=st.integers(1, 7),
)


@st.composite
def plans(draw):
    found = draw(designs)
    start = draw(st.dates(date(2024, 1, 1), date(2027, 12, 31)))
    orders = draw(
        st.lists(st.sampled_from(design.ORDERS), min_size=found.pairs, max_size=found.pairs)
    )
    return found, start, orders


def test_it_leaves_a_week_out_of_14_day_blocks_and_two_days_out_of_7():
    assert washout_days(14) == 7
    assert washout_days(7) == 2
    assert Design(3, 14).washout == 7
    assert Design(3, 7).rated_per_block == 5
    with pytest.raises(ValueError):
        washout_days(10)


@pytest.mark.parametrize(
    "arguments",
    [(1, 14), (7, 14), (3, 10), (3, 14, False, 0), (3, 14, False, 8)],
)
def test_it_refuses_a_design_out_of_range(arguments):
    with pytest.raises(ValueError):
        Design(*arguments)


def test_it_counts_every_day_of_the_plan():
    assert Design(4, 14).days == 112
    assert Design(4, 14, baseline_week=True).days == 119


def test_it_lays_the_blocks_out_in_calendar_order_after_the_baseline_week():
    blocks = schedule(Design(2, 14, baseline_week=True), date(2025, 3, 3), ["BA", "AB"])

    assert blocks == [
        Block(0, None, BASELINE, date(2025, 3, 3), date(2025, 3, 9)),
        Block(1, 1, "B", date(2025, 3, 10), date(2025, 3, 23)),
        Block(2, 1, "A", date(2025, 3, 24), date(2025, 4, 6)),
        Block(3, 2, "A", date(2025, 4, 7), date(2025, 4, 20)),
        Block(4, 2, "B", date(2025, 4, 21), date(2025, 5, 4)),
    ]
    assert [block.rated_from for block in blocks] == [
        date(2025, 3, 3),
        date(2025, 3, 17),
        date(2025, 3, 31),
        date(2025, 4, 14),
        date(2025, 4, 28),
    ]


def test_it_numbers_the_blocks_from_one_without_a_baseline_week():
    blocks = schedule(Design(2, 7), date(2025, 1, 6), ["AB", "AB"])

    assert [(block.number, block.pair, block.arm) for block in blocks] == [
        (1, 1, "A"),
        (2, 1, "B"),
        (3, 2, "A"),
        (4, 2, "B"),
    ]
    assert blocks[1].rated_from == date(2025, 1, 15)
    assert blocks[-1].last_day == date(2025, 2, 2)


@pytest.mark.parametrize("orders", [["AB"], ["AB", "AB", "AB"], ["AB", "BB"], ["AB", "ab"]])
def test_it_refuses_orders_that_do_not_fit_the_design(orders):
    with pytest.raises(ValueError):
        schedule(Design(2, 7), date(2025, 1, 6), orders)


def test_it_draws_each_pairs_order_with_secrets(monkeypatch):
    drawn = []

    def choice(options):
        drawn.append(options)
        return options[len(drawn) % 2]

    monkeypatch.setattr(design.secrets, "choice", choice)

    assert draw_orders(4) == ["BA", "AB", "BA", "AB"]
    assert drawn == [("AB", "BA")] * 4


def test_it_draws_both_orders():
    drawn = [order for _ in range(50) for order in draw_orders(6)]

    assert set(drawn) == {"AB", "BA"}


def test_it_finds_the_block_a_day_falls_in():
    blocks = schedule(Design(2, 7, baseline_week=True), date(2025, 1, 6), ["AB", "BA"])

    assert block_on(blocks, date(2025, 1, 5)) is None
    assert block_on(blocks, date(2025, 1, 6)) == blocks[0]
    assert block_on(blocks, date(2025, 1, 13)) == blocks[1]
    assert block_on(blocks, date(2025, 1, 19)) == blocks[1]
    assert block_on(blocks, date(2025, 1, 20)) == blocks[2]
    assert block_on(blocks, date(2025, 2, 9)) == blocks[4]
    assert block_on(blocks, date(2025, 2, 10)) is None


@given(plans())
def test_the_same_stored_orders_give_the_same_schedule(plan):
    found, start, orders = plan

    assert schedule(found, start, orders) == schedule(found, start, list(orders))
    assert schedule(Design(**vars(found)), date.fromisoformat(start.isoformat()), orders) == (
        schedule(found, start, orders)
    )


@given(plans())
def test_the_blocks_follow_one_another_day_by_day(plan):
    found, start, orders = plan
    blocks = schedule(found, start, orders)

    assert blocks[0].first_day == start
    assert sum(block.days for block in blocks) == found.days
    for before, after in zip(blocks, blocks[1:], strict=False):
        assert after.first_day == before.last_day + timedelta(days=1)
        assert after.number == before.number + 1
    pairs = [block for block in blocks if block.arm != BASELINE]
    assert all(block.days == found.block_days for block in pairs)
    assert ["".join(block.arm for block in pairs[n : n + 2]) for n in range(0, len(pairs), 2)] == (
        orders
    )


@settings(max_examples=200)
@given(
    plans(),
    st.sampled_from(ZONES),
    st.integers(-3 * 24 * 60, (175 + 3) * 24 * 60),
)
def test_a_moment_falls_in_the_block_of_its_local_date_whatever_the_zone(plan, zone, minutes):
    """Any instant from a few days before the plan to a few after, in any zone: its block is the
    one its local date is counted into, by whole days from the start, across every summer-time
    change the plan spans (most spans of up to 175 days cross one)."""
    found, start, orders = plan
    blocks = schedule(found, start, orders)
    moment = datetime(start.year, start.month, start.day, tzinfo=UTC) + timedelta(minutes=minutes)
    day = moment.astimezone(ZoneInfo(zone)).date()

    offset = (day - start).days
    if not 0 <= offset < found.days:
        assert block_on(blocks, day) is None
        return
    if found.baseline_week:
        offset -= 7
    expected = 0 if offset < 0 else 1 + offset // found.block_days
    assert block_on(blocks, day).number == expected


def test_a_summer_time_change_moves_no_rating_to_another_block():
    """Berlin's clocks go forward on 30 March 2025, so the first 7-day block lasts 167 hours.
    A rating just after midnight on the 31st belongs to the second block; counting 7 × 24 hours
    from the start would have put it in the first."""
    berlin = ZoneInfo("Europe/Berlin")
    blocks = schedule(Design(2, 7), date(2025, 3, 24), ["AB", "BA"])
    rated_at = datetime(2025, 3, 31, 0, 30, tzinfo=berlin)

    assert block_on(blocks, rated_at.date()) == blocks[1]
    # Instants in one zone subtract as wall-clock times in Python: elapsed time is in UTC.
    started = datetime(2025, 3, 24, tzinfo=berlin).astimezone(UTC)
    assert rated_at.astimezone(UTC) - started < timedelta(days=7)
    ends = datetime(2025, 3, 31, tzinfo=berlin).astimezone(UTC)
    assert (ends - started) / timedelta(hours=1) == 167


def test_a_move_abroad_keeps_the_calendar():
    """A person who flies from Berlin to Sydney mid-plan rates their evenings on Sydney's dates;
    the blocks are dates, so each evening still falls in the block of its date."""
    blocks = schedule(Design(2, 14), date(2025, 10, 13), ["AB", "BA"])
    sydney_evening = datetime(2025, 10, 27, 20, 0, tzinfo=ZoneInfo("Australia/Sydney"))

    assert sydney_evening.astimezone(ZoneInfo("Europe/Berlin")).date() == date(2025, 10, 27)
    assert block_on(blocks, sydney_evening.date()) == blocks[1]


def test_the_chance_of_helped_without_an_effect_is_the_intervals_one_tail():
    for pairs in design.PAIRS:
        for days in design.BLOCK_DAYS:
            assert chance_of_helped(Design(pairs, days), 1.5, 0.0) == pytest.approx(0.025)


def test_the_chance_of_helped_grows_with_pairs_and_effect_and_falls_with_spread():
    by_pairs = [chance_of_helped(Design(pairs, 14), 1.5, 2.0) for pairs in design.PAIRS]
    assert by_pairs == sorted(by_pairs)
    assert chance_of_helped(Design(4, 14), 1.5, 1.0) < chance_of_helped(Design(4, 14), 1.5, 2.0)
    assert chance_of_helped(Design(4, 14), 2.5, 2.0) < chance_of_helped(Design(4, 14), 1.5, 2.0)
    assert chance_of_helped(Design(4, 14), 1.5, -2.0) < 0.001


def test_the_chance_of_helped_is_the_rate_of_normal_pair_differences():
    """The noncentral t tail against 40,000 plans of normal pair differences, each the difference
    of two means of 7 days of SD 1.5."""
    rng = np.random.default_rng(37)
    spread = 1.5 * math.sqrt(2 / 7)
    differences = rng.normal(-2.0, spread, (40_000, 3))
    error = differences.std(axis=1, ddof=1) / math.sqrt(3)
    high = differences.mean(axis=1) + 4.302652729749464 * error

    assert chance_of_helped(Design(3, 14), 1.5, 2.0) == pytest.approx((high < 0).mean(), abs=0.01)


def test_the_chance_of_helped_needs_a_spread():
    with pytest.raises(ValueError):
        chance_of_helped(Design(4, 14), 0.0, 2.0)


def test_the_shortest_design_is_the_shortest_to_reach_the_target():
    found = shortest_design(DEFAULT_DAILY_SD)

    assert found == Design(5, 7)
    assert chance_of_helped(found, DEFAULT_DAILY_SD, 2.0) >= 0.8
    shorter = [
        Design(pairs, days)
        for pairs in design.PAIRS
        for days in design.BLOCK_DAYS
        if 2 * pairs * days < 70
    ]
    assert all(chance_of_helped(each, DEFAULT_DAILY_SD, 2.0) < 0.8 for each in shorter)


def test_the_shortest_design_of_14_day_blocks():
    assert shortest_design(DEFAULT_DAILY_SD, block_days=(14,)) == Design(4, 14)


def test_a_higher_target_or_a_smaller_effect_takes_a_longer_plan():
    assert shortest_design(1.0) == Design(4, 7)
    assert shortest_design(1.0, target=0.99) == Design(5, 7)
    assert shortest_design(1.0, effect=1.0) == Design(6, 7)


def test_there_is_no_design_for_a_spread_too_wide():
    assert shortest_design(5.0) is None


def weeks_of(means: list[float], start: date = date(2025, 1, 6)) -> list[tuple[date, float]]:
    """Seven daily ratings a week, each week alternating mean ± 1 around its mean."""
    return [
        (start + timedelta(weeks=week, days=day), mean + (1 if day % 2 else -1) * (day < 6))
        for week, mean in enumerate(means)
        for day in range(7)
    ]


def test_the_daily_spread_comes_from_week_to_week_changes():
    # Weekly means 5, 6, 5, 6, 5: four changes of 1 point between weeks of 7 days.
    found = daily_sd_of(weeks_of([5, 6, 5, 6, 5]))

    assert found == pytest.approx(math.sqrt(1 / (2 / 7)))


def test_it_needs_four_changes_between_rated_weeks():
    assert daily_sd_of([]) is None
    assert daily_sd_of(weeks_of([5, 6, 5, 6])) is None
    assert daily_sd_of(weeks_of([5, 6, 5, 6, 5])) is not None


def test_a_week_with_fewer_than_four_rated_days_breaks_the_chain():
    ratings = [
        (day, pain)
        for day, pain in weeks_of([5, 6, 5, 6, 5, 6])
        if not date(2025, 1, 27) <= day <= date(2025, 1, 30)
    ]

    # The fourth week has 3 rated days: only the first two and the last change count.
    assert daily_sd_of(ratings) is None


def test_several_ratings_a_day_count_as_that_days_mean():
    once = weeks_of([5, 6, 5, 6, 5])
    twice = [
        (day, pain + shift) for day, pain in once for shift in ((-2, 2) if day.day % 3 else (0,))
    ]

    assert daily_sd_of(twice) == pytest.approx(daily_sd_of(once))


def test_only_the_last_half_year_counts():
    steady = weeks_of([5, 6] * 13)
    wild = weeks_of([0, 10] * 5, start=date(2024, 1, 1))

    assert daily_sd_of(wild + steady) == pytest.approx(daily_sd_of(steady))


def test_the_same_rating_every_day_tells_no_spread():
    # Days that vary within each week but weeks alike: a plan's pairs would come out alike.
    assert daily_sd_of(weeks_of([5] * 8)) is None
    flat = [(date(2025, 1, 6) + timedelta(days=n), 5.0) for n in range(70)]
    assert daily_sd_of(flat) is None


def test_the_spread_of_independent_days_is_found():
    rng = np.random.default_rng(5)
    start = date(2025, 1, 6)
    ratings = [
        (start + timedelta(days=n), float(pain)) for n, pain in enumerate(rng.normal(5, 1.5, 182))
    ]

    assert daily_sd_of(ratings) == pytest.approx(1.5, rel=0.25)
