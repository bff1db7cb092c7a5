"""Registry host classification, exactly as Docker and the ECR credential helper see hosts.

Standard library only (runs in Pyodide).

Two upstream behaviours are reproduced byte for byte because a diagnosis is only as good
as its agreement with the tools that will read the config:

* docker/cli · cli/config/credentials/file_store.go · ConvertToHostname, which leans on
  Go's ``net/url.Parse``; a tiny emulation of that parser lives in ``_go_url_host``.
* awslabs/amazon-ecr-credential-helper · ecr-login/api/client.go · ``ecrPattern`` and
  ``ExtractRegistry``, including how the pattern changed from release to release.
"""

from __future__ import annotations

import functools
import re
from enum import Enum
from typing import NamedTuple

# Docker Hub's credential key: docker/cli cli/config/configfile/file.go getAuthConfigKey.
DOCKER_HUB_KEY = "https://index.docker.io/v1/"

# Names getAuthConfigKey (docker/cli cli/config/configfile/file.go) and buildx's
# configprovider.go loadHost fold into DOCKER_HUB_KEY. Exact, case-sensitive
# comparisons: Docker never lower-cases a registry domain before the lookup.
_HUB_LOOKUP_ALIASES = frozenset(
    {"docker.io", "index.docker.io", "registry-1.docker.io", DOCKER_HUB_KEY}
)
# For *classifying* a key as Docker Hub we are more generous (lower-cased, any port),
# and registry.hub.docker.com is the historical v1 name still seen in old configs.
_HUB_HOSTS = frozenset(
    {"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"}
)

ECR_PUBLIC_HOST = "public.ecr.aws"
# Added as ecrPublicDualStackName in helper v0.12.0.
ECR_PUBLIC_DUAL_STACK_HOST = "ecr-public.aws.com"
ECR_PUBLIC_REGION = "us-east-1"

# ECR private DNS suffixes (the last group of the helper's newest ecrPattern, below) and the
# partition each belongs to; aws-us-gov is told apart by region, not by suffix.
ECR_SUFFIX_PARTITION: dict[str, str] = {
    "amazonaws.com": "aws",
    "amazonaws.com.cn": "aws-cn",
    "amazonaws.eu": "aws-eusc",
    "on.aws": "aws",
    "on.amazonwebservices.com.cn": "aws-cn",
    "c2s.ic.gov": "aws-iso",
    "sc2s.sgov.gov": "aws-iso-b",
    "cloud.adc-e.uk": "aws-iso-e",
    "csp.hci.ic.gov": "aws-iso-f",
}
_DUAL_STACK_SUFFIXES = frozenset({"on.aws", "on.amazonwebservices.com.cn"})


class RegistryKind(Enum):
    ECR_PRIVATE = "ecr"
    ECR_PUBLIC = "ecr-public"
    DOCKER_HUB = "docker-hub"
    GHCR = "ghcr"
    GCR = "gcr"
    ARTIFACT_REGISTRY = "artifact-registry"
    ACR = "acr"
    OTHER = "other"


class Registry(NamedTuple):
    key: str                 # the key as written (auths / credHelpers key, or --registry value)
    # credentials.ConvertToHostname(key): host[:port], scheme and path dropped
    host: str
    kind: RegistryKind
    account: str | None = None     # 12-digit AWS account (ECR private)
    region: str | None = None
    # aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc
    partition: str | None = None
    fips: bool = False
    dual_stack: bool = False
    # Oldest amazon-ecr-credential-helper release whose hostname pattern accepts this host.
    min_helper_version: tuple[int, int, int] | None = None
    # ECR private: the DNS suffix the helper's pattern matched (e.g. "amazonaws.com.cn").
    ecr_suffix: str | None = None

    @property
    def is_ecr(self) -> bool:
        return self.kind in (RegistryKind.ECR_PRIVATE, RegistryKind.ECR_PUBLIC)

    @property
    def key_is_bare(self) -> bool:
        """True when Docker would use the key itself as a credHelpers / lookup key."""
        # docker/cli GetCredentialsStore does an exact map lookup on credHelpers, so a
        # key carrying a scheme or a path can never be selected for any image.
        if self.kind is RegistryKind.DOCKER_HUB:
            return self.key == DOCKER_HUB_KEY
        return self.key == self.host


