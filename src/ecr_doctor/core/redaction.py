"""Make a Docker config, any JSON, or a pasted log safe to share, and undo it locally.

Standard library only (runs in Pyodide, behind the web page's "redacted version" panel).

`redact` replaces spans of the input by placeholders and returns the (placeholder, original)
pairs; `unredact` puts the originals back. Three properties hold by construction and are
checked on every call, not just hoped for:

* Consistent: the same original text always gets the same placeholder, so the structure
  (which key is the same host as which) stays readable.
* Reversible byte for byte: a placeholder never occurs in the input, and `redact` runs
  `unredact` on its own output before returning; if that does not give the input back it
  picks other placeholders (and finally refuses), so a map can always be trusted.
* Diagnosis-preserving for Docker configs: placeholders there are shaped so Docker (and our
  rules) classify them as the original was: an ECR host keeps a 12-digit account, an ECR
  `auth` becomes a synthetic ECR token with the same expiry, an invalid `auth` stays invalid.

Nothing here puts input text into an exception message: errors name offsets or counts only.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
import math
import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Literal, NamedTuple

from ecr_doctor.core.controls import UNSAFE_CHARACTERS
from ecr_doctor.core.jsonspan import JsonSyntaxError, Node, parse
from ecr_doctor.core.secrets import SecretSpan, find_secret_spans

if TYPE_CHECKING:
    from ecr_doctor.core.secrets import SecretKind

__all__ = ["MAP_VERSION", "Redacted", "RedactionError", "dump_map", "load_map", "redact",
           "unredact"]

Kind = Literal["auto", "config", "json", "text"]
MAP_FORMAT = "ecr-doctor-redaction-map"
MAP_VERSION = 1


class RedactionError(ValueError):
    """Bad input or map. The message never contains input text (it may hold secrets)."""


class Redacted(NamedTuple):
    text: str                                  # the shareable text
    mapping: tuple[tuple[str, str], ...]       # (placeholder, original) pairs, first-seen order


class _Span(NamedTuple):
    start: int
    end: int
    category: str
    # For config-shaped synthetic values: what the replacement must keep (see _synthetic).
    shape: str = ""


# --- detectors ---------------------------------------------------------------------------------

_REGION_WORD = (r"(?:us-gov|us-iso[a-z]?|eusc|us|eu|ap|sa|ca|me|af|il|cn|mx)-"
                r"(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-[0-9]")
_REGION = re.compile(r"(?<![A-Za-z0-9])" + _REGION_WORD + r"(?![A-Za-z0-9])")
_ARN = re.compile(r"\barn:(aws[a-z-]*):([a-z0-9-]*):([a-z0-9-]*):([0-9]{12})?:"
                  r"([A-Za-z0-9_+=,.@/:*-]+)")
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
                    r"\.[A-Za-z]{2,}(?![A-Za-z0-9-])")
_AKID_BYTES = re.compile(rb"(?:AKIA|ASIA)[A-Z0-9]{16}")
_UUID = re.compile(r"(?<![A-Za-z0-9])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                   r"[0-9a-fA-F]{12}(?![A-Za-z0-9])")
_ACCOUNT = re.compile(r"(?<![0-9A-Za-z])[0-9]{12}(?![0-9A-Za-z])")
_IPV4 = re.compile(r"(?<![0-9.])(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}"
                   r"(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(?![0-9.])")
_URL_USER = re.compile(r"[^:/\s@\"'<>]+")
# The user name in a home directory path names a person.
_HOME_USER = re.compile(r"(?:/home/|/Users/|[A-Za-z]:\\Users\\)([A-Za-z0-9._-]+)")
_STD_B64 = re.compile(r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{24,}={0,2}")
_RUN = re.compile(r"[A-Za-z0-9+/=_-]{20,}")
_HEX = re.compile(r"[0-9a-fA-F]+")

_HOST = re.compile(r"(?<![A-Za-z0-9_.-])((?:[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?\.)+"
                   r"[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?![A-Za-z0-9_@-])(?!\.[A-Za-z0-9])")
_ECR_HOST = re.compile(r"([^.]+)\.dkr[.-]ecr(?:-fips)?\.([^.]+)\.(?:amazonaws\.(?:com(?:\.cn)?|eu)"
                       r"|on\.(?:aws|amazonwebservices\.com\.cn)|sc2s\.sgov\.gov|c2s\.ic\.gov"
                       r"|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)")
_AWS_SUFFIXES = ("amazonaws.com", "amazonaws.com.cn", "amazonaws.eu", "on.aws", "api.aws",
                 "on.amazonwebservices.com.cn", "sc2s.sgov.gov", "c2s.ic.gov", "cloud.adc-e.uk",
                 "csp.hci.ic.gov")
# Labels of AWS endpoint names that say what the endpoint is, not whose it is.
_AWS_LABELS = frozenset({"dkr", "ecr", "dkr-ecr", "ecr-fips", "api", "sts", "s3", "iam", "sso",
                         "oidc", "portal", "signin", "console", "ecr-public", "public", "fips",
                         "dualstack", "kms", "logs", "ec2", "ssm", "secretsmanager", "www",
                         "sts-fips", "api-fips", "auth", "identitystore", "organizations"})
# Public names: they identify a product, not a customer.
_PUBLIC_HOSTS = frozenset({
    "docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com",
    "auth.docker.io", "hub.docker.com", "production.cloudflare.docker.com", "ghcr.io",
    "gcr.io", "us.gcr.io", "eu.gcr.io", "asia.gcr.io", "k8s.gcr.io", "mirror.gcr.io",
    "marketplace.gcr.io", "quay.io", "registry.gitlab.com", "gitlab.com", "github.com",
    "api.github.com", "docker.pkg.github.com", "mcr.microsoft.com", "nvcr.io",
    "registry.k8s.io", "public.ecr.aws", "ecr-public.aws.com", "registry.digitalocean.com",
    "token.actions.githubusercontent.com", "objects.githubusercontent.com",
    "raw.githubusercontent.com", "pypi.org", "files.pythonhosted.org", "registry.npmjs.org",
    "example.com", "example.org", "example.net", "docs.docker.com", "docs.aws.amazon.com",
    "aws.amazon.com", "console.aws.amazon.com", "amazon.com", "localhost", "localhost.localdomain",
})
# `plugin.go:233` in a klog line is a Go source file, not a host on the .go TLD; API groups
# under k8s.io (credentialprovider.kubelet.k8s.io) are the Kubernetes project's names.
_GO_SOURCE = re.compile(r"[a-z0-9_]+\.go")
# Public suffixes under which the first labels name a customer: keep the suffix, hide the name.
_TENANT_SUFFIXES = {
    "azurecr.io": "REGISTRY", "azurecr.cn": "REGISTRY", "azurecr.us": "REGISTRY",
    "jfrog.io": "REGISTRY", "cr.aliyuncs.com": "REGISTRY", "pkg.jetbrains.space": "REGISTRY",
    "docker.scarf.sh": "REGISTRY", "gitlab.io": "TENANT", "github.io": "TENANT",
    "awsapps.com": "TENANT", "azurewebsites.net": "TENANT", "cloudfront.net": "TENANT",
    "herokuapp.com": "TENANT", "appspot.com": "TENANT", "run.app": "TENANT",
    "amazoncognito.com": "TENANT", "okta.com": "TENANT", "onmicrosoft.com": "TENANT",
}
# Top-level domains that name hosts; ones that double as file extensions (.sh, .so, .pl, .cc,
# .py, .md, .rs, .ts) are left out, so `entrypoint.sh` stays a file name.
_TLDS = frozenset({
    "com", "net", "org", "io", "dev", "app", "cloud", "uk", "de", "fr", "nl", "ch", "ie", "au",
    "nz", "jp", "kr", "cn", "br", "mx", "ru", "tech", "biz", "info", "xyz", "site", "online",
    "internal", "local", "lan", "corp", "home", "intra", "private", "test", "invalid", "gov",
    "edu", "mil", "int",
})


def _entropy(s: str) -> float:
    counts: dict[str, int] = {}
    for ch in s:
        counts[ch] = counts.get(ch, 0) + 1
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _looks_random(run: str) -> bool:
    """A generic secret: long, mixed, high entropy. Identifiers and paths are not."""
    core = run.strip("=")
    if len(core) < 20:
        return False
    has_digit = any(c.isdigit() for c in core)
    has_upper = any(c.isupper() for c in core)
    has_lower = any(c.islower() for c in core)
    if _HEX.fullmatch(core):
        return len(core) >= 32 and has_digit and (has_upper or has_lower)
    classes = has_digit + has_upper + has_lower
    if classes < 2:
        return False
    ent = _entropy(core)
    # n random base64 characters show an empirical entropy a little under log2 n (the alphabet
    # caps it at 6); words, paths and SCREAMING_SNAKE names stay well below it.
    target = min(math.log2(len(core)), 5.2)
    # Margins measured on 20,000 random base64 strings per length: fewer than 1 in 10,000
    # falls below them, while identifiers and paths sit a full bit or more lower.
    if classes == 3:
        return ent >= target - 1.15
    return ent >= target - 0.7


def _b64_hidden(run: str) -> str | None:
    """The category of a secret hidden in base64, or None.

    ecr-login's legacy cache keys are base64 of the access key id and MD5("") (facts 3.3), so
    they carry the key id in clear to anyone who decodes them; `AWS:` starts an ECR login.
    """
    data = run.replace("-", "+").replace("_", "/")
    data += "=" * (-len(data) % 4)
    try:
        raw = binascii.a2b_base64(data)
    except (binascii.Error, ValueError):
        return None
    if _AKID_BYTES.search(raw) is not None:
        return "AKID_CHECKSUM"
    return "AUTH" if raw.startswith(b"AWS:") else None


_KEEP = ""  # a claimed span left as it is


class _Collector:
    """Claims non-overlapping spans of one string; earlier detectors win."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: list[_Span] = []
        # Claimed intervals kept sorted (starts and ends apart) so an overlap test is a
        # bisect, not a scan: a large log can hold thousands of secrets.
        self._starts: list[int] = []
        self._ends: list[int] = []

    def free(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._starts, start)
        if i > 0 and self._ends[i - 1] > start:
            return False
        return not (i < len(self._starts) and self._starts[i] < end)

    def claim(self, start: int, end: int, category: str, shape: str = "") -> None:
        if start < end and self.free(start, end):
            self.spans.append(_Span(start, end, category, shape))
            i = bisect.bisect_right(self._starts, start)
            self._starts.insert(i, start)
            self._ends.insert(i, end)

    def claim_within(self, start: int, end: int, category: str) -> None:
        """Claim what is still free of text[start:end]: a secret that an earlier detector
        claimed in part (an e-mail-shaped piece of a password) is hidden whole, in pieces."""
        pos = start
        i = bisect.bisect_right(self._ends, start)  # claimed spans are disjoint: ends sorted
        pieces: list[tuple[int, int]] = []
        while i < len(self._starts) and self._starts[i] < end:
            pieces.append((pos, self._starts[i]))
            pos = max(pos, self._ends[i])
            i += 1
        pieces.append((pos, end))
        for piece_start, piece_end in pieces:
            self.claim(piece_start, piece_end, category)

    def gaps(self) -> Iterator[tuple[int, int]]:
        pos = 0
        for s in sorted(self.spans):
            if s.start > pos:
                yield pos, s.start
            pos = max(pos, s.end)
        if pos < len(self.text):
            yield pos, len(self.text)

    # -- hosts --

    def host(self, start: int, end: int, *, forced: bool = False) -> None:
        """Redact the identifying parts of the host name text[start:end]."""
        name = self.text[start:end]
        low = name.lower()
        if low in _PUBLIC_HOSTS or low.endswith(".gcr.io") or low.endswith("-docker.pkg.dev") \
                or low.endswith(".ocir.io") or low.endswith(".k8s.io") or _GO_SOURCE.fullmatch(low):
            return
        ecr = _ECR_HOST.fullmatch(low)
        if ecr is not None:
            account = ecr.group(1)
            cat = "ACCOUNT" if re.fullmatch(r"[0-9]{12}", account) else "REGISTRY"
            self.claim(start + ecr.start(1), start + ecr.end(1), cat)
            self.claim(start + ecr.start(2), start + ecr.end(2), "REGION")
            return
        labels = name.split(".")
        for suffix in _AWS_SUFFIXES:
            if low == suffix:
                return
            if low.endswith("." + suffix):
                pos = start
                for label in labels[: len(labels) - suffix.count(".") - 1]:
                    lab = label.lower()
                    if re.fullmatch(_REGION_WORD, lab):
                        self.claim(pos, pos + len(label), "REGION")
                    elif re.fullmatch(r"[0-9]{12}", lab):
                        self.claim(pos, pos + len(label), "ACCOUNT")
                    elif lab not in _AWS_LABELS:
                        self.claim(pos, pos + len(label), "NAME")
                    pos += len(label) + 1
                return
        for suffix, cat in _TENANT_SUFFIXES.items():
            if low.endswith("." + suffix):
                self.claim(start, end - len(suffix) - 1, cat)
                return
        if forced or labels[-1].lower() in _TLDS:
            if len(labels) == 1 and low == "localhost":
                return
            self.claim(start, end, "HOST")

    # -- the detectors, in priority order --

    def _secrets(self, spans: list[SecretSpan], kind: SecretKind, category: str) -> None:
        for span in spans:
            if span.kind == kind:
                self.claim(span.start, span.end, category)

    def _url_user(self, password: SecretSpan) -> None:
        # The name before `:password@` in a URL identifies a person or a robot account.
        at = self.text.rfind("://", 0, password.start) + 3
        if at >= 3 and _URL_USER.fullmatch(self.text, at, password.start - 1):
            self.claim(at, password.start - 1, "USER")

    def scan(self) -> None:
        text = self.text
        secrets = find_secret_spans(text)
        self._secrets(secrets, "private-key", "PRIVATE_KEY")
        for m in _ARN.finditer(text):
            if m.group(3):
                self.claim(m.start(3), m.end(3), "REGION")
            if m.group(4):
                self.claim(m.start(4), m.end(4), "ACCOUNT")
            resource = m.group(5)
            # Keep the resource type ("role/", "repository/"): it is what an IAM helper needs.
            kind = re.match(r"[a-z-]+[/:]", resource)
            offset = kind.end() if kind else 0
            self.claim(m.start(5) + offset, m.end(5), "ARN_RESOURCE")
        for span in secrets:
            if span.kind == "url-password":
                self._url_user(span)
                self.claim(span.start, span.end, "PASSWORD")
        for m in _STD_B64.finditer(text):
            hidden = _b64_hidden(m.group())
            if hidden is not None:
                self.claim(m.start(), m.end(), hidden)
        for m in _EMAIL.finditer(text):
            self.claim(m.start(), m.end(), "EMAIL")
        self._secrets(secrets, "access-key-id", "ACCESS_KEY_ID")
        for m in _HOST.finditer(text):
            if self.free(m.start(), m.end()):
                forced = text[max(0, m.start() - 3):m.start()] == "://" or \
                    re.match(r":[0-9]{1,5}\b", text[m.end():m.end() + 6]) is not None
                self.host(m.start(), m.end(), forced=forced)
        for span in secrets:
            self.claim_within(span.start, span.end, "SECRET")
        for m in _HOME_USER.finditer(text):
            if m.group(1) not in ("runner", "ubuntu", "ec2-user", "root", "user", "admin"):
                self.claim(m.start(1), m.end(1), "USER")
        for m in _UUID.finditer(text):
            # The nil UUID is ACR's token user name: public, and kept whole (KEEP) so its
            # last 12 zeros are not taken for an account ID.
            self.claim(m.start(), m.end(), "ID" if m.group().strip("0-") else _KEEP)
        for m in _IPV4.finditer(text):
            if not m.group().startswith(("127.", "0.", "169.254.")):
                self.claim(m.start(), m.end(), "IP")
        for m in _ACCOUNT.finditer(text):
            self.claim(m.start(), m.end(), "ACCOUNT")
        for m in _REGION.finditer(text):
            self.claim(m.start(), m.end(), "REGION")
        for gap_start, gap_end in list(self.gaps()):
            for m in _RUN.finditer(text, gap_start, gap_end):
                run = m.group()
                if text[max(0, m.start() - 7):m.start()].lower() == "sha256:":
                    continue  # a content digest or our own fingerprint, not a secret
                hidden = _b64_hidden(run)
                if hidden is not None:
                    self.claim(m.start(), m.end(), hidden)
                elif _looks_random(run):
                    self.claim(m.start(), m.end(), "SECRET")
        self.spans = [span for span in self.spans if span.category != _KEEP]


