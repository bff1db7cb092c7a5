"""Driving the offline page in headless Chromium, shared by the page's tests (test_web.py)
and the install tests (test_dist.py): one profile, every request recorded, and the CLI's own
answer to compare the page's with."""

from __future__ import annotations

from typing import Any

from ecr_doctor.core.engine import fix_text
from ecr_doctor.core.environment import unknown_environment
from ecr_doctor.core.options import Options

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
LOAD_TIMEOUT_MS = 30_000


class Browser:
    """One Chromium profile and page, with every request recorded; `url` is where the page
    lives (an origin's root, or a sub-path of it)."""

    def __init__(self, context: Any, page: Any, origin: str, url: str | None = None) -> None:
        self.context, self.page, self.origin = context, page, origin
        self.url = url or origin + "/"
        self.requests: list[str] = []
        self.foreign: list[str] = []
        self.runs = 0
        self.playwright: Any = None

    def route(self, route: Any) -> None:
        url = route.request.url
        self.requests.append(url)
        if url == self.origin or url.startswith(self.origin + "/"):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def load(self) -> None:
        self.page.goto(self.url)
        self.page.wait_for_selector("body[data-state]", state="attached", timeout=LOAD_TIMEOUT_MS)
        assert self.page.get_attribute("body", "data-state") == "ready", \
            self.page.text_content("#status-text")
        self.runs = 0

    def diagnose(self, text: str, *, unsafe: bool = False) -> None:
        page = self.page
        page.fill("#config", text)
        if page.is_checked("#unsafe") != unsafe:
            page.click("#unsafe")  # re-diagnoses on change; counted by data-runs
            self.runs += 1
        page.click("#diagnose")
        self.runs += 1
        page.wait_for_selector(f'body[data-runs="{self.runs}"]', state="attached")


def cli_fix(text: str, *, unsafe: bool = False) -> str:
    return fix_text(text, "config.json", unknown_environment(), Options(unsafe_fixes=unsafe)).after