# --------------------------------------------------------------------------------------
# Go net/url emulation (enough of Parse, Hostname and Port for ConvertToHostname and the
# helper's ExtractRegistry). Source: golang/go · src/net/url/url.go · Parse, parse,
# getScheme, parseAuthority, parseHost, unescape, shouldEscape, validUserinfo,
# validOptionalPort, splitHostPort.
#
# Version choice: bracketed hosts are validated as IPv6 (netip.ParseAddr), the fix for
# CVE-2025-47912 shipped in Go 1.24.8 / 1.25.2, which current docker/cli releases are
# built with. Colons are handled the pre-1.26 way (the last colon starts the port);
# Go 1.26's urlstrictcolons only changes the answer for http(s) hosts with two or more
# bare colons, which are never usable registry keys anyway.
# --------------------------------------------------------------------------------------

class _GoURLError(ValueError):
    pass


_HOST_SUBDELIMS = frozenset("!$&'()*+,;=:[]<>\"")
_UNRESERVED_MARKS = frozenset("-_.~")
_USERINFO_OK = frozenset("-._:~!$&'()*+,;=%@")
_HEX = frozenset("0123456789abcdefABCDEF")


def _is_ascii_alnum(c: str) -> bool:
    return ("a" <= c <= "z") or ("A" <= c <= "Z") or ("0" <= c <= "9")


def _should_escape_host(c: str) -> bool:
    # shouldEscape(c, encodeHost|encodeZone) for ASCII c.
    return not (_is_ascii_alnum(c) or c in _HOST_SUBDELIMS or c in _UNRESERVED_MARKS)


def _unescape(s: str, mode: str) -> str:
    """net/url unescape for modes "host", "zone", "path", "userpass", "fragment"."""
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c == "%":
            if i + 2 >= n or s[i + 1] not in _HEX or s[i + 2] not in _HEX:
                raise _GoURLError("invalid URL escape")
            hi = int(s[i + 1], 16)
            # RFC 3986 §3.2.2: hosts may only %-encode non-ASCII bytes, except %25 for
            # RFC 6874 zones.
            if mode == "host" and hi < 8 and s[i : i + 3] != "%25":
                raise _GoURLError("invalid URL escape in host")
            if mode == "zone":
                v = int(s[i + 1 : i + 3], 16)
                if (
                    s[i : i + 3] != "%25"
                    and v != 0x20
                    and (v >= 0x80 or _should_escape_host(chr(v)))
                ):
                    raise _GoURLError("invalid URL escape in zone")
            i += 3
            continue
        if mode in ("host", "zone") and ord(c) < 0x80 and _should_escape_host(c):
            raise _GoURLError(f"invalid character {c!r} in host name")
        i += 1
    return percent_decoded(s)


def percent_decoded(s: str) -> str:
    """`s` with its (already validated) %XX escapes decoded, as Go's url.unescape does.

    Decoding produces bytes that need not be UTF-8; surrogateescape keeps them round-trippable
    instead of raising, as Go strings may hold any bytes.
    """
    if "%" not in s:
        return s
    out = bytearray()
    i = 0
    while i < len(s):
        if s[i] == "%":
            out.append(int(s[i + 1 : i + 3], 16))
            i += 3
        else:
            out += s[i].encode("utf-8", "surrogateescape")
            i += 1
    return out.decode("utf-8", "surrogateescape")


def _valid_optional_port(port: str) -> bool:
    if port == "":
        return True
    return port[0] == ":" and all("0" <= b <= "9" for b in port[1:])


def _is_go_ipv6(addr: str) -> bool:
    """netip.ParseAddr(addr) succeeds and is not a plain IPv4 address."""
    base, sep, zone = addr.partition("%")
    if sep and zone == "":
        return False
    if ":" not in base:
        # Go tries IPv4 first when '.' precedes any ':'; a valid IPv4 in brackets is
        # "invalid IP-literal", anything else fails to parse. Either way: rejected.
        return False
    try:
        import ipaddress  # 1.2 ms of start-up, paid only for a bracketed host

        ipaddress.IPv6Address(base)
    except ValueError:
        return False
    return True


