"""The insights' own functions (journal/insights.py), each on its own and without a database: the
estimates and how they are said, the relief, the trend, the differences, the weekly series, and
the answers from a period's counted ratings. `make mutation` runs these first for the insights'
mutants, so most die here, before any slower test runs."""

from __future__ import annotations

import warnings
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import numpy as np
import pytest
import time_machine
from django.utils import translation
from scipy import stats

from backrelease.common.period import Period
from journal import insights
from journal.insights import FACTORS, SESSION_DAYS
from journal.insights import Difference as D
from journal.insights import Estimate as E
from journal.insights import Relief as R
from journal.insights import Trend as T
from journal.theil_sen import settle, theil_sen
from tests.deadline import within

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def comes_back_at_once():
    """In English unless a test says otherwise; a test that has not come back after 5 seconds
    fails (`tests.deadline`)."""
    with within(5, "an insights function"), translation.override("en"):
        yield


def period_of(zone: str = "UTC", now: datetime = NOW, **dates) -> Period:
    """A period of a person known by their zone alone: no database."""
    return Period(SimpleNamespace(pk=1, time_zone=zone), now=now, **dates)


# Each sentence, in English and in German (a German page reads no English left untranslated).

RELIEF = [
    (
        R(1, None, 1),
        "When: not enough data yet (1 session with both ratings, 6 needed).",
        "When: noch nicht genug Daten (1 Sitzung mit beiden Angaben, 6 nötig).",
    ),
    (
        R(5, None, 0),
        "When: not enough data yet (5 sessions with both ratings, 6 needed).",
        "When: noch nicht genug Daten (5 Sitzungen mit beiden Angaben, 6 nötig).",
    ),
    (
        R(6, E(2.0, 2.0, 2.0), 6, all_same=True, at_median=6),
        (
            "When: pain dropped by the same 2.0 points after every session, from 6 sessions "
            "rated before and after, so there is no spread to give an interval from; 6 of them "
            "reached a drop that matters (2 points or 30%)."
        ),
        (
            "When: Der Schmerz sank nach jeder Sitzung um dieselben 2,0 Punkte, gestützt auf 6 "
            "Sitzungen mit Angaben vorher und nachher, daher gibt es keine Streuung, aus der "
            "sich ein Intervall angeben ließe; 6 davon erreichten einen bedeutsamen Rückgang "
            "(2 Punkte oder 30\xa0%)."
        ),
    ),
    (
        R(7, E(-1.0, -1.0, -1.0), 1, all_same=True, at_median=7),
        (
            "When: pain rose by the same 1.0 points after every session, from 7 sessions rated "
            "before and after, so there is no spread to give an interval from; 1 of them "
            "reached a drop that matters (2 points or 30%)."
        ),
        (
            "When: Der Schmerz stieg nach jeder Sitzung um dieselben 1,0 Punkte, gestützt auf "
            "7 Sitzungen mit Angaben vorher und nachher, daher gibt es keine Streuung, aus der "
            "sich ein Intervall angeben ließe; 1 davon erreichte einen bedeutsamen Rückgang (2 "
            "Punkte oder 30\xa0%)."
        ),
    ),
    (
        R(8, E(0.0, 0.0, 0.0), 0, all_same=True, at_median=8),
        (
            "When: pain was the same before and after every session, from 8 sessions rated "
            "before and after, so there is no spread to give an interval from; 0 of them "
            "reached a drop that matters (2 points or 30%)."
        ),
        (
            "When: Der Schmerz war vor und nach jeder Sitzung gleich, gestützt auf 8 Sitzungen "
            "mit Angaben vorher und nachher, daher gibt es keine Streuung, aus der sich ein "
            "Intervall angeben ließe; 0 davon erreichten einen bedeutsamen Rückgang (2 Punkte "
            "oder 30\xa0%)."
        ),
    ),
    (
        R(12, E(1.5, 1.0, 2.25), 1),
        (
            "When: pain dropped right after a session, by a median 1.5 points (95% interval "
            "1.0 to 2.3), from 12 sessions rated before and after; 1 of them reached a drop "
            "that matters (2 points or 30%)."
        ),
        (
            "When: der Schmerz sank direkt nach einer Sitzung, im Median um 1,5 Punkte "
            "(95-%-Intervall 1,0 bis 2,3), gestützt auf 12 Sitzungen mit Angaben vorher und "
            "nachher; 1 davon erreichte einen bedeutsamen Rückgang (2 Punkte oder 30\xa0%)."
        ),
    ),
    (
        R(12, E(-1.5, -2.25, -1.0), 2),
        (
            "When: pain rose right after a session, by a median 1.5 points (95% interval 1.0 "
            "to 2.3), from 12 sessions rated before and after; 2 of them reached a drop that "
            "matters (2 points or 30%)."
        ),
        (
            "When: der Schmerz stieg direkt nach einer Sitzung, im Median um 1,5 Punkte "
            "(95-%-Intervall 1,0 bis 2,3), gestützt auf 12 Sitzungen mit Angaben vorher und "
            "nachher; 2 davon erreichten einen bedeutsamen Rückgang (2 Punkte oder 30\xa0%)."
        ),
    ),
    (
        R(12, E(0.5, -0.25, 1.0), 3),
        (
            "When: the data cannot tell yet whether pain drops right after a session: a median "
            "drop of +0.5 points, 95% interval -0.25 to +1.0, from 12 sessions rated before "
            "and after; 3 of them reached a drop that matters (2 points or 30%)."
        ),
        (
            "When: die Daten zeigen noch nicht, ob der Schmerz direkt nach einer Sitzung "
            "sinkt: im Median ein Rückgang um +0,5 Punkte, 95-%-Intervall -0,25 bis +1,0, "
            "gestützt auf 12 Sitzungen mit Angaben vorher und nachher; 3 davon erreichten "
            "einen bedeutsamen Rückgang (2 Punkte oder 30\xa0%)."
        ),
    ),
    (
        R(20, E(2.0, 2.0, 2.0), 11, at_median=1),
        (
            "When: pain dropped right after a session, by a median 2.0 points, from 20 "
            "sessions rated before and after; 1 of them dropped by exactly that, so many that "
            "its 95% interval is that figure alone; 11 of them reached a drop that matters (2 "
            "points or 30%)."
        ),
        (
            "When: der Schmerz sank direkt nach einer Sitzung, im Median um 2,0 Punkte, "
            "gestützt auf 20 Sitzungen mit Angaben vorher und nachher; 1 davon sank um genau "
            "diesen Wert, so viele, dass das 95-%-Intervall nur aus diesem Wert besteht; 11 "
            "davon erreichten einen bedeutsamen Rückgang (2 Punkte oder 30\xa0%)."
        ),
    ),
    (
        R(20, E(2.0, 2.0, 2.0), 11, at_median=15),
        (
            "When: pain dropped right after a session, by a median 2.0 points, from 20 "
            "sessions rated before and after; 15 of them dropped by exactly that, so many that "
            "its 95% interval is that figure alone; 11 of them reached a drop that matters (2 "
            "points or 30%)."
        ),
        (
            "When: der Schmerz sank direkt nach einer Sitzung, im Median um 2,0 Punkte, "
            "gestützt auf 20 Sitzungen mit Angaben vorher und nachher; 15 davon sanken um "
            "genau diesen Wert, so viele, dass das 95-%-Intervall nur aus diesem Wert besteht; "
            "11 davon erreichten einen bedeutsamen Rückgang (2 Punkte oder 30\xa0%)."
        ),
    ),
    (
        R(20, E(-1.0, -1.0, -1.0), 0, at_median=1),
        (
            "When: pain rose right after a session, by a median 1.0 points, from 20 sessions "
            "rated before and after; 1 of them rose by exactly that, so many that its 95% "
            "interval is that figure alone; 0 of them reached a drop that matters (2 points or "
            "30%)."
        ),
        (
            "When: der Schmerz stieg direkt nach einer Sitzung, im Median um 1,0 Punkte, "
            "gestützt auf 20 Sitzungen mit Angaben vorher und nachher; 1 davon stieg um genau "
            "diesen Wert, so viele, dass das 95-%-Intervall nur aus diesem Wert besteht; 0 "
            "davon erreichten einen bedeutsamen Rückgang (2 Punkte oder 30\xa0%)."
        ),
    ),
    (
        R(20, E(-1.0, -1.0, -1.0), 0, at_median=14),
        (
            "When: pain rose right after a session, by a median 1.0 points, from 20 sessions "
            "rated before and after; 14 of them rose by exactly that, so many that its 95% "
            "interval is that figure alone; 0 of them reached a drop that matters (2 points or "
            "30%)."
        ),
        (
            "When: der Schmerz stieg direkt nach einer Sitzung, im Median um 1,0 Punkte, "
            "gestützt auf 20 Sitzungen mit Angaben vorher und nachher; 14 davon stiegen um "
            "genau diesen Wert, so viele, dass das 95-%-Intervall nur aus diesem Wert besteht; "
            "0 davon erreichten einen bedeutsamen Rückgang (2 Punkte oder 30\xa0%)."
        ),
    ),
    (
        R(20, E(0.0, 0.0, 0.0), 0, at_median=1),
        (
            "When: the data cannot tell yet whether pain drops right after a session: a median "
            "drop of 0.0 points, from 20 sessions rated before and after; 1 of them was the "
            "same before and after, so many that its 95% interval is that figure alone; 0 of "
            "them reached a drop that matters (2 points or 30%)."
        ),
        (
            "When: die Daten zeigen noch nicht, ob der Schmerz direkt nach einer Sitzung "
            "sinkt: im Median ein Rückgang um 0,0 Punkte, gestützt auf 20 Sitzungen mit "
            "Angaben vorher und nachher; 1 davon war vorher und nachher gleich, so viele, dass "
            "das 95-%-Intervall nur aus diesem Wert besteht; 0 davon erreichten einen "
            "bedeutsamen Rückgang (2 Punkte oder 30\xa0%)."
        ),
    ),
    (
        R(20, E(0.0, 0.0, 0.0), 0, at_median=16),
        (
            "When: the data cannot tell yet whether pain drops right after a session: a median "
            "drop of 0.0 points, from 20 sessions rated before and after; 16 of them were the "
            "same before and after, so many that its 95% interval is that figure alone; 0 of "
            "them reached a drop that matters (2 points or 30%)."
        ),
        (
            "When: die Daten zeigen noch nicht, ob der Schmerz direkt nach einer Sitzung "
            "sinkt: im Median ein Rückgang um 0,0 Punkte, gestützt auf 20 Sitzungen mit "
            "Angaben vorher und nachher; 16 davon waren vorher und nachher gleich, so viele, "
            "dass das 95-%-Intervall nur aus diesem Wert besteht; 0 davon erreichten einen "
            "bedeutsamen Rückgang (2 Punkte oder 30\xa0%)."
        ),
    ),
    # A drop of 1 point is a drop, every time alike or at the median.
    (
        R(6, E(1.0, 1.0, 1.0), 0, all_same=True, at_median=6),
        "When: pain dropped by the same 1.0 points after every session, from 6 sessions rated "
        "before and after, so there is no spread to give an interval from; 0 of them reached a "
        "drop that matters (2 points or 30%).",
        "When: Der Schmerz sank nach jeder Sitzung um dieselben 1,0 Punkte, gestützt auf 6 "
        "Sitzungen mit Angaben vorher und nachher, daher gibt es keine Streuung, aus der sich ein "
        "Intervall angeben ließe; 0 davon erreichten einen bedeutsamen Rückgang (2 Punkte oder "
        "30\xa0%).",
    ),
    (
        R(20, E(1.0, 1.0, 1.0), 4, at_median=15),
        "When: pain dropped right after a session, by a median 1.0 points, from 20 sessions rated "
        "before and after; 15 of them dropped by exactly that, so many that its 95% interval is "
        "that figure alone; 4 of them reached a drop that matters (2 points or 30%).",
        "When: der Schmerz sank direkt nach einer Sitzung, im Median um 1,0 Punkte, gestützt auf "
        "20 Sitzungen mit Angaben vorher und nachher; 15 davon sanken um genau diesen Wert, so "
        "viele, dass das 95-%-Intervall nur aus diesem Wert besteht; 4 davon erreichten einen "
        "bedeutsamen Rückgang (2 Punkte oder 30\xa0%).",
    ),
]
TREND = [
    (
        T(1, None, 1),
        "When: not enough data yet (1 week with ratings, 5 needed).",
        "When: noch nicht genug Daten (1 Woche mit Angaben, 5 nötig).",
    ),
    (
        T(4, None, 9),
        "When: not enough data yet (4 weeks with ratings, 5 needed).",
        "When: noch nicht genug Daten (4 Wochen mit Angaben, 5 nötig).",
    ),
    (
        T(6, E(0.0, 0.0, 0.0), 1, level=4.0, span=6),
        (
            "When: usual pain is flat, 4.0 every week, over 6 weeks with 1 rating, so there is "
            "no spread to give an interval from."
        ),
        (
            "When: Der übliche Schmerz bleibt gleich, jede Woche 4,0, über 6 Wochen mit 1 "
            "Angabe, daher gibt es keine Streuung, aus der sich ein Intervall angeben ließe."
        ),
    ),
    (
        T(6, E(0.0, 0.0, 0.0), 30, level=4.25, span=9),
        (
            "When: usual pain is flat, 4.3 every week, over 6 weeks with 30 ratings, so there "
            "is no spread to give an interval from."
        ),
        (
            "When: Der übliche Schmerz bleibt gleich, jede Woche 4,3, über 6 Wochen mit 30 "
            "Angaben, daher gibt es keine Streuung, aus der sich ein Intervall angeben ließe."
        ),
    ),
    (
        T(8, E(-0.5, -0.75, -0.25), 40, span=8),
        (
            "When: usual pain goes down 2.2 points a month (95% interval 1.1 to 3.3), over 8 "
            "weeks with 40 ratings."
        ),
        (
            "When: der übliche Schmerz sinkt um 2,2 Punkte pro Monat (95-%-Intervall 1,1 bis "
            "3,3), über 8 Wochen mit 40 Angaben."
        ),
    ),
    (
        T(8, E(0.5, 0.25, 0.75), 40, span=8),
        (
            "When: usual pain goes up 2.2 points a month (95% interval 1.1 to 3.3), over 8 "
            "weeks with 40 ratings."
        ),
        (
            "When: der übliche Schmerz steigt um 2,2 Punkte pro Monat (95-%-Intervall 1,1 bis "
            "3,3), über 8 Wochen mit 40 Angaben."
        ),
    ),
    (
        T(8, E(0.1, -0.2, 0.4), 40, span=8),
        (
            "When: the data cannot tell yet whether usual pain is going down or up: +0.43 "
            "points a month, 95% interval -0.87 to +1.7, over 8 weeks with 40 ratings."
        ),
        (
            "When: die Daten zeigen noch nicht, ob der übliche Schmerz sinkt oder steigt: "
            "+0,43 Punkte pro Monat, 95-%-Intervall -0,87 bis +1,7, über 8 Wochen mit 40 "
            "Angaben."
        ),
    ),
    (
        T(20, E(-0.1, -0.15, -0.05), 90, span=20),
        (
            "When: usual pain goes down 0.43 points a month (95% interval 0.22 to 0.65), over "
            "20 weeks with 90 ratings."
        ),
        (
            "When: der übliche Schmerz sinkt um 0,43 Punkte pro Monat (95-%-Intervall 0,22 bis "
            "0,65), über 20 Wochen mit 90 Angaben."
        ),
    ),
    (
        T(60, E(0.01, 0.005, 0.02), 300, span=60),
        (
            "When: usual pain goes up 0.52 points a year (95% interval 0.26 to 1.0), over 60 "
            "weeks with 300 ratings."
        ),
        (
            "When: der übliche Schmerz steigt um 0,52 Punkte pro Jahr (95-%-Intervall 0,26 bis "
            "1,0), über 60 Wochen mit 300 Angaben."
        ),
    ),
    (
        T(60, E(0.01, -0.005, 0.02), 300, span=60),
        (
            "When: the data cannot tell yet whether usual pain is going down or up: +0.52 "
            "points a year, 95% interval -0.26 to +1.0, over 60 weeks with 300 ratings."
        ),
        (
            "When: die Daten zeigen noch nicht, ob der übliche Schmerz sinkt oder steigt: "
            "+0,52 Punkte pro Jahr, 95-%-Intervall -0,26 bis +1,0, über 60 Wochen mit 300 "
            "Angaben."
        ),
    ),
    (
        T(9, E(-0.5, -0.5, -0.5), 40, span=9),
        (
            "When: usual pain goes down 2.2 points a month, over 9 weeks with 40 ratings; so "
            "many weeks lie on one line that its 95% interval is that figure alone."
        ),
        (
            "When: der übliche Schmerz sinkt um 2,2 Punkte pro Monat, über 9 Wochen mit 40 "
            "Angaben; so viele Wochen liegen auf einer Linie, dass das 95-%-Intervall nur aus "
            "diesem Wert besteht."
        ),
    ),
    (
        T(9, E(0.0, 0.0, 0.0), 40, span=9),
        (
            "When: the data cannot tell yet whether usual pain is going down or up: 0.0 points "
            "a week, over 9 weeks with 40 ratings; so many weeks lie on one line that its 95% "
            "interval is that figure alone."
        ),
        (
            "When: die Daten zeigen noch nicht, ob der übliche Schmerz sinkt oder steigt: 0,0 "
            "Punkte pro Woche, über 9 Wochen mit 40 Angaben; so viele Wochen liegen auf einer "
            "Linie, dass das 95-%-Intervall nur aus diesem Wert besteht."
        ),
    ),
    (
        T(3, E(0.01, 0.005, 0.02), 12, span=3),
        (
            "When: usual pain goes up 0.01 points a week (95% interval 0.005 to 0.02), over 3 "
            "weeks with 12 ratings."
        ),
        (
            "When: der übliche Schmerz steigt um 0,01 Punkte pro Woche (95-%-Intervall 0,005 "
            "bis 0,02), über 3 Wochen mit 12 Angaben."
        ),
    ),
]
DIFF = [
    (
        (D(4, 1, None), FACTORS["balls"]),
        (
            "Relief with two balls against one: not enough data yet (4 and 1 session; 5 of "
            "each needed)."
        ),
        (
            "Linderung mit zwei Bällen gegenüber einem: noch nicht genug Daten (4 und 1 "
            "Sitzung; von jeder Gruppe 5 nötig)."
        ),
    ),
    (
        (D(4, 9, None), FACTORS["knees"]),
        (
            "Relief with the knees lifted against with them down: not enough data yet (4 and 9 "
            "sessions; 5 of each needed)."
        ),
        (
            "Linderung mit angehobenen Knien gegenüber abgesetzten: noch nicht genug Daten (4 "
            "und 9 Sitzungen; von jeder Gruppe 5 nötig)."
        ),
    ),
    (
        (D(1, 3, None), SESSION_DAYS),
        (
            "Journal pain on days with a session against days without: not enough data yet (1 "
            "and 3 days; 5 of each needed)."
        ),
        (
            "Tagebuch-Schmerz an Tagen mit einer Sitzung gegenüber Tagen ohne: noch nicht "
            "genug Daten (1 und 3 Tage; von jeder Gruppe 5 nötig)."
        ),
    ),
    (
        (D(2, 1, None), SESSION_DAYS),
        (
            "Journal pain on days with a session against days without: not enough data yet (2 "
            "and 1 day; 5 of each needed)."
        ),
        (
            "Tagebuch-Schmerz an Tagen mit einer Sitzung gegenüber Tagen ohne: noch nicht "
            "genug Daten (2 und 1 Tag; von jeder Gruppe 5 nötig)."
        ),
    ),
    (
        (D(6, 7, None, means=(4.0, 3.25), ratings=26), FACTORS["breathing"]),
        (
            "Relief with the breathing done against skipped: every figure was the same within "
            "each group, 4.0 against 3.3, so there is no spread to give an interval from; from "
            "6 and 7 sessions (26 ratings). This is what goes with it, not proof of what "
            "causes it."
        ),
        (
            "Linderung mit Atemübung gegenüber übersprungener: Jeder Wert war innerhalb jeder "
            "Gruppe gleich, 4,0 gegenüber 3,3, daher gibt es keine Streuung, aus der sich ein "
            "Intervall angeben ließe; Grundlage: 6 und 7 Sitzungen (26 Angaben). Das zeigt, "
            "was damit einhergeht, und ist kein Beweis dafür, was es verursacht."
        ),
    ),
    (
        (D(6, 7, None, means=(4.0, 3.25), ratings=1), SESSION_DAYS),
        (
            "Journal pain on days with a session against days without: every figure was the "
            "same within each group, 4.0 against 3.3, so there is no spread to give an "
            "interval from; from 6 and 7 days (1 journal rating). This is what goes with it, "
            "not proof of what causes it."
        ),
        (
            "Tagebuch-Schmerz an Tagen mit einer Sitzung gegenüber Tagen ohne: Jeder Wert war "
            "innerhalb jeder Gruppe gleich, 4,0 gegenüber 3,3, daher gibt es keine Streuung, "
            "aus der sich ein Intervall angeben ließe; Grundlage: 6 und 7 Tage (1 "
            "Tagebuchangabe). Das zeigt, was damit einhergeht, und ist kein Beweis dafür, was "
            "es verursacht."
        ),
    ),
    (
        (D(6, 7, None, means=(4.0, 3.25), ratings=30), SESSION_DAYS),
        (
            "Journal pain on days with a session against days without: every figure was the "
            "same within each group, 4.0 against 3.3, so there is no spread to give an "
            "interval from; from 6 and 7 days (30 journal ratings). This is what goes with it, "
            "not proof of what causes it."
        ),
        (
            "Tagebuch-Schmerz an Tagen mit einer Sitzung gegenüber Tagen ohne: Jeder Wert war "
            "innerhalb jeder Gruppe gleich, 4,0 gegenüber 3,3, daher gibt es keine Streuung, "
            "aus der sich ein Intervall angeben ließe; Grundlage: 6 und 7 Tage (30 "
            "Tagebuchangaben). Das zeigt, was damit einhergeht, und ist kein Beweis dafür, was "
            "es verursacht."
        ),
    ),
    (
        (D(6, 7, E(0.5, -0.5, 1.5), ratings=26), FACTORS["morning"]),
        (
            "Relief in the morning against later in the day: the data cannot tell yet whether "
            "it differs: +0.5 points, 95% interval -0.5 to +1.5, from 6 and 7 sessions (26 "
            "ratings). This is what goes with it, not proof of what causes it."
        ),
        (
            "Linderung morgens gegenüber später am Tag: Die Daten zeigen noch nicht, ob es "
            "einen Unterschied gibt: +0,5 Punkte, 95-%-Intervall -0,5 bis +1,5, Grundlage: 6 "
            "und 7 Sitzungen (26 Angaben). Das zeigt, was damit einhergeht, und ist kein "
            "Beweis dafür, was es verursacht."
        ),
    ),
    (
        (D(6, 7, E(1.5, 0.5, 2.5), ratings=26), FACTORS["balls"]),
        (
            "Relief with two balls against one: more with two balls, by 1.5 points (95% "
            "interval 0.5 to 2.5), from 6 and 7 sessions (26 ratings). This is what goes with "
            "it, not proof of what causes it."
        ),
        (
            "Linderung mit zwei Bällen gegenüber einem: stärker mit zwei Bällen, um 1,5 Punkte "
            "(95-%-Intervall 0,5 bis 2,5), Grundlage: 6 und 7 Sitzungen (26 Angaben). Das "
            "zeigt, was damit einhergeht, und ist kein Beweis dafür, was es verursacht."
        ),
    ),
    (
        (D(6, 7, E(-1.5, -2.5, -0.5), ratings=26), FACTORS["balls"]),
        (
            "Relief with two balls against one: less with two balls, by 1.5 points (95% "
            "interval 0.5 to 2.5), from 6 and 7 sessions (26 ratings). This is what goes with "
            "it, not proof of what causes it."
        ),
        (
            "Linderung mit zwei Bällen gegenüber einem: schwächer mit zwei Bällen, um 1,5 "
            "Punkte (95-%-Intervall 0,5 bis 2,5), Grundlage: 6 und 7 Sitzungen (26 Angaben). "
            "Das zeigt, was damit einhergeht, und ist kein Beweis dafür, was es verursacht."
        ),
    ),
    (
        (D(6, 7, E(1.5, 0.5, 2.5), ratings=40), SESSION_DAYS),
        (
            "Journal pain on days with a session against days without: higher on days with a "
            "session, by 1.5 points (95% interval 0.5 to 2.5), from 6 and 7 days (40 journal "
            "ratings). This is what goes with it, not proof of what causes it."
        ),
        (
            "Tagebuch-Schmerz an Tagen mit einer Sitzung gegenüber Tagen ohne: höher an Tagen "
            "mit einer Sitzung, um 1,5 Punkte (95-%-Intervall 0,5 bis 2,5), Grundlage: 6 und 7 "
            "Tage (40 Tagebuchangaben). Das zeigt, was damit einhergeht, und ist kein Beweis "
            "dafür, was es verursacht."
        ),
    ),
    (
        (D(6, 7, E(-1.5, -2.5, -0.5), ratings=40), SESSION_DAYS),
        (
            "Journal pain on days with a session against days without: lower on days with a "
            "session, by 1.5 points (95% interval 0.5 to 2.5), from 6 and 7 days (40 journal "
            "ratings). This is what goes with it, not proof of what causes it."
        ),
        (
            "Tagebuch-Schmerz an Tagen mit einer Sitzung gegenüber Tagen ohne: niedriger an "
            "Tagen mit einer Sitzung, um 1,5 Punkte (95-%-Intervall 0,5 bis 2,5), Grundlage: 6 "
            "und 7 Tage (40 Tagebuchangaben). Das zeigt, was damit einhergeht, und ist kein "
            "Beweis dafür, was es verursacht."
        ),
    ),
    (
        (D(6, 7, E(1.0, 1.0, 1.0), ratings=26), FACTORS["knees"]),
        (
            "Relief with the knees lifted against with them down: more with the knees lifted, "
            "by 1.0 points, from 6 and 7 sessions (26 ratings). This is what goes with it, not "
            "proof of what causes it."
        ),
        (
            "Linderung mit angehobenen Knien gegenüber abgesetzten: stärker mit angehobenen "
            "Knien, um 1,0 Punkte, Grundlage: 6 und 7 Sitzungen (26 Angaben). Das zeigt, was "
            "damit einhergeht, und ist kein Beweis dafür, was es verursacht."
        ),
    ),
]