# --- JSON-aware scanning -----------------------------------------------------------------------

def _norm_key(key: str) -> str:
    return re.sub(r"[^a-z0-9]", "", key.lower())


_FIELD_CATEGORY = {
    "auth": "AUTH", "password": "PASSWORD", "passwd": "PASSWORD", "identitytoken":
    "IDENTITY_TOKEN", "registrytoken": "REGISTRY_TOKEN", "secret": "SECRET", "token": "TOKEN",
    "secretaccesskey": "SECRET", "awssecretaccesskey": "SECRET", "sessiontoken": "TOKEN",
    "awssessiontoken": "TOKEN", "authorizationtoken": "TOKEN", "clientsecret": "SECRET",
    "apikey": "SECRET", "privatekey": "PRIVATE_KEY", "accesstoken": "TOKEN",
    "refreshtoken": "TOKEN", "idtoken": "TOKEN", "securitytoken": "TOKEN",
}
_DOCKER_TOP = frozenset(_norm_key(k) for k in (
    "auths", "HttpHeaders", "psFormat", "imagesFormat", "credsStore", "credHelpers", "proxies",
    "currentContext", "plugins", "aliases", "features", "detachKeys", "experimental",
    "stackOrchestrator", "kubernetes", "cliPluginsExtraDirs", "pruneFilters",
    "credStore", "credHelper", "credentialsStore", "credentialHelpers", "authconfigs",
))


