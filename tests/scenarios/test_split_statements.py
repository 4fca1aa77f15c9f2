"""One statement cut into pieces gives the same audit as the statement whole.

A Lloyds-style statement with a balance column (three months, several lines on some days) is
cut between days into consecutive files; the files go in one at a time in a random order, each
written newest-first (as Lloyds writes them) or oldest-first. The audit's opening and closing
balances, money in and out, reconciliation difference and gaps must equal those of the whole
file uploaded alone into an account of its own.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from conftest import unique
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from scenarios.builders import Line, Posted, every, lloyds_csv, money, post
from scenarios.harness import audit, import_folder, load_document

FIRST, LAST = date(2026, 4, 6), date(2026, 7, 5)
FIGURES = ("opening_balance", "closing_balance", "money_in", "money_out", "reconciliation_difference",
           "gaps")


def statement() -> list[Posted]:
    lines: list[Line] = []
    for day in every(FIRST, 28, LAST):
        lines.append(Line(day, "LOADSHIRE CC DP", money("640.00"), "BGC"))
        lines.append(Line(day, "LOADSHIRE LEISURE", money("-12.50"), "DEB"))  # same day
    for day in every(date(2026, 4, 10), 7, LAST):
        lines.append(Line(day, "J SMITH WAGES", money("-120.00"), "FPO"))
        lines.append(Line(day, "TESCO STORES 2041", money("-7.45"), "DEB"))  # same day
    for day in every(date(2026, 4, 14), 14, LAST):
        lines.append(Line(day, "LOADSHIRE TAXIS", money("-9.00"), "DEB"))
    lines.append(Line(LAST, "COFFEE SHOP", money("-3.20"), "DEB"))  # the statement's last day
    return post(money("500.00"), lines)


POSTED = statement()
DAYS = sorted({p.line.day for p in POSTED})


def document(code: str, account: str) -> dict[str, Any]:
    return {
        "council": {"code": code, "name": "Splitshire Council"},
        "recipients": [{
            "reference": f"{code}-P", "name": "Pat Pieces", "dp_start_date": "2026-01-05",
            "accounts": [{"reference": account, "kind": "bank", "number_last4": "5678"}],
            "payment_schedules": [{"account": account, "funding_model": "gross", "frequency": "four_weeks",
                                   "council_amount": "640.00", "first_payment_on": "2026-01-05"}],
            "plans": [{"effective_from": "2026-01-05", "period": "four_weeks", "actual_budget": "640.00",
                       "approved": True, "lines": [{"category": "pa_wages", "description": "PA wages",
                                                    "amount": "120.00", "amount_basis": "week"}]}],
        }],
    }


def audited(pieces: list[tuple[list[Posted], bool]], folder: Path, database_url: str) -> dict[str, Any]:
    """Each piece (its lines, newest-first or not) imported as its own file, in the order given."""
    code = unique("split")
    account = f"{code}-bank"
    folder.mkdir(parents=True)
    load_document(document(code, account), folder, database_url)
    for n, (lines, newest_first) in enumerate(pieces):
        data = lloyds_csv(lines, sort_code="30-91-74", account_number="12345678", newest_first=newest_first)
        import_folder({f"statement-{n}.csv": data}, folder / f"upload-{n}", account, database_url)
    body = audit(account, FIRST.isoformat(), LAST.isoformat(), database_url)
    return {name: body.get(name) for name in FIGURES}


@cache
def whole(database_url: str, folder: str) -> dict[str, Any]:
    return audited([(POSTED, True)], Path(folder), database_url)


# each example is a dozen real processes: generate a few, and report a failure without shrinking it
@settings(max_examples=5, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_statement_in_pieces_audits_like_the_whole(data: st.DataObject, tmp_path_factory: Any,
                                                   database_url: str) -> None:
    # cut between days: a cut at DAYS[i] starts a new file with that day's lines
    cuts = data.draw(st.lists(st.sampled_from(DAYS[1:]), min_size=1, max_size=4, unique=True), label="cuts")
    bounds = [FIRST, *sorted(cuts)]
    pieces = [[p for p in POSTED if start <= p.line.day and (i + 1 == len(bounds) or p.line.day < bounds[i + 1])]
              for i, start in enumerate(bounds)]
    order = data.draw(st.permutations(range(len(pieces))), label="upload order")
    newest_first = data.draw(st.lists(st.booleans(), min_size=len(pieces), max_size=len(pieces)),
                             label="newest first")
    expected = whole(database_url, str(tmp_path_factory.mktemp("whole") / "files"))
    got = audited([(pieces[i], newest_first[i]) for i in order],
                  tmp_path_factory.mktemp("pieces") / "files", database_url)
    assert got == expected
