"""Docker `auth` values and Amazon ECR registry passwords: decoding, expiry, synthetic tokens.

Standard library only (runs in Pyodide). Nothing here ever puts a credential into an exception
message, a repr or a description: passwords travel as `Secret`, errors name byte offsets only.
"""

from __future__ import annotations

import binascii
import json
import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple, Protocol

from ecr_doctor.core.secrets import Secret

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Literal

    TokenState = Literal["live", "expired", "unknown"]

__all__ = [
    "ECR_TOKEN_LIFETIME",
    "AuthDecodeError",
    "BasicAuth",
    "EcrToken",
    "LiveToken",
    "TokenStatus",
    "decode_auth",
    "decode_ecr_password",
    "expiry_status",
    "live_ecr_tokens",
    "looks_like_ecr_auth",
    "make_ecr_auth",
    "make_ecr_password",
]

# "Authorization tokens are valid for 12 hours" (ECR API reference, AuthorizationData.expiresAt).
ECR_TOKEN_LIFETIME = timedelta(hours=12)


class AuthDecodeError(ValueError):
    """An `auth` value Docker would refuse. The message never contains the value or its decoding."""

    def __init__(self, message: str, *, offset: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: Byte offset Go's decoder reports (CorruptInputError), when the failure is base64.
        self.offset = offset

    def __repr__(self) -> str:
        return f"AuthDecodeError({self.message!r})"


class BasicAuth(NamedTuple):
    username: str
    password: Secret


class EcrToken(NamedTuple):
    """What can be read, without the key, from an ECR registry password. Holds nothing secret."""

    expires_at: datetime | None
    version: str | None
    token_type: str | None


# --- Go's base64.StdEncoding -------------------------------------------------------------------

_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_DECODE_MAP: dict[int, int] = {c: i for i, c in enumerate(_ALPHABET)}
_PAD = ord("=")
_NEWLINES = (ord("\n"), ord("\r"))


class _CorruptInput(Exception):
    def __init__(self, offset: int) -> None:
        self.offset = offset


# Canonical base64: whole quanta, padding only at the end. On it Go's decoder and binascii's
# agree byte for byte (neither checks the unused trailing bits), so only other input needs
# the port below, which is ~100x slower on a 3 kB ECR token.
_CANONICAL_B64 = re.compile(rb"[A-Za-z0-9+/]*={0,2}")


def _go_std_b64decode(src: bytes) -> bytes:
    if len(src) % 4 == 0 and _CANONICAL_B64.fullmatch(src):
        return binascii.a2b_base64(src)
    return _go_std_b64decode_port(src)


def _go_std_b64decode_port(src: bytes) -> bytes:
    """Port of Go's `(*Encoding).Decode` for StdEncoding (padding required, not strict).

    Python's `base64.b64decode` differs in ways that change the verdict: it accepts missing
    padding in non-validating mode and rejects '\\n' in validating mode, whereas Go skips '\\r'
    and '\\n' anywhere and demands '='. Offsets match Go's `CorruptInputError` (they count the
    skipped newlines), so our messages line up with what Docker prints.
    Source: go/src/encoding/base64/base64.go, `decodeQuantum`.
    """
    out = bytearray()
    si = 0
    n = len(src)
    while si < n:
        dbuf = [0, 0, 0, 0]
        dlen = 4
        j = 0
        while j < 4:
            if si == n:
                if j == 0:
                    return bytes(out)
                # StdEncoding has a pad character, so any short final quantum is an error.
                raise _CorruptInput(si - j)
            ch = src[si]
            si += 1
            val = _DECODE_MAP.get(ch)
            if val is not None:
                dbuf[j] = val
                j += 1
                continue
            if ch in _NEWLINES:
                continue
            if ch != _PAD:
                raise _CorruptInput(si - 1)
            if j in (0, 1):
                raise _CorruptInput(si - 1)
            if j == 2:
                # "==" is expected; the first "=" is consumed, newlines may sit between them.
                while si < n and src[si] in _NEWLINES:
                    si += 1
                if si == n:
                    raise _CorruptInput(n)
                if src[si] != _PAD:
                    raise _CorruptInput(si - 1)
                si += 1
            while si < n and src[si] in _NEWLINES:
                si += 1
            if si < n:
                # Trailing garbage after the padding.
                raise _CorruptInput(si)
            dlen = j
            break
        val24 = (dbuf[0] << 18) | (dbuf[1] << 12) | (dbuf[2] << 6) | dbuf[3]
        out.extend(val24.to_bytes(3, "big")[: dlen - 1])
    return bytes(out)


def decode_auth(value: str) -> BasicAuth:
    """Decode a config.json `auth` value exactly as docker/cli does.

    Mirrors `decodeAuth` in docker/cli cli/config/configfile/file.go: an empty value means "no
    credentials" (empty username and password, no error); otherwise base64.StdEncoding, split on
    the first ':', an empty username is an error, and NUL bytes are trimmed from both ends of the
    password. Raises `AuthDecodeError` whose message never contains the value.
    """
    if value == "":
        return BasicAuth(username="", password=Secret(""))
    try:
        # surrogatepass: a str we were handed may hold lone surrogates; Go would see bytes.
        decoded = _go_std_b64decode(value.encode("utf-8", "surrogatepass"))
    except _CorruptInput as exc:
        raise AuthDecodeError(
            # Go's own wording, so it matches the warning Docker prints.
            f"illegal base64 data at input byte {exc.offset}", offset=exc.offset
        ) from None
    user_raw, sep, pass_raw = decoded.partition(b":")
    if not sep:
        raise AuthDecodeError(
            "invalid auth configuration file (the decoded value has no ':' separator)"
        )
    if not user_raw:
        raise AuthDecodeError("invalid auth configuration file (the decoded username is empty)")
    # Go strings are bytes; the username is shown to people, so replace what is not UTF-8, but
    # keep every password byte (surrogateescape) so `reveal()` round-trips to what Docker sends.
    username = user_raw.decode("utf-8", "replace")
    password = pass_raw.strip(b"\x00").decode("utf-8", "surrogateescape")
    return BasicAuth(username=username, password=Secret(password))


# --- ECR registry passwords --------------------------------------------------------------------


def _lenient_b64decode(text: str) -> bytes | None:
    data = "".join(text.split())
    data = data.replace("-", "+").replace("_", "/")
    data += "=" * (-len(data) % 4)
    try:
        return binascii.a2b_base64(data, strict_mode=True)
    except (binascii.Error, ValueError):
        return None


def _expiration_to_datetime(value: object) -> datetime | None:
    # bool is an int subclass; `true` is not a timestamp.
    if isinstance(value, bool):
        return None
    seconds: float
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        try:
            seconds = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _optional_text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def decode_ecr_password(password: Secret) -> EcrToken | None:
    """Read the expiry from an ECR registry password, or None if it does not have that shape.

    The password is base64 of `{"payload","datakey","version","type","expiration"}`. That layout
    is undocumented (facts §4: observed, not a contract), so this is a best-effort heuristic:
    decoding is lenient, any surprise yields None and nothing here raises.
    """
    try:
        text = password.reveal()
        # A real one is ~2 KB; refusing giants keeps a hostile config from costing much.
        if not text or len(text) > 65536:
            return None
        raw = _lenient_b64decode(text)
        if raw is None or not raw.lstrip().startswith(b"{"):
            return None
        obj = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeError, RecursionError):
        return None
    if not isinstance(obj, dict):
        return None
    if not isinstance(obj.get("payload"), str) or not isinstance(obj.get("datakey"), str):
        return None
    return EcrToken(
        expires_at=_expiration_to_datetime(obj.get("expiration")),
        version=_optional_text(obj.get("version")),
        token_type=_optional_text(obj.get("type")),
    )


