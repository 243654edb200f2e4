"""What a trial plan's ratings show, and the words it is said in (issue 37, "Analysis")."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from journal.trial import analysis
from journal.trial.analysis import (
    HELPED,
    NO_SIGN,
    NOT_ENOUGH,
    UNCLEAR,
    Result,
    analyse,
    verdict_sentence,
)
from journal.trial.design import BLOCK_DAYS, PAIRS, TARGET_CHANCE, Design, schedule, shortest_design

START = date(2025, 1, 6)
# Every washout day is rated 10, so a mean that took one in would show it.
WASHOUT_PAIN = 10


def planned(pairs: int = 3, block_days: int = 14, orders=None, baseline_week: bool = False):
    found = Design(pairs, block_days, baseline_week)
    return found, schedule(found, START, orders or (["AB", "BA"] * 3)[:pairs])


def rate(blocks, pains: dict[int, list[int]]) -> dict[date, int]:
    """Ratings of each block's days after its washout, in order (None for a day not rated), and
    `WASHOUT_PAIN` on every washout day."""
    ratings = {}
    for block in blocks:
        washout = (block.rated_from - block.first_day).days
        for n in range(washout):
            ratings[block.first_day + timedelta(days=n)] = WASHOUT_PAIN
        for n, pain in enumerate(pains.get(block.number, [])):
            if pain is not None:
                ratings[block.rated_from + timedelta(days=n)] = pain
    return ratings


def by_arm(blocks, a: list[list[int]], b: list[list[int]]) -> dict[int, list[int]]:
    """Each pair's A and B ratings, pair by pair."""
    pains = {}
    for block in blocks:
        if block.pair is not None:
            pains[block.number] = (a if block.arm == "A" else b)[block.pair - 1]
    return pains


AFTER = date(2026, 1, 1)


def result_for(a, b, pairs=3, block_days=14, **kwargs):
    found, blocks = planned(pairs, block_days)
    ratings = rate(blocks, by_arm(blocks, a, b))
    return analyse(found, blocks, ratings, set(), kwargs.get("today", AFTER))


def interval(differences):
    return stats.ttest_1samp(differences, 0.0).confidence_interval(0.95)


SIX = [6] * 7


def test_it_says_helped_when_the_whole_interval_lies_below_zero():
    found = result_for([SIX, SIX, SIX], [[4] * 7, [4] * 6 + [5], [3] + [4] * 6])

    assert found.differences == pytest.approx([-2, -13 / 7, -15 / 7])
    expected = interval(found.differences)
    assert (found.estimate, found.low, found.high) == pytest.approx(
        (-2.0, expected.low, expected.high)
    )
    assert found.verdict == HELPED
    assert verdict_sentence(found) == (
        "Helped: pain about 2.0 points lower in release blocks (95% interval 1.6 to 2.4), "
        "from 3 pairs and 42 rated days."
    )


def test_it_leaves_the_washout_days_out_of_each_mean():
    found = result_for([SIX, SIX, SIX], [[4] * 7, [4] * 7, [5] * 7])

    assert [block.mean for block in found.blocks] == [6, 4, 4, 6, 6, 5]
    assert [block.rated_days for block in found.blocks] == [7] * 6
    assert found.washout == 7


def test_it_says_unclear_when_the_interval_reaches_a_2_point_drop_and_zero():
    found = result_for([SIX, SIX, SIX], [[3] * 7, SIX, [7] * 7])

    assert found.verdict == UNCLEAR
    assert found.low < -2 < 0 < found.high
    assert verdict_sentence(found) == (
        "Unclear: pain in release blocks against blocks without differed by -0.67 points on "
        "average, and the 95% interval runs from 5.8 points lower to 4.5 points higher, from 3 "
        "pairs and 42 rated days. A longer plan could tell."
    )


def test_it_says_no_sign_only_when_the_interval_rules_out_a_2_point_drop():
    found = result_for([SIX, SIX, SIX, SIX], [SIX, [6] * 6 + [7], [6] * 6 + [5], SIX], pairs=4)

    assert found.verdict == NO_SIGN
    assert -2 < found.low < 0 < found.high
    assert verdict_sentence(found) == (
        "No sign it helped in this plan: pain in release blocks against blocks without differed "
        "by 0.0 points on average, and the 95% interval, from 0.19 points lower to 0.19 points "
        "higher, rules out a drop of 2 points; from 4 pairs and 56 rated days."
    )
    assert "no effect" not in verdict_sentence(found)


