"""The public corpus: every statement file parses or is refused with a typed, located
reason; the OFX and UK bank CSV counts never fall below the floors recorded here."""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache

import pytest
from importer_helpers import REPO, corpus_dir

# Floors: raise them when the importer gets better; never lower them.
OFX_FAMILY_PARSED_FLOOR = 87  # of 126 OFX/QFX/QBO files, parsed with >= 1 transaction
ALL_PARSED_FLOOR = 141  # of all statement files in the corpus

# Every UK bank CSV fixture named in FORMATS.md (PayPal is US and not listed here; the
# Nationwide "bad-*" files are deliberately broken and only have to fail cleanly).
UK_BANK_FILES = (
    "csv/countinghouse__lloyds.csv", "csv/ofxstatement-lloyds__sample-statement.csv",
    "csv/full-fledged-hledger__lloyds_10-foreign-currency_99966633_20171224_2043.csv",
    "csv/full-fledged-hledger__lloyds_12345678_20171225_0001.csv",
    "csv/full-fledged-hledger__lloyds_12345678_20171225_0003.csv",
    "csv/full-fledged-hledger__lloyds_99966633_20171223_1844.csv",
    "csv/full-fledged-hledger__lloyds_99966633_20171224_2041.csv",
    "csv/full-fledged-hledger__lloyds_99966633_20171224_2042.csv",
    "csv/full-fledged-hledger__lloyds_99966633_20171224_2043.csv",
    "csv/nationwide-transaction-parser__midata-with-interest.csv",
    "csv/nationwide-transaction-parser__statement-with-interest.csv",
    "csv/nationwide-transaction-parser__test-midata.csv",
    "csv/nationwide-transaction-parser__test-statement.csv",
    "csv/nationwide-transaction-parser__test-statement.git-blob-utf8.csv",
    "csv/nw-statement-converter__SampleStatement.csv", "csv/countinghouse__nationwide.csv",
    "csv/reckon__nationwide.csv", "csv/countinghouse__monzo.csv",
    "csv/bank2ynab__MonzoDataExport_February2018_2018-02-26_174335.csv",
    "csv/countinghouse__starling.csv", "csv/countinghouse__barclays.csv",
    "csv/bank2ynab__statement_1.csv", "csv/countinghouse__hsbc.csv",
    "csv/bank2ynab__20180226_12345678.csv", "csv/countinghouse__natwest.csv",
    "other/countinghouse__santander.txt",
    "qif/ofxstatement-santander__test_parse_qif_file_QIF_FILE_CONTENT.qif",
    "csv/bank2ynab__MS_JANE_SMITH_01-12-2019_14-12-2019.csv",
    "csv/ofxstatement-jl-partnership__sample-statement.csv", "csv/countinghouse__amex.csv",
    "csv/countinghouse__tesco-bank-card.csv", "csv/ofxstatement-revolut__2021-october.csv",
    "csv/ofxstatement-revolut__2022-january.csv", "csv/countinghouse__revolut.csv",
    "csv/ofxstatement-transferwise__sample-statement.csv", "csv/countinghouse__chase.csv",
    "csv/countinghouse__aqua.csv", "csv/bank2ynab__test_BOI_TransactionExport.csv",
)


@cache
def _survey() -> dict[str, dict]:
    root = corpus_dir()
    completed = subprocess.run(
        [sys.executable, str(REPO / "tests" / "importers" / "corpus_survey.py"), str(root)],
        capture_output=True, text=True, timeout=600, cwd=REPO, check=False,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    rows = [json.loads(x) for x in completed.stdout.splitlines() if x.strip()]
    return {row["file"]: row for row in rows}


@pytest.fixture
def survey() -> dict[str, dict]:
    if not corpus_dir().is_dir():
        pytest.skip(f"public corpus not found at {corpus_dir()} (set DPAUDIT_CORPUS)")
    return _survey()


def test_no_statement_file_crashes(survey: dict[str, dict]) -> None:
    crashed = {name: row["error"] for name, row in survey.items() if row["outcome"] == "crashed"}
    assert crashed == {}


def test_every_refusal_is_typed_and_located(survey: dict[str, dict]) -> None:
    vague = {}
    for name, row in survey.items():
        if row["outcome"] != "refused":
            continue
        # A refusal of one value must say where it is; a whole-file refusal says why.
        whole_file = row["error"] in ("UnreadableFile", "LimitExceeded")
        if not row["reason"] or (not whole_file and row["line"] is None):
            vague[name] = row
    assert vague == {}


def test_ofx_family_floor(survey: dict[str, dict]) -> None:
    parsed = [name for name, row in survey.items()
              if name.endswith((".ofx", ".qfx", ".qbo", ".sgml", ".xml"))
              and name.split("/")[0] in ("ofx", "qfx", "other")
              and row["outcome"] == "parsed" and row["lines"] >= 1]
    assert len(parsed) >= OFX_FAMILY_PARSED_FLOOR


def test_every_uk_bank_export_parses(survey: dict[str, dict]) -> None:
    not_read = {name: survey.get(name) for name in UK_BANK_FILES
                if (survey.get(name) or {}).get("outcome") != "parsed"
                or survey[name]["lines"] < 1}
    assert not_read == {}


def test_overall_floor(survey: dict[str, dict]) -> None:
    parsed = [n for n, row in survey.items() if row["outcome"] == "parsed" and row["lines"]]
    assert len(parsed) >= ALL_PARSED_FLOOR


def test_no_file_is_slow(survey: dict[str, dict]) -> None:
    # Not a timing assertion on normal files: a file taking 5 s here would mean a
    # pathological path (the corpus files are all under 50 KB).
    slow = {n: r["seconds"] for n, r in survey.items() if r["seconds"] > 5}
    assert slow == {}
