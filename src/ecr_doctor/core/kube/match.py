"""The kubelet's `matchImages` matching, reproduced from its Go source.

kubernetes/kubernetes · pkg/credentialprovider/plugin/plugin.go · isImageAllowed calls
pkg/credentialprovider/keyring.go · URLsMatchStr(matchImage, image) for each entry:

* both strings are parsed with ParseSchemelessURL: url.Parse("https://" + s), scheme cleared
  (so an entry written with its own `https://` parses as the host "https:" and never matches);
* SplitURL: net.SplitHostPort(u.Host), falling back to the whole Host and an empty port when
  that fails; the host is split on "." into labels;
* the ports must be equal, the label counts must be equal, the entry's path must be a string
  prefix of the image's path, and each label must match with path/filepath.Match: `*` stands
  for any run of characters inside ONE label, so `*.amazonaws.com` never matches
  `123456789012.dkr.ecr.us-east-1.amazonaws.com`.

A parse or pattern error is "no match" there (isImageAllowed ignores the error), while config
validation (pkg/credentialprovider/plugin/config.go · validateCredentialProviderConfig)
rejects the whole file when an entry does not parse.
"""

from __future__ import annotations

from typing import NamedTuple

# url.Parse's host rules are emulated once, for Docker's and the helper's sake, in registries.
from ecr_doctor.core.registries import _go_url_host, _GoURLError, percent_decoded


class SchemelessURL(NamedTuple):
    host: str   # url.URL.Host: host[:port], not lower-cased (Go keeps the case)
    path: str   # url.URL.Path, unescaped


class BadURL(ValueError):
    """ParseSchemelessURL failed: the kubelet refuses a config with such a matchImages entry."""


def parse_schemeless_url(text: str) -> SchemelessURL:
    """keyring.go · ParseSchemelessURL: url.Parse("https://" + text) with the scheme cleared."""
    raw = "https://" + text
    try:
        host = _go_url_host(raw)
    except _GoURLError as exc:
        raise BadURL(str(exc)) from None
    # _go_url_host validated the whole URL (escapes included); the path is what follows the
    # authority, before the query and the fragment.
    rest = raw[len("https://"):].partition("#")[0]
    if rest.endswith("?") and rest.count("?") == 1:
        rest = rest[:-1]
    rest = rest.partition("?")[0]
    slash = rest.find("/")
    path = "" if slash < 0 else rest[slash:]
    return SchemelessURL(host, percent_decoded(path))


def split_host_port(hostport: str) -> tuple[str, str] | None:
    """golang/go · src/net/ipsock.go · SplitHostPort; None where Go returns an error."""
    colon = hostport.rfind(":")
    if colon < 0:
        return None  # missing port in address
    start, end_limit = 0, 0
    if hostport.startswith("["):
        end = hostport.find("]")
        if end < 0:
            return None
        if end + 1 == len(hostport) or end + 1 != colon:
            return None  # missing port, or too many colons after ']'
        host = hostport[1:end]
        start, end_limit = 1, end + 1
    else:
        host = hostport[:colon]
        if ":" in host:
            return None  # too many colons in address
    if "[" in hostport[start:] or "]" in hostport[end_limit:]:
        return None
    return host, hostport[colon + 1:]


def split_url(url: SchemelessURL) -> tuple[list[str], str]:
    """keyring.go · SplitURL: the host's labels and the port ("" when there is none)."""
    split = split_host_port(url.host)
    host, port = split if split is not None else (url.host, "")
    return host.split("."), port


# --- path/filepath.Match (golang/go · src/path/filepath/match.go), Unix flavour -------------

class BadPattern(ValueError):
    """filepath.ErrBadPattern."""


def _get_esc(chunk: str) -> tuple[str, str]:
    if not chunk or chunk[0] in "-]":
        raise BadPattern
    if chunk[0] == "\\":
        chunk = chunk[1:]
        if not chunk:
            raise BadPattern
    char, rest = chunk[0], chunk[1:]
    if not rest:
        raise BadPattern
    return char, rest


