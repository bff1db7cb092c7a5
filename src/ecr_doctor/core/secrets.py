"""A value that must never reach output (`Secret`), and where secrets sit in text
(`find_secret_spans`, `mask`).

Standard library only (runs in Pyodide).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from typing import Literal

    SecretKind = Literal["private-key", "url-password", "ecr-auth", "ecr-password",
                         "access-key-id", "password-arg", "stdin-echo", "header", "auth-scheme",
                         "json-key", "assignment"]


@functools.cache
def _run_key() -> bytes:
    """Drawn once per process, never shown: what makes fingerprints of one run comparable
    and useless to anyone else."""
    import secrets as stdlib_secrets  # the standard library's, not this module

    return stdlib_secrets.token_bytes(32)


class Secret:
    """A credential. Only `reveal()` gives the value back; everything else shows a fingerprint."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    @property
    def fingerprint(self) -> str:
        """`fp:` and 8 hex digits that tell two secrets of one run apart, and say nothing else.

        A keyed hash (BLAKE2b, key drawn once per process and never shown): a plain
        `sha256(secret)[:8]` beside a user name lets anyone test guesses of a weak password
        against the output; a keyed one cannot be tested without the key. Fingerprints from
        two runs are not comparable, by design.
        """
        import hashlib  # 2.3 ms of start-up; diagnose fingerprints only what it reports

        digest = hashlib.blake2b(self._value.encode("utf-8", "surrogatepass"),
                                 key=_run_key(), digest_size=4)
        return "fp:" + digest.hexdigest()

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return f"Secret({self.fingerprint})"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return format(repr(self), spec)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self) -> str:
        # Pickling would write the value somewhere we do not control.
        raise TypeError("Secret values cannot be pickled")


# --- Secret spans: the one detector every masker uses -----------------------------------------
#
# Each masker (explain's excerpts, the helper-log reader, the fixer's diff, `redact`, `scan`)
# keeps its own replacement style but asks this one place where the secrets are. Patterns are
# kept as source strings and compiled on first use: compiling them all costs 2.6 ms, this
# module is imported on every run, start-up is budgeted (benchmarks/startup.py) and most
# `diagnose` runs never mask anything.

ECR_AUTH_PREFIX = "QVdTOmV5"          # base64 of "AWS:ey": an ECR `auth` (AWS:<password>)
ECR_PASSWORD_PREFIX = "eyJwYXlsb2Fk"  # base64 of '{"payload': an ECR registry password


_BASE64_CHAR = "[A-Za-z0-9+/]"


def ecr_token_pattern(prefix: str, min_body: int = 20, *, re2: bool = False) -> str:
    """Regex source for an ECR token starting with `prefix` (base64 after it, `min_body`+).

    `re2=True` gives the same pattern for RE2 (Go's regexp, which gitleaks and trufflehog
    compile rules with; `ecr-doctor export`), which has no lookaround: there the character
    before the token is consumed instead, and the token is capture group 1. One difference
    remains: a token directly after another's `=` padding is found by Python only (the first
    match consumed the character RE2 would need as the boundary).
    """
    token = rf"{prefix}{_BASE64_CHAR}{{{min_body},}}={{0,2}}"
    if re2:
        return rf"(?:^|[^A-Za-z0-9+/])({token})"
    # The lookbehind keeps a match from starting inside a longer base64 run.
    return rf"(?<!{_BASE64_CHAR}){token}"


def base64_prefix(plain: str) -> str:
    """The base64 characters every encoding of a text starting with `plain` begins with.

    Each 3 bytes make 4 characters; of a last 1 or 2 bytes, only the characters whose 6 bits
    they fix are certain. `base64_prefix("AWS:ey")` is ECR_AUTH_PREFIX.
    """
    import binascii

    data = plain.encode("utf-8")
    full, rest = divmod(len(data), 3)
    encoded = binascii.b2a_base64(data, newline=False).decode("ascii")
    return encoded[: 4 * full + rest]


# A command-line or assignment value: quoted (not across lines, so one stray quote cannot
# swallow a page) or a bare word up to a `&` (the next query parameter, or the shell's own
# operator); see _trimmed for a JSON string's closing quote after a bare word.
_VALUE = r"""(?:"[^"\n]*"|'[^'\n]*'|[^\s&]+)"""
# `-p X`, `--password X`, `--password=X`. `--password-stdin` takes no value and must not
# match; the lookbehind keeps words like `docker-p…` from reading as `-p`. Docker prints
# "Using --password via the CLI is insecure" after every such login: prose, not a value.
PASSWORD_ARG = (r"(?:(?<![\w-])-p|--password)(?:[ \t]*=[ \t]*|\s+)(?!via the CLI\b)"
                r"(?P<val>" + _VALUE + ")")