def _raw_offsets(text: str, node_start: int, node_end: int) -> tuple[str, list[int]]:
    """The decoded string of a JSON string token and, per decoded char, its raw start offset
    (plus one final entry for the closing quote), so decoded spans map back to whole escapes."""
    raw = text[node_start + 1:node_end - 1]
    if "\\" not in raw:
        return raw, [node_start + 1 + i for i in range(len(raw) + 1)]
    value: str = json.loads(text[node_start:node_end])
    offsets: list[int] = []
    i = 0
    while i < len(raw):
        offsets.append(node_start + 1 + i)
        if raw[i] != "\\":
            i += 1
        elif raw[i + 1] == "u":
            code = int(raw[i + 2:i + 6], 16)
            i += 6
            if 0xD800 <= code < 0xDC00 and raw[i:i + 2] == "\\u" and \
                    0xDC00 <= int(raw[i + 2:i + 6], 16) < 0xE000:
                i += 6  # a surrogate pair decodes to one character
        else:
            i += 2
    offsets.append(node_end - 1)
    if len(offsets) != len(value) + 1:  # never expected; refuse rather than misplace a span
        raise RedactionError("internal error: JSON string offsets do not line up")
    return value, offsets


_REGISTRY_MAPS = frozenset({"auths", "authconfigs", "credhelpers", "credhelper",
                            "credentialhelpers"})


