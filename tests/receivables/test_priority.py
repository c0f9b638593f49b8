"""The priority rule table: each rule's points and its reason in words; the creditor's override."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from portal.receivables.priority import Facts, score

TODAY = date(2026, 12, 7)
QUIET = Facts(outstanding=Decimal("50000"), days_overdue=10, promises_broken=0, promises_kept=0,
                    reminders_sent=1, responded=False, msmed_interest_accruing=False, limitation_ends=None,
                    today=TODAY)


def test_a_small_recent_debt_scores_low_with_its_reasons():
    s = score(QUIET)
    assert s.value == 10
    assert s.reasons == ("₹50,000.00 outstanding (+5)", "oldest invoice 10 days overdue (+5)")


def test_each_rule_adds_its_points_and_says_why():
    facts = replace(QUIET, outstanding=Decimal("1500000"), days_overdue=120, promises_broken=4,
                    reminders_sent=3, msmed_interest_accruing=True, limitation_ends=date(2027, 1, 31))
    s = score(facts)
    assert s.value == 30 + 25 + 30 + 10 + 5 + 40
    assert "4 promises to pay broken (+30)" in s.reasons
    assert "no answer to 3 reminders (+10)" in s.reasons
    assert "limitation ends on 31 Jan 2027 (+40)" in s.reasons


def test_answering_and_keeping_promises_lower_the_score():
    s = score(replace(QUIET, responded=True, promises_kept=2, reminders_sent=4))
    assert s.value == 10 - 10 - 5
    assert "kept 2 promises to pay (-5)" in s.reasons


def test_limitation_far_away_adds_nothing():
    assert score(replace(QUIET, limitation_ends=date(2028, 1, 1))).value == 10


def test_the_creditors_override_replaces_the_score():
    s = score(QUIET, override=99, override_reason="owner is a friend of the family; call personally")
    assert s.value == 99 and s.overridden
    assert s.reasons == ("set by the creditor: owner is a friend of the family; call personally",)


def test_the_last_reminder_before_a_notice_adds_to_the_score():
    s = score(replace(QUIET, at_notice_level=True))
    assert s.value == 10 + 15
    assert s.reasons[-1] == "the last reminder before a legal notice has gone (+15)"
