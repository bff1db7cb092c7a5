"""Detectors for `ecr-doctor scan`: one file's bytes in, findings out. Standard library only.

Each file first passes a cheap literal pre-filter (`bytes in bytes` runs at memory speed); only
files that mention a trigger are decoded and parsed. Every detector decodes before it fires:
an ECR token must decode to the observed `payload`/`datakey` structure, a Docker config must
parse as JSON with credentials in `auths`, so look-alike strings stay silent.

A finding never holds a secret: only `Secret.fingerprint` (keyed per run), a `hash` made of
the rule and the finding's line with its secrets masked (stable across runs: SARIF and
baselines key on it), and, only while a baseline is in use, the secret's slow salted check.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import NamedTuple

from ecr_doctor.core.dockerconfig import AuthEntry, ConfigError, parse_config
from ecr_doctor.core.imageref import parse_image
from ecr_doctor.core.model import Finding, Location, Severity
from ecr_doctor.core.placeholders import documentation_host, not_a_registry_credential
from ecr_doctor.core.registries import classify
from ecr_doctor.core.rules import scn
from ecr_doctor.core.rules.base import Rule
from ecr_doctor.core.secrets import (
    ECR_AUTH_PREFIX,
    ECR_PASSWORD_PREFIX,
    PASSWORD_ARG,
    Secret,
    ecr_token_pattern,
)
from ecr_doctor.core.tokens import AuthDecodeError, decode_auth, decode_ecr_password, expiry_status
from ecr_doctor.scan.embedded import TooManyFragments, embedded_configs, json_object_at

# --- YAML, as the loader at the edge hands it over --------------------------------------------


class YNode(NamedTuple):
    """A YAML node with its position: PyYAML lives at the edge (`yamlio`), this core never
    imports it. `pairs` holds a mapping's members, `items` a sequence's."""

    kind: str  # "map" | "seq" | "scalar"
    line: int  # 1-based line where the node starts
    value: str = ""  # a scalar's text (unescaped, as YAML reads it)
    pairs: tuple[tuple[YNode, YNode], ...] = ()
    items: tuple[YNode, ...] = ()
    block: bool = False  # literal/folded scalar: its first content line is line + 1

    def get(self, key: str) -> YNode | None:
        for k, v in self.pairs:
            if k.value == key:
                return v
        return None

    def content_line(self, index: int) -> int:
        """The file line of the `index`-th line of a scalar's text."""
        return self.line + index + (1 if self.block else 0)


YamlLoader = Callable[[str], list[YNode]]

# --- Pre-filter --------------------------------------------------------------------------------

# Substrings without which no detector can fire. `auths\"` is the key escaped (any depth).
_AUTH_PREFIX, _PASSWORD_PREFIX = ECR_AUTH_PREFIX.encode(), ECR_PASSWORD_PREFIX.encode()
AUTHS_KEYS = (b'auths"', b'auths\\"')
# Per file kind, what its detectors need (scan_bytes calls the same detectors by kind): a
# source file or log is read for config documents and tokens only, so `login` in prose or
# code does not make every file worth decoding.
# (`auths` stands for both AUTHS_KEYS: one pass over the bytes instead of two.)
_TEXT_TRIGGERS: tuple[bytes, ...] = (_AUTH_PREFIX, _PASSWORD_PREFIX, b"auths", b"AUTH_CONFIG")
_JSON_TRIGGERS = (*_TEXT_TRIGGERS, b"dockerc")
TRIGGERS: tuple[bytes, ...] = (*_TEXT_TRIGGERS, b"login", b"dockerc", b"dkr.ecr",
                               b"credentials")
_TRIGGERS_BY_KIND = {"text": _TEXT_TRIGGERS, "json": _JSON_TRIGGERS}

_SHELL_NAMES = frozenset({"makefile", "gnumakefile", "dockerfile", "containerfile", "jenkinsfile",
                          "justfile", "procfile"})
_SHELL_EXTS = (".sh", ".bash", ".zsh", ".ksh", ".mk", ".ps1", ".bat", ".cmd", ".env",
               ".dockerfile", ".groovy")
DOCKER_CONFIG_NAMES = frozenset({"config.json", "auth.json", ".dockercfg", ".dockerconfigjson",
                                 "dockerconfig.json"})


_KIND_BY_EXTENSION = {".json": "json", ".yml": "yaml", ".yaml": "yaml", ".toml": "toml",
                      **dict.fromkeys(_SHELL_EXTS, "shell")}