def _parse_host(host: str) -> str:
    open_idx = host.rfind("[")
    if open_idx > 0:
        raise _GoURLError("invalid IP-literal")
    if open_idx == 0:
        close_idx = host.rfind("]")
        if close_idx < 0:
            raise _GoURLError("missing ']' in host")
        colon_port = host[close_idx + 1 :]
        if not _valid_optional_port(colon_port):
            raise _GoURLError("invalid port after host")
        hostname = host[1:close_idx]
        zone_idx = hostname.find("%25")
        if zone_idx >= 0:
            unescaped = _unescape(hostname[:zone_idx], "host") + _unescape(
                hostname[zone_idx:], "zone"
            )
        else:
            unescaped = _unescape(hostname, "host")
        if not _is_go_ipv6(unescaped):
            raise _GoURLError("invalid IP-literal")
        return "[" + unescaped + "]" + colon_port
    colon = host.rfind(":")
    if colon != -1 and not _valid_optional_port(host[colon:]):
        raise _GoURLError("invalid port after host")
    return _unescape(host, "host")


def _parse_authority(authority: str) -> str:
    at = authority.rfind("@")
    host = _parse_host(authority if at < 0 else authority[at + 1 :])
    if at >= 0:
        userinfo = authority[:at]
        if not all(_is_ascii_alnum(r) or r in _USERINFO_OK for r in userinfo):
            raise _GoURLError("net/url: invalid userinfo")
        for part in userinfo.split(":", 1):
            _unescape(part, "userpass")
    return host


# getScheme: a letter, then letters, digits, "+", "-" or "."; then ":". Anything else before
# the first ":" (or no ":" at all) means there is no scheme, except a leading ":", an error.
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")


def _go_url_host(raw: str) -> str:
    """The ``Host`` field Go's url.Parse(raw) yields; raises _GoURLError where Parse fails."""
    u, _, frag = raw.partition("#")
    if any(ord(b) < 0x20 or ord(b) == 0x7F for b in u):
        raise _GoURLError("net/url: invalid control character in URL")
    if u == "*":
        return ""
    scheme = ""
    rest = u
    if (m := _SCHEME.match(u)) is not None:
        scheme, rest = m[1].lower(), u[m.end():]
    elif u.startswith(":"):
        raise _GoURLError("missing protocol scheme")
    # A lone trailing "?" is ForceQuery; otherwise the query starts at the first "?".
    rest = rest[:-1] if rest.endswith("?") and rest.count("?") == 1 else rest.partition("?")[0]
    host = ""
    if not rest.startswith("/"):
        if scheme:
            # Opaque URL ("scheme:rest"): no host, and Go validates nothing further
            # except the fragment.
            if frag:
                _unescape(frag, "fragment")
            return ""
        if ":" in rest.partition("/")[0]:
            raise _GoURLError("first path segment in URL cannot contain colon")
    if (scheme or not rest.startswith("///")) and rest.startswith("//"):
        authority, slash, path = rest[2:].partition("/")
        host = _parse_authority(authority)
        rest = slash + path
    _unescape(rest, "path")
    if frag:
        _unescape(frag, "fragment")
    return host


def _split_host_port(hostport: str) -> tuple[str, str]:
    """Go url.splitHostPort, used by URL.Hostname and URL.Port."""
    host, port = hostport, ""
    colon = host.rfind(":")
    if colon != -1 and _valid_optional_port(host[colon:]):
        host, port = host[:colon], host[colon + 1 :]
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host, port


def convert_to_hostname(key: str) -> str:
    """docker/cli cli/config/credentials/file_store.go ConvertToHostname."""
    if "://" in key:
        try:
            hostport = _go_url_host(key)
        except _GoURLError:
            hostport = ""
        hostname, port = _split_host_port(hostport)
        if hostname:
            if not port:
                # Note the asymmetry upstream: "https://[::1]/" gives "::1" (brackets
                # gone) while "https://[::1]:5000/" gives "[::1]:5000" via
                # net.JoinHostPort.
                return hostname
            return f"[{hostname}]:{port}" if ":" in hostname else f"{hostname}:{port}"
    # Parse failures (and keys without "://") fall through to a plain cut, so
    # "https://bad%zz/" becomes "https:".
    return key.partition("/")[0]


