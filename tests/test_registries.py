"""Tests for ecr_doctor.core.registries: host normalisation and ECR recognition."""

from __future__ import annotations

import re

import pytest
from conftest import PROPERTY_EXAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from ecr_doctor.core.registries import (
    DOCKER_HUB_KEY,
    ECR_SUFFIX_PARTITION,
    HELPER_PATTERN_VERSIONS,
    HELPER_RELEASES,
    HelperRelease,
    Registry,
    RegistryKind,
    classify,
    convert_to_hostname,
    ecr_helper_accepts,
    ecr_helper_hostname,
    lookup_key,
)

ACCT = "123456789012"

# ---------------------------------------------------------------- the helper's source -

# ecrPattern as github.com/awslabs/amazon-ecr-credential-helper ecr-login/api/client.go spells
# it at each tag (`git show <tag>:ecr-login/api/client.go`), one line each, copied from the
# helper and not from the module: the module's HELPER_RELEASES is checked against it.
GO_V040 = r"(^[a-zA-Z0-9][a-zA-Z0-9-_]*)\.dkr\.ecr(\-fips)?\.([a-zA-Z0-9][a-zA-Z0-9-_]*)\.amazonaws\.com(\.cn)?"
GO_V050 = r"(^[a-zA-Z0-9][a-zA-Z0-9-_]*)\.dkr\.ecr(-fips)?\.([a-zA-Z0-9][a-zA-Z0-9-_]*)\.amazonaws\.com(\.cn)?$"
GO_V080 = r"^(\d{12})\.dkr\.ecr(\-fips)?\.([a-zA-Z0-9][a-zA-Z0-9-_]*)\.(amazonaws\.com(\.cn)?|sc2s\.sgov\.gov|c2s\.ic\.gov)$"
GO_V090 = r"^(\d{12})\.dkr\.ecr(\-fips)?\.([a-zA-Z0-9][a-zA-Z0-9-_]*)\.(amazonaws\.com(\.cn)?|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$"
GO_V0100 = r"^(\d{12})\.dkr[\.\-]ecr(\-fips)?\.([a-zA-Z0-9][a-zA-Z0-9-_]*)\.(amazonaws\.com(?:\.cn)?|on\.(?:aws|amazonwebservices\.com\.cn)|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$"
GO_V0110 = r"^(\d{12})\.dkr[\.\-]ecr(\-fips)?\.([a-zA-Z0-9][a-zA-Z0-9-_]*)\.(amazonaws\.(?:com(?:\.cn)?|eu)|on\.(?:aws|amazonwebservices\.com\.cn)|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$"

# ExtractRegistry accepts these Hostname()s before trying the pattern: ecrPublicName from
# v0.5.0, ecrPublicDualStackName from v0.12.0.
_PUBLIC = frozenset({"public.ecr.aws"})
_PUBLIC_DUAL = _PUBLIC | {"ecr-public.aws.com"}

# Every tag from v0.4.0 (older ones are not modelled) to v0.12.0: (ecrPattern, public names).
GO_SOURCE: dict[str, tuple[str, frozenset[str]]] = {
    "v0.4.0": (GO_V040, frozenset()),
    "v0.5.0": (GO_V050, _PUBLIC),
    "v0.6.0": (GO_V050, _PUBLIC),
    "v0.7.0": (GO_V050, _PUBLIC),
    "v0.7.1": (GO_V050, _PUBLIC),
    "v0.8.0": (GO_V080, _PUBLIC),
    "v0.9.0": (GO_V090, _PUBLIC),
    "v0.9.1": (GO_V090, _PUBLIC),
    "v0.10.0": (GO_V0100, _PUBLIC),
    "v0.10.1": (GO_V0100, _PUBLIC),
    "v0.11.0": (GO_V0110, _PUBLIC),
    "v0.12.0": (GO_V0110, _PUBLIC_DUAL),
}


def version_of(tag: str) -> tuple[int, int, int]:
    major, minor, patch = (int(part) for part in tag.removeprefix("v").split("."))
    return major, minor, patch


TAGS = sorted(GO_SOURCE, key=version_of)