def test_no_sign_also_when_pain_was_higher_with_the_release():
    found = result_for([SIX, SIX, SIX], [[7] * 7, [7] * 6 + [8], [8] + [7] * 6])

    assert found.verdict == NO_SIGN
    assert "from 0.89 points higher to 1.3 points higher" in verdict_sentence(found)


def sentence_of(**fields) -> str:
    found = result_for([SIX, SIX, SIX], [[3] * 7, SIX, [7] * 7])
    return verdict_sentence(replace(found, **fields))


def test_a_lower_end_just_short_of_a_2_point_drop_never_prints_as_one():
    said = sentence_of(estimate=-0.9, low=-1.97, high=0.2, verdict=NO_SIGN)

    assert "from just under 2.0 points lower to 0.2 points higher, rules out a drop" in said


def test_the_verdict_is_decided_on_exact_values():
    """An interval whose upper end is a hair below zero is below zero: it says helped, and its
    figures say so too, never "0.0"."""
    differences = np.array([[-1.0, -1.1, -0.9]])
    critical = stats.t.ppf(0.975, 2)
    shift = -(differences.mean() + critical * differences.std(ddof=1) / math.sqrt(3)) - 1e-9
    judged = analysis.judge(differences + shift)

    assert judged.high[0] < 0
    assert judged.verdict[0] == HELPED
    said = sentence_of(
        estimate=float(judged.estimate[0]),
        low=float(judged.low[0]),
        high=float(judged.high[0]),
        verdict=HELPED,
    )
    assert "(95% interval 0.000000001 to 0.5)" in said


def test_a_block_with_fewer_than_4_rated_days_after_the_washout_leaves_its_pair_out():
    found = result_for([SIX, SIX, SIX], [[4] * 7, [4, None, 4, None, 4, None, None], [5] * 7])

    assert [block.insufficient for block in found.blocks] == [False] * 2 + [True] + [False] * 3
    assert found.blocks[2].rated_days == 3
    assert found.pairs_left_out == [2]
    assert found.differences == [-2, -1]
    assert found.rated_days_used == 28
    assert verdict_sentence(found).endswith(
        " Pair 2 is left out: one of its blocks had fewer than 4 rated days after its first 7 days."
    )


def test_four_rated_days_are_enough():
    found = result_for([SIX, SIX, SIX], [[4] * 7, [4, None, 4, None, 4, None, 4], [5] * 7])

    assert found.pairs_left_out == []


def test_with_one_usable_pair_there_is_not_enough():
    found = result_for(
        [SIX, [6, 6, 6, None, None, None, None], SIX],
        [[4] * 7, [4] * 7, [None] * 7],
    )

    assert found.verdict == NOT_ENOUGH
    assert found.differences == [-2]
    assert (found.estimate, found.low, found.p_value, found.sensitivity) == (None,) * 4
    assert verdict_sentence(found) == (
        "Not enough to tell: only 1 pair had enough ratings in both its blocks, and it takes 2 "
        "at least. Pairs 2, 3 are left out: a block of each had fewer than 4 rated days after "
        "its first 7 days."
    )


def test_before_any_pair_is_over_there_is_not_enough_yet():
    found = result_for([SIX, SIX, SIX], [[4] * 7, [4] * 7, [5] * 7], today=START + timedelta(20))

    assert found.verdict == NOT_ENOUGH
    assert found.pairs_unfinished == [1, 2, 3]
    assert found.pairs_left_out == []
    assert verdict_sentence(found) == (
        "Not enough to tell yet: no pair of blocks is over. 3 pairs not over are not counted."
    )


def test_a_pair_counts_once_its_last_day_is_rated_or_past():
    found, blocks = planned()
    ratings = rate(blocks, by_arm(blocks, [SIX] * 3, [[4] * 7] * 3))
    last = blocks[3].last_day

    assert analyse(found, blocks, ratings, set(), last).pairs_unfinished == [3]
    del ratings[last]
    assert analyse(found, blocks, ratings, set(), last).pairs_unfinished == [2, 3]
    assert analyse(found, blocks, ratings, set(), last + timedelta(1)).pairs_unfinished == [3]


def test_ratings_after_today_never_count():
    found, blocks = planned()
    ratings = rate(blocks, by_arm(blocks, [SIX] * 3, [[4] * 7] * 3))
    today = blocks[3].last_day

    early = analyse(found, blocks, ratings, set(), today)
    cut = {day: pain for day, pain in ratings.items() if day <= today}
    assert early == analyse(found, blocks, cut, set(), today)
    assert early.blocks[4].rated_days == 0