def file_kind(path: str, head: bytes = b"") -> str:
    """How to read a file, from its name (and a shebang): decides which detectors run."""
    name = path.rpartition("/")[2].rpartition("\\")[2].lower()
    if name in DOCKER_CONFIG_NAMES:
        return "dockerconfig"
    if name == "cache.json":
        return "ecrcache"
    dot = name.rfind(".")
    # Called for every file of a tree: one look-up, not a test per extension.
    kind = _KIND_BY_EXTENSION.get(name[dot:]) if dot >= 0 else None
    if kind is not None:
        return kind
    if (name in _SHELL_NAMES or name.startswith("dockerfile.")
            or (head.startswith(b"#!") and b"sh" in head[:80].split(b"\n", 1)[0])):
        return "shell"
    return "text"


def worth_reading(data: bytes, kind: str) -> bool:
    if kind == "text":
        # Most files of a tree, so spelt out: no generator per file (a tenth of this
        # function's time), each test one pass over the bytes.
        return (_AUTH_PREFIX in data or _PASSWORD_PREFIX in data or b"auths" in data
                or b"AUTH_CONFIG" in data)
    if kind == "json" and b'"Statement"' in data and b"ecr" in data:
        return True  # an IAM policy that may grant ECR (IAM001/IAM002)
    return kind in ("dockerconfig", "ecrcache") or any(
        t in data for t in _TRIGGERS_BY_KIND.get(kind, TRIGGERS))


# --- Findings ----------------------------------------------------------------------------------


def hash_value(*parts: str) -> str:
    """SHA-256 over `parts`, 40 hex: how a scan tells findings and secrets apart within a run."""
    import hashlib  # only once there is a finding: loading OpenSSL is 2 ms of every scan

    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()[:40]


# A baseline's secret check is a slow salted hash (the salt is the baseline's own), so that the
# baseline file, which may travel further than the repository it describes, cannot be used
# to test guesses of a weak password quickly.
_CHECK_ITERATIONS = 20_000


def secret_check(secret: str, salt: bytes) -> str:
    import hashlib

    return hashlib.pbkdf2_hmac("sha256", secret.encode("utf-8", "surrogatepass"), salt,
                               _CHECK_ITERATIONS, dklen=20).hex()


class _Scan:
    """One file's scan state: its text, findings, and secrets already reported (for dedup)."""

    def __init__(self, path: str, text: str, now: datetime,
                 baseline_salt: bytes | None = None) -> None:
        self.path = path
        self.text = text
        self.now = now
        self.baseline_salt = baseline_salt
        self.findings: list[Finding] = []
        self.reported: set[str] = set()  # hashes of secrets already in a finding
        #: Why part of the file went unsearched (a gate must not pass it), or None.
        self.incomplete: str | None = None

    def line_of(self, offset: int) -> Location:
        line = self.text.count("\n", 0, offset) + 1
        col = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        return Location(self.path, line, col)

    def finding(self, rule: Rule, message: str, loc: Location, *, secret: str | None = None,
                severity: Severity | None = None,
                registry: str | None = None,
                extra: Iterable[tuple[str, str]] = ()) -> Finding:
        """A finding that holds no secret: a keyed fingerprint to tell secrets apart, and,
        when a baseline is in use, the secret's check under the baseline's salt."""
        details: list[tuple[str, str]] = []
        if secret is not None:
            details.append(("secret", Secret(secret).fingerprint))
            if self.baseline_salt is not None:
                details.append((SECRET_CHECK, secret_check(secret, self.baseline_salt)))
        details.extend(extra)
        return rule.finding(message, loc, severity=severity, registry=registry, details=details)

    def add(self, finding: Finding, secret: str | None = None) -> None:
        if secret is not None:
            self.reported.add(hash_value(secret))
        self.findings.append(finding)


#: The detail that carries a secret's baseline check; never part of any output.
SECRET_CHECK = "secret_check"