def _match_chunk(chunk: str, s: str) -> str | None:
    """The rest of `s` after `chunk` matched its start, or None. Raises BadPattern."""
    # As Go since 1.16 (CL 264397): after a mismatch the chunk is still scanned, so a
    # malformed pattern is an error whatever the name.
    failed = False
    while chunk:
        if not failed and not s:
            failed = True
        head = chunk[0]
        if head == "[":
            r = ""
            if not failed:
                r, s = s[0], s[1:]
            chunk = chunk[1:]
            negated = bool(chunk) and chunk[0] == "^"
            if negated:
                chunk = chunk[1:]
            matched, ranges = False, 0
            while True:
                if chunk and chunk[0] == "]" and ranges > 0:
                    chunk = chunk[1:]
                    break
                lo, chunk = _get_esc(chunk)
                hi = lo
                if chunk[0] == "-":
                    hi, chunk = _get_esc(chunk[1:])
                if lo <= r <= hi:
                    matched = True
                ranges += 1
            if matched == negated:
                failed = True
        elif head == "?":
            if not failed:
                if s[0] == "/":
                    failed = True
                s = s[1:]
            chunk = chunk[1:]
        else:
            if head == "\\":
                chunk = chunk[1:]
                if not chunk:
                    raise BadPattern
            if not failed:
                if chunk[0] != s[0]:
                    failed = True
                s = s[1:]
            chunk = chunk[1:]
    return None if failed else s


def _scan_chunk(pattern: str) -> tuple[bool, str, str]:
    star = False
    while pattern.startswith("*"):
        pattern, star = pattern[1:], True
    in_range = False
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            if i + 1 < len(pattern):
                i += 1
        elif c == "[":
            in_range = True
        elif c == "]":
            in_range = False
        elif c == "*" and not in_range:
            break
        i += 1
    return star, pattern[:i], pattern[i:]


def filepath_match(pattern: str, name: str) -> bool:
    """filepath.Match(pattern, name) on Unix; raises BadPattern for a malformed pattern."""
    while pattern:
        star, chunk, pattern = _scan_chunk(pattern)
        if star and not chunk:
            return "/" not in name
        rest = _match_chunk(chunk, name)
        if rest is not None and (not rest or pattern):
            name = rest
            continue
        if star:
            found = False
            i = 0
            while i < len(name) and name[i] != "/":
                rest = _match_chunk(chunk, name[i + 1:])
                if rest is not None:
                    if not pattern and rest:
                        i += 1
                        continue
                    name, found = rest, True
                    break
                i += 1
            if found:
                continue
        while pattern:  # the rest must still be well formed
            _, chunk, pattern = _scan_chunk(pattern)
            _match_chunk(chunk, "")
        return False
    return not name


def urls_match(glob: SchemelessURL, target: SchemelessURL) -> bool:
    """keyring.go · URLsMatch; a pattern error counts as no match, as isImageAllowed has it."""
    glob_labels, glob_port = split_url(glob)
    target_labels, target_port = split_url(target)
    if glob_port != target_port or len(glob_labels) != len(target_labels):
        return False
    if not target.path.startswith(glob.path):
        return False
    try:
        return all(filepath_match(g, t) for g, t in zip(glob_labels, target_labels, strict=True))
    except BadPattern:
        return False


def urls_match_str(glob: str, target: str) -> bool:
    """keyring.go · URLsMatchStr, as plugin.go · isImageAllowed uses it: errors are no match."""
    try:
        return urls_match(parse_schemeless_url(glob), parse_schemeless_url(target))
    except BadURL:
        return False


def image_allowed(match_images: tuple[str, ...] | list[str], image: str) -> bool:
    """plugin.go · isImageAllowed: whether any entry lets the provider serve `image`."""
    return any(urls_match_str(glob, image) for glob in match_images)