def test_when_every_pair_came_out_the_same_it_says_so_without_an_interval():
    found = result_for([[3] * 6 + [4], SIX, SIX], [[2] * 6 + [3], [5] * 7, [5] * 7])

    assert found.all_equal
    assert found.verdict == UNCLEAR
    assert (found.low, found.high, found.chance_drop_1, found.sensitivity) == (None,) * 4
    assert found.p_value == found.p_smallest == 1 / 8
    assert verdict_sentence(found) == (
        "Unclear: every pair came out the same, pain 1.0 points lower in release blocks than in "
        "blocks without, so there is no spread to give an interval from; from 3 pairs and 42 "
        "rated days."
    )


def test_when_every_pair_came_out_alike_and_level_it_says_the_same():
    found = result_for([SIX, SIX, SIX], [SIX, SIX, SIX])

    assert "every pair came out the same, pain the same in release blocks" in (
        verdict_sentence(found)
    )


def test_the_randomisation_p_value_counts_every_order_the_plan_could_have_drawn():
    # Differences -2, -1, +1: of the 8 sign patterns, -2-1+1, -2+1-1 and -2-1-1 sum to -2 or less.
    found = result_for([SIX, SIX, SIX], [[4] * 7, [5] * 7, [7] * 7])

    assert found.p_value == 3 / 8
    assert found.p_smallest == 1 / 8
    said = analysis.p_value_sentence(found)
    assert said == (
        "Had the release made no difference, 3 of the 8 orders this plan could have drawn would "
        "show pain at least this much lower with it (p = 0.38; the smallest this plan can give "
        "is 0.13)."
    )
    assert "significan" not in said


def test_the_randomisation_p_value_of_pairs_that_favour_the_release_least():
    assert analysis.randomisation_p(np.array([[1.0, 2.0, 3.0]]))[0] == 1.0
    assert analysis.randomisation_p(np.array([[-1.0, -2.0, -3.0]]))[0] == 1 / 8
    # A pair with no difference gives the same sum either way round.
    assert analysis.randomisation_p(np.array([[-1.0, 0.0]]))[0] == 2 / 4


def test_the_chances_of_a_drop_come_from_the_t_posterior():
    found = result_for([SIX, SIX, SIX], [[4] * 7, [5] * 7, [7] * 7])
    error = np.std(found.differences, ddof=1) / math.sqrt(3)

    assert found.chance_drop_1 == pytest.approx(stats.t.cdf((-1 - found.estimate) / error, 2))
    assert found.chance_drop_2 == pytest.approx(stats.t.cdf((-2 - found.estimate) / error, 2))
    assert analysis.chances_sentence(found) == (
        "Taking the pairs' differences at face value (a t model with no prior leaning), the "
        "chance that the release lowers pain by at least 1 point is 37%, and by at least 2 points "
        "13%."
    )


def test_chances_near_certain_are_never_printed_as_certain():
    found = result_for([SIX, SIX, SIX], [[4] * 7, [4] * 6 + [5], [3] + [4] * 6])

    assert "at least 1 point is over 99%" in analysis.chances_sentence(found)
    assert analysis.chances_sentence(replace(found, chance_drop_2=0.004)).endswith("under 1%.")


def test_the_check_allows_for_a_steady_drift():
    """Pain easing a point a block, a 1-point drop with the release, and B second in every pair:
    each pair's difference takes in the drift, the check allows for it."""
    drift = [8, 7, 6, 5, 4, 3]
    wobble = [0, 1, -1, 0, 1, -1]
    found, blocks = planned(orders=["AB", "AB", "AB"])
    pains = {
        block.number: [drift[n] - (block.arm == "B")] * 6
        + [drift[n] - (block.arm == "B") + wobble[n]]
        for n, block in enumerate(blocks)
    }
    means = [sum(pains[n]) / 7 for n in range(1, 7)]
    result = analyse(found, blocks, rate(blocks, pains), set(), AFTER)

    columns = np.column_stack([np.ones(6), [0, 1, 0, 1, 0, 1], np.arange(1, 7)])
    fitted, residuals, *_ = np.linalg.lstsq(columns, means)
    error = math.sqrt(residuals[0] / 3 * np.linalg.inv(columns.T @ columns)[1, 1])
    half = stats.t.ppf(0.975, 3) * error
    assert result.sensitivity == pytest.approx((fitted[1], fitted[1] - half, fitted[1] + half))
    # The pairs read the drift as part of the release's effect; the check takes it out.
    assert result.estimate == pytest.approx(-2.0, abs=0.2)
    assert result.sensitivity[0] == pytest.approx(-1.0, abs=0.2)
    assert analysis.sensitivity_sentence(result).endswith(
        "; it is a check only, the verdict rests on the pairs."
    )


