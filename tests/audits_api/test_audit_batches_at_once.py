"""Provider batches for one person sent at the same moment: the open audit ends as working it
out again from scratch gives, with every line of every batch in it.

Each batch works the person's open audit out again. Two at once must not each work it out
without the other's lines and leave the audit as the one committing last saw it: the second
waits for the first and then reads both. (SQLite writes one transaction at a time, so this
bites on PostgreSQL; the test runs on both.)
"""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal as D
from typing import Any

from audits_api_setup import END, START, audit, make_person, upload, weeks
from fastapi.testclient import TestClient

SENDERS = 6
BATCHES_EACH = 3
LINES_EACH = 4


def _batch(sender: int, number: int) -> dict[str, Any]:
    day = START + timedelta(days=7 * number + sender)
    return {"transactions": [
        {"id": f"care-{sender}-{number}-{n}", "date": day.isoformat(), "amount": f"-{10 + n}.{sender}{number}",
         "description": f"CARE AGENCY VISIT {sender} {number} {n}"} for n in range(LINES_EACH)]}


def test_batches_sent_at_once_all_reach_the_open_audit(app: Any, client: Any, council: Any) -> None:
    person = make_person(client, council)
    upload(client, person, weeks(), D("2000.00"), START, END)
    opened = audit(client, person)
    check = f"/v1/audits/{opened['id']}/check"
    before = client.get(check, headers=person.auth).json()["lines"]
    url = f"/v1/accounts/{person.account_id}/transactions:batch"
    answers: list[int] = []

    def send(sender: int) -> None:
        with TestClient(app) as own:
            for number in range(BATCHES_EACH):
                answers.append(own.post(url, headers=person.auth, json=_batch(sender, number)).status_code)

    senders = [threading.Thread(target=send, args=(n,)) for n in range(SENDERS)]
    for thread in senders:
        thread.start()
    for thread in senders:
        thread.join()
    assert answers == [201] * SENDERS * BATCHES_EACH

    after = client.get(f"/v1/audits/{opened['id']}", headers=person.auth).json()
    lines = client.get(check, headers=person.auth).json()["lines"]
    assert lines == before + SENDERS * BATCHES_EACH * LINES_EACH
    sent = sum(D(t["amount"]) for s in range(SENDERS) for b in range(BATCHES_EACH)
               for t in _batch(s, b)["transactions"])
    assert D(after["summary"]["money_out"]) == D(opened["summary"]["money_out"]) - sent
    # worked out again from scratch (the same period again refreshes the open audit): the same
    again = audit(client, person)
    assert again["id"] == opened["id"]
    assert again["result"] == after["result"]
    assert client.get(check, headers=person.auth).json()["lines"] == lines