class _JsonScanner:
    def __init__(self, text: str, config: bool) -> None:
        self.text = text
        self.config = config
        self.spans: list[_Span] = []

    def whole(self, node: Node, category: str, shape: str = "") -> None:
        if node.kind == "string" and node.end - node.start > 2:
            self.spans.append(_Span(node.start + 1, node.end - 1, category, shape))

    def string(self, start: int, end: int, *, host_key: bool = False) -> None:
        value, offsets = _raw_offsets(self.text, start, end)
        col = _Collector(value)
        if host_key:
            self._key_host(col, value)
        col.scan()
        for s in col.spans:
            self.spans.append(_Span(offsets[s.start], offsets[s.end], s.category, s.shape))

    @staticmethod
    def _key_host(col: _Collector, key: str) -> None:
        # An auths / credHelpers key names a registry even without a familiar TLD
        # ("registry.corp:5000", "https://harbor/v2/"): redact its host part outright.
        from ecr_doctor.core.registries import convert_to_hostname

        try:
            host = convert_to_hostname(key)
        except ValueError:
            return
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        at = key.find(name)
        if at >= 0 and name and re.fullmatch(r"[A-Za-z0-9._-]+", name):
            col.host(at, at + len(name), forced=True)

    def walk(self, root: Node) -> None:
        # (node, parent key, top-level section of a Docker config, object depth); iterative,
        # so MAX_DEPTH-deep input cannot hit the recursion limit.
        todo: list[tuple[Node, str | None, str | None, int]] = [(root, None, None, 0)]
        while todo:
            node, parent, section, depth = todo.pop()
            if node.kind == "string":
                self.value(node, parent, section)
            elif node.kind == "array":
                todo.extend((item, parent, section, depth) for item in node.items)
            elif node.kind == "object":
                for m in node.members:
                    key = _norm_key(m.key)
                    if depth == 0 and self.config and key in _DOCKER_TOP:
                        pass  # Docker's own key names: never secret, and the rules read them
                    else:
                        # The keys of auths / credHelpers name registries.
                        self.string(m.key_start, m.key_end, host_key=self.config and depth == 1
                                    and section in _REGISTRY_MAPS)
                    todo.append((m.value, m.key, key if depth == 0 else section, depth + 1))

    def value(self, node: Node, parent: str | None, section: str | None) -> None:
        key = _norm_key(parent or "")
        if self.config and section in ("credhelpers", "credsstore", "credstore", "credhelper",
                                       "credentialsstore", "credentialhelpers"):
            return  # helper names are program names; CFG004 reads them as written
        category = _FIELD_CATEGORY.get(key)
        if category is not None:
            shape = ""
            if self.config and section in ("auths", "authconfigs") and key in ("auth", "password"):
                shape = key
            self.whole(node, category, shape)
            return
        self.string(node.start, node.end)