def looks_like_ecr_auth(auth: BasicAuth) -> bool:
    """True for credentials minted by ECR GetAuthorizationToken (user "AWS", token password)."""
    # extractToken in amazon-ecr-credential-helper splits "AWS:<pw>"; the user is always "AWS".
    return auth.username == "AWS" and decode_ecr_password(auth.password) is not None


# --- Expiry ------------------------------------------------------------------------------------


def _as_utc(moment: datetime) -> datetime:
    # A naive datetime here can only have come from our own UTC arithmetic; treat it as UTC
    # rather than as local time, which would shift every verdict by the machine's offset.
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _format_moment(moment: datetime) -> str:
    return _as_utc(moment).strftime("%Y-%m-%d %H:%M UTC")


def _format_span(seconds: int) -> str:
    """A coarse, human span: precision a person acts on, never more."""
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        hours, minutes = divmod(seconds // 60, 60)
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, rest = divmod(seconds, 86400)
    hours = rest // 3600
    day_word = "day" if days == 1 else "days"
    if days < 2 and hours:
        return f"{days} {day_word} {hours} h"
    return f"{days} {day_word}"


class TokenStatus(NamedTuple):
    """Expiry of a token relative to one captured `now`.

    `seconds_left` is negative once expired (seconds since expiry, floored) and None when the
    expiry is unknown. A token is expired from its `expires_at` instant onwards.
    """

    state: TokenState
    expires_at: datetime | None
    seconds_left: int | None

    def describe(self) -> str:
        if self.state == "unknown" or self.expires_at is None or self.seconds_left is None:
            return "expiry unknown; ECR tokens last at most 12 h"
        when = _format_moment(self.expires_at)
        if self.state == "expired":
            return f"expired {_format_span(-self.seconds_left)} ago ({when})"
        return f"live for {_format_span(self.seconds_left)} more (until {when})"


def expiry_status(expires_at: datetime | None, now: datetime) -> TokenStatus:
    if expires_at is None:
        return TokenStatus(state="unknown", expires_at=None, seconds_left=None)
    expires_utc = _as_utc(expires_at)
    # Floor division keeps "live" and a non-negative count together: a token with 0.4 s left
    # is live with 0 s, one expired 0.4 s ago is expired by -1 s.
    seconds_left = (expires_utc - _as_utc(now)) // timedelta(seconds=1)
    state: TokenState = "live" if expires_utc > _as_utc(now) else "expired"
    return TokenStatus(state=state, expires_at=expires_utc, seconds_left=seconds_left)


def jwt_expiry(token: str) -> datetime | None:
    """The `exp` of a JSON Web Token (the middle, base64url part), read offline and never
    verified: enough to tell a stored token has expired. None when it is not one."""
    parts = token.split(".")
    if len(parts) != 3 or len(parts[1]) > 16_384:
        return None
    import base64

    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    if not isinstance(exp, int | float) or isinstance(exp, bool) or not 0 < exp < 1e11:
        return None
    return datetime.fromtimestamp(exp, tz=UTC)


class _StoredCredential(Protocol):
    """An `auths` entry as core/dockerconfig reads it (a Protocol: that module imports this)."""

    @property
    def key(self) -> str: ...
    @property
    def password(self) -> Secret | None: ...
    @property
    def decoded_password(self) -> Secret | None: ...


class LiveToken(NamedTuple):
    host: str
    expires_at: datetime


def live_ecr_tokens(auths: Iterable[_StoredCredential], now: datetime) -> tuple[LiveToken, ...]:
    """The `auths` entries that hold an ECR token still valid at `now`: what a copy of the
    file (a backup, a paste) would hand anyone who reads it."""
    found: list[LiveToken] = []
    for entry in auths:
        password = entry.decoded_password or entry.password
        token = decode_ecr_password(password) if password is not None else None
        if token is None:
            continue
        status = expiry_status(token.expires_at, now)
        if status.state == "live" and status.expires_at is not None:
            found.append(LiveToken(entry.key, status.expires_at))
    return tuple(found)


# --- Synthetic tokens (tests and the bundled demo) ---------------------------------------------

# Sized so the docker `auth` value is a few KB, like real ones: length-based heuristics and
# line wrapping in renderers get exercised the same way.
_PAYLOAD_BYTES = 1104
_DATAKEY_BYTES = 208


def _stream(seed: int, label: str, size: int) -> bytes:
    """Deterministic, random-looking bytes (SHA-256 in counter mode), stable across Pythons."""
    import hashlib  # 2 ms at start-up; only fixtures and the demo make tokens

    out = bytearray()
    counter = 0
    while len(out) < size:
        block = f"ecr-doctor-synthetic:{label}:{seed}:{counter}".encode()
        out.extend(hashlib.sha256(block).digest())
        counter += 1
    return bytes(out[:size])


def make_ecr_password(expires_at: datetime, *, seed: int = 0) -> str:
    """A synthetic ECR registry password with the observed layout and the given expiry.

    Fake: the payload and data key are hash output, so it authenticates nowhere. Same
    (expires_at, seed) gives the same string, so fixtures and golden files stay stable.
    """
    import base64  # with struct, 0.7 ms of start-up: only fixtures and the demo make tokens

    document = {
        "payload": base64.b64encode(_stream(seed, "payload", _PAYLOAD_BYTES)).decode("ascii"),
        "datakey": base64.b64encode(_stream(seed, "datakey", _DATAKEY_BYTES)).decode("ascii"),
        "version": "2",
        "type": "DATA_KEY",
        "expiration": int(_as_utc(expires_at).timestamp()),
    }
    body = json.dumps(document, separators=(",", ":")).encode("ascii")
    return base64.b64encode(body).decode("ascii")


def make_ecr_auth(expires_at: datetime, *, seed: int = 0) -> str:
    """A synthetic docker config.json `auth` value: base64("AWS:" + make_ecr_password(...))."""
    import base64

    password = make_ecr_password(expires_at, seed=seed)
    return base64.b64encode(f"AWS:{password}".encode("ascii")).decode("ascii")