def go_faithful(source: str) -> re.Pattern[str]:
    """Go's RE2 meaning of `source` in Python, done independently of the module's way:
    \\d is ASCII digits, and $ (no m flag) is the end of the text, never before a "\\n"."""
    return re.compile(source.replace(r"\d", "[0-9]").replace("$", r"\Z"), re.ASCII)


ORACLE = {tag: (go_faithful(source), public) for tag, (source, public) in GO_SOURCE.items()}


def upstream_accepts(server_url: str, tag: str) -> bool:
    """ExtractRegistry(server_url) at `tag` succeeds, with the helper's own pattern."""
    pattern, public = ORACLE[tag]
    if version_of(tag) < (0, 5, 0):
        # TrimPrefix "https://", then FindStringSubmatch on the raw serverURL.
        return pattern.search(server_url.removeprefix("https://")) is not None
    # TrimPrefix "https://", url.Parse("https://" + input), then the Hostname().
    hostname = ecr_helper_hostname(server_url)
    return hostname is not None and (hostname in public or pattern.search(hostname) is not None)


def upstream_min_version(server_url: str) -> tuple[int, int, int] | None:
    return next((version_of(t) for t in TAGS if upstream_accepts(server_url, t)), None)


NEWEST = ORACLE["v0.12.0"][0]


def test_release_records_quote_the_helper_source() -> None:
    # Each record's pattern is the one in the helper's source at the tag it names...
    for release in HELPER_RELEASES:
        assert version_of(release.tag) == release.first_version
        assert (release.go_pattern, release.public_names) == GO_SOURCE[release.tag], release.tag
        assert release.matches_hostname is (release.first_version >= (0, 5, 0))
    # ...and every tag is covered by the newest record at or before it, with that tag's pattern.
    assert tuple(r.first_version for r in HELPER_RELEASES) == HELPER_PATTERN_VERSIONS
    assert tuple(sorted(HELPER_PATTERN_VERSIONS)) == HELPER_PATTERN_VERSIONS
    for tag in TAGS:
        release = [r for r in HELPER_RELEASES if r.first_version <= version_of(tag)][-1]
        assert (release.go_pattern, release.public_names) == GO_SOURCE[tag], tag
    # A record exists exactly where the source changed.
    changes = [t for i, t in enumerate(TAGS) if i == 0 or GO_SOURCE[t] != GO_SOURCE[TAGS[i - 1]]]
    assert [r.tag for r in HELPER_RELEASES] == changes


@pytest.mark.parametrize("release", HELPER_RELEASES, ids=lambda r: r.tag)
def test_release_patterns_have_go_semantics(release: HelperRelease) -> None:
    host = f"{ACCT}.dkr.ecr-fips.us-east-1.amazonaws.com"
    m = release.pattern.search(host)
    assert m is not None and m.group(1, 2, 3) == (ACCT, "-fips", "us-east-1")
    # Go's \d is ASCII (Python's alone also takes these Arabic-Indic digits)...
    arabic = "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662"
    assert release.pattern.search(f"{arabic}.dkr.ecr.us-east-1.amazonaws.com") is None
    # ...and its $ is the end of the text (Python's alone also matches before a final "\n").
    if release.go_pattern.endswith("$"):
        assert release.pattern.search(f"{ACCT}.dkr.ecr.us-east-1.amazonaws.com\n") is None


def test_suffix_partitions_are_exactly_the_newest_patterns_suffixes() -> None:
    # The alternatives of the last group of GO_V0110, spelt out.
    suffixes = {"amazonaws.com", "amazonaws.com.cn", "amazonaws.eu", "on.aws",
                "on.amazonwebservices.com.cn", "sc2s.sgov.gov", "c2s.ic.gov", "cloud.adc-e.uk",
                "csp.hci.ic.gov"}
    assert set(ECR_SUFFIX_PARTITION) == suffixes
    for suffix in suffixes:
        m = HELPER_RELEASES[-1].pattern.search(f"{ACCT}.dkr.ecr.r.{suffix}")
        assert m is not None and m.group(4) == suffix
        assert classify(f"{ACCT}.dkr.ecr.r.{suffix}").ecr_suffix == suffix


# ---------------------------------------------------------------- positives --------