# --- placeholders ------------------------------------------------------------------------------

def _windows(s: str, size: int = 8) -> set[str]:
    return {s[i:i + size] for i in range(len(s) - size + 1)}


def _hidden_windows(value: str) -> set[str]:
    """The 8-character stretches a placeholder must not echo: the value's, and its base64 body's.

    A legacy cache key hides an access key id in base64; a digit stand-in for an account must
    not spell out a run of that key id either.
    """
    seen = _windows(value)
    data = value.replace("-", "+").replace("_", "/")
    try:
        raw = binascii.a2b_base64(data + "=" * (-len(data) % 4))
    except (binascii.Error, ValueError):
        return seen
    return seen | _windows(raw.decode("latin-1"))


def _escape_all(s: str) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in s)


def _synthetic_ecr_password(n: int, salt: int, expires: datetime | None) -> str:
    # Every key and value is \\u-escaped so that no 8-character stretch of the base64 matches a
    # real token's (their JSON frame is always the same); json.loads reads it as usual.
    parts = [f'"{_escape_all("payload")}":"{_escape_all(f"<REDACTED_{n}_{salt}>")}"',
             f'"{_escape_all("datakey")}":"{_escape_all("<REDACTED>")}"']
    if expires is not None:
        # The exact instant, fractions included, so the token is live or expired exactly when
        # the original is, whenever the redacted file is diagnosed.
        stamp = expires.timestamp()
        text = str(int(stamp)) if stamp == int(stamp) else repr(stamp)
        parts.append(f'"{_escape_all("expiration")}":"{_escape_all(text)}"')
    body = " {" + ",".join(parts) + "}"
    return base64.b64encode(body.encode("ascii")).decode("ascii")


