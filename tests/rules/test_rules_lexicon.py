"""Merchant names as banks print them: short forms, company names, payment wrappers and
marketplace lines. The development set is what the lexicon is grown against; the held-out
set (test_rules_heldout.py) is kept apart from that work."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.rules import classify, load_default_rules
from service.rules.evaluate import read_labelled, run_labelled, scores
from tests.rules.factories import txn

DEVELOPMENT = Path(__file__).with_name("development.csv")
MERCHANT_RULES = ("harmful.gambling", "harmful.high_cost_credit", "harmful.tobacco")
RULES = load_default_rules()


def _fired(description: str, amount: str = "-10.00") -> set[str]:
    return {h.rule_id for h in classify(txn(description, amount), None, RULES).hits}


def test_every_development_line_is_right():
    outcomes = run_labelled(read_labelled(DEVELOPMENT))
    wrong = [(o.row["description"], sorted(o.fired)) for o in outcomes
             if o.fired & set(MERCHANT_RULES)
             != set(filter(None, o.row["expected_rule"].split("|")))]
    assert wrong == []
    for score in scores(outcomes, MERCHANT_RULES):
        assert score.true_pos >= 5, score


@pytest.mark.parametrize("line", [
    "AMAZON MKTPLACE PMTS CASINO ROYALE DVD",
    "AMZN Mktp UK*THE CINCINNATI KID POKER DVD",
    "AMAZON.CO.UK*BINGO DABBERS",
    "AMZNMKTPLACE LOTTERY WINNERS BOOK",
    "EBAY O*12-34567-89012 CIGAR HUMIDOR",
    "PAYPAL *EBAY TOBACCO TIN",
    "ETSY.COM CASINO NIGHT PRINT",
    "AMAZON MKTPLACE PERFECT HOME STORAGE BOX",
])
def test_a_product_title_on_a_marketplace_line_never_flags(line):
    assert _fired(line) == set()


@pytest.mark.parametrize(("line", "rule"), [
    ("PAYPAL *SKYBET", "harmful.gambling"),
    ("PP*BETFAIR", "harmful.gambling"),
    ("AMAZON PAY *BET365", "harmful.gambling"),
    ("SQ *TOMBOLA", "harmful.gambling"),
    ("SUMUP *CORAL", "harmful.gambling"),
    ("ZETTLE_*LADBROKE", "harmful.gambling"),
    ("CRV*888SPORT", "harmful.gambling"),
    ("CRV*PERFECT HOME", "harmful.high_cost_credit"),
    ("CRV*LENDINGSTREAM", "harmful.high_cost_credit"),
    ("SQ *THE TOBACCONIST", "harmful.tobacco"),
])
def test_a_payment_wrapper_is_judged_on_the_merchant(line, rule):
    assert _fired(line) == {rule}


@pytest.mark.parametrize("line", [
    "SQ *CORAL CAFE", "SUMUP *HILLSIDE FARM SHOP", "ZETTLE_*BETTER BAKES", "CRV*WHSMITH",
    "PAYPAL *SKY UK", "IZ *888 NOODLE BAR",
])
def test_a_payment_wrapper_round_an_everyday_merchant_never_flags(line):
    assert _fired(line) == set()


@pytest.mark.parametrize("line", [
    "WHSMITH 1234", "W H SMITH", "WM MORRISON", "BETTER GYM", "BETTER LEISURE",
    "GALA THEATRE", "SPORTS DIRECT", "BINGLEY BUILDING SOC", "HILLSIDE GARDEN CENTRE",
    "LADBROKE GROVE", "LADBROKE ARMS", "CORAL REEF WATERWORLD", "POWERLEAGUE", "KWIK FIT",
    "888 CHINESE TAKEAWAY", "THE TOTE BAG CO", "WHG RENT", "MR GREENS BUTCHERS",
    "PERFECT HOME CLEANING SERVICES", "PERFECT HOMES LETTINGS", "WAGESTREAM",
])
def test_look_alikes_of_the_new_brands_never_flag(line):
    assert _fired(line) == set()


@pytest.mark.parametrize("line", [
    "NATIONAL LOTTERY COMMUNITY FUND", "NATIONAL LOTTERY HERITAGE FUND",
    "AWARDS FOR ALL NATIONAL LOTTERY", "PEOPLES POSTCODE TRUST",
])
def test_a_lottery_fund_grant_is_not_gambling_in_or_out(line):
    assert _fired(line, "500.00") == set()
    assert _fired(line, "-500.00") == set()