# (key, account, region, partition, fips, dual_stack, min_helper_version)
ECR_POSITIVES = [
    (f"{ACCT}.dkr.ecr.us-east-1.amazonaws.com", ACCT, "us-east-1", "aws", False, False, (0, 4, 0)),
    (f"{ACCT}.dkr.ecr-fips.us-east-1.amazonaws.com", ACCT, "us-east-1", "aws", True, False,
     (0, 4, 0)),
    (f"{ACCT}.dkr.ecr.us-gov-east-1.amazonaws.com", ACCT, "us-gov-east-1", "aws-us-gov", False,
     False, (0, 4, 0)),
    (f"{ACCT}.dkr.ecr-fips.us-gov-west-1.amazonaws.com", ACCT, "us-gov-west-1", "aws-us-gov",
     True, False, (0, 4, 0)),
    (f"{ACCT}.dkr.ecr.cn-north-1.amazonaws.com.cn", ACCT, "cn-north-1", "aws-cn", False, False,
     (0, 4, 0)),
    (f"{ACCT}.dkr.ecr.eusc-de-east-1.amazonaws.eu", ACCT, "eusc-de-east-1", "aws-eusc", False,
     False, (0, 11, 0)),
    (f"{ACCT}.dkr.ecr.us-iso-east-1.c2s.ic.gov", ACCT, "us-iso-east-1", "aws-iso", False, False,
     (0, 8, 0)),
    (f"{ACCT}.dkr.ecr.us-isob-east-1.sc2s.sgov.gov", ACCT, "us-isob-east-1", "aws-iso-b", False,
     False, (0, 8, 0)),
    (f"{ACCT}.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk", ACCT, "eu-isoe-west-1", "aws-iso-e", False,
     False, (0, 9, 0)),
    (f"{ACCT}.dkr.ecr.us-isof-south-1.csp.hci.ic.gov", ACCT, "us-isof-south-1", "aws-iso-f",
     False, False, (0, 9, 0)),
    (f"{ACCT}.dkr-ecr.us-east-1.on.aws", ACCT, "us-east-1", "aws", False, True, (0, 10, 0)),
    (f"{ACCT}.dkr-ecr-fips.us-east-1.on.aws", ACCT, "us-east-1", "aws", True, True, (0, 10, 0)),
    (f"{ACCT}.dkr-ecr.us-gov-west-1.on.aws", ACCT, "us-gov-west-1", "aws-us-gov", False, True,
     (0, 10, 0)),
    (f"{ACCT}.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn", ACCT, "cn-north-1", "aws-cn",
     False, True, (0, 10, 0)),
    # Normalisation tolerated by both Docker's ConvertToHostname and the helper.
    (f"https://{ACCT}.dkr.ecr.eu-west-1.amazonaws.com", ACCT, "eu-west-1", "aws", False, False,
     (0, 4, 0)),
    (f"https://{ACCT}.dkr.ecr.eu-west-1.amazonaws.com/v2/", ACCT, "eu-west-1", "aws", False,
     False, (0, 4, 0)),
    # v0.4.0 matched the raw string with no "$", so a port was already tolerated.
    (f"{ACCT}.dkr.ecr.eu-west-1.amazonaws.com:443", ACCT, "eu-west-1", "aws", False, False,
     (0, 4, 0)),
    (f"http://{ACCT}.dkr.ecr.ap-south-1.amazonaws.com", ACCT, "ap-south-1", "aws", False, False,
     (0, 4, 0)),
    (f"{ACCT}.dkr.ecr.us-west-2.amazonaws.com/team/app", ACCT, "us-west-2", "aws", False, False,
     (0, 4, 0)),
]


@pytest.mark.parametrize(
    ("key", "account", "region", "partition", "fips", "dual_stack", "min_version"), ECR_POSITIVES
)
def test_ecr_private_positives(
    key: str,
    account: str,
    region: str,
    partition: str,
    fips: bool,
    dual_stack: bool,
    min_version: tuple[int, int, int],
) -> None:
    r = classify(key)
    assert r.kind is RegistryKind.ECR_PRIVATE
    assert r.is_ecr
    assert (r.account, r.region, r.partition) == (account, region, partition)
    assert r.fips is fips
    assert r.dual_stack is dual_stack
    assert r.min_helper_version == min_version
    assert r.key == key