def _synthetic(shape: str, original_raw: str, n: int, salt: int) -> str | None:
    """A replacement Docker reads as the same kind of credential, or None for a placeholder."""
    from ecr_doctor.core.secrets import Secret
    from ecr_doctor.core.tokens import AuthDecodeError, decode_auth, decode_ecr_password

    try:
        value: str = json.loads(f'"{original_raw}"')
    except ValueError:
        return None
    if shape == "password":
        token = decode_ecr_password(Secret(value))
        return None if token is None else _synthetic_ecr_password(n, salt, token.expires_at)
    try:
        auth = decode_auth(value)
    except AuthDecodeError:
        return f"<AUTH_{n}>" if salt == 0 else f"<AUTH_{n}_{salt}>"  # stays invalid base64
    token = decode_ecr_password(auth.password)
    if auth.username == "AWS" and token is not None:
        password = _synthetic_ecr_password(n, salt, token.expires_at)
        return base64.b64encode(f"AWS:{password}".encode("ascii")).decode("ascii")
    user = auth.username if auth.username in _PUBLIC_USERS else f"<USER_{n}>"
    return base64.b64encode(f"{user}:<PASSWORD_{n}_{salt}>".encode()).decode("ascii")


_PUBLIC_USERS = frozenset({"AWS", "oauth2accesstoken", "_json_key", "_json_key_base64", "_token",
                           "00000000-0000-0000-0000-000000000000", "x-access-token", "token"})


#: The shape of a log-style placeholder, `<SECRET_3>` or `<HOST_2_1>` (with a salt).
_BRACKETED = re.compile(r"<[A-Z][A-Z0-9_]*_[0-9]+(?:_[0-9]+)?>")