def test_it_counts_how_closely_the_plan_was_followed():
    found, blocks = planned(2, 7, ["AB", "BA"], baseline_week=True)
    a1, b1, b2, a2 = blocks[1:]
    sessions = {b1.first_day, b1.first_day + timedelta(2), b1.last_day}
    sessions |= {b2.first_day + timedelta(n) for n in range(5)} | {a2.last_day}
    sessions |= {a2.last_day + timedelta(1), blocks[0].first_day}
    ratings = {blocks[0].first_day + timedelta(n): 5 for n in range(35) if n % 5}

    found = analyse(found, blocks, ratings, sessions, AFTER)

    assert found.adherence == {
        "b_days": 14,
        "b_session_days": 8,
        "b_target": 8,
        "a_days": 14,
        "a_deviation_days": 1,
        "days_rated": 28,
        "days": 35,
    }
    assert analysis.adherence_sentence(found) == (
        "The release on 8 days of 14 in release blocks (the plan asked for 8); a session on 1 day "
        "of 14 in blocks without; rated on 28 days of 35."
    )


def test_adherence_counts_the_days_so_far():
    found, blocks = planned(2, 7)
    today = blocks[1].first_day + timedelta(2)

    counted = analyse(found, blocks, {}, {today, today + timedelta(1)}, today).adherence

    assert (counted["b_days"], counted["b_session_days"], counted["b_target"]) == (3, 1, 2)
    assert (counted["a_days"], counted["days"], counted["days_rated"]) == (7, 10, 0)


def test_it_says_how_many_days_are_left_out():
    assert analysis.washout_sentence(Design(3, 14)) == (
        "The first 7 days of each block are left out, while relief may still be coming or going."
    )
    assert analysis.washout_sentence(Design(3, 7)).startswith("The first 2 days of each block")


def test_it_promises_what_a_plan_like_this_can_show():
    said = analysis.promise_sentence(Design(4, 14), 1.5, from_history=False)

    assert said == (
        "If the release lowers your pain by 2 points, a plan like this says “helped” about 8 "
        "times in 10; a 1-point drop will more often read as unclear (“helped” about 4 times in "
        "10). You have too few ratings yet to tell how much your pain varies, so this assumes a "
        "typical spread, with a rating every evening."
    )


def test_a_plan_that_would_nearly_always_tell_never_promises_always():
    said = analysis.promise_sentence(Design(6, 14), 0.8, from_history=True)

    assert said == (
        "If the release lowers your pain by 2 points, a plan like this says “helped” more than 9 "
        "times in 10; a 1-point drop reads “helped” more than 9 times in 10. Worked out from how "
        "much your pain has varied from week to week so far, with a rating every evening."
    )
    assert "“helped” about once in 10" in analysis.promise_sentence(Design(2, 7), 2.5, True)
    assert "less than once in 10" in analysis.promise_sentence(Design(2, 7), 9.0, True)


@pytest.mark.parametrize("spread", [0.5, 0.9, 1.0, 1.2, 1.21, 1.5, 2.0, 2.4, 3.0])
def test_a_plan_reads_8_times_in_10_only_when_it_reaches_the_target(spread):
    """The shortest plan proposed beside the figure is sized to `TARGET_CHANCE`, 0.8: a plan
    whose figure reads 8 in 10 or more reaches it, and one that reads less falls short. Rounded
    to the nearest tenth, 0.77 read "about 8 times in 10" beside a longer "shortest" plan; and a
    1-point drop that "will more often read as unclear" read "about 5 times in 10"."""
    for block_days in BLOCK_DAYS:
        shortest = shortest_design(spread, block_days=(block_days,))
        for pairs in PAIRS:
            said = analysis.promise_sentence(Design(pairs, block_days), spread, True)
            two = re.search("this says “helped” (.*?);", said)[1]
            tenths = re.fullmatch(r"about (\d+) times in 10", two)
            reads_target = two == "more than 9 times in 10" or (
                tenths is not None and int(tenths[1]) >= TARGET_CHANCE * 10
            )
            reaches = shortest is not None and shortest.pairs <= pairs
            assert reads_target == reaches, (pairs, block_days, said)
            unclear = re.search(r"more often read as unclear \(“helped” about (\d+)", said)
            assert unclear is None or int(unclear[1]) < 5, said