@pytest.mark.parametrize(("result", "english", "german"), RELIEF)
def test_the_relief_in_words(result, english, german):
    assert insights._relief_text(result, "When") == english
    with translation.override("de"):
        assert insights._relief_text(result, "When") == german


@pytest.mark.parametrize(("result", "english", "german"), TREND)
def test_the_trend_in_words(result, english, german):
    assert insights._trend_text(result, "When") == english
    with translation.override("de"):
        assert insights._trend_text(result, "When") == german


@pytest.mark.parametrize(("compared", "english", "german"), DIFF)
def test_a_difference_in_words(compared, english, german):
    result, factor = compared
    assert insights._difference_text(result, factor) == english
    with translation.override("de"):
        assert insights._difference_text(result, factor) == german


# The estimates.


def test_an_estimate_times_a_factor():
    assert E(1.0, -2.0, 3.0).times(2.0) == E(2.0, -4.0, 6.0)


@pytest.mark.parametrize(
    ("estimate", "size", "signed"),
    [
        (
            E(1.5, 1.0, 2.25),
            "1.5 points (95% interval 1.0 to 2.3)",
            "+1.5 points, 95% interval +1.0 to +2.3",
        ),
        (
            E(-1.5, -2.25, -1.0),
            "1.5 points (95% interval 1.0 to 2.3)",
            "-1.5 points, 95% interval -2.3 to -1.0",
        ),
        (
            E(0.05, -0.04, 0.5),
            "0.05 points (95% interval 0.04 to 0.5)",
            "+0.05 points, 95% interval -0.04 to +0.5",
        ),
        (E(2.0, 2.0, 2.0), "2.0 points", "+2.0 points"),
        (E(-0.25, -0.25, -0.25), "0.25 points", "-0.25 points"),
        (E(0.0, 0.0, 0.0), "0.0 points", "0.0 points"),
    ],
)
def test_an_estimate_as_a_size_and_with_its_signs(estimate, size, signed):
    assert estimate.size("points") == size
    assert estimate.signed("points") == signed


