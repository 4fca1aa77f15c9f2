"""A hold decided by an officer reaches the letter; the workbook's timesheet rows stay
inside the period and show a worker's planned hours only when the line is theirs."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal as D
from typing import Any

from audits_api.audits_api_setup import END, START, WEEKLY, audit, make_person, upload, weeks
from conftest import post_ok
from openpyxl import load_workbook
from reports_readability import visible_blocks


def test_a_recovery_on_hold_is_told_with_its_reason_and_no_figure(client: Any, council: Any) -> None:
    from reports.formatting import pounds

    person = make_person(client, council)
    upload(client, person, weeks(), 14 * WEEKLY, START, END)
    body = audit(client, person)
    proposed = D(body["proposed_recovery"])
    assert proposed > 0
    post_ok(client, f"/v1/audits/{body['id']}/decision", person.auth,
            {"hold": True, "reason": "The person is waiting for a new PA to start"})
    closed = client.post(f"/v1/audits/{body['id']}/close", headers=person.auth, json={})
    assert closed.status_code in (200, 201), closed.text
    html = client.get(f"/v1/audits/{body['id']}/letter.html", headers=person.auth).text
    text = " ".join(visible_blocks(html))
    assert "We will not ask for any money back for now." in text
    assert "This is because the person is waiting for a new PA to start." in text
    assert pounds(proposed) not in text and "bill" not in text
    assert "Ombudsman" in text


def test_timesheet_rows_stay_inside_the_period(client: Any, council: Any) -> None:
    person = make_person(client, council)
    upload(client, person, weeks(), D("2000.00"), START, END)
    # hours from the week before the period too: the first wage covers some of them
    days = [START - timedelta(days=7) + timedelta(days=7 * n) for n in range(13)]
    rows = "".join(f"Sam Carter,{day:%d/%m/%Y},24\n" for day in days)
    response = client.post(f"/v1/recipients/{person.recipient_id}/timesheets", headers=person.auth,
                           files={"file": ("hours.csv", ("Worker,Date,Hours\n" + rows).encode())})
    assert response.status_code == 201, response.text
    body = audit(client, person)
    data = client.get(f"/v1/audits/{body['id']}/workbook.xlsx", headers=person.auth).content
    wb = load_workbook(io.BytesIO(data))
    sheet = list(wb["Timesheets"].iter_rows(values_only=True))
    assert len(sheet) > 1
    for row in sheet[1:]:
        assert START <= row[1].date() <= row[2].date() <= END, row
        assert row[4] is not None  # Sam Carter has the PA line to himself: his own planned hours
    hours = list(wb["Planned hours"].iter_rows(values_only=True))
    assert hours[1][0] == "Personal assistant" and hours[1][3] == 1
