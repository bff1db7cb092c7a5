"""Build hooks: the wheel carries the offline page, built, under ecr_doctor/web/site/.

Everything else about the project is declared in pyproject.toml. The page is built where
Node.js and the pinned `pyodide` npm package are present (`npm ci --prefix web`): by
`python -m build` into the sdist (so a wheel built from the sdist needs no Node and is the
same wheel), or by `pip install .` straight into the wheel. Where it cannot be built the
install still works and `ecr-doctor web` says how to get a page; set
ECR_DOCTOR_REQUIRE_PAGE=1 (the release workflow does) to make that a build error instead.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
SITE = Path("ecr_doctor", "web", "site")


def _build_page(target: Path) -> None:
    sys.path.insert(0, str(HERE / "src"))
    try:
        from ecr_doctor.web.build import BuildError, build
    finally:
        sys.path.pop(0)
    try:
        # Brotli only: every current browser takes it; the .gz copies would add 3.8 MB.
        result = build(target, encodings=(".br",))
    except BuildError as exc:
        if os.environ.get("ECR_DOCTOR_REQUIRE_PAGE") == "1":
            raise SystemExit(f"ecr-doctor: the page could not be built: {exc}") from exc
        print(f"warning: building without the offline page: {exc}", file=sys.stderr)
        return
    print(f"ecr-doctor: built the page into {target} ({result.total_bytes / 1e6:.1f} MB, "
          f"version {result.version})", file=sys.stderr)


def _is_built(folder: Path) -> bool:
    return (folder / "manifest.json").is_file()


class BuildPyWithPage(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install builds the page from the checkout when it is served
        target = Path(self.build_lib) / SITE
        prebuilt = HERE / "src" / SITE  # present in an sdist
        if _is_built(prebuilt):
            self.copy_tree(str(prebuilt), str(target))
        elif not _is_built(target):
            _build_page(target)


class SdistWithPage(sdist):
    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        target = Path(base_dir, "src") / SITE
        if not _is_built(target):
            _build_page(target)


setup(cmdclass={"build_py": BuildPyWithPage, "sdist": SdistWithPage})
