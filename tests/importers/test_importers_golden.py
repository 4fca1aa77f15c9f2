"""Every sample file, one per layout, reads to exactly the records written beside it."""

from __future__ import annotations

import json

from importer_helpers import SAMPLES, run_parse


def _samples() -> list:
    return sorted(p for p in SAMPLES.iterdir()
                  if p.is_file() and not p.name.endswith(".expected.jsonl"))


def test_every_sample_has_expected_records() -> None:
    missing = [p.name for p in _samples()
               if not p.with_name(p.name.rsplit(".", 1)[0] + ".expected.jsonl").exists()]
    assert missing == []


def test_every_sample_parses_to_its_expected_records() -> None:
    mismatches = []
    for sample in _samples():
        expected_path = sample.with_name(sample.name.rsplit(".", 1)[0] + ".expected.jsonl")
        expected = [json.loads(x) for x in expected_path.read_text("utf-8").splitlines() if x]
        result = run_parse(sample)
        got = [json.loads(x) for x in result.stdout.splitlines() if x]
        if result.returncode != 0 or got != expected:
            mismatches.append((sample.name, result.returncode, result.stderr[-300:], got))
    assert mismatches == []


def test_samples_cover_every_declared_layout() -> None:
    from importers.csv_layouts import LAYOUTS

    names = {p.stem for p in _samples()}
    uncovered = [lay.name for lay in LAYOUTS
                 if f"csv_{lay.name.replace('-', '_')}" not in names
                 and lay.name not in ("midata",)]
    assert uncovered == []


def test_parse_command_needs_no_database_or_web_stack() -> None:
    import subprocess
    import sys

    from importer_helpers import REPO

    probe = ("import sys, service.cli.parse; "
             "print(sorted(m for m in ('sqlalchemy', 'fastapi') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            cwd=REPO, timeout=60, check=False)
    assert result.stdout.strip() == "[]", result.stderr


def test_unreadable_file_exits_2_with_one_line(tmp_path) -> None:
    path = tmp_path / "statement.csv"
    path.write_bytes(b"%PDF-1.7 not a statement")
    result = run_parse(path)
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert str(path) in result.stderr and "PDF" in result.stderr
    assert "Traceback" not in result.stderr


def test_sample_stems_are_unique() -> None:
    stems = [p.name.rsplit(".", 1)[0] for p in _samples()]
    assert len(stems) == len(set(stems))