# `mysql -pSECRET`: only as a word of its own (Docker's `-*-password` warning is no flag), and
# a lowercase word after it is another flag (`-pthread`, `find -print`, `-prune`).
_PASSWORD_ATTACHED = (r"""(?<![^\s"'=])-p(?![a-z]+(?![^\s"',;]))"""
                      r"""(?P<val>"[^"\n]*"|'[^'\n]*'|[^\s=&\-][^\s&]*)""")
# `echo X | docker login --password-stdin`, `printf '%s' X | …`, `… --password-stdin <<< X`:
# what is echoed is the password.
_STDIN_ECHO = (r"""(?:\becho(?:[ \t]+-[neE]+)*|\bprintf(?:[ \t]+(?:'%s(?:\\n)?'|"%s(?:\\n)?"))?)"""
               r"[ \t]+(?P<val>" + _VALUE + r")[ \t]*\|[^\n|;&]*?--password-stdin\b")
# Bounded: a line of many `--password-stdin` and no `<<<` must not be rescanned from each.
_STDIN_HERE = r"--password-stdin\b[^\n|;&]{0,300}?<<<[ \t]*(?P<val>" + _VALUE + ")"
_URL_PASSWORD = r"://[^/\s:@]+:(?P<val>[^@/\s]+)@"
_HEADER = (r"(?i)\b(?:authorization|x-registry-auth|x-registry-config|x-amz-security-token"
           r"|x-amz-signature|x-amz-credential|private-token|x-api-key|api-key|x-auth-token"
           r"|x-vault-token)\b[\"']?\s*[:=]\s*[\"']?"
           r"(?:(?:basic|bearer|token|aws4-hmac-sha256)\s+)?(?P<val>[^\s\"',;&]+)")
_COOKIE = r"(?i)\b(?:set-)?cookie[\"']?[ \t]*:[ \t]*(?P<val>[^\r\n\"]*[^\s\"])"
# A bare scheme anywhere ("… Bearer abc…"): a short word after it is prose, not a token.
_AUTH_SCHEME = r"(?i)\b(?:basic|bearer)\s+(?P<val>[A-Za-z0-9+/=._~-]{8,})"
_JSON_KEY = (r"(?i)[\"'](?:auth|password|secret|identitytoken|registrytoken|authorizationtoken"
             r"|token|secretaccesskey|sessiontoken)[\"']\s*:\s*\"(?P<val>(?:[^\"\\\n]|\\.)*)\"")
# `key = value` / `key: value` in env dumps, INI and YAML. No left boundary: `db_password=`
# and `clientSecret:` are as secret as `password=`. The value is never itself such a key
# (`token=password: x` hides `x`), and a value on the next line is not that line's `key:`.
_SECRET_KEY = (r"(?:aws_secret_access_key|aws_session_token|aws_security_token"
               r"|secret_access_key|secretaccesskey|sessiontoken|secret|password|passwd|token"
               r"|api[_-]?key)[\"']?\s*[=:]")
_ASSIGNMENT = (r"(?i)" + _SECRET_KEY + r"(?:[ \t]*|\s*\n\s*(?![\w-]+[\"']?:(?:\s|$)))"
               r"(?!" + _SECRET_KEY + r")(?P<val>" + _VALUE + ")")
ACCESS_KEY_ID = (r"(?<![A-Za-z0-9])(?:AKIA|ASIA|AROA|AIDA|AGPA|ANPA|ANVA|AIPA|APKA|ABIA|ACCA)"
                 r"[A-Z0-9]{12,}(?![A-Za-z0-9])")
# The body cannot hold `-----`, so a BEGIN without its END fails at the next marker, not at
# the end of the text (many of them would otherwise cost quadratic time).
_PRIVATE_KEY = (r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:[^-]|-(?!----))*"
                r"-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")

# Order is priority: when two forms cover the same text, the earlier names the merged span
# (a token that is also a `-p` value is reported as the token).
_FORMS: tuple[tuple[SecretKind, str], ...] = (
    ("private-key", _PRIVATE_KEY),
    ("url-password", _URL_PASSWORD),
    ("ecr-auth", ecr_token_pattern(ECR_AUTH_PREFIX)),
    ("ecr-password", ecr_token_pattern(ECR_PASSWORD_PREFIX)),
    ("access-key-id", ACCESS_KEY_ID),
    ("password-arg", PASSWORD_ARG),
    ("password-arg", _PASSWORD_ATTACHED),
    ("stdin-echo", _STDIN_ECHO),
    ("stdin-echo", _STDIN_HERE),
    ("header", _HEADER),
    ("header", _COOKIE),
    ("auth-scheme", _AUTH_SCHEME),
    ("json-key", _JSON_KEY),
    ("assignment", _ASSIGNMENT),
)
# `docker run -p 8080:80` publishes a port: a mapping (a colon or a /protocol) after `-p` on a
# line with no `login` is left alone. A bare number is still masked (`sshpass -p 1234`).
_PORT_MAPPING = (r"(?:(?:[0-9.]+|\[[0-9A-Fa-f:]+\]):)?(?:[0-9]{1,5}(?:-[0-9]{1,5})?:)?"
                 r"[0-9]{1,5}(?:-[0-9]{1,5})?(?:/(?:tcp|udp|sctp))?")