def test_ecr_suffix_recorded() -> None:
    assert classify(f"{ACCT}.dkr.ecr.cn-north-1.amazonaws.com.cn").ecr_suffix == "amazonaws.com.cn"
    assert classify(f"{ACCT}.dkr-ecr.us-east-1.on.aws").ecr_suffix == "on.aws"


def test_mixed_dual_stack_forms_are_ecr_but_not_dual_stack() -> None:
    # The helper's [\.\-] separator and suffix list are independent, so these match
    # upstream even though AWS never serves them.
    for host in (f"{ACCT}.dkr-ecr.us-east-1.amazonaws.com", f"{ACCT}.dkr.ecr.us-east-1.on.aws"):
        r = classify(host)
        assert r.kind is RegistryKind.ECR_PRIVATE
        assert not r.dual_stack
        assert r.min_helper_version == (0, 10, 0)


@pytest.mark.parametrize(
    ("key", "dual_stack", "min_version"),
    [
        ("public.ecr.aws", False, (0, 5, 0)),
        ("https://public.ecr.aws", False, (0, 5, 0)),
        ("public.ecr.aws/v2/", False, (0, 5, 0)),
        ("ecr-public.aws.com", True, (0, 12, 0)),
    ],
)
def test_ecr_public(key: str, dual_stack: bool, min_version: tuple[int, int, int]) -> None:
    r = classify(key)
    assert r.kind is RegistryKind.ECR_PUBLIC
    assert r.is_ecr
    assert (r.region, r.partition, r.account) == ("us-east-1", "aws", None)
    assert r.dual_stack is dual_stack
    assert r.min_helper_version == min_version


# ---------------------------------------------------------------- look-alikes ------

LOOKALIKES = [
    f"{ACCT}.dkr.ecr.us-east-1.amazonaws.com.evil.example",
    f"https://{ACCT}.dkr.ecr.us-east-1.amazonaws.com.evil.example/v2/",
    "12345678901.dkr.ecr.us-east-1.amazonaws.com",  # 11 digits
    "1234567890123.dkr.ecr.us-east-1.amazonaws.com",  # 13 digits
    "myalias.dkr.ecr.us-east-1.amazonaws.com",  # accepted only before 0.8.0
    f"evil.example/{ACCT}.dkr.ecr.us-east-1.amazonaws.com",
    f"https://evil.example/{ACCT}.dkr.ecr.us-east-1.amazonaws.com",
    f"{ACCT}.dkr.ecr.us-east-1.amazonaws.com@evil.example",
    f"https://{ACCT}.dkr.ecr.us-east-1.amazonaws.com@evil.example/",
    f"https://{ACCT}.dkr.ecr.us-east-1.amazonaws.com:pw@evil.example/",
    f"{ACCT}.DKR.ECR.us-east-1.amazonaws.com",
    f"{ACCT}.dkr.ecr.us-east-1.AMAZONAWS.COM",
    f"{ACCT}.dkr.ecr.us-east-1.amazonaws.com\n",
    f"{ACCT}.dkr.ecr.us-east-1.amazonaws.com.",  # trailing root dot
    "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662"
    ".dkr.ecr.us-east-1.amazonaws.com",  # Arabic-Indic digits: Python \d matches them
    f"{ACCT}.dkr.ecr..amazonaws.com",
    f"{ACCT}.dkr.ecr.-us-east-1.amazonaws.com",
    f"{ACCT}.dkrxecr.us-east-1.amazonaws.com",
    f"{ACCT}.dkr.ecr.us-east-1.amazonaws.co",
    f"{ACCT}.dkr.ecr.us-east-1.amazonaws.com.cn.evil",
    f"{ACCT}.dkr.ecr.us-east-1.on.aws.evil",
    f"x{ACCT}.dkr.ecr.us-east-1.amazonaws.com",
    f"{ACCT}.dkr.ecr.us-east-1.amazonaws.eu.cn",
    f"{ACCT}.dkr.ecr-FIPS.us-east-1.amazonaws.com",
    f"{ACCT}.dkr.ecr.us-east-1.amazonaws.com%2F",
    "public.ecr.aws.evil.example",
    "PUBLIC.ECR.AWS",  # the helper compares Hostname() to the constant exactly
    "evil.example/public.ecr.aws",
    "public.ecr.aws@evil.example",
    "ecr-public.aws.com.evil.example",
]


