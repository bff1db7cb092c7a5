"""`kube check`: the KUB rules on one CredentialProviderConfig, as the kubelet would read it.

Decoding and validation follow kubernetes/kubernetes · pkg/credentialprovider/plugin/
(config.go · decode, validateCredentialProviderConfig; plugin.go · strict codecs,
RegisterCredentialProviderPlugins); field names and types follow
staging/src/k8s.io/kubelet/config/v1/types.go.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from ecr_doctor.core.controls import UNSAFE_CHARACTERS
from ecr_doctor.core.kube.document import KNode
from ecr_doctor.core.kube.hosts import (
    CONFIG_KIND,
    CONFIG_VERSIONS,
    HOST_FAMILIES,
    PROVIDER_GROUP,
    PROVIDER_NAME,
    PROVIDER_VERSIONS,
    HostFamily,
    ecr_family_of,
)
from ecr_doctor.core.kube.match import BadURL, image_allowed, parse_schemeless_url
from ecr_doctor.core.model import Applicability, Finding, Fix, Location, Severity
from ecr_doctor.core.registries import classify
from ecr_doctor.core.rules import kub
from ecr_doctor.core.rules.base import Rule
from ecr_doctor.core.secrets import mask

TOP_FIELDS = ("apiVersion", "kind", "providers")
PROVIDER_FIELDS = ("name", "matchImages", "defaultCacheDuration", "apiVersion", "args", "env",
                   "tokenAttributes")
ENV_FIELDS = ("name", "value")
TOKEN_FIELDS = ("serviceAccountTokenAudience", "cacheType", "requireServiceAccount",
                "requiredServiceAccountAnnotationKeys", "optionalServiceAccountAnnotationKeys")
CACHE_TYPES = ("ServiceAccount", "Token")  # config.go · validCacheTypes
_V1 = f"{PROVIDER_GROUP}/v1"
_CONTROL = re.compile(f"[{UNSAFE_CHARACTERS}\\s]")

#: What `--bin-dir` showed for a provider name (machine/kubefile.py · bin_dir_states).
BIN_STATES = ("executable", "not-executable", "directory", "missing")


class Provider(NamedTuple):
    position: int
    name: str | None
    line: int
    api_version: str | None
    match_images: tuple[tuple[str, int], ...]   # (entry, line), strings only


class KubeCheck(NamedTuple):
    path: str
    providers: tuple[Provider, ...]
    findings: tuple[Finding, ...]


def is_ecr_provider(name: str | None) -> bool:
    return name is not None and (name == PROVIDER_NAME or "ecr" in name.lower())


def parse_go_duration(text: str) -> float | None:
    """Seconds of Go's time.ParseDuration(text), or None where Go returns an error."""
    units = {"ns": 1e-9, "us": 1e-6, "\u00b5s": 1e-6, "\u03bcs": 1e-6, "ms": 1e-3, "s": 1.0,
             "m": 60.0, "h": 3600.0}
    s = text
    sign = 1.0
    if s[:1] in ("-", "+"):
        sign, s = (-1.0 if s[0] == "-" else 1.0), s[1:]
    if s == "0":
        return 0.0
    if not s:
        return None
    total = 0.0
    pattern = re.compile(r"(\d*)(?:\.(\d*))?([^\d.]+)", re.ASCII)
    pos = 0
    while pos < len(s):
        m = pattern.match(s, pos)
        if m is None or (not m[1] and not m[2]) or m[3] not in units:
            return None
        whole = float(m[1] or 0) + (float("0." + m[2]) if m[2] else 0.0)
        total += whole * units[m[3]]
        pos = m.end()
    return sign * total