def test_an_estimate_in_german():
    with translation.override("de"):
        assert E(-1.5, -2.25, -1.0).size("Punkte") == "1,5 Punkte (95-%-Intervall 1,0 bis 2,3)"
        assert E(2.0, 2.0, 2.0).size("Punkte") == "2,0 Punkte"
        assert E(0.5, -0.25, 1.0).signed("Punkte") == ("+0,5 Punkte, 95-%-Intervall -0,25 bis +1,0")
        assert E(-0.5, -0.5, -0.5).signed("Punkte") == "-0,5 Punkte"


# Counted ratings.


def test_two_counts_are_summed_key_by_key():
    first = {"a": 1, "b": 2}
    assert insights._summed(first, {"b": 3, "c": 4}) == {"a": 1, "b": 5, "c": 4}
    assert first == {"a": 1, "b": 2}
    assert insights._summed({}, {"c": 4}) == {"c": 4}


def group(
    before=6, after=4, balls="two", knees=False, breathing_skipped=False, morning=True, recent=False
):
    return insights.SessionGroup(before, after, balls, knees, breathing_skipped, morning, recent)


def test_two_parts_of_a_period_add_up_to_the_period():
    slopes = settle([1.0, 2.0, 3.0], [0, 1, 2], 0.95, room=9)
    earlier = insights.Ratings(
        {group(): 2, group(5, 5): 1},
        {(4.0, True): 3},
        7,
        ((date(2026, 1, 5), 4.0, 3),),
        slopes,
    )
    later = insights.Ratings(
        {group(): 1, group(8, 2): 4},
        {(4.0, True): 1, (2.5, False): 2},
        5,
        ((date(2026, 3, 2), 3.0, 2),),
        settle([1.0, 2.0], [0, 1], 0.95, room=9),
    )
    both = earlier + later
    assert both.sessions == {group(): 3, group(5, 5): 1, group(8, 2): 4}
    assert both.days == {(4.0, True): 4, (2.5, False): 2}
    assert both.day_ratings == 12
    assert both.weeks == ((date(2026, 1, 5), 4.0, 3), (date(2026, 3, 2), 3.0, 2))
    assert both.slopes is slopes


