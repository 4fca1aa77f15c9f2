"""Access cases for one domain's routes (template: copy to access_cases_<domain>.py).

Import ``case`` from test_api_access and add ``(method, path): case(...)`` entries. Path
parameters are filled from the World ids in tests/conftest.py (``build_world``).
"""

from __future__ import annotations

from typing import Any

CASES: dict[tuple[str, str], Any] = {}
