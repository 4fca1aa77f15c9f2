"""Classification with a support plan: wages, agencies, income, transfers, overrides."""

from __future__ import annotations

from decimal import Decimal

import pytest

from service.rules import FLEXIBLE, PaymentSchedule, classify, load_default_rules, normalise, payee_key
from service.rules.categories import CODES, LABELS
from tests.rules.factories import context, txn, worker

RULES = load_default_rules()


def _category(description: str, amount: str = "-100.00", ctx=None, **kw) -> str:
    return classify(txn(description, amount, **kw), ctx or context(), RULES).category


@pytest.mark.parametrize("line", [
    "FPO J SMITH", "SMITH JANE", "JANE SMITH WAGES", "MS J SMITH REF WAGES WK 32",
    "FASTER PAYMENT TO JSMITH", "BANK TRANSFER TO JANE SMITH 01/09/2025",
])
def test_wages_find_the_worker_through_bank_noise(line):
    found = classify(txn(line), context(), RULES)
    assert (found.category, found.worker_ref, found.plan_line_ref) == ("pa_wages", "w1", "L1")


@pytest.mark.parametrize("line", ["SMITH HARDWARE", "W H SMITH", "JOHN SMITH", "JANE DOE"])
def test_wages_do_not_match_other_people_or_shops(line):
    assert _category(line) != "pa_wages"


def test_an_alias_matches_the_worker():
    ctx = context(workers=(worker(name="Margaret Jones", aliases=("Peggy Jones",)),))
    assert classify(txn("PEGGY JONES"), ctx, RULES).worker_ref == "w1"


def test_two_workers_sharing_initial_and_surname_are_not_guessed():
    ctx = context(workers=(worker(), worker(ref="w2", name="John Smith")))
    found = classify(txn("FPO J SMITH"), ctx, RULES)
    assert (found.category, found.worker_ref) == ("pa_wages", None)
    assert classify(txn("JOHN SMITH WAGES"), ctx, RULES).worker_ref == "w2"


def test_agency_named_on_the_plan():
    found = classify(txn("DD BLUEBIRD CARE KENDAL"), context(), RULES)
    assert (found.category, found.plan_line_ref) == ("agency_care", "L2")


def test_plan_line_by_category_keywords_only_when_the_plan_has_that_line():
    assert _category("STREAMLINE TAXIS") == "transport"
    assert _category("STREAMLINE TAXIS", ctx=context(plan_lines=())) == "flexible_use"


def test_employer_costs_need_no_plan_line():
    assert _category("DD HMRC NDDS") == "hmrc"
    assert _category("DD NEST") == "pension"
    assert _category("FISH INSURANCE") == "insurance"
    assert _category("GOOGLE NEST") == "flexible_use"


def test_everything_else_is_flexible_use_with_the_plain_reason():
    found = classify(txn("CENTER PARCS"), context(), RULES)
    assert (found.category, found.reason, found.hits) == ("flexible_use", FLEXIBLE, ())


def test_council_payment_matched_to_the_schedule():
    found = classify(txn("BGC WESTMORLAND AND FURNESS COUNCIL", "1240.00"), context(), RULES)
    assert found.category == "council_payment"
    assert found.reason == "Your direct payment from the council."
    odd = classify(txn("WESTMORLAND AND FURNESS COUNCIL", "300.00"), context(), RULES)
    assert odd.category == "council_payment" and "usual payment is £1,240.00" in odd.reason


def test_who_paid_decides_before_the_words_do():
    # "DP" reads like the council's direct payment, but the person paid it in
    ctx = context(schedule=PaymentSchedule(
        council_amount=Decimal("771.80"), contribution_amount=Decimal("120.00"),
        council_payers=("LOADSHIRE CC DP",), contribution_payers=("M HALE",)))
    assert _category("M HALE DP CONTRIBUTION", "30.00", ctx=ctx) == "client_contribution"
    assert _category("LOADSHIRE CC DP 0412", "771.80", ctx=ctx) == "council_payment"
    # with no payer named, the words still say whose money it is
    assert _category("DP CONTRIBUTION", "30.00", ctx=ctx) == "client_contribution"
    assert _category("SOMESHIRE COUNCIL DP", "771.80", ctx=ctx) == "council_payment"