def test_counted_values_are_repeated_in_order():
    assert insights._repeated([(2.0, 2), (1.0, 1), (3.5, 3)]).tolist() == [
        1.0,
        2.0,
        2.0,
        3.5,
        3.5,
        3.5,
    ]
    assert insights._repeated([]).tolist() == []
    assert insights._repeated(iter([(1, 1)])).tolist() == [1]


# The relief right after a session.


def test_the_relief_counts_the_important_drops_by_points_or_share():
    # 2 points; 1 point of 3 (33%); 1 of 1 (100%); 1 of 4 (25%), 1 of 10; none from 0; a rise.
    counted = {(5, 3): 2, (3, 2): 1, (1, 0): 1, (4, 3): 1, (10, 9): 1, (0, 0): 1, (2, 4): 1}
    assert insights.relief_of(counted).important == 4
    assert insights.relief_of(counted).sessions == 8
    assert insights.relief(
        [(5, 3), (5, 3), (3, 2), (1, 0), (4, 3), (10, 9), (0, 0), (2, 4)]
    ) == insights.relief_of(counted)


def test_a_median_needs_6_sessions():
    assert insights.relief_of({(5, 3): 5}) == R(5, None, 5)
    assert insights.relief_of({(5, 3): 6}).median.value == 2


def test_the_median_drop_and_its_interval_are_scipys():
    counted = {(6, 5): 3, (7, 4): 4, (5, 5): 2, (4, 6): 1, (8, 2): 2}
    drops = sorted([1] * 3 + [3] * 4 + [0] * 2 + [-2] + [6] * 2)
    result = insights.relief_of(counted)
    median = float(stats.scoreatpercentile(drops, 50))
    interval = stats.quantile_test(drops, q=median, p=0.5).confidence_interval(0.95)
    assert result == R(12, E(median, interval.low, interval.high), 6, all_same=False, at_median=0)
    assert median == 2.0


