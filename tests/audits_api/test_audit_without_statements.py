"""An audit never claims to have checked statements it did not have."""

from __future__ import annotations

from typing import Any

from conftest import Council, post_ok, unique

PERIOD = {"period_start": "2026-01-01", "period_end": "2026-03-31", "kind": "on_demand"}


def test_a_person_with_no_account_cannot_be_audited_yet(client: Any, council: Council) -> None:
    rid = post_ok(client, "/v1/recipients", council.auth(), {"reference": unique("R"), "name": "Pat"})["id"]
    response = client.post(f"/v1/recipients/{rid}/audits", headers=council.auth(), json=PERIOD)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "recipient_id"


def test_no_statements_means_no_balance_is_claimed(client: Any, council: Council) -> None:
    rid = post_ok(client, "/v1/recipients", council.auth(), {"reference": unique("R"), "name": "Pat"})["id"]
    post_ok(client, f"/v1/recipients/{rid}/accounts", council.auth(), {"reference": unique("a"), "kind": "bank"})
    audit = post_ok(client, f"/v1/recipients/{rid}/audits", council.auth(), PERIOD)
    letter = client.get(f"/v1/audits/{audit['id']}/letter.html", headers=council.auth()).text
    assert "No statement shows how much was in your account" in letter
    assert "you had £0.00" not in letter and "We did not find any problems" not in letter
    assert audit["summary"]["gaps"] == ["no statement from 1 January to 31 March 2026"]
