"""The audit arithmetic: pure functions over frozen dataclasses, no database, no web.

Entry point: ``service.audits.engine.run_audit(AuditInputs) -> AuditResult``. The inputs
are declared in ``service.audits.inputs``; each step (reconciliation, coverage, plan,
income, surplus, timesheets, tier, cadence) is its own module so it can be called and
tested alone. Money is ``Decimal`` throughout; errors and findings are returned as data.
"""