@pytest.mark.parametrize("key", LOOKALIKES)
def test_lookalikes_are_not_ecr(key: str) -> None:
    r = classify(key)
    assert not r.is_ecr, r
    assert r.account is None and r.partition is None and r.min_helper_version is None


def test_userinfo_trick_resolves_to_attacker_host() -> None:
    assert convert_to_hostname(f"https://{ACCT}.dkr.ecr.us-east-1.amazonaws.com@evil.example/") \
        == "evil.example"
    assert ecr_helper_hostname(f"{ACCT}.dkr.ecr.us-east-1.amazonaws.com@evil.example") \
        == "evil.example"


# ---------------------------------------------------------------- ConvertToHostname -

@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("https://H", "H"),
        ("https://H/v2/", "H"),
        ("http://H:5000/x", "H:5000"),
        ("H/path", "H"),
        ("H", "H"),
        ("H:5000", "H:5000"),
        ("H:5000/path", "H:5000"),
        ("https://index.docker.io/v1/", "index.docker.io"),
        ("https://h.example:443", "h.example:443"),
        ("HTTPS://Mixed.Example/", "Mixed.Example"),  # case is never folded
        ("https://user:pw@h.example/x", "h.example"),
        ("https://h.example?x=1", "h.example"),
        ("https://h.example#frag", "h.example"),
        ("https://h.example:/", "h.example"),  # empty port is dropped
        # IPv6: brackets survive only when a port forces net.JoinHostPort.
        ("https://[::1]:5000/v2/", "[::1]:5000"),
        ("https://[::1]/", "::1"),
        ("https://[fe80::1%25eth0]:5000", "[fe80::1%eth0]:5000"),
        ("[::1]:5000/x", "[::1]:5000"),
        # Parse failures fall back to "everything before the first slash".
        ("https://[::1/", "https:"),  # missing ']'
        ("https://[1.2.3.4]/", "https:"),  # IPv4 in brackets (Go >= 1.24.8/1.25.2)
        ("https://h.example:abc/", "https:"),  # invalid port
        ("https://h.example/%zz", "https:"),  # bad escape in path
        ("https://h.example#%zz", "https:"),  # bad escape in fragment
        ("https://h ex/", "https:"),  # space in host
        ("https://h\x7f/", "https:"),  # control character
        ("://h.example/", ":"),  # missing protocol scheme
        ("1a://h.example/", "1a:"),  # no scheme, colon in first segment
        ("https:///path", "https:"),  # empty host
        ("ftp:opaque://x/y", "ftp:opaque:"),  # opaque URL has no host
        ("https://%e4%b8%ad.example/", "中.example"),  # non-ASCII %-escapes are decoded
        ("https://%41.example/", "https:"),  # ASCII may not be %-escaped in a host
    ],
)
def test_convert_to_hostname(key: str, expected: str) -> None:
    assert convert_to_hostname(key) == expected


# ---------------------------------------------------------------- key_is_bare -------

@pytest.mark.parametrize(
    ("key", "bare"),
    [
        (f"{ACCT}.dkr.ecr.us-east-1.amazonaws.com", True),
        (f"https://{ACCT}.dkr.ecr.us-east-1.amazonaws.com", False),
        (f"{ACCT}.dkr.ecr.us-east-1.amazonaws.com/", False),
        (f"{ACCT}.dkr.ecr.us-east-1.amazonaws.com/v2/", False),
        (f"{ACCT}.dkr.ecr.us-east-1.amazonaws.com:443", True),
        ("public.ecr.aws", True),
        ("https://public.ecr.aws", False),
        (DOCKER_HUB_KEY, True),
        ("docker.io", False),
        ("index.docker.io", False),
        ("https://index.docker.io/v1", False),
        ("ghcr.io", True),
        ("https://ghcr.io", False),
        ("localhost:5000", True),
        ("http://localhost:5000", False),
    ],
)
def test_key_is_bare(key: str, bare: bool) -> None:
    assert classify(key).key_is_bare is bare


# ---------------------------------------------------------------- helper versions ---

