"""Evidence the AWS SDK and the ECR helper leave on disk, read without printing any secret.

Three sources, each bounded in size and never fatal:
- the AWS credential chain in the order aws-sdk-go-v2 tries it (config/resolve_credentials.go ·
  resolveCredentialChain: environment keys, then the shared profile — static, role_arn,
  web identity, SSO, credential_process — then web identity from the environment, then
  container credentials, then EC2 instance metadata);
- the AWS SSO token cache (`~/.aws/sso/cache/<sha1>.json`, `expiresAt`), named by
  credentials/ssocreds · StandardCachedTokenFilepath: SHA-1 of the `sso_session` name, or of
  the `sso_start_url` for legacy SSO profiles;
- the ECR helper's cache (`cache.json`) and log (`log/ecr-login.log`) under
  `$AWS_ECR_CACHE_DIR`, default `~/.ecr` (amazon-ecr-credential-helper · ecr-login/config ·
  GetCacheDir, log.go; ecr-login/cache/file.go).

These are the value types and the parsers of the files' text;
`ecr_doctor.machine.forensics.read` reads the files. Legacy helper cache keys embed the
plaintext AWS access key id (base64 of the key followed by MD5("")), so keys are never
kept — only the registry the entry is for and the key's form.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from typing import Literal
    CacheState = Literal["fresh", "stale", "expired", "unknown"]
    TokenState = Literal["live", "expired", "unknown"]


__all__ = [
    "AwsChainLink",
    "Forensics",
    "HelperCache",
    "HelperCacheEntry",
    "HelperLog",
    "SsoToken",
    "parse_helper_cache",
    "parse_helper_log",
    "parse_sso_token",
    "redact_log_text",
]


class AwsChainLink(NamedTuple):
    """One source of the SDK's default chain: is it there, and what kind. Never a value."""

    source: str    # environment, shared-profile, web-identity, container, instance-metadata
    present: bool
    detail: str


class SsoToken(NamedTuple):
    file: str                  # base name only
    expires_at: datetime | None
    state: TokenState
    profile_token: bool = False  # the selected profile's own token file


class HelperCacheEntry(NamedTuple):
    registry: str              # ProxyEndpoint host: which registry the entry serves
    service: str
    #: legacy (≤ 0.11: base64 of the access key id + MD5(""), i.e. the key in clear),
    #: sha256 (≥ 0.12), public, or unknown. The key itself is never kept.
    key_form: str
    requested_at: datetime | None
    expires_at: datetime | None
    state: CacheState


class HelperCache(NamedTuple):
    path: str
    exists: bool
    entries: tuple[HelperCacheEntry, ...] = ()
    error: str | None = None


class HelperLog(NamedTuple):
    path: str
    exists: bool
    #: The last line carrying an error (message and error, redacted), and its timestamp.
    last_error: str | None = None
    last_error_time: str | None = None
    #: The last run fell back to a cached token because the API call failed
    #: (ecr-login/ecr.go · Get: "Got error fetching authorization token. Falling back to
    #: cached token.").
    fell_back_to_cache: bool = False


class Forensics(NamedTuple):
    aws_chain: tuple[AwsChainLink, ...] = ()
    sso_tokens: tuple[SsoToken, ...] = ()
    #: The selected profile uses SSO: "live", "expired", "missing" (no cached token: never
    #: logged in), or None (not an SSO profile / unknown).
    profile_sso_state: str | None = None
    #: The selected profile names an sso_session that no [sso-session NAME] section defines.
    missing_sso_session: str | None = None
    helper_cache: HelperCache | None = None
    helper_log: HelperLog | None = None


# --- pure parsers --------------------------------------------------------------------------------


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    # Go RFC3339Nano may carry 9 fractional digits; Python accepts at most 6.
    if "." in text:
        head, _, rest = text.partition(".")
        digits = ""
        while rest and rest[0].isdigit():
            digits, rest = digits + rest[0], rest[1:]
        text = f"{head}.{digits[:6]}{rest}" if digits else head + rest
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_sso_token(
    name: str, text: str, now: datetime, *, profile_token: bool = False
) -> SsoToken:
    import json

    expires: datetime | None = None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        document = None
    if isinstance(document, dict):
        # botocore / aws-sdk-go-v2 ssocreds token cache: "expiresAt" (RFC 3339).
        expires = _parse_time(document.get("expiresAt"))
    state: TokenState = "unknown" if expires is None else ("live" if expires > now else "expired")
    return SsoToken(name, expires, state, profile_token)