def test_the_drops_at_the_median_are_counted():
    result = insights.relief_of({(6, 5): 3, (7, 4): 6, (5, 5): 2})
    assert result.median.value == 3.0
    assert result.at_median == 6
    assert result.all_same is False


def test_every_drop_the_same():
    result = insights.relief_of({(6, 4): 3, (5, 3): 4})
    assert result.all_same is True
    assert result.median == E(2.0, 2.0, 2.0)
    assert result.at_median == 7


# The trend through the weeks.


def test_the_weeks_with_a_value_keep_their_place():
    assert insights._points([None, 2.0, None, 3.0]) == ((1, 3), (2.0, 3.0))
    assert insights._points([None, None]) == ((), ())
    assert insights._points([]) == ((), ())


def test_a_trend_needs_5_weeks_with_ratings():
    assert insights.trend([5.0, None, 4.0, 3.0, 2.0], ratings=9) == T(4, None, 9)


def test_a_trend_is_theil_sens_through_the_weeks_with_gaps_kept():
    weekly = [6.0, None, 5.0, 5.5, None, 4.0, 3.5]
    value, low, high = theil_sen((6.0, 5.0, 5.5, 4.0, 3.5), (0, 2, 3, 5, 6), 0.95, None)
    assert insights.trend(weekly, ratings=30) == T(5, E(value, low, high), 30, None, span=7)
    assert insights.trend([None, 1.0, 2.0, 3.0, 4.0, 5.0], 6).span == 5