def ecr_helper_hostname(server_url: str) -> str | None:
    """The hostname ExtractRegistry (helper >= 0.5.0) matches, or None if url.Parse fails.

    awslabs/amazon-ecr-credential-helper · ecr-login/api/client.go · ExtractRegistry:
    trims one "https://" prefix, re-parses "https://" + input and uses Hostname(), which
    is why a trailing "/v2/" or ":443" is tolerated and "ECR@evil.example" is not ECR.
    """
    if server_url.startswith("https://"):
        server_url = server_url[len("https://") :]
    try:
        hostport = _go_url_host("https://" + server_url)
    except _GoURLError:
        return None
    return _split_host_port(hostport)[0]


# --------------------------------------------------------------------------------------
# Helper version history: every release's ``ecrPattern`` exactly as its Go source spells
# it, from github.com/awslabs/amazon-ecr-credential-helper ecr-login/api/client.go at the
# tag named in each record (`git show <tag>:ecr-login/api/client.go`). A record starts
# where the pattern, the public names or ExtractRegistry's matching changed; the releases
# in between (v0.6.0, v0.7.x, v0.9.1, v0.10.1) have the same code.
#
# classify costs ~15 us (one url.Parse emulation, at most eight pattern searches).
# --------------------------------------------------------------------------------------

def _go_regexp(source: str) -> re.Pattern[str]:
    """Go's regexp.MustCompile(source), as a Python pattern that matches exactly the same.

    Only two things these patterns use differ between Go's RE2 syntax and Python's: Go's
    ``$`` (no m flag) is end of text, which Python spells ``\\Z`` (its ``$`` also matches
    before a final newline), and Go's ``\\d`` is ASCII only (re.ASCII). The patterns hold no
    literal dollar sign, so the replacement cannot touch anything else. Go's
    FindStringSubmatch is a leftmost-first search, which is what Python's search() does.
    """
    return re.compile(source.replace("$", r"\Z"), re.ASCII)


class HelperRelease(NamedTuple):
    """What one helper release's ExtractRegistry accepts."""

    first_version: tuple[int, int, int]
    tag: str            # the git tag the pattern is quoted from
    go_pattern: str     # `ecrPattern`, verbatim
    #: `ecrPublicName` (and from v0.12.0 `ecrPublicDualStackName`), compared to Hostname().
    public_names: frozenset[str]
    #: From v0.5.0 the pattern is matched on url.Parse("https://" + input).Hostname(); v0.4.0
    #: matched the serverURL itself, minus one "https://" prefix.
    matches_hostname: bool

    @property
    def pattern(self) -> re.Pattern[str]:
        # Compiled when first matched, and then kept by re's own cache: a run usually meets
        # two of the seven patterns (the newest, and the oldest that accepts a standard host),
        # and compiling all seven at import cost 1.4 ms of start-up.
        return _go_regexp(self.go_pattern)


def _release(first_version: tuple[int, int, int], tag: str, go_pattern: str,
             public_names: frozenset[str], *, matches_hostname: bool = True) -> HelperRelease:
    return HelperRelease(first_version, tag, go_pattern, public_names, matches_hostname)