def _with_hashes(text: str, findings: list[Finding]) -> list[Finding]:
    """Give each finding its `hash`: stable across runs and machines (SARIF
    partialFingerprints, baselines) and made of nothing secret. It covers the rule and the
    finding's line with every secret on it masked, whitespace folded, and which occurrence
    of that pair in the file it is, so an edit elsewhere in the file does not change it."""
    from ecr_doctor.core.secrets import mask

    if not findings:
        return findings
    lines = text.split("\n")
    seen: dict[tuple[str, str], int] = {}
    out: list[Finding] = []
    for f in findings:
        if f.detail("hash") is not None:
            out.append(f)
            continue
        line = lines[f.location.line - 1] if 0 < f.location.line <= len(lines) else ""
        context = " ".join(mask(line[:4096], "*").split())
        n = seen.get((f.rule_id, context), 0)
        seen[(f.rule_id, context)] = n + 1
        out.append(f._replace(details=(*f.details,
                                       ("hash", hash_value(f.rule_id, context, str(n))))))
    return out


# --- SCN001: Docker config documents ----------------------------------------------------------


def _legacy_dockercfg(doc: str) -> str | None:
    """`.dockercfg` (pre-1.7 and Kubernetes `kubernetes.io/dockercfg`) has registries at the top
    level; re-wrap it as `{"auths": …}` so the one parser reads both (positions are lost)."""
    try:
        obj = json.loads(doc)
    except ValueError:
        return None
    if not isinstance(obj, dict) or any(str(k).lower() == "auths" for k in obj):
        return None
    if not any(isinstance(v, dict) and ("auth" in v or "password" in v) for v in obj.values()):
        return None
    return json.dumps({"auths": obj})


def config_document(scan: _Scan, doc: str, via: str, anchor: YNode | None = None,
                    anchor_line: int | None = None, first_line: int | None = None,
                    once: bool = False) -> bool:
    """Report static credentials in one Docker config JSON document; False if it is not one.

    Where findings point: `anchor` (a YAML node holding the document), `anchor_line` (every
    entry at that line), `first_line` (the document is the file's text from that line on, so
    entries keep their own lines), else the document is the whole file. `once`: skip
    secrets another detector already reported in this file.
    """
    positional = True
    try:
        config = parse_config(doc, scan.path, strict=False)
    except ConfigError:
        return False
    if not config.auths:
        legacy = _legacy_dockercfg(doc)
        if legacy is None:
            return False
        config = parse_config(legacy, scan.path, strict=False)
        positional = False
    for entry in config.auths:
        if not entry.has_credential or _grants_nothing(entry):
            continue
        if anchor is not None:
            inner = entry.location.line - 1 if (anchor.block and positional) else 0
            loc = Location(scan.path, anchor.line + inner + (1 if anchor.block else 0), 1)
        elif anchor_line is not None:
            loc = Location(scan.path, anchor_line, 1)
        elif first_line is not None:
            loc = Location(scan.path, first_line + (entry.location.line - 1 if positional else 0),
                           1)
        else:
            loc = entry.location if positional else Location(scan.path, 1, 1)
        _credential_entry(scan, entry.key, entry.decoded_username or entry.username,
                          entry.decoded_password or entry.password
                          or entry.identitytoken or entry.registrytoken or entry.auth,
                          via, loc, once=once)
    return True


# An `auth` Docker cannot decode logs in to nothing (the client refuses the config); a short
# one (`"auth": "x"` in a linter's fixture) is not even a secret anyone could read off.
_MIN_UNDECODED_AUTH = 16


def _grants_nothing(entry: AuthEntry) -> bool:
    return (entry.auth_error is not None and entry.auth is not None
            and not (entry.password or entry.identitytoken or entry.registrytoken)
            and len(entry.auth.reveal()) < _MIN_UNDECODED_AUTH)


def config_documents_in_text(scan: _Scan, via: str) -> None:
    """Every Docker config document in the file's text, whatever holds it and however many
    times it was escaped (scan/embedded); secrets a structural detector reported stay single."""
    try:
        configs = embedded_configs(scan.text)
    except TooManyFragments as exc:
        configs = exc.found
        scan.incomplete = (f"{exc}: the file was not checked to the end (exclude it, or "
                           "split it)")
    for found in configs:
        line = scan.line_of(found.start).line
        if found.end is not None:  # unescaped: the entries keep their own lines
            config_document(scan, scan.text[found.start:found.end], via, first_line=line,
                            once=True)
        else:
            config_document(scan, json.dumps(found.obj), via, anchor_line=line, once=True)