# Reference §3.1 match table, HEAD (0.12.0) against Debian bookworm's 0.6.0.
VERSION_TABLE = [
    (f"{ACCT}.dkr.ecr.us-east-1.amazonaws.com", True, True),
    (f"{ACCT}.dkr.ecr-fips.us-gov-west-1.amazonaws.com", True, True),
    (f"{ACCT}.dkr.ecr.us-gov-east-1.amazonaws.com", True, True),
    (f"{ACCT}.dkr.ecr.cn-north-1.amazonaws.com.cn", True, True),
    (f"{ACCT}.dkr-ecr.us-east-1.on.aws", True, False),
    (f"{ACCT}.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn", True, False),
    (f"{ACCT}.dkr.ecr.eusc-de-east-1.amazonaws.eu", True, False),
    (f"{ACCT}.dkr.ecr.us-iso-east-1.c2s.ic.gov", True, False),
    (f"{ACCT}.dkr.ecr.us-isob-east-1.sc2s.sgov.gov", True, False),
    (f"{ACCT}.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk", True, False),
    (f"{ACCT}.dkr.ecr.us-isof-south-1.csp.hci.ic.gov", True, False),
    ("myalias.dkr.ecr.us-east-1.amazonaws.com", False, True),
    ("12345678901.dkr.ecr.us-east-1.amazonaws.com", False, True),
    ("public.ecr.aws", True, True),
    ("ecr-public.aws.com", True, False),
    (f"https://{ACCT}.dkr.ecr.us-east-1.amazonaws.com/v2/", True, True),
    (f"{ACCT}.dkr.ecr.us-east-1.amazonaws.com:443", True, True),
    ("ghcr.io", False, False),
]


@pytest.mark.parametrize(("host", "head", "v060"), VERSION_TABLE)
def test_helper_version_table(host: str, head: bool, v060: bool) -> None:
    assert ecr_helper_accepts(host, (0, 12, 0)) is head
    assert ecr_helper_accepts(host, (0, 6, 0)) is v060
    assert ecr_helper_accepts(host, (0, 7, 1)) is v060


def test_helper_version_boundaries() -> None:
    dual = f"{ACCT}.dkr-ecr.us-east-1.on.aws"
    assert not ecr_helper_accepts(dual, (0, 9, 9))
    assert ecr_helper_accepts(dual, (0, 10, 0))
    eu = f"{ACCT}.dkr.ecr.eusc-de-east-1.amazonaws.eu"
    assert not ecr_helper_accepts(eu, (0, 10, 5))
    assert ecr_helper_accepts(eu, (0, 11, 0))
    iso_e = f"{ACCT}.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk"
    assert not ecr_helper_accepts(iso_e, (0, 8, 1))
    assert ecr_helper_accepts(iso_e, (0, 9, 0))
    assert not ecr_helper_accepts("public.ecr.aws", (0, 4, 0))
    assert ecr_helper_accepts("public.ecr.aws", (0, 5, 0))
    assert not ecr_helper_accepts("ecr-public.aws.com", (0, 11, 0))
    assert ecr_helper_accepts("ecr-public.aws.com", (0, 12, 0))
    assert ecr_helper_accepts("ecr-public.aws.com", (1, 0, 0))


def test_helper_v040_is_unanchored_and_unparsed() -> None:
    # v0.4.0 ran FindStringSubmatch on the raw serverURL with no "$".
    suffixed = f"{ACCT}.dkr.ecr.us-east-1.amazonaws.com.evil.example"
    assert ecr_helper_accepts(suffixed, (0, 4, 0))
    assert not ecr_helper_accepts(suffixed, (0, 5, 0))
    assert ecr_helper_accepts(f"{ACCT}.dkr.ecr.us-east-1.amazonaws.com:443", (0, 4, 0))
    assert not ecr_helper_accepts(f"evil.example/{ACCT}.dkr.ecr.us-east-1.amazonaws.com",
                                  (0, 4, 0))


def test_helper_version_before_history_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"0\.4\.0"):
        ecr_helper_accepts(f"{ACCT}.dkr.ecr.us-east-1.amazonaws.com", (0, 3, 1))


def test_min_helper_version_is_the_first_accepting_release() -> None:
    for key, *_rest, min_version in ECR_POSITIVES:
        r = classify(key)
        assert r.min_helper_version == min_version
        earlier = [v for v in HELPER_PATTERN_VERSIONS if v < min_version]
        assert not any(ecr_helper_accepts(r.host, v) for v in earlier)
        assert all(
            ecr_helper_accepts(r.host, v) for v in HELPER_PATTERN_VERSIONS if v >= min_version
        )


