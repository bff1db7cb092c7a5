#!/usr/bin/env bash
# The offline page's runtime: the pyodide npm package, at the version web/package-lock.json pins.
# tests/test_web.py builds the page from web/node_modules/pyodide and drives /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/../../web"
npm ci --no-audit --no-fund --loglevel=error