def _key_form(key: str, service: str) -> str:
    import base64

    if service == "ecr-public" or key.startswith("ecr-public-"):
        return "public"
    # <region>-<checksum>-<registryId>; the region itself contains dashes.
    parts = key.rsplit("-", 1)
    if len(parts) != 2:
        return "unknown"
    checksum = parts[0].rsplit("-", 1)[-1]
    try:
        raw = base64.b64decode(checksum + "=" * (-len(checksum) % 4), validate=True)
    except ValueError:
        return "unknown"
    if len(raw) == 32:
        return "sha256"
    # Legacy: md5.New().Sum([]byte(akid)) appends MD5("") (16 bytes) to the key id's bytes.
    if len(raw) > 16 and raw.endswith(bytes.fromhex("d41d8cd98f00b204e9800998ecf8427e")):
        return "legacy"
    return "unknown"


def parse_helper_cache(path: str, text: str, now: datetime) -> HelperCache:
    import json
    from urllib.parse import urlsplit

    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return HelperCache(path, True, error="not valid JSON (the helper ignores it)")
    if not isinstance(document, dict):
        return HelperCache(path, True, error="not a JSON object")
    registries = document.get("Registries")
    if not isinstance(registries, dict):
        return HelperCache(path, True)
    entries = []
    for key, entry in registries.items():
        if not isinstance(entry, dict):
            continue
        service = entry.get("Service") if isinstance(entry.get("Service"), str) else ""
        endpoint = entry.get("ProxyEndpoint")
        host = ""
        if isinstance(endpoint, str):
            try:
                host = urlsplit(endpoint).netloc or endpoint
            except ValueError:
                host = ""
        requested = _parse_time(entry.get("RequestedAt"))
        expires = _parse_time(entry.get("ExpiresAt"))
        state: CacheState = "unknown"
        if expires is not None:
            if expires <= now:
                state = "expired"
            elif requested is not None and now >= requested + (expires - requested) / 2:
                # ecr-login/cache/credentials_cache.go · AuthEntry.IsValid: fresh only until
                # half the token's lifetime; past it the helper calls ECR again.
                state = "stale"
            else:
                state = "fresh"
        entries.append(HelperCacheEntry(host or "(unknown registry)", str(service),
                                        _key_form(str(key), str(service)), requested, expires,
                                        state))
    entries.sort(key=lambda e: (e.registry, e.expires_at or datetime.min.replace(tzinfo=UTC)))
    return HelperCache(path, True, tuple(entries))


def _logfmt(line: str) -> dict[str, str]:
    """logrus TextFormatter fields: key=value or key="quoted \\" value"."""
    fields: dict[str, str] = {}
    i, n = 0, len(line)
    while i < n:
        while i < n and line[i] == " ":
            i += 1
        start = i
        while i < n and line[i] not in "= ":
            i += 1
        key = line[start:i]
        if i >= n or line[i] != "=":
            continue
        i += 1
        if i < n and line[i] == '"':
            i += 1
            value = []
            while i < n and line[i] != '"':
                if line[i] == "\\" and i + 1 < n:
                    i += 1
                value.append(line[i])
                i += 1
            i += 1
            fields[key] = "".join(value)
        else:
            start = i
            while i < n and line[i] != " ":
                i += 1
            fields[key] = line[start:i]
    return fields


def redact_log_text(text: str) -> str:
    """Remove anything credential-shaped from a log message before it is shown."""
    import re

    from ecr_doctor.core.secrets import SecretSpan, mask

    def placeholder(span: SecretSpan, _value: str) -> str:
        return "<access-key-id>" if span.kind == "access-key-id" else "<redacted>"

    text = mask(text, placeholder)
    # Long runs no key or flag names: signatures, legacy cache keys, tokens quoted on their own.
    return re.sub(r"[A-Za-z0-9+/_-]{40,}={0,2}", "<redacted>", text)


def parse_helper_log(path: str, text: str) -> HelperLog:
    last_error: str | None = None
    last_time: str | None = None
    fell_back = False
    for line in text.splitlines():
        if 'level=' not in line:
            continue
        fields = _logfmt(line)
        level = fields.get("level", "")
        message = fields.get("msg", "")
        # A run starts with "Retrieving credentials"; reset the per-run fallback flag there.
        if message == "Retrieving credentials":
            fell_back = False
        if "Falling back to cached token" in message:
            fell_back = True
        # The fallback itself is logged at info level with the API error attached, so any
        # line carrying an error field counts, whatever its level.
        if level in ("error", "fatal", "panic") or "error" in fields:
            detail = fields.get("error", "")
            last_error = redact_log_text(f"{message}: {detail}" if detail else message)
            last_time = fields.get("time")
    return HelperLog(path, True, last_error, last_time, fell_back)
