"""Property tests: money round-trips exactly; no input raises anything but ImportFailure."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import importer_helpers  # noqa: F401  (puts the repository root on the path)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importers import ImportFailure, parse_statement, parse_timesheet
from importers.money import format_money, parse_money

SAMPLES = Path(__file__).resolve().parent / "samples"
SAMPLE_BYTES = [p.read_bytes() for p in sorted(SAMPLES.iterdir())
                if p.is_file() and not p.name.endswith(".jsonl")]
pennies = st.integers(min_value=-10**11, max_value=10**11)


@given(pennies)
def test_money_round_trips_exactly(pence: int) -> None:
    value = Decimal(pence).scaleb(-2)
    assert parse_money(format_money(value)) == value
    assert format_money(parse_money(format_money(value))) == format_money(value)


@given(pennies)
def test_grouped_and_pound_forms_read_the_same(pence: int) -> None:
    value = Decimal(pence).scaleb(-2)
    grouped = f"{abs(value):,.2f}"
    written = ("-£" if value < 0 else "£") + grouped
    assert parse_money(written) == value
    assert parse_money(f"({grouped})" if value < 0 else grouped) == value


@given(pennies)
def test_csv_statement_amounts_round_trip(pence: int) -> None:
    value = Decimal(pence).scaleb(-2)
    data = f"Date,Description,Amount\n01/02/2025,x,{format_money(value)}\n".encode()
    assert parse_statement(data).lines[0].amount == value


def _only_import_failures(call, data: bytes) -> None:
    try:
        call(data)
    except ImportFailure as failure:
        # The catch-all wrapper is for third-party readers (openpyxl on a damaged zip);
        # a text file reaching it means our own code met a case it did not foresee.
        unforeseen = failure.reason.startswith("the file could not be read (")
        assert not (unforeseen and not data.startswith(b"PK")), failure.__cause__


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise_anything_else(data: bytes) -> None:
    _only_import_failures(parse_statement, data)
    _only_import_failures(parse_timesheet, data)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SAMPLE_BYTES), st.data())
def test_mutated_samples_never_raise_anything_else(sample: bytes, data: st.DataObject) -> None:
    mutated = bytearray(sample)
    for _ in range(data.draw(st.integers(1, 8))):
        if not mutated:
            break
        at = data.draw(st.integers(0, len(mutated) - 1))
        action = data.draw(st.sampled_from(("flip", "delete", "insert", "cut")))
        if action == "flip":
            mutated[at] = data.draw(st.integers(0, 255))
        elif action == "delete":
            del mutated[at]
        elif action == "insert":
            mutated[at:at] = data.draw(st.sampled_from(
                [b"<", b">", b"</STMTTRN>", b",", b'"', b"\n", b"\x00", b"<MEMO/>", b"\xa3",
                 b"NaN", b"9" * 40, b"'", b";"]))
        else:
            del mutated[at:]
    _only_import_failures(parse_statement, bytes(mutated))
    _only_import_failures(parse_timesheet, bytes(mutated))
