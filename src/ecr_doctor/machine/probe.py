"""The registry probe: `GET https://<host>/v2/` with Basic credentials, as `docker login` does.

One request, straight to the registry (no proxy, as `docker` goes without one configured), with
the system's default TLS verification. Only the status and the registry's error text are kept:
the error body is read at most `_MAX_ERROR_BODY` bytes, so a hostile server cannot make the
report large, and the credentials never leave this function.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecr_doctor.core.verification import Probe

if TYPE_CHECKING:
    from ecr_doctor.core.secrets import Secret

__all__ = ["Probe", "error_message", "probe"]

_MAX_ERROR_BODY = 65536


_MAX_MESSAGE = 400

def probe(host: str, username: str, secret: Secret, timeout: float) -> Probe:
    """GET https://<host>/v2/ with Basic credentials; report the status and any error text.
    Never raises for what the network or the server does."""
    import base64
    import ssl
    import urllib.error
    import urllib.request

    url = f"https://{host}/v2/"
    basic = base64.b64encode(f"{username}:{secret.reveal()}".encode()).decode()
    request = urllib.request.Request(url, headers={"Authorization": f"Basic {basic}"})
    # No proxy handler: a probe goes straight to the registry, as `docker` would without one.
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        urllib.request.HTTPSHandler(context=ssl.create_default_context()),
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            return Probe(url=url, status=response.status, message="")
    except urllib.error.HTTPError as exc:
        return Probe(url=url, status=exc.code, message=error_message(exc.read(_MAX_ERROR_BODY)))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return Probe(url=url, status=None, message=str(reason))


def error_message(body: bytes) -> str:
    """A distribution error body `{"errors":[{"code":"DENIED","message":"…"}]}` as docker
    prints it: "<code lowercased>: <message>", joined with "; ". "" for anything else."""
    import json

    from ecr_doctor.core.secrets import mask

    try:
        errors = json.loads(body).get("errors") or []
        text = "; ".join(f"{str(e.get('code', '')).lower()}: {e.get('message', '')}"
                         for e in errors if isinstance(e, dict))
    except (ValueError, AttributeError, TypeError, RecursionError):
        return ""
    # A registry's own words, but shown to the user: one line, short, no credential in it.
    line = mask(" ".join(text.split()))
    return line if len(line) <= _MAX_MESSAGE else line[: _MAX_MESSAGE - 1] + "…"