_PUBLIC = frozenset({ECR_PUBLIC_HOST})
HELPER_RELEASES: tuple[HelperRelease, ...] = (
    # v0.4.0 (the pattern dates from v0.2.0): no "$" and no url.Parse, so anything after
    # "amazonaws.com" (a port, a path, ".evil.example") still matched; no public ECR.
    _release((0, 4, 0), "v0.4.0",
             r"(^[a-zA-Z0-9][a-zA-Z0-9-_]*)\.dkr\.ecr(\-fips)?\.([a-zA-Z0-9][a-zA-Z0-9-_]*)"
             r"\.amazonaws\.com(\.cn)?",
             frozenset(), matches_hostname=False),
    # v0.5.0 (same to v0.7.1): "$", the Hostname() of the parsed URL, `ecrPublicName`.
    _release((0, 5, 0), "v0.5.0",
             r"(^[a-zA-Z0-9][a-zA-Z0-9-_]*)\.dkr\.ecr(-fips)?\.([a-zA-Z0-9][a-zA-Z0-9-_]*)"
             r"\.amazonaws\.com(\.cn)?$",
             _PUBLIC),
    # v0.8.0: a 12-digit account; the ISO and ISO-B partitions.
    _release((0, 8, 0), "v0.8.0",
             r"^(\d{12})\.dkr\.ecr(\-fips)?\.([a-zA-Z0-9][a-zA-Z0-9-_]*)"
             r"\.(amazonaws\.com(\.cn)?|sc2s\.sgov\.gov|c2s\.ic\.gov)$",
             _PUBLIC),
    # v0.9.0 (same in v0.9.1): ISO-E and ISO-F.
    _release((0, 9, 0), "v0.9.0",
             r"^(\d{12})\.dkr\.ecr(\-fips)?\.([a-zA-Z0-9][a-zA-Z0-9-_]*)"
             r"\.(amazonaws\.com(\.cn)?|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk"
             r"|csp\.hci\.ic\.gov)$",
             _PUBLIC),
    # v0.10.0 (same in v0.10.1): dual-stack, "dkr-ecr" and the on.aws suffixes.
    _release((0, 10, 0), "v0.10.0",
             r"^(\d{12})\.dkr[\.\-]ecr(\-fips)?\.([a-zA-Z0-9][a-zA-Z0-9-_]*)"
             r"\.(amazonaws\.com(?:\.cn)?|on\.(?:aws|amazonwebservices\.com\.cn)"
             r"|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$",
             _PUBLIC),
    # v0.11.0: the European Sovereign Cloud (amazonaws.eu).
    _release((0, 11, 0), "v0.11.0",
             r"^(\d{12})\.dkr[\.\-]ecr(\-fips)?\.([a-zA-Z0-9][a-zA-Z0-9-_]*)"
             r"\.(amazonaws\.(?:com(?:\.cn)?|eu)|on\.(?:aws|amazonwebservices\.com\.cn)"
             r"|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$",
             _PUBLIC),
    # v0.12.0: the same pattern; `ecrPublicDualStackName` joins `ecrPublicName`.
    _release((0, 12, 0), "v0.12.0",
             r"^(\d{12})\.dkr[\.\-]ecr(\-fips)?\.([a-zA-Z0-9][a-zA-Z0-9-_]*)"
             r"\.(amazonaws\.(?:com(?:\.cn)?|eu)|on\.(?:aws|amazonwebservices\.com\.cn)"
             r"|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$",
             _PUBLIC | {ECR_PUBLIC_DUAL_STACK_HOST}),
)
# The newest pattern is the one classification uses: groups 1 account, 2 "-fips", 3 region,
# 4 the DNS suffix (a key of ECR_SUFFIX_PARTITION).
_NEWEST = HELPER_RELEASES[-1]

# Release boundaries of the hostname pattern, oldest first.
HELPER_PATTERN_VERSIONS: tuple[tuple[int, int, int], ...] = tuple(
    r.first_version for r in HELPER_RELEASES
)


def _release_for(version: tuple[int, int, int]) -> HelperRelease:
    chosen: HelperRelease | None = None
    for release in HELPER_RELEASES:
        if release.first_version <= version:
            chosen = release
    if chosen is None:
        raise ValueError(f"helper versions before 0.4.0 are not modelled: {version!r}")
    return chosen


def _release_accepts(release: HelperRelease, server_url: str, hostname: str | None) -> bool:
    """Whether ExtractRegistry(server_url) succeeds; hostname is ecr_helper_hostname(server_url)."""
    if not release.matches_hostname:
        return release.pattern.search(server_url.removeprefix("https://")) is not None
    if hostname is None:
        return False
    return hostname in release.public_names or release.pattern.search(hostname) is not None


def ecr_helper_accepts(host: str, version: tuple[int, int, int]) -> bool:
    """Whether helper release ``version`` recognises ``host`` (any serverURL Docker sends).

    Raises ValueError for versions older than 0.4.0, whose history is not modelled.
    """
    release = _release_for(version)
    hostname = ecr_helper_hostname(host) if release.matches_hostname else None
    return _release_accepts(release, host, hostname)


