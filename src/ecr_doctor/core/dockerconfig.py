"""Docker's config.json as the Docker CLI understands it: location, Go decoding rules, positions.

The model mirrors what docker/cli does when it loads the file (cli/config/config.go · Load,
LoadDefaultConfigFile; cli/config/configfile/file.go · LoadFromReader, decodeAuth), including
the quirks of Go's encoding/json that Python's `json` does not share:

* top-level and AuthConfig keys match struct fields case-insensitively (Go folds Unicode too,
  so "cred\u017fStore" with a long s (U+017F) is `credsStore`; checked with the real CLI 28.2.2);
* duplicate keys holding objects merge into one map, a later map key replacing the earlier
  entry wholesale; a `null` resets a map; for strings the last non-null value wins;
* a value of the wrong type does not stop Go's decoder: it records the first such error,
  skips the value (a map element still gets its zero value) and carries on. docker/cli then
  prints "WARNING: Error parsing config file" and **uses the partially decoded config**
  (LoadDefaultConfigFile ignores the error). `parse_config(strict=True)` raises on it, as
  callers asked; `strict=False` records it in `DockerConfig.type_errors` instead;
* a syntax error leaves Docker with an empty config; that is always a ConfigError here;
* anything after the first JSON value is ignored (`json.NewDecoder(r).Decode` reads one
  value), and invalid UTF-8 inside strings is accepted (Go substitutes U+FFFD) - both
  confirmed with the real CLI. We record them (`trailing_data`, `invalid_utf8`).

Messages never contain values from the file (they may be tokens); only key names, which are
registry hosts and field names.

Standard library only (runs in Pyodide); `ecr_doctor.machine.configfile` finds and reads the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from ecr_doctor.core.jsonspan import (
    JsonSyntaxError,
    LineIndex,
    Member,
    Node,
    detect_indent,
    line_col,
    parse,
)
from ecr_doctor.core.model import Location
from ecr_doctor.core.secrets import Secret
from ecr_doctor.core.tokens import AuthDecodeError, decode_auth

if TYPE_CHECKING:
    from typing import Literal

__all__ = [
    "MAX_CONFIG_BYTES",
    "SEP",
    "AuthEntry",
    "ConfigError",
    "ConfigFile",
    "ConfigLocation",
    "DockerConfig",
    "DuplicateKey",
    "HelperEntry",
    "ScalarEntry",
    "TopKey",
    "TypeProblem",
    "parse_config",
]

# Real configs are a few KB (≈3 KB per inline ECR token). The pure-Python parser handles
# token-heavy files at ~100 MB/s but dense tiny-node JSON at only ~2 MB/s on a slow CI core
# (50 MB of dense JSON took ~29 s), so anything above this is refused before it is read.
MAX_CONFIG_BYTES = 8 * 1024 * 1024


# Joins the steps of a path into the file, e.g. "auths<SEP>host" (U+203A: no JSON key clash
# in practice, and it reads well in every renderer).
SEP = " \u203a "


class ConfigError(Exception):
    """The config cannot be read or Docker cannot decode it. Never carries file values."""

    def __init__(self, path: str, message: str, line: int | None = None, col: int | None = None):
        self.path = path
        self.line = line
        self.col = col
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


# --- locating the file ---------------------------------------------------------------------


class ConfigLocation(NamedTuple):
    path: str
    source: Literal["--config", "DOCKER_CONFIG", "home"]
    reason: str
    # DOCKER_CONFIG names a regular file: Docker then fails with "open <f>/config.json: not a
    # directory" and runs with an empty config (reference §1.1, reproduced with CLI 28.2.2).
    docker_config_is_file: bool = False


# --- reading the file ----------------------------------------------------------------------


class ConfigFile(NamedTuple):
    path: str
    real_path: str  # symlinks resolved, dangling ones too: Docker's Save writes there
    exists: bool
    is_symlink: bool
    mode: int | None
    raw: bytes

    def __repr__(self) -> str:
        # The raw bytes may hold credentials: never show them.
        return f"ConfigFile(path={self.path!r}, exists={self.exists}, size={len(self.raw)})"


def too_big_message(size: int) -> str:
    return (
        f"file is {size / 1_048_576:.1f} MiB; ecr-doctor refuses config files over "
        f"{MAX_CONFIG_BYTES // 1_048_576} MiB (a Docker config is normally a few KB - is this "
        "the right file?)"
    )


# --- the model -------------------------------------------------------------------------------


class AuthEntry(NamedTuple):
    """One effective `auths` entry (after Go's merge of duplicates)."""

    key: str
    location: Location
    auth: Secret | None = None
    username: str | None = None
    password: Secret | None = None
    identitytoken: Secret | None = None
    registrytoken: Secret | None = None
    email: str | None = None  # AuthConfig.email was removed in docker/cli v29.0.0
    serveraddress: str | None = None  # Docker overwrites it with the map key on load
    extra_fields: tuple[str, ...] = ()
    # Why docker/cli decodeAuth rejects `auth`; Docker then reports the whole file as broken.
    auth_error: str | None = None
    decoded_username: str | None = None
    decoded_password: Secret | None = None
    member: Member | None = None

    @property
    def has_credential(self) -> bool:
        return bool(self.auth or self.password or self.identitytoken or self.registrytoken)

    @property
    def is_empty_placeholder(self) -> bool:
        """`{}` (or all fields empty): what `docker login` leaves when a helper holds the secret."""
        return not (self.has_credential or self.username or self.email or self.serveraddress)


class HelperEntry(NamedTuple):
    key: str
    helper: str
    location: Location
    member: Member | None = None


class ScalarEntry(NamedTuple):
    value: str
    location: Location
    member: Member | None = None


class TopKey(NamedTuple):
    key: str  # as written
    canonical: str | None  # the ConfigFile JSON field it fills; None: Docker ignores it
    location: Location
    removed_in: str | None = None  # set for fields the current CLI no longer knows


class DuplicateKey(NamedTuple):
    path: str  # "credHelpers", or names joined by SEP: auths<SEP>host, auths<SEP>host<SEP>auth
    location: Location  # of the later occurrence, the one that wins
    #: The registry a credHelpers or auths duplicate is about.
    registry: str | None = None
    #: The key as written, when Go matched it case-insensitively ("CredHelpers").
    written: str | None = None
    #: The helper name Docker keeps for a duplicated credHelpers host; never a credential.
    kept: str | None = None


class TypeProblem(NamedTuple):
    """A value of the wrong JSON type; Go skips it and Docker warns (see module docstring)."""

    path: str
    expected: str
    found: str
    go_message: str
    location: Location

    @property
    def message(self) -> str:
        return (
            f"{self.path} must be {self.expected}, not {_A[self.found]} "
            f'(Docker: "json: {self.go_message}")'
        )


class DockerConfig(NamedTuple):
    path: str
    text: str  # decoded, without the BOM
    # Go's encoding/json rejects a BOM, so Docker sees an EMPTY config; the fields below
    # describe the rest of the file so rules can still explain it.
    has_bom: bool
    root: Node | None
    auths: tuple[AuthEntry, ...]
    cred_helpers: tuple[HelperEntry, ...]
    creds_store: ScalarEntry | None
    top_level: tuple[TopKey, ...]
    duplicates: tuple[DuplicateKey, ...]
    indent: str
    type_errors: tuple[TypeProblem, ...] = ()  # only filled when parsed with strict=False
    trailing_data: Location | None = None  # ignored by Docker, but a sign of a bad edit
    invalid_utf8: Location | None = None  # first invalid byte (inside a string: Go accepts)
    lines: LineIndex | None = None  # of `text`, for location_of

    def location_of(self, offset: int) -> Location:
        line, col = (self.lines.line_col(offset) if self.lines is not None
                     else line_col(self.text, offset))
        return Location(self.path, line, col)

    def auth(self, key: str) -> AuthEntry | None:
        return next((a for a in self.auths if a.key == key), None)

    def helper(self, key: str) -> HelperEntry | None:
        return next((h for h in self.cred_helpers if h.key == key), None)

    @property
    def auth_errors(self) -> tuple[AuthEntry, ...]:
        return tuple(a for a in self.auths if a.auth_error)


# --- Go's types for ConfigFile (cli/config/configfile/file.go · ConfigFile) -----------------

_Type = tuple[str, ...]  # ("string",), ("slice",), ("map", elem), ("struct", name)
_STRING: _Type = ("string",)
_STRMAP: _Type = ("map", "string")

_AUTH_FIELDS = (
    "username",
    "password",
    "auth",
    "email",
    "serveraddress",
    "identitytoken",
    "registrytoken",
)
_PROXY_FIELDS = ("httpProxy", "httpsProxy", "noProxy", "ftpProxy", "allProxy")

_TOP_FIELDS: dict[str, _Type] = {
    "auths": ("map", "AuthConfig"),
    "HttpHeaders": _STRMAP,
    "psFormat": _STRING,
    "imagesFormat": _STRING,
    "networksFormat": _STRING,
    "pluginsFormat": _STRING,
    "volumesFormat": _STRING,
    "statsFormat": _STRING,
    "detachKeys": _STRING,
    "credsStore": _STRING,
    "credHelpers": _STRMAP,
    "serviceInspectFormat": _STRING,
    "servicesFormat": _STRING,
    "tasksFormat": _STRING,
    "secretFormat": _STRING,
    "configFormat": _STRING,
    "nodesFormat": _STRING,
    "pruneFilters": ("slice",),
    "proxies": ("map", "ProxyConfig"),
    "currentContext": _STRING,
    "cliPluginsExtraDirs": ("slice",),
    "plugins": ("map", "map"),
    "aliases": _STRMAP,
    "features": _STRMAP,
}
# Known to older CLIs only (git history of file.go); the current CLI ignores them, so we do
# not type-check them (CLI 28.x still typed `experimental` as a string).
_REMOVED_FIELDS = {
    "experimental": "v29.0.0",
    "stackOrchestrator": "v24.0.0",
    "kubernetes": "v23.0.0",
}

_GO_TYPES = {
    "string": "string",
    "slice": "[]string",
    "AuthConfig": "types.AuthConfig",
    "ProxyConfig": "configfile.ProxyConfig",
    "map": "map[string]string",
}
_EXPECTED = {
    "string": "a string",
    "slice": "an array of strings",
    "AuthConfig": "an object (username, password, auth, ...)",
    "ProxyConfig": "an object (httpProxy, httpsProxy, noProxy, ...)",
    "map": "an object of strings",
}
_GO_KIND = {
    "object": "object",
    "array": "array",
    "string": "string",
    "number": "number",
    "bool": "bool",
}
_A = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "number": "a number",
    "bool": "a boolean",
}