class _Checker:
    def __init__(self, path: str, registries: tuple[str, ...],
                 bin_dir: Mapping[str, str] | None) -> None:
        self.path = path
        self.registries = registries
        self.bin_dir = bin_dir
        self.findings: list[Finding] = []
        self.providers: list[Provider] = []

    def at(self, line: int) -> Location:
        return Location(self.path, line, 1)

    def add(self, rule: Rule, message: str, line: int, *, fix: Fix | None = None,
            severity_override: Severity | None = None, registry: str | None = None,
            details: Iterable[tuple[str, str]] = ()) -> None:
        # Names and entries are quoted from the file: a token pasted into one stays masked.
        if fix is not None:
            fix = fix._replace(description=mask(fix.description))
        finding = rule.finding(mask(message), self.at(line), fix=fix, registry=registry,
                               details=tuple((k, mask(v)) for k, v in details))
        if severity_override is not None:
            finding = finding._replace(severity=severity_override)
        self.findings.append(finding)

    # --- generic structure --------------------------------------------------------------

    def duplicates(self, node: KNode, where: str) -> None:
        seen: set[str] = set()
        for key, line, _ in node.pairs:
            if key in seen:
                self.add(kub.KUB015, f'{where} has the key "{key}" twice (line {line} repeats '
                         "it); the kubelet's strict decoder refuses duplicate fields", line,
                         details=(("field", f"{where}.{key}"),))
            seen.add(key)

    def unknown(self, node: KNode, fields: tuple[str, ...], where: str) -> None:
        lower = {f.lower(): f for f in fields}
        for key, line, _ in node.pairs:
            if key in fields:
                continue
            meant = lower.get(key.lower()) or _close(key, fields)
            hint = f' (did you mean "{meant}"? field names are case-sensitive)' if meant else ""
            fix = (Fix(f'rename "{key}" to "{meant}"', Applicability.SAFE, ())
                   if meant and meant.lower() == key.lower() else None)
            self.add(kub.KUB014, f'{where} has the unknown field "{key}"{hint}; the kubelet\'s '
                     "strict decoder refuses the file", line, fix=fix,
                     details=(("field", f"{where}.{key}"),))

    def wrong_type(self, where: str, node: KNode, wanted: str) -> None:
        self.add(kub.KUB016, f"{where} is {node.describe()}, not {wanted}; the kubelet cannot "
                 "decode the file", node.line, details=(("field", where),))

    def string(self, parent: KNode, key: str, where: str) -> str | None:
        node = parent.get(key)
        if node is None or node.kind == "null":
            return None
        if node.kind != "str":
            self.wrong_type(f"{where}.{key}", node, "a string")
            return None
        return str(node.value)

    def string_list(self, parent: KNode, key: str, where: str) -> list[tuple[str, int]] | None:
        node = parent.get(key)
        if node is None or node.kind == "null":
            return None
        if node.kind != "seq":
            self.wrong_type(f"{where}.{key}", node, "a list of strings")
            return None
        out = []
        for i, item in enumerate(node.items):
            if item.kind != "str":
                self.wrong_type(f"{where}.{key}[{i}]", item, "a string")
            else:
                out.append((str(item.value), item.line))
        return out

    # --- the document -------------------------------------------------------------------

    def run(self, root: KNode) -> None:
        if root.kind != "map":
            self.wrong_type("the document", root, "a mapping (apiVersion, kind, providers)")
            return
        self.duplicates(root, "the config")
        self.unknown(root, TOP_FIELDS, "the config")
        self.kind(root)
        providers = root.get("providers")
        if providers is None or providers.kind == "null" or (
                providers.kind == "seq" and not providers.items):
            self.add(kub.KUB006, "the config lists no providers; the kubelet requires at least "
                     "one", root.key_line("providers") if providers else root.line)
        elif providers.kind != "seq":
            self.wrong_type("providers", providers, "a list")
        else:
            for i, node in enumerate(providers.items):
                self.provider(i, node)
        self.duplicate_names()
        self.coverage(root)

    def kind(self, root: KNode) -> None:
        version = self.string(root, "apiVersion", "the config")
        kind = self.string(root, "kind", "the config")
        fix = Fix("add apiVersion: kubelet.config.k8s.io/v1 and kind: CredentialProviderConfig "
                  "(kubelet 1.26 and later)", Applicability.UNSAFE, ())
        missing = [k for k in ("apiVersion", "kind") if root.get(k) is None]
        if missing:
            self.add(kub.KUB001, f"the config has no top-level {' or '.join(missing)}; the "
                     "kubelet cannot tell what the file is and refuses it (expected "
                     "apiVersion: kubelet.config.k8s.io/v1, kind: CredentialProviderConfig)",
                     root.line, fix=fix)
        if version is not None and version not in CONFIG_VERSIONS:
            self.add(kub.KUB001, f'the config\'s apiVersion "{version}" is not one the kubelet '
                     f"decodes ({', '.join(CONFIG_VERSIONS)})", root.key_line("apiVersion"))
        if kind is not None and kind != CONFIG_KIND:
            self.add(kub.KUB001, f'the config\'s kind "{kind}" is not CredentialProviderConfig',
                     root.key_line("kind"))

    def provider(self, index: int, node: KNode) -> None:
        where = f"providers[{index}]"
        if node.kind != "map":
            self.wrong_type(where, node, "a mapping")
            return
        self.duplicates(node, where)
        self.unknown(node, PROVIDER_FIELDS, where)
        name = self.name(node, where)
        label = f'provider "{name}"' if name else where
        api_version = self.api_version(node, where, label, name)
        images = self.match_images(node, where, label, name)
        self.cache_duration(node, where, label)
        self.string_list(node, "args", where)
        self.env(node, where)
        self.token_attributes(node, where, label, api_version)
        self.providers.append(Provider(index, name, node.line, api_version, tuple(images)))

    def name(self, node: KNode, where: str) -> str | None:
        name = self.string(node, "name", where)
        raw = node.get("name")
        line = node.key_line("name")
        if name is None:
            if raw is None or raw.kind == "null":
                self.add(kub.KUB004, f"{where} has no name; the kubelet runs "
                         "<bin-dir>/<name> and refuses the file without one", node.line)
            return None
        problem = None
        if name == "":
            problem = "is empty"
        elif "/" in name:
            problem = ("contains '/' (it is a file name in "
                       "--image-credential-provider-bin-dir)")
        elif " " in name:
            problem = "contains a space"
        elif name in (".", ".."):
            problem = f"is '{name}'"
        if problem:
            self.add(kub.KUB004, f'{where} name "{name}" {problem}; the kubelet refuses the file',
                     line, details=(("provider", name),))
        elif _CONTROL.search(name):
            self.add(kub.KUB004, f'{where} name "{name}" contains control or space characters; '
                     "no plugin binary is named so", line, severity_override=kub.KUB008.severity,
                     details=(("provider", name),))
        elif self.bin_dir is not None:
            state = self.bin_dir.get(name, "missing")
            if state != "executable":
                what = {"missing": "there is no such file", "directory": "it is a directory",
                        "not-executable": "the file is not executable"}[state]
                self.add(kub.KUB005, f'the kubelet would run "{name}" from --bin-dir, but {what}; '
                         "it refuses to start", line, details=(("provider", name),
                                                                ("state", state)))
        return name

    def api_version(self, node: KNode, where: str, label: str, name: str | None) -> str | None:
        version = self.string(node, "apiVersion", where)
        fix = Fix(f"set apiVersion: {_V1}", Applicability.SAFE, ())
        if node.get("apiVersion") is None:
            self.add(kub.KUB002, f"{label} has no apiVersion; the kubelet requires one "
                     f"({_V1})", node.line, fix=fix)
        elif version is not None and version not in PROVIDER_VERSIONS:
            self.add(kub.KUB002, f'{label} apiVersion "{version}" is not one the kubelet '
                     f"accepts ({', '.join(PROVIDER_VERSIONS)}); it refuses the file",
                     node.key_line("apiVersion"), fix=fix)
        elif version is not None and version != _V1 and is_ecr_provider(name):
            self.add(kub.KUB002, f'{label} apiVersion "{version}": ecr-credential-provider '
                     f"v1.27.1 and later accept only {_V1}, so every ECR pull goes "
                     "without credentials", node.key_line("apiVersion"), fix=fix,
                     severity_override=kub.KUB008.severity)
        return version

    def match_images(self, node: KNode, where: str, label: str,
                     name: str | None) -> list[tuple[str, int]]:
        entries = self.string_list(node, "matchImages", where)
        raw = node.get("matchImages")
        if raw is None or raw.kind == "null" or (raw.kind == "seq" and not raw.items):
            self.add(kub.KUB006, f"{label} has no matchImages; the kubelet requires at least "
                     "one entry per provider", node.key_line("matchImages")
                     if raw is not None else node.line)
            return []
        if entries is None:
            return []
        good: list[tuple[str, int]] = []
        ecr = is_ecr_provider(name)
        for entry, line in entries:
            try:
                url = parse_schemeless_url(entry)
            except BadURL as exc:
                self.add(kub.KUB007, f'{label} matchImages entry "{entry}" is not a valid URL '
                         f"to Go's url.Parse ({exc}); the kubelet refuses the file", line,
                         details=(("entry", entry),))
                continue
            good.append((entry, line))
            if "://" in entry:
                bare = entry.split("://", 1)[1]
                self.add(kub.KUB008, f'{label} matchImages entry "{entry}" has a scheme; the '
                         'kubelet adds "https://" itself, so the host reads as '
                         f'"{url.host}" and no image ever matches', line,
                         fix=Fix(f'write "{bare}"', Applicability.SAFE, ()),
                         details=(("entry", entry),))
            elif ecr and ecr_family_of(entry) is None:
                self.add(kub.KUB008, f'{label} matchImages entry "{entry}" can never match an '
                         f"ECR host: {_why_not_ecr(entry)}", line, details=(("entry", entry),))
        if ecr and good and not any(ecr_family_of(e) for e, _ in good):
            self.add(kub.KUB009, f"{label} matchImages match no ECR host at all, so the kubelet "
                     "never asks it for ECR credentials", node.key_line("matchImages"))
        return good

    def cache_duration(self, node: KNode, where: str, label: str) -> None:
        value = node.get("defaultCacheDuration")
        line = node.key_line("defaultCacheDuration")
        if value is None or value.kind == "null":
            self.add(kub.KUB003, f"{label} has no defaultCacheDuration; the kubelet requires "
                     'it (write "12h")', line if value is not None else node.line,
                     fix=Fix('add defaultCacheDuration: "12h"', Applicability.SAFE, ()))
            return
        if value.kind != "str":
            shown = str(value.value).lower() if value.kind == "bool" else str(value.value)
            self.add(kub.KUB003, f"{label} defaultCacheDuration {shown} is {value.describe()}, "
                     'not a duration string: write it quoted, with a unit ("12h"; "0" for '
                     "zero)", line,
                     fix=Fix('write defaultCacheDuration: "12h"', Applicability.SAFE, ()))
            return
        text = str(value.value)
        seconds = parse_go_duration(text)
        if seconds is None:
            self.add(kub.KUB003, f'{label} defaultCacheDuration "{text}" is not a Go duration '
                     '(units ns, us, ms, s, m, h: "12h", "90m")', line)
        elif seconds < 0:
            self.add(kub.KUB003, f'{label} defaultCacheDuration "{text}" is negative', line)

    def env(self, node: KNode, where: str) -> None:
        env = node.get("env")
        if env is None or env.kind == "null":
            return
        if env.kind != "seq":
            self.wrong_type(f"{where}.env", env, "a list of {name, value}")
            return
        for i, item in enumerate(env.items):
            at = f"{where}.env[{i}]"
            if item.kind != "map":
                self.wrong_type(at, item, "a mapping {name, value}")
                continue
            self.duplicates(item, at)
            self.unknown(item, ENV_FIELDS, at)
            self.string(item, "name", at)
            self.string(item, "value", at)

    def token_attributes(self, node: KNode, where: str, label: str,
                         api_version: str | None) -> None:
        attrs = node.get("tokenAttributes")
        if attrs is None or attrs.kind == "null":
            return
        at = f"{where}.tokenAttributes"
        if attrs.kind != "map":
            self.wrong_type(at, attrs, "a mapping")
            return
        self.duplicates(attrs, at)
        self.unknown(attrs, TOKEN_FIELDS, at)
        line = node.key_line("tokenAttributes")
        problems: list[str] = []
        audience = self.string(attrs, "serviceAccountTokenAudience", at)
        if not audience:
            problems.append("serviceAccountTokenAudience is required")
        require = attrs.get("requireServiceAccount")
        require_value: bool | None = None
        if require is None or require.kind == "null":
            problems.append("requireServiceAccount is required (true or false)")
        elif require.kind != "bool":
            self.wrong_type(f"{at}.requireServiceAccount", require, "a boolean")
        else:
            require_value = bool(require.value)
        cache_type = self.string(attrs, "cacheType", at)
        if attrs.get("cacheType") is None:
            problems.append(f"cacheType is required ({' or '.join(CACHE_TYPES)})")
        elif cache_type is not None and cache_type not in CACHE_TYPES:
            problems.append(f'cacheType "{cache_type}" is not {" or ".join(CACHE_TYPES)}')
        if api_version is not None and api_version != _V1:
            problems.append(f"tokenAttributes needs the provider apiVersion {_V1}")
        required = [k for k, _ in self.string_list(attrs, "requiredServiceAccountAnnotationKeys",
                                                   at) or []]
        optional = [k for k, _ in self.string_list(attrs, "optionalServiceAccountAnnotationKeys",
                                                   at) or []]
        if require_value is False and required:
            problems.append("requireServiceAccount cannot be false when "
                            "requiredServiceAccountAnnotationKeys is set")
        both = sorted(set(required) & set(optional))
        if both:
            problems.append(f"annotation keys both required and optional: {', '.join(both)}")
        for problem in problems:
            self.add(kub.KUB013, f"{label} tokenAttributes: {problem}; the kubelet refuses "
                     "the file", line)

    def duplicate_names(self) -> None:
        seen: dict[str, Provider] = {}
        for provider in self.providers:
            if provider.name is None:
                continue
            first = seen.get(provider.name)
            if first is not None:
                both = f"providers[{first.position}] and providers[{provider.position}]"
                self.add(kub.KUB012, f'{both} are both named "{provider.name}"; the kubelet '
                         "refuses duplicate provider names", provider.line,
                         details=(("provider", provider.name),))
            else:
                seen[provider.name] = provider

    # --- coverage -----------------------------------------------------------------------

    def coverage(self, root: KNode) -> None:
        globs = [e for p in self.providers for e, _ in p.match_images]
        line = self.providers[0].line if self.providers else root.line
        for registry in self.registries:
            host = classify(registry).host
            if not image_allowed(globs, f"{host}/image"):
                self.add(kub.KUB010, f"no provider's matchImages match images on {host}; the "
                         "kubelet pulls them without credentials", line, registry=host)
        ecr = [p for p in self.providers if is_ecr_provider(p.name)]
        if not ecr and not self.registries:
            return
        covered = [f for f in HOST_FAMILIES
                   if any(image_allowed(globs, f"{h}/image") for h in f.examples)]
        in_use = {f.partitions[0] for f in covered if not f.public}
        in_use |= {p for r in self.registries if (p := classify(r).partition) is not None}
        for partition in sorted(in_use):
            missing = [f for f in HOST_FAMILIES if partition in f.partitions
                       and f not in covered and (partition == "aws" or not f.public)]
            if partition == "aws-us-gov" and "aws" in in_use:
                continue  # the same globs serve both; reported once, under aws
            if missing:
                self.add(kub.KUB011, f"the matchImages cover {partition} ECR hosts but not its "
                         f"{_family_list(missing)}: images named by those hosts are pulled "
                         "without credentials", line,
                         details=(("partition", partition),
                                  ("missing", " ".join(f.glob for f in missing))))


