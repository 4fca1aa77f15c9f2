"""The council's phone, email and postal address: set through the API and `dpaudit load`."""

from __future__ import annotations

from typing import Any


def test_an_admin_sets_the_contact_details_every_letter_carries(client: Any, council: Any) -> None:
    url = f"/v1/councils/{council.id}"
    before = client.get(url, headers=council.auth()).json()
    assert before["contact_phone"] is None and before["contact_email"] is None
    body = {"contact_phone": "01632 960 001", "contact_email": "dp@northshire.example.org",
            "contact_address": "County Hall\nNorthshire\nNS1 1AA"}
    changed = client.patch(url, headers=council.auth(), json=body)
    assert changed.status_code == 200, changed.text
    assert {k: changed.json()[k] for k in body} == body
    bad = client.patch(url, headers=council.auth(), json={"contact_email": "not an email"})
    assert bad.status_code == 422
    bad = client.patch(url, headers=council.auth(), json={"contact_phone": "call us"})
    assert bad.status_code == 422


def test_the_onboarding_document_carries_the_contact_details(database_url: str) -> None:
    from conftest import unique

    from service.core.db import session_scope
    from service.onboarding.schemas import LoadDocument
    from service.onboarding.service import apply

    code = unique("council")
    doc = LoadDocument.model_validate({"council": {
        "code": code, "name": "Westshire Council", "contact_phone": "01632 960 002",
        "contact_email": "dp@westshire.example.org", "contact_address": "1 High Street\nWestshire"}})
    with session_scope() as session:
        apply(session, doc)
        from sqlalchemy import select

        from service.models import Council

        council = session.scalars(select(Council).where(Council.code == code)).one()
        assert (council.contact_phone, council.contact_email, council.contact_address) == (
            "01632 960 002", "dp@westshire.example.org", "1 High Street\nWestshire")


def test_the_demo_council_has_contact_details_a_person_could_use() -> None:
    from datetime import date

    from service.cli.demo import demo_document

    council = demo_document(date(2026, 12, 1))["council"]
    assert council["contact_phone"].startswith("01632 9")
    assert council["contact_email"].endswith("example.org")
    assert len(council["contact_address"].splitlines()) >= 3
