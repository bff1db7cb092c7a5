"""The docker-credential-helpers `get` protocol, spoken as Docker speaks it (an edge module).

docker/docker-credential-helpers · client/client.go · Get: the helper is run as
`docker-credential-<name> get`, the server URL goes to stdin, and a JSON object
`{"ServerURL","Username","Secret"}` comes back on stdout. Any error is printed to *stdout* and
the process exits 1 (credentials/credentials.go · Serve); the sentinel
`credentials not found in native keychain` (credentials/error.go · errCredentialsNotFound)
means "no credentials", which docker/cli turns into an anonymous request
(cli/config/credentials/native_store.go · getCredentialsFromStore).

The secret is wrapped in `Secret` the moment it is parsed, so nothing here can print it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import NamedTuple

from ecr_doctor.core.secrets import Secret, mask

__all__ = ["HelperOutcome", "HelperResult", "run_get"]

NOT_FOUND = "credentials not found in native keychain"
# Helper output worth keeping for a report: error texts are short; a giant answer is hostile.
_MAX_OUTPUT = 1 << 20
_MAX_MESSAGE = 400


class HelperOutcome(enum.Enum):
    CREDENTIALS = "credentials"   # exit 0 and a JSON answer with a secret
    NOT_FOUND = "not-found"       # the sentinel: Docker goes anonymous
    ERROR = "error"               # another error text, or a non-zero exit
    BAD_OUTPUT = "bad-output"     # exit 0 but not the JSON Docker expects
    TIMEOUT = "timeout"
    NOT_RUNNABLE = "not-runnable"  # exec failed (missing, not executable, bad interpreter)


class HelperResult(NamedTuple):
    outcome: HelperOutcome
    exit_code: int | None
    seconds: float
    username: str | None = None
    secret: Secret | None = None
    server_url: str | None = None
    #: The helper's own error text (stdout, trimmed and cut short); never a credential, because
    #: it is only kept when the helper did not answer with JSON credentials.
    message: str = ""


def run_get(
    executable: str, server_url: str, env: Mapping[str, str], timeout: float
) -> HelperResult:
    """Run `executable get` with `server_url` on stdin. Never raises for what the helper does."""
    from ecr_doctor.machine.process import run_bounded

    # Docker writes the bare server URL (client.go: `strings.NewReader(serverURL)`).
    done = run_bounded([executable, "get"], stdin=server_url.encode("utf-8"), env=env,
                       timeout=timeout, max_output=_MAX_OUTPUT)
    if done.start_error:
        return HelperResult(HelperOutcome.NOT_RUNNABLE, None, done.seconds,
                            message=done.start_error)
    if done.timed_out:
        return HelperResult(HelperOutcome.TIMEOUT, None, done.seconds,
                            message=f"no answer within {timeout:g} s")
    if done.overflowed:
        return HelperResult(HelperOutcome.BAD_OUTPUT, None, done.seconds,
                            message=f"the helper printed more than {_MAX_OUTPUT} bytes; "
                            "stopped it")
    assert done.exit_code is not None
    return parse_get_output(done.stdout, done.exit_code, done.seconds)


def parse_get_output(out: bytes, exit_code: int, seconds: float) -> HelperResult:
    """Interpret a helper's stdout and exit code the way docker-credential-helpers' client does."""
    import json

    text = out.decode("utf-8", "replace")
    trimmed = text.strip()
    if exit_code != 0:
        # client.go Get: `strings.TrimSpace(out) == errCredentialsNotFoundMessage`.
        if trimmed == NOT_FOUND:
            return HelperResult(HelperOutcome.NOT_FOUND, exit_code, seconds, message=NOT_FOUND)
        return HelperResult(HelperOutcome.ERROR, exit_code, seconds,
                            message=_error_text(trimmed) or f"exit status {exit_code}")
    try:
        answer = json.loads(text)
    except (ValueError, RecursionError):
        # Never echo what a helper printed on success: it may be a credential in a bad shape.
        return HelperResult(HelperOutcome.BAD_OUTPUT, exit_code, seconds,
                            message="the helper exited 0 but its output is not JSON")
    if not isinstance(answer, dict):
        return HelperResult(HelperOutcome.BAD_OUTPUT, exit_code, seconds,
                            message="the helper's answer is not a JSON object")
    username = answer.get("Username")
    secret = answer.get("Secret")
    server = answer.get("ServerURL")
    if not isinstance(secret, str) or not secret:
        return HelperResult(HelperOutcome.BAD_OUTPUT, exit_code, seconds,
                            username=username if isinstance(username, str) else None,
                            message="the helper's answer has no Secret")
    return HelperResult(
        HelperOutcome.CREDENTIALS,
        exit_code,
        seconds,
        username=username if isinstance(username, str) else "",
        secret=Secret(secret),
        server_url=server if isinstance(server, str) else None,
    )


def _error_text(text: str) -> str:
    """What a failing helper printed, fit to show: one line, short, its secrets masked.

    A failing helper may still print its credential JSON (a wrapper that exits 1 after the
    real helper answered) or quote a token in its error; neither may reach a report.
    """
    if text.startswith("{") or '"Secret"' in text:
        return "the helper failed and printed JSON (not shown: it may hold a credential)"
    line = mask(" ".join(text.split()))
    return line if len(line) <= _MAX_MESSAGE else line[: _MAX_MESSAGE - 1] + "…"
