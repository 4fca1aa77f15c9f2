"""The demo shows the product right: every plan line has its spending, two accounts, a key
for each role (replaced on a re-run), and a first audit that is still worth a conversation
once its flag is cleared."""

from __future__ import annotations

import itertools
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

TODAY = date(2026, 11, 23)


def printed_keys(out: str) -> dict[str, str]:
    """The printed form: a line naming the role (and email), then the key alone on the next."""
    lines = out.splitlines()
    keys = {}
    for above, line in itertools.pairwise(lines):
        if re.fullmatch(r"\s*dpa_\S+", line):
            role = re.match(r"\s*(council admin|finance officer|DP holder|provider)\s+\S+@\S+$", above)
            assert role is not None, above
            keys[role.group(1)] = line.strip()
    return keys


def demo_audit(session: Any) -> Any:
    from sqlalchemy import select

    from service.audits import service
    from service.cli import demo
    from service.models import Account, Recipient
    from service.onboarding.service import system_ctx

    account = session.scalars(select(Account).where(Account.reference == demo.DEMO_ACCOUNT)).one()
    recipient = session.get(Recipient, account.recipient_id)
    end = TODAY.replace(day=1) - timedelta(days=1)
    return service.create_audit(system_ctx(session, account.council_id), recipient,
                                end - timedelta(days=364), end)


def test_every_plan_line_has_its_spending(database_url: str, capsys: Any) -> None:
    from service.cli import demo
    from service.core.db import session_scope

    demo.run(TODAY)
    capsys.readouterr()
    with session_scope() as session:
        plan = demo_audit(session).result["plan"]
        session.rollback()
    lines = {line["description"]: line for line in plan["lines"]}
    assert len(lines) == 5
    for name, line in lines.items():
        actual, planned = Decimal(line["actual"]), Decimal(line["planned"])
        assert Decimal("0.25") * planned < actual <= planned, (name, line)
    assert Decimal(lines["Swimming and day trips"]["actual_weekly"]) > Decimal("30.00")
    assert plan["not_in_plan"] == []


def test_the_first_audit_stays_standard_once_its_flag_is_cleared(database_url: str, capsys: Any) -> None:
    from sqlalchemy import select

    from service.audits import service
    from service.cli import demo
    from service.core.db import session_scope
    from service.models import Flag
    from service.onboarding.service import system_ctx
    from service.review.service import decide

    demo.run(TODAY)
    capsys.readouterr()
    with session_scope() as session:
        audit = demo_audit(session)
        ctx = system_ctx(session, audit.council_id)
        for flag in session.scalars(select(Flag).where(Flag.recipient_id == audit.recipient_id,
                                                       Flag.status == "open")).all():
            decide(ctx, flag, "cleared", "Paid back from the person's own money.")
        session.flush()
        body = service.headline(demo_audit(session))
        session.rollback()
    assert [f["status"] for f in body["flags"]] in ([], ["cleared"])
    assert Decimal(body["closing_balance"]) > Decimal(body["contingency"]) > 0
    assert Decimal(body["surplus"]) > 0 and Decimal(body["proposed_recovery"]) > 0
    assert body["tier"] in ("standard", "full")
    assert body["accounts"] == [demo.DEMO_ACCOUNT, demo.MANAGED_ACCOUNT]


def test_keys_for_each_role_and_a_rerun_replaces_them(database_url: str, capsys: Any, client: Any) -> None:
    from service.cli import demo

    demo.run(TODAY)
    first = printed_keys(capsys.readouterr().out)
    demo.run(TODAY)
    out = capsys.readouterr().out
    second = printed_keys(out)
    assert list(second) == ["council admin", "finance officer", "DP holder", "provider"]
    assert "dpaudit audit --account demo-account --from " in out and " --to " in out

    def auth(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    for role, token in first.items():
        assert client.get("/v1/recipients", headers=auth(token)).status_code == 401, role
    for role in ("council admin", "finance officer", "DP holder"):
        seen = client.get("/v1/accounts", headers=auth(second[role])).json()["items"]
        assert [a["reference"] for a in seen] == ["demo-account", "demo-managed"], role
    # the provider serves the managed account, and sees it alone: not the person's own bank account
    (provider,) = client.get("/v1/providers", headers=auth(second["provider"])).json()["items"]
    seen = client.get("/v1/accounts", headers=auth(second["provider"])).json()["items"]
    served = {a["reference"]: (a["kind"], a["provider_id"]) for a in seen}
    assert provider["reference"] == demo.DEMO_PROVIDER
    assert served == {"demo-managed": ("managed", provider["id"])}
    me = client.get("/v1/users", headers=auth(second["council admin"])).json()["items"]
    assert {u["role"] for u in me} == {"admin", "officer", "holder", "provider"}
