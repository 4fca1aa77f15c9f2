"""Letter benchmark: a PDF letter against the HTML letter, and a council's letters in bulk.

1. One letter. The HTML and the PDF of the same letters take turns, ``--reps`` times each;
   printed are the medians and the PDF/HTML ratio, measured two ways in the same run:
   - "as served": what the letter endpoints do for a saved audit (read the audit, build its
     report, render), for a person with a year of statements (about 1,460 lines), audited
     through the real service into a scratch SQLite database;
   - "renderer": the writers alone, from a report already built (the three test letters).
   The steps that made the PDF faster are timed beside it in the same run, each with the ones
   before it: as it was (fonts found and the stylesheet parsed for every letter, the header's
   floats in the letter's own flow), then fonts kept, then the stylesheet kept parsed, then
   the header as its own block formatting context (what ``render_letter_pdf`` does now).
2. Bulk. ``--letters`` letters (default 1,000) rendered one after another in this process,
   then by ``render_letter_pdfs`` with ``--processes`` workers (default 2); printed are both
   times, the ratio, the CPU time each used (the workers' own, for the bulk run: whether they
   had the cores to themselves shows in wall time against CPU time; where the kernel shares
   the CPU between login sessions, extra workers gain only what other sessions leave idle),
   and this process's peak memory before and after.
Run: .venv/bin/python bench/letters.py [--reps 15] [--letters 1000] [--processes 2]
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import resource
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "reports"))

warnings.filterwarnings("ignore", message=".*HarfBuzz-Subset.*", category=DeprecationWarning)

from reports_fixtures import full_report, light_report, standard_report  # noqa: E402

import reports  # noqa: E402
from reports import letter  # noqa: E402

FLOW_ROOT = "  display: flow-root;\n"


def test_letters() -> list[Any]:
    return [full_report(), light_report(), standard_report()]


def saved_audit() -> Callable[[Callable[[Any], object]], object]:
    """A scratch SQLite database with one person audited for a year. Returns a function that
    does what a letter endpoint does with the audit: read it, then hand it to ``render``."""
    from audit_council import audit_all, build_council
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from service.core.db import make_engine
    from service.core.migrate import upgrade
    from service.models import Audit

    engine = make_engine(f"sqlite:///{tempfile.mkdtemp()}/letters.sqlite3")
    with engine.begin() as conn:
        upgrade(conn)
    council_id, _ = build_council(engine, "bench-letters", 1)
    audit_all(engine, council_id)
    with Session(engine) as session:
        audit_id = session.scalars(select(Audit.id)).one()

    def serve(render: Callable[[Any], object]) -> object:
        with Session(engine) as session:
            return render(session.get(Audit, audit_id))

    return serve


def pdf_as_it_was(reuse_fonts: bool, reuse_css: bool, flow_root: bool) -> Callable[[Any], bytes]:
    """render_letter_pdf with some of the steps taken back, to time what each one bought."""
    with letter._renderer() as renderer:  # its fonts are used below by one thread, this one
        pass
    weasyprint = renderer.weasyprint
    css = renderer.stylesheet
    if not flow_root:
        text = (Path(letter.__file__).parent / "templates" / "letter.css").read_text(encoding="utf-8")
        assert FLOW_ROOT in text
        css = weasyprint.CSS(string=text.replace(FLOW_ROOT, ""))

    def render(report: Any) -> bytes:
        html = letter.render_letter_html(report, inline_style=not reuse_css)
        if not flow_root:
            html = html.replace(FLOW_ROOT, "")
        options: dict[str, Any] = {"pdf_variant": letter.PDF_VARIANT}
        if reuse_fonts:
            options["font_config"] = renderer.fonts
        if reuse_css:
            options["stylesheets"] = [css if not flow_root else renderer.stylesheet]
        return bytes(weasyprint.HTML(string=html).write_pdf(**options))

    return render


def median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


def one_letter(reps: int) -> None:
    from service.audits.report_model import build_report

    serve = saved_audit()
    samples = test_letters()
    cases: dict[str, Callable[[], object]] = {
        "as served: HTML": lambda: serve(lambda audit: reports.render_letter_html(build_report(audit))),
        "as served: PDF": lambda: serve(lambda audit: reports.render_letter_pdf(build_report(audit))),
        "renderer: HTML": lambda: [reports.render_letter_html(r) for r in samples],
        "renderer: PDF": lambda: [reports.render_letter_pdf(r) for r in samples],
    }
    steps = {
        "PDF as it was": pdf_as_it_was(reuse_fonts=False, reuse_css=False, flow_root=False),
        "+ fonts kept": pdf_as_it_was(reuse_fonts=True, reuse_css=False, flow_root=False),
        "+ stylesheet kept parsed": pdf_as_it_was(reuse_fonts=True, reuse_css=True, flow_root=False),
        "+ header flow-root (now)": pdf_as_it_was(reuse_fonts=True, reuse_css=True, flow_root=True),
    }
    for name, render in steps.items():
        cases[f"renderer: {name}"] = lambda render=render: [render(r) for r in samples]
    times: dict[str, list[float]] = {name: [] for name in cases}
    for case in cases.values():  # warm: the fonts, the template, the audit's pages
        case()
    for _ in range(reps):
        for name, case in cases.items():
            started = time.perf_counter()
            case()
            times[name].append(time.perf_counter() - started)
    per = {name: median_ms(t) / (1 if name.startswith("as served") else len(samples))
           for name, t in times.items()}
    print(f"one letter, median of {reps} (renderer: per letter, over the {len(samples)} test letters)")
    for name, ms in per.items():
        print(f"  {name:40s} {ms:8.2f} ms")
    print(f"  PDF/HTML as served:  {per['as served: PDF'] / per['as served: HTML']:6.1f}x  (goal <= 5x)")
    print(f"  PDF/HTML renderer:   {per['renderer: PDF'] / per['renderer: HTML']:6.1f}x")
    before = per["renderer: PDF as it was"]
    for name in steps:
        print(f"  {name:40s} {per['renderer: ' + name] / before:6.2f} of the PDF as it was")


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def bulk(count: int, processes: int) -> None:
    base = test_letters()
    batch = [dataclasses.replace(base[i % len(base)], recipient_name=f"Person {i:04d}")
             for i in range(count)]
    letter.render_letter_pdf(batch[0])  # this process's renderer is warm, as a pool worker's is
    gc.collect()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu_before = cpu_seconds(resource.RUSAGE_SELF)
    started = time.perf_counter()
    serial_bytes = sum(len(pdf) for pdf in reports.render_letter_pdfs(batch, 1))
    serial = time.perf_counter() - started
    serial_cpu = cpu_seconds(resource.RUSAGE_SELF) - cpu_before
    rss_serial = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers_before = cpu_seconds(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    pooled_bytes = sum(len(pdf) for pdf in reports.render_letter_pdfs(iter(batch), processes))
    pooled = time.perf_counter() - started
    workers_cpu = cpu_seconds(resource.RUSAGE_CHILDREN) - workers_before
    rss_pooled = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"bulk, {count:,d} letters ({serial_bytes / count / 1024:.0f} KiB each)")
    print(f"  one after another, 1 process  {serial:8.1f} s  {serial / count * 1000:6.1f} ms a letter")
    print(f"  render_letter_pdfs, {processes} processes {pooled:8.1f} s  "
          f"{pooled / count * 1000:6.1f} ms a letter  (workers started and warmed inside the time)")
    print(f"  bulk/serial: {pooled / serial:.2f}x  (goal <= 0.6x)")
    print(f"  CPU: one process {serial_cpu:.1f} s in {serial:.1f} s; workers {workers_cpu:.1f} s in "
          f"{pooled:.1f} s ({workers_cpu / pooled:.2f} cores busy)")
    print(f"  this process's peak memory: {rss_before / 1024:.0f} MiB before, {rss_serial / 1024:.0f} MiB "
          f"after serial, {rss_pooled / 1024:.0f} MiB after bulk")
    assert abs(pooled_bytes - serial_bytes) < count * 64, "the two runs made different letters"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=15, help="turns of each single-letter case")
    parser.add_argument("--letters", type=int, default=1000, help="letters in the bulk run (0: skip)")
    parser.add_argument("--processes", type=int, default=2, help="worker processes in the bulk run")
    args = parser.parse_args()
    one_letter(args.reps)
    if args.letters:
        bulk(args.letters, args.processes)


if __name__ == "__main__":
    main()