def _min_helper_version(server_url: str, hostname: str | None) -> tuple[int, int, int] | None:
    for release in HELPER_RELEASES:
        if _release_accepts(release, server_url, hostname):
            return release.first_version
    return None


# --------------------------------------------------------------------------------------
# Classification.
# --------------------------------------------------------------------------------------

def _classify_ecr(key: str, host: str) -> Registry | None:
    # Matched on the normalised host so that a key written with a scheme or path is
    # still recognised as the ECR registry it names; key_is_bare reports the mismatch.
    hostname = ecr_helper_hostname(host)
    if hostname is None:
        return None
    if hostname in _NEWEST.public_names:
        return Registry(
            key=key,
            host=host,
            kind=RegistryKind.ECR_PUBLIC,
            region=ECR_PUBLIC_REGION,
            partition="aws",
            dual_stack=hostname == ECR_PUBLIC_DUAL_STACK_HOST,
            min_helper_version=_min_helper_version(host, hostname),
        )
    match = _NEWEST.pattern.search(hostname)
    if match is None:
        return None
    account, fips, region, suffix = match.group(1, 2, 3, 4)
    partition = ECR_SUFFIX_PARTITION[suffix]
    if partition == "aws" and region.startswith("us-gov-"):
        partition = "aws-us-gov"
    return Registry(
        key=key,
        host=host,
        kind=RegistryKind.ECR_PRIVATE,
        account=account,
        region=region,
        partition=partition,
        fips=fips == "-fips",
        # The pattern's dkr[\.\-]ecr and its suffix list are independent, so it also accepts
        # the mixed forms (dkr-ecr on amazonaws.com, dkr.ecr on on.aws); only AWS's
        # documented "<id>.dkr-ecr.<region>.on.aws" shape is dual-stack.
        dual_stack=suffix in _DUAL_STACK_SUFFIXES
        and hostname.startswith(".dkr-ecr", match.end(1)),
        min_helper_version=_min_helper_version(host, hostname),
        ecr_suffix=suffix,
    )


def _has_label_suffix(name: str, suffix: str) -> bool:
    return name.endswith(suffix) and len(name) > len(suffix)


# The rules ask about the same keys again and again (six times per `auths` key in one
# diagnose, and fix diagnoses each round). Bounded, because the page classifies every paste
# in one long-lived process.
@functools.lru_cache(maxsize=16384)
def classify(key: str) -> Registry:
    """What kind of registry `key` (a config key, or a --registry value) names."""
    host = convert_to_hostname(key)
    ecr = _classify_ecr(key, host)
    if ecr is not None:
        return ecr
    name = _split_host_port(host)[0].lower()
    if key == DOCKER_HUB_KEY or name in _HUB_HOSTS:
        kind = RegistryKind.DOCKER_HUB
    elif name == "ghcr.io":
        kind = RegistryKind.GHCR
    elif name == "gcr.io" or _has_label_suffix(name, ".gcr.io"):
        kind = RegistryKind.GCR
    elif _has_label_suffix(name, "-docker.pkg.dev"):
        kind = RegistryKind.ARTIFACT_REGISTRY
    elif any(_has_label_suffix(name, s) for s in (".azurecr.io", ".azurecr.cn", ".azurecr.us")):
        kind = RegistryKind.ACR
    else:
        kind = RegistryKind.OTHER
    return Registry(key=key, host=host, kind=kind)


def lookup_key(host: str) -> str:
    """The key Docker looks up credentials under for an image's registry host."""
    # docker/cli cli/config/configfile/file.go getAuthConfigKey (and buildx loadHost for
    # registry-1.docker.io): exact matches only, everything else is used verbatim.
    if host in _HUB_LOOKUP_ALIASES:
        return DOCKER_HUB_KEY
    return host


# --------------------------------------------------------------------------------------
# Look-alikes: keys written to mean an ECR registry that no helper release accepts.
# --------------------------------------------------------------------------------------

