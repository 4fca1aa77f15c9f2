"""The minimum wage on realistic records: judged when timesheets and payroll arrive, hours
from one source, gross pay from payroll, and bank (net) pay only where it must be gross.

Figures are worked by hand in the comments. April 2026: the 21+ rate is £12.71 an hour;
nothing is taken off pay below £833 a month or £192 a week (the pension earnings
trigger, lower than the £1,047.50 / £241.73 personal allowance and £1,048 / £242 NI
primary threshold).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import Council, post_ok
from review_helpers import Person, flags, make_person, statement, upload

from service.core.db import session_scope
from service.models import Recipient
from service.onboarding.service import system_ctx
from service.review.flags import run_period_rules, wage_questions_for

RULE = "unlawful.below_minimum_wage"
APRIL = (dt.date(2026, 4, 1), dt.date(2026, 4, 30))


@pytest.fixture
def person(client: Any, council: Council) -> Person:
    return make_person(client, council)


def _worker(client: Any, person: Person, name: str = "Dana Price") -> int:
    found = post_ok(client, f"/v1/recipients/{person.recipient_id}/workers",
                    person.council.auth(), {"name": name, "date_of_birth": "1990-05-01"})
    return int(found["id"])


def _timesheet(client: Any, person: Person, days: range, hours: str, month: int = 4,
               name: str = "Dana Price") -> dict[str, Any]:
    sheet = "Worker,Date,Hours\n" + "".join(f"{name},{d:02d}/{month:02d}/2026,{hours}\n"
                                            for d in days)
    response = client.post(f"/v1/recipients/{person.recipient_id}/timesheets",
                           headers=person.council.auth(),
                           files={"file": (f"sheet-{month}.csv", sheet.encode())})
    assert response.status_code == 201, response.text
    return dict(response.json())


def _payroll(client: Any, person: Person, gross: str, hours: str | None = None,
             start: str = "2026-04-01", end: str = "2026-04-30") -> dict[str, Any]:
    line = {"worker": "Dana Price", "period_start": start, "period_end": end,
            "gross": gross, "net": gross}
    if hours is not None:
        line["hours"] = hours
    return dict(post_ok(client, f"/v1/recipients/{person.recipient_id}/payroll-runs",
                        person.council.auth(), {"lines": [line]}))


def _questions(person: Person, start: dt.date, end: dt.date) -> list[Any]:
    with session_scope() as session:
        recipient = session.get(Recipient, person.recipient_id)
        assert recipient is not None
        return wage_questions_for(system_ctx(session, person.council.id), recipient, start, end)


def test_payroll_gross_below_the_rate_is_flagged_when_the_run_arrives(
        client: Any, person: Person) -> None:
    _worker(client, person)
    # 40 hours x £12.71 = £508.40 required; paid £480.00 gross, so £28.40 is owed
    _payroll(client, person, "480.00", hours="40.00")
    (flag,) = flags(client, person, rule=RULE)
    assert flag["explanation"].startswith(
        "You paid Dana Price £28.40 less than the law says for 1 to 30 April 2026.")
    assert "£508.40" in flag["explanation"] and "£12.71 an hour" in flag["explanation"]
    assert flag["evidence"]["pay_source"] == "payroll"
    assert flag["evidence"]["hours_source"] == "payroll"
    assert flag["occurred_on"] == "2026-04-30"


def test_payroll_hours_and_timesheet_hours_are_not_added_together(
        client: Any, person: Person) -> None:
    _worker(client, person)
    # the same 40 hours on the timesheet (10 days x 4h) and on the payroll line
    _timesheet(client, person, range(1, 11), "4")
    # £520.00 for 40 hours is £13.00 an hour, lawful; for 80 hours it would be £6.50
    _payroll(client, person, "520.00", hours="40.00")
    assert flags(client, person, rule=RULE) == []
    # £480.00 for the same 40 hours in May: flagged once, on 40 hours, not 80
    _timesheet(client, person, range(1, 11), "4", month=5)
    _payroll(client, person, "480.00", hours="40.00", start="2026-05-01", end="2026-05-31")
    (flag,) = flags(client, person, rule=RULE)
    assert flag["evidence"]["hours"] == "40.00"
    assert "£28.40 less than the law says for 1 to 31 May 2026" in flag["explanation"]


def test_timesheet_hours_are_used_when_the_payroll_line_has_none(
        client: Any, person: Person) -> None:
    _worker(client, person)
    _payroll(client, person, "480.00")  # no hours on the line, no timesheet yet: not judged
    assert flags(client, person, rule=RULE) == []
    # 10 days x 4h = 40 hours; £508.40 required, £480.00 paid: £28.40 owed
    _timesheet(client, person, range(1, 11), "4")
    (flag,) = flags(client, person, rule=RULE)
    assert flag["evidence"]["hours_source"] == "timesheets"
    assert "£28.40 less than the law says for 1 to 30 April 2026" in flag["explanation"]


def test_hours_without_pay_are_not_judged(client: Any, person: Person) -> None:
    _worker(client, person)
    _timesheet(client, person, range(1, 29), "10")  # 280 hours, no pay recorded at all
    assert flags(client, person, rule=RULE) == []
    with session_scope() as session:
        recipient = session.get(Recipient, person.recipient_id)
        assert recipient is not None
        assert run_period_rules(system_ctx(session, person.council.id), recipient, *APRIL) == []


def test_bank_pay_under_the_thresholds_is_flagged_as_gross(client: Any, person: Person) -> None:
    _worker(client, person)
    # paid monthly at the month's end: £400.00 on 30 April, £400.00 on 29 May
    upload(client, person, statement([("30/04/2026", "D PRICE WAGES", "-400.00"),
                                      ("29/05/2026", "D PRICE WAGES", "-400.00")]))
    assert flags(client, person, rule=RULE) == []  # no hours yet
    # April: 10 days x 4h = 40 hours x £12.71 = £508.40; £400.00 paid is under £833 a
    # month, so nothing was taken off: £508.40 - £400.00 = £108.40 owed. May has no hours.
    _timesheet(client, person, range(1, 11), "4")
    (flag,) = flags(client, person, rule=RULE)
    assert flag["explanation"].startswith(
        "You paid Dana Price £108.40 less than the law says for 1 to 30 April 2026.")
    assert "from the bank" in flag["explanation"]
    assert flag["evidence"]["pay_source"] == "bank"
    assert _questions(person, *APRIL) == []


def test_bank_pay_above_the_thresholds_asks_for_payslips_instead(
        client: Any, person: Person) -> None:
    _worker(client, person)
    _worker(client, person, "Sam Carter")
    upload(client, person, statement([
        ("30/04/2026", "D PRICE WAGES", "-2000.00"), ("29/05/2026", "D PRICE WAGES", "-2000.00"),
        ("30/04/2026", "S CARTER WAGES", "-2000.00"), ("29/05/2026", "S CARTER WAGES", "-2000.00"),
    ]))
    # Dana: 17 days x 10h = 170 hours x £12.71 = £2,160.70, more than the £2,000.00 net;
    # but £2,000.00 is above £833 a month, so the gross may have been enough: no flag
    _timesheet(client, person, range(1, 18), "10")
    # Sam: low hours, 10 days x 4h = 40 hours; £2,000.00 is £50 an hour: nothing to ask
    _timesheet(client, person, range(1, 11), "4", name="Sam Carter")
    assert flags(client, person, rule=RULE) == []
    (question,) = _questions(person, *APRIL)
    assert question.worker_name == "Dana Price" and question.periods == (APRIL,)
    assert question.question == (
        "The bank payments to Dana Price look low for the hours worked for 1 to 30 April 2026. "
        "Tax or National Insurance may have been taken off first. "
        "Please send the payslips for 1 to 30 April 2026.")
    # payslips arrive through payroll: gross £2,200.00 for April settles it, lawfully
    _payroll(client, person, "2200.00")
    assert _questions(person, *APRIL) == []
    assert flags(client, person, rule=RULE) == []


def test_weekly_pay_in_arrears_keeps_one_flag_per_week_across_reruns(
        client: Any, person: Person) -> None:
    _worker(client, person)
    # paid each Friday for the 7 days to that Friday: 3, 10 and 17 April, £150.00 each
    upload(client, person, statement([(f"{d:02d}/04/2026", "D PRICE WAGES", "-150.00")
                                      for d in (3, 10, 17)]))
    # 4 days x 4h = 16 hours in each week (28-31 March, 4-7 April, 11-14 April)
    _timesheet(client, person, range(28, 32), "4", month=3)
    _timesheet(client, person, range(4, 8), "4")
    _timesheet(client, person, range(11, 15), "4")
    # 16 hours: 28 Mar to 3 Apr at the 2025 rate £12.21 = £195.36 (owed £45.36);
    # 4-10 and 11-17 April at £12.71 = £203.36 (owed £53.36). £150.00 < £192 a week.
    found = flags(client, person, rule=RULE)
    assert sorted(f["explanation"].split(". ")[0] for f in found) == [
        "You paid Dana Price £45.36 less than the law says for 28 March to 3 April 2026",
        "You paid Dana Price £53.36 less than the law says for 11 to 17 April 2026",
        "You paid Dana Price £53.36 less than the law says for 4 to 10 April 2026",
    ]
    rerun = post_ok(client, f"/v1/recipients/{person.recipient_id}/rules/rerun",
                    person.council.auth(), {})
    assert rerun["flags_raised"] == [] and rerun["flags_cleared"] == []
    assert sorted(f["id"] for f in flags(client, person, rule=RULE)) == sorted(
        f["id"] for f in found)