def _family_list(families: list[HostFamily]) -> str:
    return ", ".join(f"{f.label} hosts ({f.glob})" for f in families)


def _why_not_ecr(entry: str) -> str:
    url = parse_schemeless_url(entry)
    labels = url.host.split(".")
    if ":" in url.host and not url.host.startswith("["):
        return "it has a port, and images name ECR registries without one (ports must match)"
    if any("*" in label for label in labels):
        return ("each * matches exactly one DNS label, and no ECR host has this many labels "
                f"({len(labels)}) in this shape; ECR hosts look like "
                "<account>.dkr.ecr.<region>.amazonaws.com")
    return "no ECR host (private, FIPS, dual-stack, Public) has this name"


def _close(key: str, fields: tuple[str, ...]) -> str | None:
    import difflib  # paid only for an unknown field

    found = difflib.get_close_matches(key, list(fields), n=1, cutoff=0.8)
    return found[0] if found else None


def check_config(root: KNode, path: str, *, registries: tuple[str, ...] = (),
                 bin_dir: Mapping[str, str] | None = None) -> KubeCheck:
    """Every KUB finding for the document `root` (read from `path`).

    `bin_dir` maps provider names to what `--bin-dir` holds for each (BIN_STATES), or is None
    when no directory was given.
    """
    checker = _Checker(path, registries, bin_dir)
    checker.run(root)
    findings = sorted(checker.findings, key=lambda f: (f.location.line, f.rule_id, f.message))
    return KubeCheck(path, tuple(checker.providers), tuple(findings))


def provider_names(root: KNode) -> tuple[str, ...]:
    """The provider names in `root`, for the edge to look up in --bin-dir."""
    providers = root.get("providers") if root.kind == "map" else None
    if providers is None or providers.kind != "seq":
        return ()
    names = []
    for item in providers.items:
        name = item.get("name") if item.kind == "map" else None
        if name is not None and name.kind == "str":
            names.append(str(name.value))
    return tuple(names)