def test_a_flat_trend_gives_its_level():
    result = insights.trend([3.5] * 5, ratings=10)
    assert result.level == 3.5
    assert result.slope == E(0.0, 0.0, 0.0)
    assert insights.trend([3.5] * 4 + [3.0], ratings=10).level is None


def test_a_trend_uses_the_slopes_kept_of_its_settled_weeks(monkeypatch):
    called = []

    def spy(y, x, confidence, settled):
        called.append((y, x, confidence, settled))
        return theil_sen(y, x, confidence, settled)

    monkeypatch.setattr(insights, "theil_sen", spy)
    slopes = settle([6.0, 5.0, 5.5], [0, 1, 2], 0.95, room=9)
    insights.trend([6.0, 5.0, 5.5, 4.0, 3.5], ratings=30, settled=slopes)
    assert called == [((6.0, 5.0, 5.5, 4.0, 3.5), (0, 1, 2, 3, 4), 0.95, slopes)]


def test_the_weekly_series_has_a_gap_for_each_week_without_ratings():
    rows = [(date(2026, 1, 5), 5, 2), (date(2026, 1, 19), 3.5, 1), (date(2026, 2, 2), 4, 4)]
    assert insights._weekly_series(rows, None) == ([5.0, None, 3.5, None, 4.0], 7)
    assert insights._weekly_series(rows, date(2026, 1, 19)) == ([3.5, None, 4.0], 5)
    assert insights._weekly_series(rows, date(2026, 1, 12)) == ([3.5, None, 4.0], 5)
    assert insights._weekly_series(rows, date(2026, 3, 2)) == ([], 0)
    assert insights._weekly_series([], None) == ([], 0)
    assert all(type(value) is float for value in insights._weekly_series(rows, None)[0] if value)