def test_client_contribution_by_payer_or_amount():
    assert _category("FPI MR A BROWN", "85.00") == "client_contribution"
    assert _category("FPI A B", "85.00") == "client_contribution"
    assert _category("FPI SOMEONE ELSE", "40.00") == "other_income"


def test_moves_between_own_accounts_are_transfers():
    assert _category("TFR 201122 41234567", "-500.00") == "transfer"
    assert _category("FPI 20-11-22 41234567", "500.00") == "transfer"


def test_a_remembered_payee_category_wins_first():
    ctx = context(overrides={"STREAMLINE TAXIS": "day_activities"})
    found = classify(txn("STREAMLINE TAXIS 4421 KENDAL"), ctx, RULES)
    assert found.category == "day_activities"
    assert found.reason.startswith("You told us")


def test_money_in_never_raises_a_merchant_flag():
    found = classify(txn("NATIONAL LOTTERY COMMUNITY FUND", "500.00"), context(), RULES)
    assert found.hits == ()
    assert classify(txn("PAYPAL *BET365", "20.00"), None, RULES).hits == ()


def test_every_category_has_a_label():
    assert "flexible_use" in CODES and "transfer" in CODES
    assert all(LABELS[c] for c in CODES)


@pytest.mark.parametrize(("raw", "clean"), [
    ("CARD PAYMENT TO TESCO STORES 3217 ON 01 SEP", "TESCO STORES"),
    ("PAYPAL *BET365", "BET365"),
    ("VIS BET 365 STOKE ON TRENT", "BET365"),
    ("LADBROKES 4471 )))))", "LADBROKES"),
    ("CASH HALIFAX 12MAR24", "CASH"),
    ("TESCO STORES 3217 KENDAL GB", "TESCO STORES"),
    ("Card Payment to WHSMITH on 01 Sep 2024 12:34", "WHSMITH"),
    ("UNIVERSITY OF LEEDS", "UNIVERSITY OF LEEDS"),
    ("DD HMRC NDDS", "HMRC NDDS"),
])
def test_normalise_strips_bank_noise(raw, clean):
    assert normalise(raw) == clean


def test_payee_key_is_stable_across_statements():
    assert payee_key("FPO J SMITH REF WAGES WK 32") == payee_key("J SMITH REF WAGES WK 33")
    assert payee_key("TESCO STORES 3217 KENDAL") == payee_key("CARD PAYMENT TO TESCO STORES")
    assert payee_key("FISH INSURANCE LTD") == "FISH INSURANCE"


def test_a_remembered_category_never_overrides_the_councils_payment():
    ctx = context(overrides={"WESTMORLAND AND FURNESS COUNCIL": "client_contribution"})
    found = classify(txn("WESTMORLAND AND FURNESS COUNCIL", "1240.00"), ctx, RULES)
    assert found.category == "council_payment"


def test_money_in_takes_only_a_remembered_money_in_category():
    ctx = context(overrides={"JOHN BROWN": "day_activities", "ANN WHITE": "refund"})
    assert classify(txn("JOHN BROWN", "40.00"), ctx, RULES).category == "other_income"
    assert classify(txn("ANN WHITE", "40.00"), ctx, RULES).category == "refund"


@pytest.mark.parametrize("remembered", ["pa_wages", "flexible_use"])
def test_the_worker_and_household_rule_come_before_a_remembered_category(remembered):
    partner = worker(relationship="wife", lives_in_household=True)
    ctx = context(workers=(partner,), overrides={"JANE SMITH": remembered})
    found = classify(txn("JANE SMITH"), ctx, RULES)
    assert found.category == remembered
    assert [h.rule_id for h in found.hits] == ["unlawful.household_relative"]
    assert found.worker_ref == ("w1" if remembered == "pa_wages" else None)