class _Namer:
    def __init__(self, text: str, config_style: bool, salt: int) -> None:
        self.text = text
        self.config_style = config_style
        self.salt = salt
        self.counts: dict[str, int] = {}
        self.by_original: dict[tuple[str, str], str] = {}
        self.used: set[str] = set()
        self.secret_windows: set[str] = set()
        # Every `<NAME_n>` already in the text, found once: asking `name in text` for each
        # new placeholder made redacting a long log quadratic (32,000 lines took minutes).
        # A `<…>` name cannot hide inside a longer one, so set membership is exact.
        self.bracketed = set(_BRACKETED.findall(text))

    def _fresh(self, category: str) -> Iterator[tuple[int, str]]:
        while True:
            n = self.counts.get(category, 0) + 1
            self.counts[category] = n
            tag = f"{n}" if self.salt == 0 else f"{n}_{self.salt}"
            if category == "ACCOUNT" and self.config_style:
                # Docker's and the helper's patterns want exactly 12 digits here.
                for digit in "0123456789":
                    yield n, digit * 8 + f"{n + self.salt * 1000:04d}"[-4:]
            elif category == "REGION" and self.config_style:
                yield n, f"REGION_{tag}"  # the helper's region pattern has no '<'
            else:
                yield n, f"<{category}_{tag}>"

    def _in_text(self, candidate: str) -> bool:
        if candidate.startswith("<") and candidate.endswith(">"):
            return candidate in self.bracketed
        return candidate in self.text  # config-style names: few, and shaped like values

    def name(self, span: _Span, original: str) -> str:
        # Same value, same name, whatever detector found it; only values that must keep a
        # Docker-readable shape (config `auth` / `password`) are named apart.
        key = (span.shape, original)
        known = self.by_original.get(key)
        if known is not None:
            return known
        for attempt, (n, candidate) in enumerate(self._fresh(span.category)):
            if span.shape:
                synthetic = _synthetic(span.shape, original, n, self.salt)
                if synthetic is not None:
                    candidate = synthetic
            if candidate in self.used or self._in_text(candidate):
                continue
            # No 8-character stretch of any value being hidden may show up in a placeholder
            # (a digit stand-in for an account could otherwise echo part of a key).
            # Best effort: a hidden value that itself reads like our placeholders ("<SECRET_1>x")
            # would rule out every name, so after 100 tries only non-collision counts.
            if attempt < 100 and _windows(candidate) & self.secret_windows:
                continue
            self.used.add(candidate)
            self.by_original[key] = candidate
            return candidate
        raise AssertionError("unreachable")  # _fresh is endless


# --- public API --------------------------------------------------------------------------------

def _spans_for(text: str, kind: Kind) -> tuple[list[_Span], bool]:
    """The spans to replace and whether the document is a Docker config."""
    body_start = 1 if text.startswith("\ufeff") else 0
    root: Node | None = None
    if kind != "text":
        try:
            root = parse(text[body_start:], allow_trailing=True)
        except JsonSyntaxError as exc:
            if kind in ("config", "json"):
                # Position only: the parser's message quotes input characters.
                raise RedactionError(f"not valid JSON at line {exc.line}, column {exc.col}"
                                     ) from None
    if root is None or (kind == "auto" and root.kind not in ("object", "array")):
        col = _Collector(text)
        col.scan()
        return col.spans, False
    is_config = kind == "config" or (
        kind == "auto" and root.kind == "object"
        and any(_norm_key(m.key) in _DOCKER_TOP for m in root.members))
    body = text[body_start:]
    scanner = _JsonScanner(body, is_config)
    scanner.walk(root)
    spans = [s._replace(start=s.start + body_start, end=s.end + body_start)
             for s in scanner.spans]
    # Text after the document (Docker ignores it) is redacted as plain text.
    tail = body_start + root.end
    if tail < len(text):
        col = _Collector(text[tail:])
        col.scan()
        spans += [s._replace(start=s.start + tail, end=s.end + tail) for s in col.spans]
    return spans, is_config


# A run of terminal controls, or a carriage return that ends no line (it would let a line
# overwrite itself on screen); a CRLF file keeps its line ends.
_CONTROLS = re.compile(f"[{UNSAFE_CHARACTERS}]+|\r(?!\n)")


