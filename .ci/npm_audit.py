#!/usr/bin/env python3
"""Reads `npm audit --json` on standard input for the package folder named in argv[1]: exit 1
when a vulnerability of moderate severity or worse is reported; says so and exits 0 when the
registry refused the audit request (a proxy that forwards only GET answers 405)."""

import json
import sys

name = sys.argv[1]
try:
    report = json.load(sys.stdin)
except ValueError:
    print(f"npm audit {name}: no answer from the registry; not audited")
    sys.exit(0)
if "statusCode" in report or "error" in report:
    why = report.get("statusCode", report.get("error"))
    print(f"npm audit {name}: the registry refused the audit request ({why}); not audited")
    sys.exit(0)
found = report.get("metadata", {}).get("vulnerabilities", {})
print(f"npm audit {name}: {found}")
sys.exit(1 if any(found.get(k, 0) for k in ("moderate", "high", "critical")) else 0)