def _fold(name: str) -> str:
    """Go's encoding/json foldName: ASCII upper-casing, Unicode ToUpper(ToLower(r)) otherwise."""
    if name.isascii():
        return name.upper()
    out = []
    for ch in name:
        low = ch.lower() if len(ch.lower()) == 1 else ch
        up = low.upper() if len(low.upper()) == 1 else low
        out.append(up)
    return "".join(out)


_TOP_BY_FOLD = {_fold(k): k for k in (*_TOP_FIELDS, *_REMOVED_FIELDS)}


def docker_field(key: str) -> str | None:
    """The ConfigFile field a top-level key decodes into (Go folds case), or None."""
    return _TOP_BY_FOLD.get(_fold(key))
_AUTH_BY_FOLD = {_fold(k): k for k in _AUTH_FIELDS}
_PROXY_BY_FOLD = {_fold(k): k for k in _PROXY_FIELDS}


def _match(key: str, by_fold: dict[str, str]) -> str | None:
    # Go prefers an exact match, then a case-insensitive one; our field names never collide
    # once folded, so the folded lookup alone gives the same answer.
    return by_fold.get(_fold(key))


# --- Go's base64.StdEncoding, byte for byte ---------------------------------------------------

def _decode_auth(value: str) -> tuple[str, Secret] | str:
    """docker/cli configfile/file.go · decodeAuth: (username, password) or an error message."""
    try:
        decoded = decode_auth(value)
    except AuthDecodeError as exc:
        return exc.message
    return decoded.username, decoded.password