def _credential_entry(scan: _Scan, key: str, username: str | None, secret: Secret | None,
                      via: str, loc: Location, *, once: bool = False) -> None:
    registry = classify(key)
    value = secret.reveal() if secret is not None else key
    if once and hash_value(value) in scan.reported:
        return
    if secret is not None and (not_a_registry_credential(value, username) is not None
                               or documentation_host(key)):
        return  # filled in (or hidden) elsewhere: a template, a CI log, documentation
    token = decode_ecr_password(secret) if secret is not None else None
    extra: list[tuple[str, str]] = [("registry_kind", registry.kind.value), ("via", via)]
    if token is not None:
        status = expiry_status(token.expires_at, scan.now)
        if registry.account:
            extra += [("account", registry.account)]
        if registry.region:
            extra += [("region", registry.region)]
        if token.expires_at is not None:
            extra.append(("expires_at", token.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ")))
        where = (f" (account {registry.account}, {registry.region})"
                 if registry.account and registry.region else "")
        severity = Severity.CRITICAL if status.state == "live" else Severity.HIGH
        message = (f"static ECR token for {registry.host}{where} in {via}: {status.describe()}")
    elif registry.is_ecr:
        severity = Severity.HIGH
        message = f"static credential for ECR registry {registry.host} in {via}"
    else:
        severity = Severity.MEDIUM
        message = f"static credential for {registry.host} ({registry.kind.value}) in {via}"
    if username:
        message += f", user {username!r}" if username != "AWS" else ""
    scan.add(scan.finding(scn.SCN001, message, loc, secret=value, severity=severity,
                      registry=registry.host, extra=extra), value)


# --- SCN002: bare ECR tokens ------------------------------------------------------------------

# The token shapes masking uses, with a length floor so a bare prefix in prose never fires
# (a real token is 2-3 KB; `ecr-doctor export` gives other scanners the same floor).
BARE_TOKEN_MIN_BODY = 200
_ECR_AUTH_RE = re.compile(ecr_token_pattern(ECR_AUTH_PREFIX, BARE_TOKEN_MIN_BODY))
_ECR_PASSWORD_RE = re.compile(ecr_token_pattern(ECR_PASSWORD_PREFIX, BARE_TOKEN_MIN_BODY))


def bare_tokens(scan: _Scan, via: str) -> None:
    text = scan.text
    for regex, prefix, is_auth in ((_ECR_AUTH_RE, ECR_AUTH_PREFIX, True),
                                   (_ECR_PASSWORD_RE, ECR_PASSWORD_PREFIX, False)):
        if prefix not in text:  # skip the regex entirely when its literal prefix is absent
            continue
        for match in regex.finditer(text):
            raw = match.group(0)
            password: Secret | None
            if is_auth:
                try:
                    basic = decode_auth(raw)
                except AuthDecodeError:
                    continue
                password = basic.password if basic.username == "AWS" else None
            else:
                password = Secret(raw)
            token = decode_ecr_password(password) if password is not None else None
            if token is None or password is None:
                continue  # a look-alike: right prefix, wrong structure
            if hash_value(raw) in scan.reported or hash_value(password.reveal()) in scan.reported:
                continue
            status = expiry_status(token.expires_at, scan.now)
            form = "authorization token (base64 AWS:password)" if is_auth else "registry password"
            severity = Severity.CRITICAL if status.state == "live" else Severity.HIGH
            extra = [("form", "auth" if is_auth else "password"), ("via", via)]
            if token.expires_at is not None:
                extra.append(("expires_at", token.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ")))
            scan.add(scan.finding(scn.SCN002, f"ECR {form} in {via}: {status.describe()}",
                              scan.line_of(match.start()), secret=password.reveal(),
                              severity=severity, extra=extra), raw)
            scan.reported.add(hash_value(password.reveal()))


# --- SCN003, SCN005: shell lines -------------------------------------------------------------

# Global options may sit on either side of the service (`aws --debug ecr get-login`,
# `aws ecr --region r get-login`): the CLI parses them anywhere (awscli clidriver).
_GET_LOGIN_V1 = re.compile(r"\baws\b[^\n|;&#]*?\becr\b(?!-)[^\n|;&#]*?(?<![-\w])get-login(?![-\w])")
_DOCKER_LOGIN = re.compile(r"\b(?:docker|podman|nerdctl)\s+login\b(?P<args>[^\n|;&]*)")
_PASSWORD_ARG = re.compile(PASSWORD_ARG)
_LOGIN_PIPE = re.compile(r"get-login-password\b[^\n]*\|\s*(?:sudo\s+)?(?:docker|podman)\s+login")
_LOGOUT = re.compile(r"\b(?:docker|podman)\s+logout\b")


# `docker login` options that take a value (docker/cli cli/command/registry/login.go).
_LOGIN_VALUE_OPTIONS = frozenset({"-u", "--username", "-p", "--password"})


def _login_server(args: str) -> str:
    """The registry a `docker login` argument string logs in to: its one positional argument,
    Docker Hub when there is none (login.go: `serverAddress = args[0]` else the index).
    `args` must not hold the password: a quoted one with spaces would split into words."""
    words = args.split()
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if word in _LOGIN_VALUE_OPTIONS:
            skip = True
        elif word.startswith("-"):
            continue  # --password-stdin, --username=x, -pSECRET
        else:
            return word.strip("\"'`);")
    return "docker.io"


def _login_pipe_server(line: str) -> str | None:
    match = _LOGIN_PIPE.search(line)
    if match is None:
        return None
    login = _DOCKER_LOGIN.search(line, match.start())
    return _login_server(login.group("args")) if login is not None else "docker.io"


def _is_comment(line: str) -> bool:
    stripped = line.lstrip()
    return stripped.startswith(("#", "//", "REM ", "rem "))


def shell_lines(scan: _Scan, lines: Iterable[tuple[int, str]], via: str) -> None:
    for lineno, line in lines:
        if "login" not in line or _is_comment(line):
            continue
        match = _GET_LOGIN_V1.search(line)
        if match:
            scan.add(scan.finding(scn.SCN003, f"`aws ecr get-login` (AWS CLI v1 only) in {via}",
                              Location(scan.path, lineno, match.start() + 1)))
        for login in _DOCKER_LOGIN.finditer(line):
            arg = _PASSWORD_ARG.search(login.group("args"))
            if arg is None:
                continue
            value = arg.group("val").strip("\"'")
            # A variable is still a practice worth fixing (the expanded password is in the
            # process list and shell history); a mask or placeholder is no secret to report.
            why_not = not_a_registry_credential(arg.group("val"))
            literal = why_not is None
            severity = Severity.HIGH if literal else Severity.MEDIUM
            what = ("a literal password" if literal else "a password variable"
                    if why_not == "a reference" else f"a password ({why_not})")
            args = login.group("args")
            server = _login_server(args[:arg.start()] + " " + args[arg.end():])
            scan.add(scan.finding(scn.SCN005,
                              f"`docker login` to {server} with {what} on the command line "
                              f"in {via}", Location(scan.path, lineno, login.start() + 1),
                              secret=value if literal else None, severity=severity,
                              registry=server))


def _numbered(text: str, first_line: int = 1) -> Iterator[tuple[int, str]]:
    for i, line in enumerate(text.split("\n")):
        yield first_line + i, line


# --- DOCKER_AUTH_CONFIG in free text (shell, .env, TOML) ---------------------------------------

_DAC_RE = re.compile(r"DOCKER_AUTH_CONFIG[\"']?\s*[=:]\s*[\"']?(?=\{|\\\{)")


def _json_at(text: str, start: int) -> str | None:
    """The JSON object starting at `start`, raw or escaped any number of times."""
    found = json_object_at(text, start)
    return json.dumps(found[0]) if found is not None else None


def dac_in_text(scan: _Scan, via: str) -> None:
    for match in _DAC_RE.finditer(scan.text):
        doc = _json_at(scan.text, match.end())
        if doc is not None:
            config_document(scan, doc, f"DOCKER_AUTH_CONFIG in {via}",
                            anchor_line=scan.line_of(match.start()).line)


# --- YAML: CI files and Kubernetes Secrets -----------------------------------------------------

_SHELL_KEYS = frozenset({"run", "script", "before_script", "after_script", "command", "commands",
                         "bash", "sh", "pwsh", "powershell", "inlineScript", "steps"})
_DOCKERCFG_KEYS = frozenset({".dockerconfigjson", ".dockercfg"})


def _b64_json(value: str) -> str | None:
    import binascii

    try:
        raw = binascii.a2b_base64("".join(value.split()).encode("ascii"), strict_mode=True)
        text = raw.decode("utf-8")
    except (ValueError, UnicodeError):
        return None
    return text if text.lstrip().startswith("{") else None


def _walk(node: YNode, keys: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], YNode]]:
    yield keys, node
    for k, v in node.pairs:
        yield from _walk(v, (*keys, k.value))
    for item in node.items:  # "[]": a list item is not the value of its parent's key
        yield from _walk(item, (*keys, "[]"))


def _scalars(node: YNode) -> Iterator[YNode]:
    if node.kind == "scalar":
        yield node
    for item in node.items:
        yield from _scalars(item)


def _scalar_lines(node: YNode) -> Iterator[tuple[int, str]]:
    for scalar in _scalars(node):
        for i, line in enumerate(scalar.value.split("\n")):
            yield scalar.content_line(i), line


def _truthy(node: YNode | None, value: str) -> bool:
    return node is not None and node.kind == "scalar" and node.value.strip().lower() == value


def yaml_document(scan: _Scan, root: YNode, via: str, self_hosted_file: bool,
                  skip: frozenset[int] | set[int] = frozenset()) -> None:
    """`skip`: ids of `.dockerconfigjson`/`.dockercfg` values the Kubernetes Secret detector
    (scan/kube) has already reported."""
    shell: list[tuple[int, str]] = []
    for keys, node in _walk(root):
        last = keys[-1] if keys else ""
        if last in _DOCKERCFG_KEYS and node.kind == "scalar" and id(node) in skip:
            pass
        elif last in _DOCKERCFG_KEYS and node.kind == "scalar":
            doc = node.value if node.value.lstrip().startswith("{") else _b64_json(node.value)
            if doc is not None:
                config_document(scan, doc, f"a Kubernetes {last}", anchor=node)
        elif last == "DOCKER_AUTH_CONFIG":
            value = node.get("value") if node.kind == "map" else node
            if value is not None and value.kind == "scalar" and "{" in value.value:
                start = value.value.index("{")
                doc = _json_at(value.value, start)
                if doc is not None:
                    config_document(scan, doc, f"DOCKER_AUTH_CONFIG in {via}",
                                    anchor_line=value.line)
        elif node.kind == "map" and _truthy(node.get("name"), "docker_auth_config"):
            value = node.get("value")
            if value is not None and value.kind == "scalar" and "{" in value.value:
                doc = _json_at(value.value, value.value.index("{"))
                if doc is not None:
                    config_document(scan, doc, f"DOCKER_AUTH_CONFIG in {via}",
                                    anchor_line=value.line)
        elif node.kind == "scalar" and node.value.startswith("DOCKER_AUTH_CONFIG="):
            doc = _json_at(node.value, len("DOCKER_AUTH_CONFIG="))
            if doc is not None:
                config_document(scan, doc, f"DOCKER_AUTH_CONFIG in {via}", anchor_line=node.line)
        if last in _SHELL_KEYS and node.kind in ("scalar", "seq") and (
                node.kind == "scalar" or all(i.kind == "scalar" for i in node.items)):
            shell.extend(_scalar_lines(node))
    shell_lines(scan, shell, via)
    jobs = root.get("jobs")
    if jobs is not None and jobs.kind == "map" and root.get("on") is not None:
        _github_workflow(scan, root, jobs, via)
    else:
        _generic_self_hosted(scan, root, shell, via, self_hosted_file)


_ECR_USE = re.compile(r"amazon-ecr-login|get-login|dkr\.ecr")
# A credential helper stores nothing in config.json (the action name amazon-ecr-login is no helper).
_HELPER = re.compile(
    r"docker-credential-ecr-login|amazon-ecr-credential-helper|credHelpers|credsStore")
_AKIA = re.compile(r"^(?:AKIA|ASIA)[A-Z0-9]{16}$")


# A push to ghcr.io from a job, and a login there with the job's own token.
_GHCR_PUSH = re.compile(r"\bdocker\s+(?:image\s+)?push\s+[\"']?ghcr\.io/|"
                        r"\bdocker\s+buildx\s+build\b[^\n]*--push\b[^\n]*ghcr\.io/|"
                        r"\bdocker\s+buildx\s+build\b[^\n]*ghcr\.io/[^\n]*--push\b",
                        re.IGNORECASE)
_JOB_TOKEN = re.compile(r"\$\{\{\s*(?:secrets\.GITHUB_TOKEN|github\.token)\s*\}\}",
                        re.IGNORECASE)
_GHCR_LOGIN_RUN = re.compile(r"docker\s+login\b[^\n]*\bghcr\.io\b", re.IGNORECASE)


def _grants_packages_write(permissions: YNode) -> bool:
    if permissions.kind == "scalar":
        return permissions.value.strip().lower() == "write-all"
    packages = permissions.get("packages") if permissions.kind == "map" else None
    return packages is not None and _scalar_text(packages).lower() == "write"


def _ghcr_push_with_job_token(scan: _Scan, root: YNode, name: str, job: YNode,
                              steps: tuple[YNode, ...], via: str) -> None:
    """SCN011: the job's token is used to push to ghcr.io without `packages: write`."""
    permissions = job.get("permissions") or root.get("permissions")
    if permissions is None or _grants_packages_write(permissions):
        return  # unset: the repository's default token permissions decide, not this file
    token_login = pushes = False
    for step in steps:
        if step.kind != "map":
            continue
        uses, with_, run = step.get("uses"), step.get("with"), step.get("run")
        action = uses.value.split("@")[0].lower() if uses is not None else ""
        if action == "docker/login-action" and with_ is not None:
            token_login |= (_scalar_text(with_.get("registry")).lower() == "ghcr.io"
                            and bool(_JOB_TOKEN.search(_scalar_text(with_.get("password")))))
        if action == "docker/build-push-action" and with_ is not None:
            pushes |= (_scalar_text(with_.get("push")).lower() == "true"
                       and "ghcr.io/" in "\n".join(s.value for s in _scalars(with_.get("tags")
                                                                           or with_)))
        text = "\n".join(line for _n, line in _scalar_lines(run)) if run is not None else ""
        token_login |= bool(_GHCR_LOGIN_RUN.search(text) and _JOB_TOKEN.search(text))
        pushes |= bool(_GHCR_PUSH.search(text))
    if token_login and pushes:
        scan.add(scan.finding(
            scn.SCN011, f"job `{name}` pushes to ghcr.io with GITHUB_TOKEN, but its "
            f"permissions in {via} grant no `packages: write`: the push is denied",
            Location(scan.path, permissions.line, 1)))


def _runs_on_self_hosted(job: YNode) -> bool:
    runs_on = job.get("runs-on")
    if runs_on is None:
        return False
    return any("self-hosted" in s.value for _k, s in _walk(runs_on) if s.kind == "scalar")


def _github_workflow(scan: _Scan, root: YNode, jobs: YNode, via: str) -> None:
    text = scan.text
    uses_ecr = bool(_ECR_USE.search(text))
    has_logout = bool(_LOGOUT.search(text)) or bool(_HELPER.search(text))
    for job_name, job in jobs.pairs:
        if job.kind != "map":
            continue
        _container_credentials(scan, job, via)
        self_hosted = _runs_on_self_hosted(job)
        steps = job.get("steps")
        _ghcr_push_with_job_token(scan, root, job_name.value, job,
                                  steps.items if steps is not None else (), via)
        for step in steps.items if steps is not None else ():
            if step.kind != "map":
                continue
            uses = step.get("uses")
            with_ = step.get("with")
            action = uses.value.split("@")[0].lower() if uses is not None else ""
            if action == "aws-actions/amazon-ecr-login" and with_ is not None:
                mask = with_.get("mask-password")
                if _truthy(mask, "false") and mask is not None:
                    scan.add(scan.finding(
                        scn.SCN006, f"amazon-ecr-login with mask-password: false in {via}",
                        Location(scan.path, mask.line, 1)))
                skip = with_.get("skip-logout")
                if self_hosted and _truthy(skip, "true") and skip is not None and not has_logout:
                    scan.add(scan.finding(
                        scn.SCN004, "amazon-ecr-login with skip-logout: true on a self-hosted "
                        f"runner leaves the token in {via}", Location(scan.path, skip.line, 1)))
            if action in _LOGIN_ACTIONS and with_ is not None:
                _login_action_password(scan, action, with_, via)
            if action == "aws-actions/configure-aws-credentials" and with_ is not None:
                key = with_.get("aws-access-key-id")
                if key is not None and with_.get("role-to-assume") is None and uses_ecr:
                    _long_lived_key(scan, key, via)
            run = step.get("run")
            if self_hosted and run is not None and not has_logout:
                for lineno, line in _scalar_lines(run):
                    _left_logged_in(scan, lineno, line, via)
    if uses_ecr and "role-to-assume" not in text:
        for keys, node in _walk(root):
            if keys and keys[-1] == "AWS_ACCESS_KEY_ID" and len(keys) >= 2 and keys[-2] == "env":
                _long_lived_key(scan, node, via)


def _long_lived_key(scan: _Scan, node: YNode, via: str) -> None:
    literal = node.kind == "scalar" and bool(_AKIA.match(node.value.strip()))
    scan.add(scan.finding(scn.SCN008, ("a literal AWS access key" if literal else
                                 "long-lived AWS access keys") + f" used for ECR in {via}; "
                      "use OIDC (role-to-assume)", Location(scan.path, node.line, 1),
                      secret=node.value.strip() if literal else None,
                      severity=Severity.HIGH if literal else None))


# Registry login actions whose `password` input is the registry password.
_LOGIN_ACTIONS = frozenset({"docker/login-action", "azure/docker-login",
                            "redhat-actions/podman-login", "elgohr/publish-docker-github-action"})


def _hardcoded_password(scan: _Scan, password: YNode | None, what: str, registry: str) -> None:
    """SCN007 for a workflow's literal registry password (not a reference, mask or
    placeholder)."""
    if password is None or password.kind != "scalar" or not_a_registry_credential(
            password.value):
        return
    scan.add(scan.finding(scn.SCN007, f"hard-coded {what} (registry {registry})",
                          Location(scan.path, password.line, 1), secret=password.value,
                          registry=registry), password.value)


def _scalar_text(node: YNode | None) -> str:
    return node.value.strip() if node is not None and node.kind == "scalar" else ""


def _login_action_password(scan: _Scan, action: str, with_: YNode, via: str) -> None:
    # docker/login-action `registry` (Docker Hub when empty), azure/docker-login `login-server`.
    registry = (_scalar_text(with_.get("registry")) or _scalar_text(with_.get("login-server"))
                or "docker.io")
    _hardcoded_password(scan, with_.get("password"), f"`password` input of {action} in {via}",
                        registry)


def _container_credentials(scan: _Scan, job: YNode, via: str) -> None:
    containers: list[YNode] = []
    container = job.get("container")
    if container is not None:
        containers.append(container)
    services = job.get("services")
    if services is not None:
        containers.extend(v for _k, v in services.pairs)
    for c in containers:
        creds = c.get("credentials") if c.kind == "map" else None
        # The credentials are for the registry of the container's image (GitHub Actions
        # workflow syntax: jobs.<id>.container.credentials).
        image = _scalar_text(c.get("image")) if c.kind == "map" else ""
        _hardcoded_password(scan, creds.get("password") if creds is not None else None,
                            f"container credentials.password in {via}",
                            parse_image(image).domain if image else "docker.io")


def _azure_pool_is_self_hosted(pool: YNode) -> bool:
    # Azure Pipelines: Microsoft-hosted agents come from `vmImage` or the pool named "Azure
    # Pipelines"; any other named pool (`pool: NAME`, `pool: {name: NAME}`) is the
    # organisation's own agents.
    name = pool if pool.kind == "scalar" else pool.get("name")
    if pool.kind == "map" and pool.get("vmImage") is not None:
        return False
    return (name is not None and name.kind == "scalar" and bool(name.value.strip())
            and name.value.strip().lower() != "azure pipelines")


def _generic_self_hosted(scan: _Scan, root: YNode, shell: list[tuple[int, str]], via: str,
                         self_hosted_file: bool) -> None:
    """Buildkite agents are always self-hosted; a GitLab job with `tags:` picks its runner; a
    Bitbucket step with `runs-on: self.hosted` and an Azure job in a named pool run on the
    organisation's own machines."""
    self_hosted = self_hosted_file
    for _keys, node in _walk(root):
        for key, value in node.pairs:
            if (key.value == "tags"
                    or (key.value == "runs-on" and any(
                        s.value.strip() == "self.hosted" for s in _scalars(value)))
                    or (key.value == "pool" and _azure_pool_is_self_hosted(value))):
                self_hosted = True
    if not self_hosted or _LOGOUT.search(scan.text) or _HELPER.search(scan.text):
        return
    for lineno, line in shell:
        _left_logged_in(scan, lineno, line, via)


def _left_logged_in(scan: _Scan, lineno: int, line: str, via: str) -> None:
    server = _login_pipe_server(line)
    if server is not None:
        scan.add(scan.finding(
            scn.SCN004, f"`get-login-password | docker login` to {server} on a self-hosted "
            f"runner with no `docker logout` in {via}: its token stays in the runner's config",
            Location(scan.path, lineno, 1), registry=server))


# --- Entry point --------------------------------------------------------------------------------


__all__ = ["AUTHS_KEYS", "BARE_TOKEN_MIN_BODY", "SECRET_CHECK", "TRIGGERS", "YNode", "YamlLoader",
           "file_kind", "hash_value", "secret_check", "worth_reading"]