_TRAILING_QUOTE = r"""(["'])[,;}\]]*$"""
# A CI or shell reference where a literal would be: `$VAR`, `${{ secrets.X }}`, `%VAR%`.
PLACEHOLDER = r"""["']?(?:\$|%)"""

_compiled: list[tuple[SecretKind, re.Pattern[str]]] = []


class SecretSpan(NamedTuple):
    """text[start:end] is a secret, found by the form `kind`."""

    start: int
    end: int
    kind: SecretKind


def _forms() -> list[tuple[SecretKind, re.Pattern[str]]]:
    if not _compiled:
        _compiled.extend((kind, re.compile(source)) for kind, source in _FORMS)
    return _compiled


def _unquoted(text: str, start: int, end: int) -> tuple[int, int]:
    if end - start >= 2 and text[start] in "\"'" and text[end - 1] == text[start]:
        return start + 1, end - 1
    return _trimmed(text, start, end)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    # A bare word ending in an unpaired quote (`"run": "docker login -p x",`) ends at that
    # quote: it closes the string around the command. A paired one (`-p a"b"`) is shell quoting.
    tail = re.search(_TRAILING_QUOTE, text[start:end])
    if tail is not None and text.count(tail.group(1), start, end) % 2 == 1:
        return start, start + tail.start()
    return start, end


class _LoginLines:
    """Whether a `login` comes earlier on the line of a position; indexed once per text, so a
    long line of `-p 1:1` is not searched again for each of them."""

    def __init__(self, text: str) -> None:
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.logins = [m.start() for m in re.finditer(r"\blogin\b", text)]

    def before(self, pos: int) -> bool:
        i = bisect.bisect_left(self.logins, pos)
        if i == 0:
            return False
        j = bisect.bisect_left(self.newlines, self.logins[i - 1])
        return j == len(self.newlines) or self.newlines[j] >= pos


def _is_port_mapping(text: str, flag_at: int, value: str, logins: _LoginLines) -> bool:
    return (text.startswith("-p", flag_at) and (":" in value or "/" in value)
            and re.fullmatch(_PORT_MAPPING, value) is not None and not logins.before(flag_at))


def _spans_of(text: str, kind: SecretKind, pattern: re.Pattern[str]) -> Iterator[SecretSpan]:
    logins: _LoginLines | None = None
    for m in pattern.finditer(text):
        start, end = _unquoted(text, *m.span("val" if "val" in pattern.groupindex else 0))
        if kind == "assignment":
            end = start + len(text[start:end].rstrip(",;"))
        if end <= start:
            continue
        if kind == "password-arg":
            logins = logins or _LoginLines(text)
            if _is_port_mapping(text, m.start(), text[start:end], logins):
                continue
        yield SecretSpan(start, end, kind)


def find_secret_spans(text: str) -> list[SecretSpan]:
    """Every secret in `text`, one span per form that found it, sorted by start (widest first).

    Spans may overlap (`-p <ECR token>` is a password argument and a token): each consumer
    decides what wins; `mask` hides their union.
    """
    found = sorted((span.start, -span.end, rank, span.kind)
                   for rank, (kind, pattern) in enumerate(_forms())
                   for span in _spans_of(text, kind, pattern))
    return [SecretSpan(start, -neg_end, kind) for start, neg_end, _rank, kind in found]


def _merged(spans: list[SecretSpan]) -> list[SecretSpan]:
    merged: list[SecretSpan] = []
    for span in spans:
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = SecretSpan(last.start, max(last.end, span.end), last.kind)
        else:
            merged.append(span)
    return merged


def mask(text: str, replacement: str | Callable[[SecretSpan, str], str] = "<redacted>") -> str:
    """`text` with every secret replaced (overlapping spans as one): by `replacement`, or by
    what it returns for (span, original). The span's kind is the first form's at its start."""
    out: list[str] = []
    pos = 0
    for span in _merged(find_secret_spans(text)):
        out.append(text[pos:span.start])
        value = text[span.start:span.end]
        out.append(replacement if isinstance(replacement, str) else replacement(span, value))
        pos = span.end
    out.append(text[pos:])
    return "".join(out)
