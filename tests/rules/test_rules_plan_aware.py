"""Household relatives (reg 3), minimum wage, and the local-policy rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from service.rules import (
    CareStay,
    PayRecord,
    TimesheetEntry,
    classify,
    load_default_rules,
    ruleset_for_council,
)
from service.rules.local import check_care_home_stays, check_cash_over_limit
from service.rules.wages import check_minimum_wage, check_pay_period
from tests.rules.factories import context, txn, worker

RULES = load_default_rules()
HOUSEHOLD = "unlawful.household_relative"


def _household_hits(**worker_fields):
    ctx = context(workers=(worker(**worker_fields),))
    found = classify(txn("FPO J SMITH REF WAGES", id="t1"), ctx, RULES)
    assert found.worker_ref == "w1"
    return [h for h in found.hits if h.rule_id == HOUSEHOLD]


@pytest.mark.parametrize("relationship", ["wife", "Husband", "civil partner", "partner"])
def test_a_partner_is_flagged_wherever_they_live(relationship):
    (hit,) = _household_hits(relationship=relationship, lives_in_household=False)
    assert hit.severity == "unlawful" and hit.rule_version == 1
    assert "Jane Smith" in hit.reason


@pytest.mark.parametrize("relationship", [
    "mother", "father-in-law", "son", "daughter-in-law", "stepdaughter", "brother",
    "aunt", "uncle", "grandmother", "partner of relative",
])
def test_a_close_relative_in_the_household_is_flagged(relationship):
    assert len(_household_hits(relationship=relationship, lives_in_household=True)) == 1


def test_a_relative_living_elsewhere_is_not_flagged():
    assert _household_hits(relationship="daughter", lives_in_household=False) == []


def test_a_relative_at_home_with_a_recorded_necessary_decision_is_not_flagged():
    assert _household_hits(relationship="son", lives_in_household=True,
                           necessary_decision=True) == []
    assert _household_hits(relationship="wife", necessary_decision=True) == []


@pytest.mark.parametrize("relationship", ["grandson", "niece", "cousin", "friend", None])
def test_people_outside_the_regulation_list_are_not_flagged(relationship):
    assert _household_hits(relationship=relationship, lives_in_household=True) == []


def test_household_flag_key_is_stable_and_per_payment():
    ctx = context(workers=(worker(relationship="wife"),))
    first = classify(txn("FPO J SMITH", id="t1"), ctx, RULES).hits[0]
    again = classify(txn("FPO J SMITH", id="t1"), ctx, RULES).hits[0]
    other = classify(txn("FPO J SMITH", id="t2"), ctx, RULES).hits[0]
    assert first.key == again.key == "unlawful.household_relative|txn:t1"
    assert other.key != first.key


def test_without_an_id_the_key_is_a_fingerprint_of_the_line():
    one = classify(txn("PAYPAL *BET365"), None, RULES).hits[0]
    two = classify(txn("PAYPAL *BET365"), None, RULES).hits[0]
    later = classify(txn("PAYPAL *BET365", date=dt.date(2025, 7, 1)), None, RULES).hits[0]
    assert one.key == two.key != later.key


# --- minimum wage ---------------------------------------------------------------------

JUNE = (dt.date(2025, 6, 1), dt.date(2025, 6, 30))


def _shifts(hours: str, days: int = 10, ref: str = "w1", **kw) -> list[TimesheetEntry]:
    return [TimesheetEntry(ref, dt.date(2025, 6, 1 + i), D(hours), **kw) for i in range(days)]


def _pay(gross: str, ref: str = "w1", **kw) -> PayRecord:
    return PayRecord(ref, *JUNE, D(gross), **kw)


def _wage_hits(w, entries, pay):
    return check_minimum_wage([w], entries, pay, RULES)


def test_pay_below_the_21_plus_rate_is_flagged():
    adult = worker(date_of_birth=dt.date(1980, 1, 1))
    (hit,) = _wage_hits(adult, _shifts("8"), [_pay("960.00")])  # 80h at £12.00
    assert hit.rule_id == "unlawful.below_minimum_wage"
    # 80h x £12.21 = £976.80 required; £976.80 - £960.00 = £16.80 owed
    assert hit.reason.startswith(
        "You paid Jane Smith £16.80 less than the law says for 1 to 30 June 2025.")
    assert "£12.00 an hour" in hit.reason and "£12.21 an hour" in hit.reason
    assert hit.key == "unlawful.below_minimum_wage|worker:w1:2025-06-01:2025-06-30"


def test_pay_at_the_rate_is_not_flagged():
    adult = worker(date_of_birth=dt.date(1980, 1, 1))
    assert _wage_hits(adult, _shifts("8"), [_pay("976.80")]) == []


def test_a_twenty_year_old_paid_the_18_to_20_rate_is_not_flagged():
    twenty = worker(date_of_birth=dt.date(2005, 1, 15))
    assert _wage_hits(twenty, _shifts("8"), [_pay("800.00")]) == []  # £10.00 an hour
    assert len(_wage_hits(twenty, _shifts("8"), [_pay("790.00")])) == 1


def test_a_recorded_age_band_is_used_without_a_date_of_birth():
    assert _wage_hits(worker(age_band="18-20"), _shifts("8"), [_pay("800.00")]) == []


def test_hours_after_a_21st_birthday_need_the_adult_rate():
    turning = worker(date_of_birth=dt.date(2004, 6, 6))  # 21 on 6 June 2025
    found = check_pay_period(turning, _pay("0"), _shifts("8"))
    assert found.required == 5 * 8 * D("10.00") + 5 * 8 * D("12.21")


def test_a_sleep_in_night_counts_only_the_woken_hours():
    adult = worker(date_of_birth=dt.date(1980, 1, 1))
    nights = _shifts("9", days=4, sleep_in=True, woken_hours=D("1"))
    # £60 flat for 4 sleep-ins with 1 waking hour each: £15 an hour worked, lawful.
    assert _wage_hits(adult, nights, [_pay("60.00")]) == []
    # Counting all 36 hours would wrongly give £1.67 an hour.
    assert check_pay_period(adult, _pay("60.00"), nights).hours == D("4")


def test_the_accommodation_offset_counts_as_pay():
    adult = worker(date_of_birth=dt.date(1980, 1, 1))
    low = _pay("900.00", accommodation_days=10)  # + 10 x £10.66 = £1,006.60 for 80h
    assert _wage_hits(adult, _shifts("8"), [low]) == []


def test_unknown_age_is_checked_against_the_lowest_rate_only():
    unknown = worker()
    assert _wage_hits(unknown, _shifts("8"), [_pay("700.00")]) == []  # £8.75 > £7.55
    (hit,) = _wage_hits(unknown, _shifts("8"), [_pay("500.00")])
    assert "do not know their age" in hit.reason


def test_payroll_runs_are_preferred_to_wage_payments():
    adult = worker(date_of_birth=dt.date(1980, 1, 1))
    net = _pay("900.00", source="wage_payment")
    gross = _pay("1000.00", source="payroll")
    assert _wage_hits(adult, _shifts("8"), [net, gross]) == []
    assert len(_wage_hits(adult, _shifts("8"), [net])) == 1


def test_periods_before_the_rate_tables_and_without_hours_are_skipped():
    adult = worker(date_of_birth=dt.date(1980, 1, 1))
    old = PayRecord("w1", dt.date(2023, 6, 1), dt.date(2023, 6, 30), D("1"))
    assert _wage_hits(adult, _shifts("8"), [old]) == []
    assert _wage_hits(adult, [], [_pay("1.00")]) == []


def test_the_rate_table_is_the_one_in_force_when_the_period_starts():
    adult = worker(date_of_birth=dt.date(1980, 1, 1))
    march = [TimesheetEntry("w1", dt.date(2025, 3, 20 + i), D("8")) for i in range(10)]
    spanning = PayRecord("w1", dt.date(2025, 3, 20), dt.date(2025, 4, 19), D("915.20"))
    assert _wage_hits(adult, march, [spanning]) == []  # 80h x £11.44, the 2024 rate


# --- local policy ---------------------------------------------------------------------

def _local(rule_id: str, **params):
    return ruleset_for_council([rule_id], {rule_id: params} if params else None)


def _rule_ids(found):
    return [h.rule_id for h in found.hits]


def test_local_rules_are_off_by_default_and_never_unlawful():
    assert _rule_ids(classify(txn("BARGAIN BOOZE", mcc="5921"), None, RULES)) == []
    for rule in load_default_rules().rules.values():
        if rule.id.startswith("local."):
            assert not rule.default_on and rule.severity == "local"


def test_alcohol_only_shops_when_switched_on_but_not_pubs_for_a_meal():
    rules = _local("local.alcohol")
    assert _rule_ids(classify(txn("MAJESTIC WINE"), None, rules)) == ["local.alcohol"]
    assert _rule_ids(classify(txn("X", mcc="5921"), None, rules)) == ["local.alcohol"]
    assert _rule_ids(classify(txn("KINGS ARMS", mcc="5813"), None, rules)) == []
    assert _rule_ids(classify(txn("J D WETHERSPOON"), None, rules)) == []
    bars = _local("local.alcohol", include_bars=True)
    assert _rule_ids(classify(txn("KINGS ARMS", mcc="5813"), None, bars)) == ["local.alcohol"]


def test_dating_and_pawn_shops_when_switched_on():
    dating = _local("local.dating_escort")
    assert _rule_ids(classify(txn("MATCH.COM"), None, dating)) == ["local.dating_escort"]
    pawn = _local("local.pawn_shop")
    assert _rule_ids(classify(txn("CASH CONVERTERS 0123"), None, pawn)) == ["local.pawn_shop"]
    assert _rule_ids(classify(txn("ABC", mcc="5933"), None, pawn)) == ["local.pawn_shop"]


def test_cash_above_the_monthly_amount():
    rules = _local("local.cash_over_limit", monthly_limit="200.00")
    lines = [txn("CASH WITHDRAWAL", "-150.00", date=dt.date(2025, 6, d)) for d in (2, 20)]
    lines.append(txn("CASH WITHDRAWAL", "-150.00", date=dt.date(2025, 7, 3)))
    classified = [(t, classify(t, None, rules)) for t in lines]
    (hit,) = check_cash_over_limit(classified, rules)
    assert hit.key == "local.cash_over_limit|month:2025-06"
    assert "£300.00" in hit.reason and "June 2025" in hit.reason
    assert check_cash_over_limit(classified, RULES) == []


def test_care_home_stays_beyond_four_weeks_need_review():
    rules = _local("local.care_home_stay")
    short = [CareStay(dt.date(2025, 1, 1), dt.date(2025, 1, 14)),
             CareStay(dt.date(2025, 6, 1), dt.date(2025, 6, 14))]
    assert check_care_home_stays(short, rules) == []
    joined = [CareStay(dt.date(2025, 1, 1), dt.date(2025, 1, 21)),
              CareStay(dt.date(2025, 2, 4), dt.date(2025, 2, 17))]  # 2 weeks apart: 35 nights
    (hit,) = check_care_home_stays(joined, rules)
    assert hit.severity == "local" and hit.reason.startswith("Needs review")
    assert check_care_home_stays(joined, RULES) == []


def test_council_rule_choices_are_validated():
    with pytest.raises(ValueError, match="unknown rule"):
        ruleset_for_council(["local.no_such_rule"])
    with pytest.raises(ValueError, match="unknown parameter"):
        ruleset_for_council([], {"local.cash_over_limit": {"limit": "1"}})
    with pytest.raises(ValueError, match="decimal string"):
        ruleset_for_council([], {"local.cash_over_limit": {"monthly_limit": 1.5}})


def test_every_rule_is_documented_for_the_public():
    for described in load_default_rules().describe():
        assert described["title"] and described["explanation"]
        assert described["source"]["citation"] and described["version"] >= 1
        assert described["severity"] in ("unlawful", "harmful", "local")