# The helper's shape with every part loosened: anything before ".dkr.ecr", any region label,
# any suffix. A key that fits this but not the helper's own pattern was meant to be ECR.
_LOOSE_PRIVATE = re.compile(
    r"(?P<account>.*?)\.dkr[.-]ecr(?:-fips)?\.(?P<region>[^.]*)\.(?P<suffix>.+)", re.I | re.S
)
# Shell, Make, Compose, Terraform and CI (${VAR}, $VAR, $(cmd)), Jinja/Helm/Go templates
# ({{ x }}) and Windows (%VAR%): text some tool was meant to replace before Docker read it.
_VARIABLE = re.compile(
    r"\$\{[^}]*\}?|\$\([^)]*\)?|\$[A-Za-z_][A-Za-z0-9_]*|\{\{.*?(?:\}\}|$)|%[A-Za-z_]\w*%",
    re.S,
)
# What documentation puts where the account number goes.
_PLACEHOLDER = re.compile(r"[<>\[\]{}]|account|acct|your|example|placeholder|^x+$|^id$|_id$",
                          re.I)


def _private_problem(name: str) -> str | None:
    loose = _LOOSE_PRIVATE.fullmatch(name)
    if loose is None:
        return None
    account, region, suffix = loose.group("account", "region", "suffix")
    for part, what in ((account, "the 12-digit account"), (region, "the region")):
        variable = _VARIABLE.search(part)
        if variable is not None:
            return (f"it holds the unexpanded variable {variable[0]} in place of {what} "
                    "(Docker expands nothing in config.json)")
    for part, what in ((account, "the 12-digit account"), (region, "the region")):
        if "<" in part or ">" in part:
            return f'it holds the placeholder "{part}" in place of {what}'
    if not (account.isascii() and account.isdigit()):
        digits = account.replace("-", "").replace(" ", "")
        if digits.isascii() and digits.isdigit() and len(digits) == 12:
            return (f'its account "{account}" is written as the console shows it; the host '
                    f"has the 12 digits without the dashes ({digits})")
        if _PLACEHOLDER.search(account) or not any(c.isdigit() for c in account):
            return f'it holds the placeholder "{account}" in place of the 12-digit account'
        return f'its account "{account}" is not 12 digits'
    if len(account) != 12:
        return f"its account {account} has {len(account)} digits, not 12"
    if suffix.lower() not in ECR_SUFFIX_PARTITION:
        import difflib  # paid only for a look-alike

        close = difflib.get_close_matches(suffix.lower(), list(ECR_SUFFIX_PARTITION), n=1,
                                          cutoff=0.6)
        meant = close[0] if close else "amazonaws.com"
        return (f'its misspelt suffix "{suffix}" is not an ECR domain (did you mean '
                f'"{meant}"?)')
    if name != name.lower() and _classify_ecr(name.lower(), name.lower()) is not None:
        return ("it is written in upper case where the helper's pattern (and every ECR "
                "host) is lower case")
    return "it does not match the helper's host pattern"


def _public_problem(name: str) -> str | None:
    lower = name.lower()
    public = sorted(_NEWEST.public_names)
    if lower in _NEWEST.public_names:
        return ("it is written in upper case where the helper compares the exact lower-case "
                f"name {lower}")
    if not lower.startswith(("public.ecr", "ecr-public", "public-ecr")):
        # A near miss of a public name shares a word with it and has about its length; only
        # those pay for difflib (1.4 ms of start-up, which plain diagnose runs never pay).
        if not (any(w in lower for w in ("ecr", "public", "aws"))
                and any(abs(len(lower) - len(p)) <= 3 for p in public)):
            return None
        import difflib

        if not difflib.get_close_matches(lower, public, n=1, cutoff=0.85):
            return None
    import difflib

    meant = (difflib.get_close_matches(lower, public, n=1, cutoff=0.0) or [ECR_PUBLIC_HOST])[0]
    return f'it is a misspelt ECR Public host "{name}" (ECR Public is {meant})'


def ecr_look_alike(key: str) -> str | None:
    """Why `key` (a config key) looks like an ECR registry but is none the ECR credential
    helper serves - an unexpanded variable, a placeholder, an account that is not 12 digits,
    a misspelt suffix or public host, upper case - or None (a real ECR host, or not ECR)."""
    if classify(key).is_ecr:
        return None
    stripped = key.strip()
    if stripped != key and classify(stripped).is_ecr:
        return "it has spaces around the host, which no image name has"
    host = convert_to_hostname(stripped)
    name = _split_host_port(host)[0]
    return _private_problem(name) or _public_problem(name)