@pytest.mark.parametrize(
    ("weeks", "span", "slope", "unit"),
    [
        # Over fewer weeks than a month: weeks only, however slow.
        (3, 3, E(0.01, 0.005, 0.02), "week"),
        (4, 4, E(0.01, 0.005, 0.02), "week"),
        (5, 5, E(0.01, 0.005, 0.02), "month"),
        (4, 5, E(0.01, 0.005, 0.02), "month"),
        (8, 52, E(0.01, 0.005, 0.02), "month"),
        (8, 53, E(0.01, 0.005, 0.02), "year"),
        (53, 20, E(0.01, 0.005, 0.02), "year"),
        (60, 60, E(0.5, 0.25, 1.0), "week"),
        (60, 60, E(0.25, 0.2, 0.3), "month"),
        (60, 60, E(0.1, 0.05, 0.2), "year"),
    ],
)
def test_a_trend_is_given_in_a_unit_no_longer_than_its_weeks(weeks, span, slope, unit):
    length, name = insights._trend_unit(T(weeks, slope, 10, span=span))
    assert name == unit
    assert length == {"week": 1.0, "month": 365.25 / 12 / 7, "year": 365.25 / 7}[unit]


# Differences between groups.


def welch(first, second) -> E:
    with warnings.catch_warnings():
        # One group without spread makes SciPy warn of lost precision.
        warnings.simplefilter("ignore", RuntimeWarning)
        found = stats.ttest_ind(first, second, equal_var=False).confidence_interval(0.95)
    return E(float(np.mean(first) - np.mean(second)), float(found.low), float(found.high))


def test_a_difference_is_welchs():
    first, second = [1.0, 2.0, 4.0, 4.0, 6.0], [2.0, 3.0, 3.0, 5.0, 5.0, 7.0, 8.0]
    result = insights.difference(first, second, ratings=24)
    assert result.first == 5 and result.second == 7 and result.ratings == 24
    assert result.means is None
    expected = welch(first, second)
    assert result.difference.value == pytest.approx(expected.value, rel=1e-12)
    assert result.difference.low == pytest.approx(expected.low, rel=1e-12)
    assert result.difference.high == pytest.approx(expected.high, rel=1e-12)


def test_a_difference_needs_5_in_each_group():
    assert insights.difference([1.0, 2.0] * 2, [3.0] * 9, ratings=13) == D(4, 9, None, ratings=13)
    assert insights.difference([1.0] * 9, [1.0, 2.0] * 2, ratings=13) == D(9, 4, None, ratings=13)
    assert insights.difference([1.0, 2.0, 3.0, 4.0, 5.0], [3.0] * 5).difference.value == 0


def test_groups_without_spread_give_their_means_alone():
    assert insights.difference([2.0] * 5, [3.5] * 6, ratings=11) == D(
        5, 6, None, means=(2.0, 3.5), ratings=11
    )


@pytest.mark.parametrize("varies", ["first", "second"])
def test_one_group_with_spread_is_enough_for_an_interval(varies):
    flat, spread = [4.0] * 6, [1.0, 3.0, 4.0, 6.0, 8.0]
    first, second = (spread, flat) if varies == "first" else (flat, spread)
    result = insights.difference(first, second)
    assert result.means is None
    expected = welch(first, second)
    assert (result.difference.low, result.difference.high) == pytest.approx(
        (expected.low, expected.high), rel=1e-12
    )


def test_many_pairs_at_once_each_as_alone():
    pairs = [
        ([1.0, 2.0, 4.0, 4.0, 6.0], [2.0, 3.0, 3.0, 5.0, 5.0, 7.0, 8.0], 1),
        ([1.0] * 3, [2.0] * 6, 2),
        ([2.0] * 5, [3.0] * 5, 3),
        ([0.0, 10.0, 5.0, 5.0, 7.0, 1.0], [4.0] * 8, 4),
        (list(range(40)), [3.0, 9.0, 4.0, 4.0, 1.0], 5),
    ]
    together = insights.differences(pairs)
    assert together == [insights.difference(first, second, n) for first, second, n in pairs]
    assert [found.ratings for found in together] == [1, 2, 3, 4, 5]
    for found, (first, second, _) in zip(
        [together[0], together[3], together[4]], [pairs[0], pairs[3], pairs[4]], strict=True
    ):
        expected = welch(first, second)
        assert found.difference.value == pytest.approx(expected.value, rel=1e-12)
        assert found.difference.low == pytest.approx(expected.low, rel=1e-12)
        assert found.difference.high == pytest.approx(expected.high, rel=1e-12)


def test_a_spread_too_small_for_a_floats_square_gives_an_interval_without_a_warning():
    # Welch's degrees of freedom divide by the squared variances: this group's variance over its
    # count, 2e-162, squares to the smallest float, and a quarter of that is zero. The division
    # by zero is expected there (an infinite df: the normal quantile), not a warning, which the
    # tests turn into an error; generated cases reach it only now and then.
    found = insights.difference([0.0, 0.0, 0.0, 0.0, 7e-81], [4.0] * 5)
    assert found.difference.value == pytest.approx(-4.0)
    assert found.difference.low <= found.difference.value <= found.difference.high


def test_a_square_is_a_square():
    assert insights._squared(np.array([3.0, -0.5])).tolist() == [9.0, 0.25]


def test_each_groups_mean_and_sample_variance():
    means, variances, counts = insights._mean_and_variance(
        [np.array([1.0, 2.0, 6.0]), np.array([4.0, 4.0, 5.0, 7.0])]
    )
    assert means.tolist() == [3.0, 5.0]
    assert variances.tolist() == pytest.approx([7.0, 2.0])
    assert counts.tolist() == [3, 4]


# Where the settled ratings end.


@time_machine.travel(NOW, tick=False)
def test_the_settled_ratings_end_nine_iso_weeks_before_the_periods_last_day():
    # Wednesday 25 Nov 2026: its Monday is 23 Nov, and eight weeks before that 28 Sep.
    assert insights.recent_from(period_of()) == date(2026, 9, 28)
    # A period that ended on Saturday 10 Oct: from its Monday, 5 Oct.
    assert insights.recent_from(period_of(until=date(2026, 10, 10))) == date(2026, 8, 10)
    # Seen from a later `now`, today still bounds it.
    later = period_of(now=NOW + timedelta(weeks=3))
    assert insights.recent_from(later) == date(2026, 9, 28)


