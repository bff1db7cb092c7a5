"""The page built into this install (the wheel carries it under ecr_doctor/web/site/), and
what `ecr-doctor web` says when there is none.

Reads one small file at most, so `ecr-doctor --version` can name the page's content hash
without importing the builder.
"""

from __future__ import annotations

import json
from pathlib import Path

PACKAGED_SITE = Path(__file__).resolve().parent / "site"
_MANIFEST_LIMIT = 64 * 1024

# One command that gets a page, said instead of a path inside site-packages.
HOW_TO_GET_THE_PAGE = (
    "this install of ecr-doctor carries no built page (it was built where Node.js was "
    "missing). Install a wheel that carries it: `pipx install --force ecr-doctor` (or "
    "`pip install --force-reinstall ecr-doctor`); or, in a checkout with Node.js: "
    "`npm ci --prefix web && pip install .`"
)


def page_version(site: Path = PACKAGED_SITE) -> str | None:
    """The content hash of the page built into `site`, or None when there is no finished
    build there (an unreadable or foreign manifest counts as none)."""
    try:
        with (site / "manifest.json").open("rb") as f:
            manifest = json.loads(f.read(_MANIFEST_LIMIT))
    except (OSError, ValueError):
        return None
    version = manifest.get("version") if isinstance(manifest, dict) else None
    if not isinstance(version, str) or len(version) != 16 or not all(
            c in "0123456789abcdef" for c in version):
        return None  # "incomplete" (a build cut short) or not ours
    return version


def version_line(package_version: str) -> str:
    """`ecr-doctor --version`: the package, and the page it serves with no Node."""
    page = page_version()
    return (f"ecr-doctor {package_version} (page {page})" if page
            else f"ecr-doctor {package_version} (no page built in)")