def test_every_word_a_person_reads_goes_through_gettext(monkeypatch):
    """Every sentence with gettext marking what it returned: nothing is left outside a mark."""
    monkeypatch.setattr(analysis, "_", lambda text: f"⟨{text}⟩")
    monkeypatch.setattr(
        analysis, "ngettext", lambda one, many, count: f"⟨{one if count == 1 else many}⟩"
    )
    found = result_for([SIX, SIX, SIX], [[4] * 7, [5] * 7, [7] * 7])
    helped = result_for([SIX, SIX, SIX], [[4] * 7, [4] * 6 + [5], [3] + [4] * 6])
    same = result_for([SIX, SIX, SIX], [[5] * 7] * 3)
    few = result_for([SIX, SIX, SIX], [[4] * 7, [None] * 7, [None] * 7])
    sentences = [
        verdict_sentence(found),
        verdict_sentence(helped),
        verdict_sentence(same),
        verdict_sentence(few),
        verdict_sentence(replace(found, verdict=NO_SIGN, low=-1.97)),
        verdict_sentence(result_for([SIX] * 3, [SIX] * 3, today=START)),
        analysis.p_value_sentence(found),
        analysis.chances_sentence(helped),
        analysis.sensitivity_sentence(found),
        analysis.adherence_sentence(found),
        analysis.washout_sentence(Design(3, 14)),
        analysis.promise_sentence(Design(3, 14), 1.5, True),
        analysis.promise_sentence(Design(6, 14), 0.5, False),
    ]
    for sentence in sentences:
        while re.search("⟨[^⟨⟩]*⟩", sentence):
            sentence = re.sub("⟨[^⟨⟩]*⟩", "", sentence)
        assert not re.search("[A-Za-z]", sentence)


days = st.lists(st.one_of(st.none(), st.integers(0, 10)), min_size=14, max_size=14)


@st.composite
def rated_plans(draw):
    pairs = draw(st.integers(2, 4))
    found = Design(pairs, draw(st.sampled_from((7, 14))), draw(st.booleans()))
    orders = draw(st.lists(st.sampled_from(("AB", "BA")), min_size=pairs, max_size=pairs))
    blocks = schedule(found, START, orders)
    ratings = {}
    for block in blocks:
        pains = draw(days)
        for n in range(block.days):
            if pains[n] is not None:
                ratings[block.first_day + timedelta(n)] = pains[n]
    return found, blocks, ratings


outside = st.dictionaries(
    st.one_of(
        st.dates(date(2000, 1, 1), START - timedelta(1)),
        st.dates(START + timedelta(7 * 26), date(2100, 1, 1)),
    ),
    st.integers(0, 10),
    max_size=20,
)


def analysed_part(found: Result) -> Result:
    """Everything but the baseline week's mean and adherence, which counts every rated day of
    the plan, washout days too."""
    blocks = [block for block in found.blocks if block.block.pair is not None]
    return replace(found, blocks=blocks, adherence={})


@settings(max_examples=60, deadline=None)
@given(rated_plans(), outside)
def test_ratings_outside_the_plan_never_change_the_result(plan, extra):
    found, blocks, ratings = plan
    today = blocks[-1].last_day + timedelta(1)
    alone = analyse(found, blocks, ratings, set(), today)

    assert analyse(found, blocks, {**extra, **ratings}, set(), today) == alone


@settings(max_examples=60, deadline=None)
@given(rated_plans(), st.data())
def test_ratings_of_washout_days_and_the_baseline_week_never_change_what_it_shows(plan, data):
    found, blocks, ratings = plan
    today = blocks[-1].last_day + timedelta(1)
    ignored = [
        block.first_day + timedelta(n)
        for block in blocks
        for n in range((block.rated_from - block.first_day).days if block.pair else block.days)
    ]
    changed = {**ratings, **{day: data.draw(st.integers(0, 10)) for day in ignored}}

    assert analysed_part(analyse(found, blocks, changed, set(), today)) == analysed_part(
        analyse(found, blocks, ratings, set(), today)
    )


@settings(max_examples=100, deadline=None)
@given(rated_plans())
def test_the_verdict_follows_its_rules(plan):
    found, blocks, ratings = plan
    result = analyse(found, blocks, ratings, set(), blocks[-1].last_day + timedelta(1))
    said = verdict_sentence(result)

    assert "no effect" not in said and "significan" not in said
    if len(result.differences) < 2:
        assert result.verdict == NOT_ENOUGH and said.startswith("Not enough")
    elif result.all_equal:
        assert result.verdict == UNCLEAR and "no spread" in said
    elif result.high < 0:
        assert result.verdict == HELPED and said.startswith("Helped: ")
    elif result.low > -2:
        assert result.verdict == NO_SIGN and said.startswith("No sign it helped in this plan")
    else:
        assert result.verdict == UNCLEAR and said.startswith("Unclear: ")
    if result.verdict != NOT_ENOUGH and not result.all_equal:
        assert result.low <= result.estimate <= result.high
        assert result.p_smallest <= result.p_value <= 1