@time_machine.travel(datetime(2026, 11, 22, 20, 0, tzinfo=UTC), tick=False)
def test_the_settled_ratings_end_in_the_persons_own_days():
    # Sunday 20:00 in UTC is Monday 23 Nov 09:00 in Auckland.
    assert insights.recent_from(
        period_of("UTC", now=datetime(2026, 11, 22, 20, 0, tzinfo=UTC))
    ) == date(2026, 9, 21)
    assert insights.recent_from(
        period_of("Pacific/Auckland", now=datetime(2026, 11, 22, 20, 0, tzinfo=UTC))
    ) == date(2026, 9, 28)


# Every answer from the counted ratings.


def counted_ratings() -> insights.Ratings:
    """Sessions of every kind, days with and without a session, and weeks of usual pain, the
    last eight weeks' apart from the earlier ones."""
    sessions = {
        group(7, 3, "two", True, False, True, True): 3,
        group(6, 5, "one", False, True, False, True): 2,
        group(8, 4, "two", False, False, False, False): 4,
        group(5, 5, "one", True, False, True, False): 3,
        group(9, 6, "", True, True, True, False): 2,
        group(4, 1, "two", True, False, False, True): 1,
        group(6, 6, "one", False, False, True, False): 3,
    }
    days = {(4.0, True): 3, (5.5, True): 2, (3.0, False): 4, (6.0, False): 3, (2.0, True): 1}
    first = date(2026, 6, 1)
    weeks = tuple(
        (first + timedelta(weeks=n), 6.0 - n / 10 + (n % 3) / 4, 2 + n % 4)
        for n in range(26)
        if n not in (4, 20)
    )
    return insights.Ratings(sessions, days, 31, weeks)


def drops_of(sessions: dict, chosen) -> list[float]:
    return sorted(
        float(g.pain_before - g.pain_after)
        for g, count in sessions.items()
        if chosen(g)
        for _ in range(count)
    )


def test_every_answer_from_the_counted_ratings():
    ratings = counted_ratings()
    period = period_of()
    found = insights.answers(ratings, period)
    sessions = ratings.sessions
    all_pairs = Counter()
    recent_pairs = Counter()
    for g, count in sessions.items():
        all_pairs[(g.pain_before, g.pain_after)] += count
        if g.recent:
            recent_pairs[(g.pain_before, g.pain_after)] += count
    assert found.relief_all == insights.relief_of(all_pairs)
    assert found.relief_recent == insights.relief_of(recent_pairs)
    assert found.relief_all.sessions == 18 and found.relief_recent.sessions == 6
    # The last eight ISO weeks up to Wednesday 25 Nov: from Monday 5 Oct.
    assert found.trend_recent == insights.trend(
        *insights._weekly_series(ratings.weeks, date(2026, 10, 5))
    )
    # Eight weeks, one of them without ratings.
    assert found.trend_recent.weeks == 7
    assert found.trend_recent.span == 8
    assert found.trend_all == insights.trend(*insights._weekly_series(ratings.weeks, None))
    assert found.trend_all.weeks == 24
    assert found.session_days == insights.difference(
        [2.0, 4.0, 4.0, 4.0, 5.5, 5.5], [3.0] * 4 + [6.0] * 3, ratings=31
    )
    expected = {
        "balls": (lambda g: g.ball_setup == "two", lambda g: g.ball_setup == "one"),
        "knees": (lambda g: g.knees_lifted, lambda g: not g.knees_lifted),
        "breathing": (lambda g: not g.breathing_skipped, lambda g: g.breathing_skipped),
        "morning": (lambda g: g.morning, lambda g: not g.morning),
    }
    assert list(found.factors) == list(FACTORS)
    for name, (first, second) in expected.items():
        firsts, seconds = drops_of(sessions, first), drops_of(sessions, second)
        assert found.factors[name] == insights.difference(
            firsts, seconds, ratings=2 * (len(firsts) + len(seconds))
        ), name
    assert found.factors["balls"].first == 8 and found.factors["balls"].second == 8


def test_the_settled_slopes_are_used_for_the_trend_through_every_week(monkeypatch):
    ratings = counted_ratings()
    x, y = insights._points(insights._weekly_series(ratings.weeks[:12], None)[0])
    slopes = settle(y, x, 0.95, room=9)
    called = []

    def spy(y, x, confidence, settled):
        called.append(settled)
        return theil_sen(y, x, confidence, settled)

    monkeypatch.setattr(insights, "theil_sen", spy)
    insights.answers(
        insights.Ratings(ratings.sessions, ratings.days, 31, ratings.weeks, slopes), period_of()
    )
    assert called == [None, slopes]


# Every answer in words.


def test_the_answers_in_words_by_question():
    found = insights.answers(counted_ratings(), period_of())
    said = insights.statements(found)
    assert said == {
        "Right after a session": [
            insights._relief_text(found.relief_all, "All sessions"),
            insights._relief_text(found.relief_recent, "The last four weeks"),
        ],
        "Does it last": [
            insights._trend_text(found.trend_recent, "The trend through the last eight weeks"),
            insights._trend_text(found.trend_all, "The trend through every week since the start"),
        ],
        "Session days against other days": [
            insights._difference_text(found.session_days, SESSION_DAYS)
        ],
        "What goes with more relief": [
            insights._difference_text(found.factors[name], FACTORS[name]) for name in FACTORS
        ],
    }


def test_the_answers_in_words_in_german():
    found = insights.answers(counted_ratings(), period_of())
    with translation.override("de"):
        said = insights.statements(found)
        assert list(said) == [
            "Direkt nach einer Sitzung",
            "Hält es an?",
            "Tage mit Sitzung gegenüber anderen Tagen",
            "Was mit mehr Linderung einhergeht",
        ]
        assert said["Direkt nach einer Sitzung"][1].startswith("Die letzten vier Wochen: ")
        assert said["Hält es an?"][0].startswith("Der Verlauf über die letzten acht Wochen: ")
        assert said["Hält es an?"][1].startswith("Der Verlauf über alle Wochen seit Beginn: ")
        assert said["Direkt nach einer Sitzung"][0].startswith("Alle Sitzungen: ")