# ---------------------------------------------------------------- Docker Hub --------

@pytest.mark.parametrize(
    "key",
    [
        DOCKER_HUB_KEY,
        "docker.io",
        "index.docker.io",
        "registry-1.docker.io",
        "registry.hub.docker.com",
        "https://registry-1.docker.io",
        "Docker.IO",
        "https://index.docker.io/v1",
    ],
)
def test_docker_hub_aliases(key: str) -> None:
    assert classify(key).kind is RegistryKind.DOCKER_HUB


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("docker.io", DOCKER_HUB_KEY),
        ("index.docker.io", DOCKER_HUB_KEY),
        ("registry-1.docker.io", DOCKER_HUB_KEY),
        (DOCKER_HUB_KEY, DOCKER_HUB_KEY),
        ("registry.hub.docker.com", "registry.hub.docker.com"),
        ("Docker.io", "Docker.io"),  # case not folded
        (f"{ACCT}.dkr.ecr.us-east-1.amazonaws.com", f"{ACCT}.dkr.ecr.us-east-1.amazonaws.com"),
        ("localhost:5000", "localhost:5000"),
        ("Ghcr.IO", "Ghcr.IO"),
    ],
)
def test_lookup_key(host: str, expected: str) -> None:
    assert lookup_key(host) == expected


# ---------------------------------------------------------------- other kinds -------

@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("ghcr.io", RegistryKind.GHCR),
        ("GHCR.io", RegistryKind.GHCR),
        ("https://ghcr.io/v2/", RegistryKind.GHCR),
        ("gcr.io", RegistryKind.GCR),
        ("eu.gcr.io", RegistryKind.GCR),
        ("us.gcr.io:443", RegistryKind.GCR),
        ("evilgcr.io", RegistryKind.OTHER),
        ("us-central1-docker.pkg.dev", RegistryKind.ARTIFACT_REGISTRY),
        ("europe-docker.pkg.dev", RegistryKind.ARTIFACT_REGISTRY),
        ("-docker.pkg.dev", RegistryKind.OTHER),
        ("docker.pkg.dev", RegistryKind.OTHER),
        ("myreg.azurecr.io", RegistryKind.ACR),
        ("myreg.azurecr.cn", RegistryKind.ACR),
        ("myreg.azurecr.us", RegistryKind.ACR),
        ("azurecr.io", RegistryKind.OTHER),
        ("quay.io", RegistryKind.OTHER),
        ("localhost:5000", RegistryKind.OTHER),
        ("", RegistryKind.OTHER),
    ],
)
def test_other_kinds(key: str, kind: RegistryKind) -> None:
    r = classify(key)
    assert r.kind is kind
    assert not r.is_ecr


def test_registry_is_frozen() -> None:
    r = classify("ghcr.io")
    assert isinstance(r, Registry)
    with pytest.raises(AttributeError):
        r.host = "x"  # type: ignore[misc]


# ---------------------------------------------------------------- the helper as oracle -

def check_against_helper(key: str) -> None:
    """classify(key) and ecr_helper_accepts(key, v) say what the helper's own patterns say."""
    for tag in TAGS:
        assert ecr_helper_accepts(key, version_of(tag)) is upstream_accepts(key, tag), (key, tag)
    r = classify(key)
    hostname = ecr_helper_hostname(r.host)
    m = NEWEST.search(hostname) if hostname is not None else None
    if r.kind is RegistryKind.ECR_PRIVATE:
        assert m is not None, key
        assert (r.account, r.fips, r.region, r.ecr_suffix) == (m[1], m[2] == "-fips", m[3], m[4])
        assert r.account is not None and len(r.account) == 12 and r.account.isascii()
        assert r.partition is not None and r.partition.startswith(ECR_SUFFIX_PARTITION[m[4]])
        assert r.min_helper_version == upstream_min_version(r.host), key
    elif r.kind is RegistryKind.ECR_PUBLIC:
        assert hostname in _PUBLIC_DUAL, key
        assert r.dual_stack is (hostname == "ecr-public.aws.com")
        assert r.min_helper_version == upstream_min_version(r.host), key
    else:
        assert m is None and hostname not in _PUBLIC_DUAL, key
        assert r.account is None and r.min_helper_version is None


