"""The demo council: a recipient with an approved plan, a bank account and a managed account
(served by the demo provider), two PAs and a schedule, and a year of statements and
timesheets imported through the importers (one month missing, one gambling payment, a
balance above what the person may keep), so a first audit shows every part working.

Dates are relative to today, so the demo looks current on any day; running it again
changes nothing but replaces the demo's API keys (keys are shown only once).
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

import typer
from sqlalchemy import select

from service.core import migrate
from service.core.db import session_scope
from service.core.types import today_uk
from service.models import ApiKey, User
from service.onboarding import service as onboarding
from service.onboarding.schemas import LoadDocument
from service.people import service as people
from service.web import auth

DEMO_COUNCIL = "demo"
OFFICER = "officer@demo-council.example.org"
ADMIN = "admin@demo-council.example.org"
HOLDER = "alex@demo-council.example.org"
PROVIDER_USER = "payroll@demo-payroll.example.org"
DEMO_ACCOUNT = "demo-account"
MANAGED_ACCOUNT = "demo-managed"
DEMO_PROVIDER = "demo-payroll"
KEY_NAME = "demo sign-in"
# who signs in, in the order printed: (role as the demo names it, email)
SIGN_IN = (("council admin", ADMIN), ("finance officer", OFFICER), ("DP holder", HOLDER),
           ("provider", PROVIDER_USER))
# who signs in to the web pages, as `sign-in ROLE EMAIL PASSWORD` lines
PAGE_SIGN_IN = (("admin", ADMIN), ("officer", OFFICER), ("holder", HOLDER))
_WORDS = ("apple", "river", "candle", "meadow", "harbour", "violet", "pebble", "lantern", "orchard",
          "thistle", "copper", "willow", "saddle", "biscuit", "marble", "sparrow")


def start_date(today: date) -> date:
    """The demo direct payment started about 13 months ago, on a Monday."""
    first = today - timedelta(days=400)
    return first - timedelta(days=first.weekday())


def demo_document(today: date) -> dict[str, Any]:
    start = start_date(today)
    return {
        "council": {"code": DEMO_COUNCIL, "name": "Demo Borough Council",
                    "contact_phone": "01632 960 418",
                    "contact_email": "direct.payments@demo-council.example.org",
                    "contact_address": "Town Hall\n14 Market Street\nDemoton\nDM1 4AB"},
        "providers": [{"reference": "demo-payroll", "name": "Demo Payroll Bureau"}],
        "users": [
            {"email": OFFICER, "name": "Olu Officer", "role": "officer"},
            {"email": "admin@demo-council.example.org", "name": "Ada Admin", "role": "admin"},
            {"email": HOLDER, "name": "Alex Example", "role": "holder"},
            {"email": PROVIDER_USER, "name": "Pat Payroll", "role": "provider",
             "provider": DEMO_PROVIDER},
        ],
        "recipients": [{
            "reference": "R-DEMO-1",
            "name": "Alex Example",
            "date_of_birth": "1961-05-14",
            "dp_start_date": start.isoformat(),
            "representatives": [{"kind": "self", "name": "Alex Example", "user": HOLDER}],
            "accounts": [{"reference": DEMO_ACCOUNT, "kind": "bank", "institution": "Demo Bank",
                          "number_last4": "4321", "opened_on": start.isoformat()},
                         {"reference": MANAGED_ACCOUNT, "kind": "managed",
                          "institution": "Demo Payroll Bureau", "number_last4": "8765",
                          "opened_on": start.isoformat(), "provider": DEMO_PROVIDER}],
            "workers": [
                {"reference": "PA-1", "name": "Sam Carter", "aliases": ["S CARTER"],
                 "age_band": "21_plus", "started_on": start.isoformat()},
                {"reference": "PA-2", "name": "Jo Patel", "aliases": ["J PATEL"],
                 "date_of_birth": (today - timedelta(days=365 * 24)).isoformat(),
                 "relationship": "friend", "started_on": start.isoformat()},
            ],
            "payment_schedules": [{
                "account": DEMO_ACCOUNT, "funding_model": "net", "frequency": "four_weeks",
                "council_amount": "1540.00", "contribution_amount": "120.00",
                "first_payment_on": start.isoformat(), "payer_reference": "DEMO BOROUGH COUNCIL",
            }],
            "plans": [{
                "effective_from": start.isoformat(), "period": "four_weeks",
                "indicative_budget": "1700.00", "actual_budget": "1660.00", "approved": True,
                "lines": [
                    {"category": "pa_wages", "description": "Personal assistants, 24 hours a week",
                     "amount": "312.00", "amount_basis": "week", "planned_hours_per_week": "24.00",
                     "hourly_rate": "13.00"},
                    {"category": "hmrc", "description": "Employer's tax and National Insurance",
                     "amount": "40.00", "amount_basis": "period", "expected_payee": "HMRC"},
                    {"category": "payroll_service", "description": "Payroll service",
                     "amount": "20.00", "amount_basis": "period",
                     "expected_payee": "Demo Payroll Bureau"},
                    {"category": "insurance", "description": "Employer's liability insurance",
                     "amount": "12.00", "amount_basis": "period"},
                    {"category": "day_activities", "description": "Swimming and day trips",
                     "amount": "80.00", "amount_basis": "week", "expected_payee": "Leisure Centre"},
                ],
            }],
        }],
    }


def run(today: date | None = None) -> dict[str, str]:
    """Load the demo and print how to sign in; returns the web passwords by role."""
    migrate.upgrade()
    today = today or today_uk()
    doc = LoadDocument.model_validate(demo_document(today))
    with session_scope() as session:
        created = onboarding.apply(session, doc)
        council_id = session.scalar(select(User.council_id).where(User.email == OFFICER))
        from service.cli.demo_activity import load_activity

        for what, count in load_activity(session, council_id or 0, today).items():
            if count:
                created[what] = count
        tokens = replace_keys(session, council_id or 0)
        passwords = replace_passwords(session)
    _print_sign_in(tokens, passwords, dict(created))
    return passwords


def replace_keys(session: Any, council_id: int) -> dict[str, str]:
    """A fresh key for each demo user; the keys an earlier run printed are revoked."""
    ctx = onboarding.system_ctx(session, council_id)
    tokens = {}
    for _role, email in SIGN_IN:
        user = session.scalar(select(User).where(User.email == email))
        assert user is not None
        earlier = session.scalars(select(ApiKey).where(
            ApiKey.user_id == user.id, ApiKey.name == KEY_NAME, ApiKey.revoked_at.is_(None)))
        for key in earlier.all():
            people.revoke_api_key(ctx, key)
        _key, tokens[email] = people.create_api_key(ctx, user, KEY_NAME)
    return tokens


def replace_passwords(session: Any) -> dict[str, str]:
    """A fresh password for each person who signs in to the pages; earlier sessions end."""
    passwords = {}
    for role, email in PAGE_SIGN_IN:
        user = session.scalar(select(User).where(User.email == email))
        assert user is not None
        passwords[role] = "-".join(secrets.choice(_WORDS) for _ in range(3)) + str(secrets.randbelow(90) + 10)
        auth.set_password(session, user, passwords[role])
    return passwords


def _print_sign_in(tokens: dict[str, str], passwords: dict[str, str], created: dict[str, int]) -> None:
    made = ", ".join(f"{n} {what}" for what, n in created.items()) or "nothing new (already loaded)"
    typer.echo(f"Demo council loaded: {made}.")
    typer.echo("")
    typer.echo("Sign in to the web pages at http://127.0.0.1:8000/sign-in "
               "(each run of `dpaudit demo` replaces these passwords):")
    for role, email in PAGE_SIGN_IN:
        typer.echo(f"sign-in {role} {email} {passwords[role]}")
    typer.echo("")
    typer.echo("Sign in with an API key (each run of `dpaudit demo` replaces the keys it printed before):")
    for role, email in SIGN_IN:
        typer.echo(f"  {role:<16} {email}\n    {tokens[email]}")
    typer.echo("")
    typer.echo("Try it:")
    typer.echo(f"  curl -H 'Authorization: Bearer {tokens[OFFICER]}' http://127.0.0.1:8000/v1/recipients")
    typer.echo("  or open http://127.0.0.1:8000/docs, press Authorize and paste a key.")
    typer.echo("")
    typer.echo("Audit the demo account for the last year:")
    typer.echo(f"  dpaudit audit --account {DEMO_ACCOUNT} --from {_year_ago()} --to {_month_end()} --json")


def _month_end() -> date:
    return today_uk().replace(day=1) - timedelta(days=1)


def _year_ago() -> date:
    end = _month_end()
    return end.replace(year=end.year - 1) + timedelta(days=1)
