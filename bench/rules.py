"""Rule-engine benchmark: flag precision and recall on the labelled set, and classification
speed against parsing the same rows.

Prints, per merchant rule, precision and recall on `tests/rules/labelled.csv`; then
transactions per second for classifying 100k generated bank lines (default rules, no plan,
and with a plan of three workers), and the ratio of classification time to the time to
parse the same rows from a bank CSV with the real importer (`importers.parse_statement`)
and with a bare floor (`csv.reader` + Decimal + date). Goal: classification no slower than
parsing (ratio <= 1).
Run: .venv/bin/python bench/rules.py
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.rules import (  # noqa: E402
    PlanContext,
    PlanLine,
    Txn,
    Worker,
    classify,
    load_default_rules,
)
from service.rules.evaluate import (  # noqa: E402
    category_accuracy,
    read_labelled,
    run_labelled,
    scores,
)

ROWS = 100_000
REPEATS = 3
LABELLED = ROOT / "tests" / "rules" / "labelled.csv"
MERCHANT_RULES = ("harmful.gambling", "harmful.high_cost_credit", "harmful.tobacco")
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


def quality() -> None:
    outcomes = run_labelled(read_labelled(LABELLED))
    print(f"labelled set: {len(outcomes)} lines")
    print(f"{'rule':28} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8}")
    for s in scores(outcomes, MERCHANT_RULES):
        print(f"{s.rule_id:28} {s.true_pos:4} {s.false_pos:4} {s.false_neg:4} "
              f"{s.precision:10.3f} {s.recall:8.3f}")
    print(f"category accuracy (no plan): {category_accuracy(outcomes):.3f}")


def _vary(description: str, rng: random.Random) -> str:
    """Bank noise on a labelled descriptor, so rows are not all identical strings."""
    roll = rng.random()
    if roll < 0.3:
        return f"CARD PAYMENT TO {description} ON {rng.randint(1, 28):02d} {rng.choice(MONTHS)}"
    if roll < 0.5:
        return f"{description} {rng.randint(1000, 9999)} ))))"
    if roll < 0.6:
        return f"PAYPAL *{description}"
    if roll < 0.7:
        return f"VIS {description} CD {rng.randint(1000, 9999)}"
    return description


def make_csv(count: int) -> bytes:
    """A Lloyds-style export built from the labelled descriptors with bank noise."""
    rng = random.Random(7)
    base = [r for r in read_labelled(LABELLED) if "," not in r["description"]]
    out = io.StringIO()
    out.write("Transaction Date,Transaction Type,Sort Code,Account Number,"
              "Transaction Description,Debit Amount,Credit Amount,Balance\n")
    for i in range(count):
        row = base[i % len(base)]
        amount = Decimal(row["amount"])
        debit, credit = (f"{-amount:.2f}", "") if amount <= 0 else ("", f"{amount:.2f}")
        out.write(f"{1 + i % 28:02d}/{1 + i % 12:02d}/2025,DEB,'30-91-74,12345678,"
                  f"{_vary(row['description'], rng)},{debit},{credit},{i}.00\n")
    return out.getvalue().encode()


def floor_parse(data: bytes) -> list[Txn]:
    """The least any parser must do: split rows, read the date and the money."""
    reader = csv.reader(io.StringIO(data.decode()))
    next(reader)
    txns = []
    for row in reader:
        day, month, year = row[0].split("/")
        amount = -Decimal(row[5]) if row[5] else Decimal(row[6])
        txns.append(Txn(dt.date(int(year), int(month), int(day)), amount, row[4]))
    return txns


def importer_parse(data: bytes) -> list[Txn] | None:
    try:
        from importers import Limits, parse_statement
    except ImportError:
        return None
    limits = Limits(max_bytes=200 * 1024 * 1024, max_rows=1_000_000)
    parsed = parse_statement(data, "statement.csv", limits=limits)
    return [Txn(ln.date, ln.amount, ln.description, ln.mcc) for ln in parsed.lines]


def best_of(work: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def plan_context() -> PlanContext:
    workers = (Worker("w1", "Jane Smith", relationship="friend"),
               Worker("w2", "Tom Okafor"), Worker("w3", "Priya Shah", aliases=("P SHAH",)))
    lines = (PlanLine("L1", "pa_wages"), PlanLine("L2", "transport"),
             PlanLine("L3", "agency_care", payee="Bluebird Care"))
    return PlanContext(plan_lines=lines, workers=workers)


def speed() -> None:
    data = make_csv(ROWS)
    rules = load_default_rules()
    txns = floor_parse(data)
    floor = best_of(lambda: floor_parse(data))
    importer = best_of(lambda: importer_parse(data)) if importer_parse(data) else None
    ctx = plan_context()
    bare = best_of(lambda: [classify(t, None, rules) for t in txns])
    planned = best_of(lambda: [classify(t, ctx, rules) for t in txns])
    flagged = sum(bool(classify(t, None, rules).hits) for t in txns)
    print(f"\n{ROWS:,} generated bank lines ({flagged:,} flagged), best of {REPEATS} runs")
    print(f"{'step':38} {'seconds':>8} {'rows/s':>10}")
    for name, took in [("parse floor (csv+Decimal+date)", floor),
                       ("parse importers.parse_statement", importer),
                       ("classify, default rules, no plan", bare),
                       ("classify, default rules, with plan", planned)]:
        if took is not None:
            print(f"{name:38} {took:8.3f} {ROWS / took:10,.0f}")
    baseline = importer or floor
    label = "importer" if importer else "floor"
    print(f"\nratio classify/parse ({label}): no plan {bare / baseline:.2f}, "
          f"with plan {planned / baseline:.2f}  (goal <= 1.00)")
    print(f"ratio classify/parse floor: no plan {bare / floor:.2f}, "
          f"with plan {planned / floor:.2f}")
    print(f"per row: {statistics.fmean([bare, planned]) / ROWS * 1e6:.1f} µs on average")


if __name__ == "__main__":
    quality()
    speed()