# --- decoding -------------------------------------------------------------------------------


class _Decoder:
    """Walks the parsed tree the way Go's decoder fills a ConfigFile."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.lines = LineIndex(text)
        self.type_errors: list[TypeProblem] = []
        self.duplicates: list[DuplicateKey] = []

    def loc(self, offset: int) -> Location:
        line, col = self.lines.line_col(offset)
        return Location(self.path, line, col)

    def skips_wrong_type(self, node: Node, path: str, typ: _Type, go_field: str) -> bool:
        """True when Go skips `node` because it cannot fill `typ`; records the type error."""
        if node.kind == "null":
            return False  # null never fails in Go: maps/slices become nil, strings unchanged
        want = {"string": "string", "slice": "array"}.get(typ[0], "object")
        if node.kind == want:
            return False
        if typ[0] == "map":
            expected = _EXPECTED["map"] if typ == _STRMAP else "an object"
            go_type = "map[string]" + _GO_TYPES[typ[1]]
        elif typ[0] == "struct":
            expected, go_type = _EXPECTED[typ[1]], _GO_TYPES[typ[1]]
        else:
            expected, go_type = _EXPECTED[typ[0]], _GO_TYPES[typ[0]]
        found = _GO_KIND[node.kind]
        self.type_errors.append(
            TypeProblem(
                path,
                expected,
                found,
                f"cannot unmarshal {found} into Go struct field {go_field} of type {go_type}",
                self.loc(node.start),
            )
        )
        return True

    def check_tree(self, node: Node, typ: _Type, path: str, go_field: str) -> None:
        """Type-check fields we do not model (formats, proxies, plugins, ...)."""
        if self.skips_wrong_type(node, path, typ, go_field):
            return
        if typ[0] == "slice":
            for item in node.items:
                self.skips_wrong_type(item, path + SEP + "[]", _STRING, go_field)
        elif typ[0] == "map" and node.kind == "object":
            elem = typ[1]
            for m in node.members:
                sub = f"{path}{SEP}{m.key}"
                if elem == "string":
                    self.skips_wrong_type(m.value, sub, _STRING, go_field)
                elif elem == "map":
                    self.check_tree(m.value, _STRMAP, sub, go_field)
                elif elem == "ProxyConfig":
                    if self.skips_wrong_type(m.value, sub, ("struct", "ProxyConfig"), go_field):
                        continue
                    for f in m.value.members:
                        name = _match(f.key, _PROXY_BY_FOLD)
                        if name is not None:
                            self.skips_wrong_type(
                                f.value,
                                f"{sub}{SEP}{f.key}",
                                _STRING,
                                f"ProxyConfig.proxies.{name}",
                            )

    def map_members(
        self, node: Node, current: dict[str, Member] | None, path: str
    ) -> dict[str, Member] | None:
        """Merge one occurrence of a map field into the map decoded so far (Go semantics)."""
        if node.kind == "null":
            return None  # Go sets a map to nil on null, dropping earlier occurrences
        if node.kind != "object":
            return current
        merged = {} if current is None else current
        for m in node.members:
            shadowed = merged.get(m.key)
            if shadowed is not None:
                kept = (m.value.value if path == "credHelpers" and m.value.kind == "string"
                        and isinstance(m.value.value, str) else None)
                self.duplicates.append(DuplicateKey(f"{path}{SEP}{m.key}", self.loc(m.key_start),
                                                    registry=m.key, kept=kept))
                # Go decoded the shadowed value too, so its type errors count.
                self.check_element(path, shadowed)
            # Assigning an existing key keeps its first-appearance position in the dict.
            merged[m.key] = m
        return merged

    def check_element(self, path: str, member: Member) -> None:
        if path == "auths":
            self.auth_entry(member)
        else:
            self.skips_wrong_type(member.value, f"{path}{SEP}{member.key}", _STRING,
                                  f"ConfigFile.{path}")

    def auth_entry(self, member: Member) -> AuthEntry:
        values: dict[str, str] = {}
        extra: list[str] = []
        seen: dict[str, int] = {}
        node = member.value
        go_field = "AuthConfig.auths"
        if node.kind == "object":
            for f in node.members:
                name = _match(f.key, _AUTH_BY_FOLD)
                if name is None:
                    extra.append(f.key)
                    continue
                if name in seen:
                    self.duplicates.append(
                        DuplicateKey(f"auths{SEP}{member.key}{SEP}{name}", self.loc(f.key_start),
                                     registry=member.key)
                    )
                seen[name] = f.key_start
                sub = f"auths{SEP}{member.key}{SEP}{f.key}"
                if self.skips_wrong_type(f.value, sub, _STRING, f"{go_field}.{name}"):
                    continue
                if f.value.kind == "string":
                    values[name] = str(f.value.value)
        else:
            # Go stores the zero AuthConfig under the key even when the value is skipped.
            self.skips_wrong_type(
                node, f"auths{SEP}{member.key}", ("struct", "AuthConfig"), "ConfigFile.auths"
            )

        def secret(name: str) -> Secret | None:
            return Secret(values[name]) if name in values else None

        auth = values.get("auth")
        auth_error = decoded_user = decoded_password = None
        if auth:
            result = _decode_auth(auth)
            if isinstance(result, str):
                auth_error = result
            else:
                decoded_user, decoded_password = result
        return AuthEntry(
            key=member.key,
            location=self.loc(member.key_start),
            auth=secret("auth"),
            username=values.get("username"),
            password=secret("password"),
            identitytoken=secret("identitytoken"),
            registrytoken=secret("registrytoken"),
            email=values.get("email"),
            serveraddress=values.get("serveraddress"),
            extra_fields=tuple(extra),
            auth_error=auth_error,
            decoded_username=decoded_user,
            decoded_password=decoded_password,
            member=member,
        )


def _decode_text(raw: bytes) -> tuple[str, int | None]:
    """UTF-8 decode with Go's substitution of U+FFFD per invalid byte; return first bad offset."""
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as first:
        parts: list[str] = [raw[: first.start].decode("utf-8")]
        bad_char_offset = len(parts[0])
        pos = first.start
        while pos < len(raw):
            try:
                parts.append(raw[pos:].decode("utf-8"))
                break
            except UnicodeDecodeError as exc:
                parts.append(raw[pos : pos + exc.start].decode("utf-8") + "\ufffd")
                pos += exc.start + 1
                if len(parts) > 1000:
                    # Binary garbage: stop retrying per byte (quadratic); only the first
                    # offset is reported and exact replacement no longer matters.
                    parts.append(raw[pos:].decode("utf-8", "replace"))
                    break
        return "".join(parts), bad_char_offset