KNOWN_KEYS = sorted({
    *(row[0] for row in ECR_POSITIVES), *LOOKALIKES, *(row[0] for row in VERSION_TABLE),
    "public.ecr.aws", "https://public.ecr.aws", "public.ecr.aws/v2/", "ecr-public.aws.com",
    f"{ACCT}.dkr-ecr.us-east-1.amazonaws.com", f"{ACCT}.dkr.ecr.us-east-1.on.aws",
    f"{ACCT}.dkr.ecr.us-east-1.amazonaws.com.evil.example",  # v0.4.0 had no "$"
    f"https://https://{ACCT}.dkr.ecr.us-east-1.amazonaws.com",  # one "https://" is trimmed
    f"https://{ACCT}.dkr.ecr.us-east-1.amazonaws.com:443/v2/",
    f"[{ACCT}.dkr.ecr.us-east-1.amazonaws.com]",
})


@pytest.mark.parametrize("key", KNOWN_KEYS)
def test_known_hosts_agree_with_the_helper_at_every_tag(key: str) -> None:
    check_against_helper(key)


_PREFIXES = ["", "https://", "http://", "HTTPS://", "evil.example/", "a@"]
_ACCOUNTS = ["123456789012", "12345678901", "1234567890123", "myalias", "\u0661" * 12]
_SEPARATORS = [".dkr.ecr", ".dkr-ecr", ".DKR.ECR", ".dkr_ecr"]
_FIPS = ["", "-fips"]
_REGIONS = [".us-east-1", ".us-gov-west-1", ".cn-north-1", ".", ".-x", ".eu_1"]
_SUFFIXES = [
    ".amazonaws.com", ".amazonaws.com.cn", ".amazonaws.eu", ".on.aws",
    ".on.amazonwebservices.com.cn", ".c2s.ic.gov", ".sc2s.sgov.gov", ".cloud.adc-e.uk",
    ".csp.hci.ic.gov", ".amazonaws.com.evil", ".amazonaws.co",
]
_ENDINGS = ["", "/", "/v2/", ":443", ":", "@evil.example", "\n", "#x", "?q", "%zz"]


def test_every_well_formed_ecr_host_agrees_with_the_helper() -> None:
    # All the real shapes (every suffix, separator, FIPS, us-gov) at every tag, deterministically.
    for sep in (".dkr.ecr", ".dkr-ecr"):
        for fips in _FIPS:
            for region in (".us-east-1", ".us-gov-west-1", ".cn-north-1"):
                for suffix in _SUFFIXES:
                    for ending in ("", "/v2/", ":443"):
                        check_against_helper(f"{ACCT}{sep}{fips}{region}{suffix}{ending}")


_ecr_parts = st.tuples(
    st.sampled_from(_PREFIXES),
    st.one_of(st.sampled_from(_ACCOUNTS), st.text(alphabet="0123456789\u0661", min_size=10,
                                                   max_size=14)),
    st.sampled_from(_SEPARATORS),
    st.sampled_from(_FIPS),
    st.sampled_from(_REGIONS),
    st.sampled_from(_SUFFIXES),
    st.sampled_from(_ENDINGS),
)


@settings(max_examples=400)
@given(st.text(max_size=80))
def test_random_strings_agree_with_the_helper(key: str) -> None:
    check_against_helper(key)


@settings(max_examples=max(600, PROPERTY_EXAMPLES), deadline=None)
@given(_ecr_parts)
def test_near_miss_strings_agree_with_the_helper(
    parts: tuple[str, str, str, str, str, str, str],
) -> None:
    check_against_helper("".join(parts))


@settings(max_examples=PROPERTY_EXAMPLES, deadline=None)
@given(st.text("0123456789.-_aedkrcfipsmzonwu:/", max_size=60))
def test_random_hosts_agree_with_the_helper(key: str) -> None:
    check_against_helper(key)


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(codec="ascii"), max_size=60))
def test_convert_to_hostname_is_total_and_slash_free(key: str) -> None:
    host = convert_to_hostname(key)
    assert "/" not in host
    assert classify(key).host == host