def _control_spans(text: str, spans: list[_Span]) -> list[_Span]:
    """Terminal controls outside the spans already hidden: a file made to be shared must be
    safe to `cat` (an escape sequence could retitle or clear the reader's terminal)."""
    taken = sorted((s.start, s.end) for s in spans)
    starts = [start for start, _ in taken]
    found: list[_Span] = []
    for m in _CONTROLS.finditer(text):
        i = bisect.bisect_right(starts, m.start()) - 1
        if i >= 0 and taken[i][1] > m.start():
            continue  # inside a hidden value: its placeholder replaces it already
        found.append(_Span(m.start(), m.end(), "CONTROL"))
    return found


def redact(text: str, *, kind: Kind = "auto") -> Redacted:
    """Replace secrets and identifying names in `text` by placeholders; see the module doc."""
    if kind not in ("auto", "config", "json", "text"):
        raise RedactionError("kind must be auto, config, json or text")
    spans, is_config = _spans_for(text, kind)
    spans = sorted(spans + _control_spans(text, spans))
    for salt in range(8):
        namer = _Namer(text, is_config, salt)
        for span in spans:  # every hidden value, before any name is chosen
            namer.secret_windows |= _hidden_windows(text[span.start:span.end])
        out: list[str] = []
        mapping: dict[str, str] = {}
        pos = 0
        for span in spans:
            original = text[span.start:span.end]
            placeholder = namer.name(span, original)
            mapping.setdefault(placeholder, original)
            out.append(text[pos:span.start])
            out.append(placeholder)
            pos = span.end
        out.append(text[pos:])
        result = Redacted("".join(out), tuple(mapping.items()))
        # Proof, not hope: the map must restore the input exactly, or we pick other names.
        if unredact(result.text, result.mapping) == text:
            return result
    raise RedactionError("could not find placeholders that round-trip for this input")


def unredact(text: str, mapping: Iterable[tuple[str, str]]) -> str:
    """Put every original back; the exact inverse of `redact` on its own output."""
    table = dict(mapping)
    if not table:
        return text
    if any(not p for p in table):
        raise RedactionError("the map has an empty placeholder")
    # `<NAME_n>` placeholders delimit themselves: one pattern finds them all and the table
    # says which are ours. An alternation of every placeholder instead made a long log's
    # map (100,000 names) cost minutes. The few bare ones (config-style stand-ins that must
    # keep a value's shape) follow, longest first, so no shorter name wins inside a longer.
    bare = sorted((p for p in table if not _BRACKETED.fullmatch(p)), key=len, reverse=True)
    pattern = re.compile("|".join([_BRACKETED.pattern, *(re.escape(p) for p in bare)]))
    return pattern.sub(lambda m: table.get(m.group(), m.group()), text)


def dump_map(mapping: Iterable[tuple[str, str]]) -> str:
    """The map file: versioned JSON. It holds every secret in clear: never share it."""
    pairs = [{"placeholder": p, "original": o} for p, o in mapping]
    doc = {"format": MAP_FORMAT, "version": MAP_VERSION,
           "warning": "This file holds the original secrets. Never share it.",
           "entries": pairs}
    # ASCII with \u escapes: a lone surrogate from an API caller survives any file encoding.
    return json.dumps(doc, indent=2) + "\n"


def load_map(data: str) -> tuple[tuple[str, str], ...]:
    """Read a map file written by `dump_map`; RedactionError (no content in it) if it is not."""
    try:
        doc = json.loads(data)
    except ValueError:
        raise RedactionError("the map file is not JSON") from None
    if not isinstance(doc, dict) or doc.get("format") != MAP_FORMAT:
        raise RedactionError("not an ecr-doctor redaction map")
    if doc.get("version") != MAP_VERSION:
        raise RedactionError(f"unsupported redaction map version (this ecr-doctor reads "
                             f"version {MAP_VERSION})")
    entries = doc.get("entries")
    if not isinstance(entries, list):
        raise RedactionError("the map has no entries list")
    out: list[tuple[str, str]] = []
    for i, entry in enumerate(entries):
        if not (isinstance(entry, dict) and isinstance(entry.get("placeholder"), str)
                and isinstance(entry.get("original"), str) and entry["placeholder"]):
            raise RedactionError(f"map entry {i} is malformed")
        out.append((entry["placeholder"], entry["original"]))
    return tuple(out)