def parse_config(data: str | bytes, path: str, *, strict: bool = True) -> DockerConfig:
    """Decode a config the way docker/cli's LoadFromReader does; see the module docstring."""
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(path, too_big_message(len(data)))
    bad_utf8: int | None = None
    if isinstance(data, bytes):
        has_bom = data.startswith(b"\xef\xbb\xbf")
        text, bad_utf8 = _decode_text(data[3:] if has_bom else data)
    else:
        has_bom = data.startswith("\ufeff")
        text = data[1:] if has_bom else data
    indent = detect_indent(text)
    decoder = _Decoder(path, text)

    def empty(root: Node | None = None) -> DockerConfig:
        return DockerConfig(path, text, has_bom, root, (), (), None, (), (), indent)

    if not text.strip(" \t\r\n"):
        # json.Decoder returns io.EOF for empty input and LoadFromReader ignores it:
        # Docker runs with an empty config (verified with CLI 28.2.2, no warning).
        return empty()
    try:
        root = parse(text, allow_trailing=True)
    except JsonSyntaxError as exc:
        message = exc.message
        if bad_utf8 is not None and exc.offset == bad_utf8:
            message = "invalid UTF-8 byte outside any string (Go rejects it: invalid character)"
        raise ConfigError(path, message, exc.line, exc.col) from None
    trailing_at = len(text) - len(text[root.end :].lstrip(" \t\r\n"))
    trailing = decoder.loc(trailing_at) if trailing_at < len(text) else None
    invalid_utf8 = decoder.loc(bad_utf8) if bad_utf8 is not None else None
    if root.kind == "null":
        # null into the *ConfigFile is a no-op for Go: an empty config, no warning.
        return DockerConfig(
            path, text, has_bom, root, (), (), None, (), (), indent, (), trailing, invalid_utf8,
            decoder.lines,
        )
    if root.kind != "object":
        line, col = line_col(text, root.start)
        raise ConfigError(
            path,
            f'the top level must be a JSON object, not {_A[root.kind]} (Docker: "json: cannot '
            f'unmarshal {_GO_KIND[root.kind]} into Go value of type configfile.ConfigFile")',
            line,
            col,
        )

    top_level: list[TopKey] = []
    auths: dict[str, Member] | None = None
    helpers: dict[str, Member] | None = None
    store: Member | None = None
    seen: set[str] = set()
    for m in root.members:
        canonical = _match(m.key, _TOP_BY_FOLD)
        location = decoder.loc(m.key_start)
        removed = _REMOVED_FIELDS.get(canonical) if canonical else None
        top_level.append(TopKey(m.key, canonical, location, removed))
        dup_name = canonical or m.key
        if dup_name in seen:
            decoder.duplicates.append(DuplicateKey(
                dup_name, location, written=m.key if m.key != dup_name else None))
        seen.add(dup_name)
        if canonical is None or removed is not None:
            continue
        typ = _TOP_FIELDS[canonical]
        go_field = f"ConfigFile.{canonical}"
        if canonical == "auths":
            if not decoder.skips_wrong_type(m.value, m.key, typ, go_field):
                auths = decoder.map_members(m.value, auths, "auths")
        elif canonical == "credHelpers":
            if not decoder.skips_wrong_type(m.value, m.key, typ, go_field):
                helpers = decoder.map_members(m.value, helpers, "credHelpers")
        elif canonical == "credsStore":
            skipped = decoder.skips_wrong_type(m.value, m.key, typ, go_field)
            if not skipped and m.value.kind == "string":
                store = m
        else:
            decoder.check_tree(m.value, typ, m.key, go_field)

    auth_entries = tuple(decoder.auth_entry(m) for m in (auths or {}).values())
    helper_entries: list[HelperEntry] = []
    for key, m in (helpers or {}).items():
        # A non-string helper is a type error; Go still stores "" under the key, which opts
        # the host out of credsStore (getConfiguredCredentialStore).
        decoder.check_element("credHelpers", m)
        name = str(m.value.value) if m.value.kind == "string" else ""
        helper_entries.append(HelperEntry(key, name, decoder.loc(m.key_start), m))
    creds_store = (
        ScalarEntry(str(store.value.value), decoder.loc(store.key_start), store) if store else None
    )

    type_errors = sorted(decoder.type_errors, key=lambda t: t.location)
    if strict and type_errors:
        first = type_errors[0]
        raise ConfigError(path, first.message, first.location.line, first.location.col)
    return DockerConfig(
        path=path,
        text=text,
        has_bom=has_bom,
        root=root,
        auths=auth_entries,
        cred_helpers=tuple(helper_entries),
        creds_store=creds_store,
        top_level=tuple(top_level),
        duplicates=tuple(sorted(decoder.duplicates, key=lambda d: d.location)),
        indent=indent,
        type_errors=tuple(type_errors),
        trailing_data=trailing,
        invalid_utf8=invalid_utf8,
        lines=decoder.lines,
    )
