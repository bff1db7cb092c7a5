"""Regenerate docs/web-desktop.png and docs/web-phone.png: a real diagnosis of a bundled example.

    .venv/bin/python web/screenshots.py   (needs web/node_modules: `npm ci` in web/)
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from ecr_doctor.web import build as web
from ecr_doctor.web.serve import serving

DOCS = Path(__file__).resolve().parent.parent / "docs"
EXAMPLE = web.PACKAGE_DIR / "examples" / "01-stale-static-token.json"
ERROR = ('Error response from daemon: Head "https://123456789012.dkr.ecr.us-east-1.amazonaws.com'
         '/v2/app/manifests/latest": denied: Your authorization token has expired. '
         "Reauthenticate and try again.")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# name -> (viewport, device scale, clip height in CSS px or None for the whole page)
SHOTS = {
    "desktop": ({"width": 1280, "height": 900}, 1, None),
    "phone": ({"width": 390, "height": 844}, 2, 1750),
}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        site = web.build(Path(tmp) / "site")
        with serving(site.out_dir) as origin, sync_playwright() as pw:
            url = origin + "/"
            for name, (viewport, scale, clip) in SHOTS.items():
                context = pw.chromium.launch_persistent_context(
                    str(Path(tmp) / name), executable_path="/usr/bin/chromium", args=ARGS,
                    headless=True, viewport=viewport, device_scale_factor=scale,
                    color_scheme="light")
                page = context.pages[0]
                page.goto(url)
                page.wait_for_selector('body[data-state="ready"]', state="attached",
                                       timeout=60_000)
                page.fill("#config", EXAMPLE.read_text())
                page.click("#diagnose")
                page.wait_for_selector('body[data-runs="1"]', state="attached")
                if name == "desktop":  # show one rule page open
                    page.locator("#findings details.rule").first.locator("summary").click()
                page.fill("#error-text", ERROR)
                page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0); "
                              "document.getElementById('config').scrollTop = 0")
                height = clip or page.evaluate("document.documentElement.scrollHeight")
                page.screenshot(path=str(DOCS / f"web-{name}.png"), full_page=True,
                                clip={"x": 0, "y": 0, "width": viewport["width"],
                                      "height": height})
                context.close()


if __name__ == "__main__":
    main()
