"""Any text a bank might send is classified without error, and flags never fire on money in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from service.rules import check_line, classify, load_default_rules, normalise, payee_key
from service.rules.categories import CODES
from tests.rules.factories import context, txn

RULES = load_default_rules()
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)
MONEY = st.decimals(min_value=Decimal("-99999.99"), max_value=Decimal("99999.99"), places=2)


@given(TEXT)
def test_normalise_never_fails_and_is_clean_upper_case(description):
    clean = normalise(description)
    assert clean == clean.strip() and "  " not in clean
    assert set(payee_key(description).split()) <= set(clean.split())


@given(TEXT, MONEY, st.one_of(st.none(), st.sampled_from(["7995", "5993", "5411", "6011"])))
def test_every_line_gets_a_known_category_and_money_in_is_never_flagged(description, amount, mcc):
    category, flags = check_line(dt.date(2025, 6, 2), amount, description, mcc)
    assert category in CODES
    if amount > 0:
        assert flags == []


@given(TEXT, MONEY)
def test_classify_with_a_plan_never_fails(description, amount):
    found = classify(txn(description, str(amount)), context(), RULES)
    assert found.category in CODES and found.reason
