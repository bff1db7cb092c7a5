"""Kubernetes Secrets: every ECR token in a pull secret, with its expiry. Standard library only.

One detector for both ways in: `kubectl get secrets -A -o json | ecr-doctor scan -` (a
cluster's Secrets, `cluster=True`) and Secret manifests met while walking a tree. It reads
what the kubelet reads (kubernetes/kubernetes pkg/credentialprovider/secrets/secrets.go): the
Secret's `type` picks the key - `kubernetes.io/dockerconfigjson` reads `.dockerconfigjson`, a
config.json with `auths`; `kubernetes.io/dockercfg` reads `.dockercfg`, the old shape with the
hosts at the top level - and `data` values are base64, as the API stores `[]byte`. Manifests
may use `stringData` (plain text, merged into `data` by the API server) instead.

Input shapes (kubectl staging/src/k8s.io/kubectl/pkg/cmd/get/get.go wraps what it prints in
`{"apiVersion": "v1", "kind": "List", "metadata": {...}, "items": [...]}`; the API's own list,
`kubectl get --raw /api/v1/secrets`, is a `SecretList` whose items carry no `kind`): a List or
SecretList, a single Secret, or several YAML documents (`---`), in JSON or YAML.
"""

from __future__ import annotations

import binascii
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import NamedTuple

from ecr_doctor.core.dockerconfig import ConfigError, parse_config
from ecr_doctor.core.model import Finding, Location, Severity
from ecr_doctor.core.registries import classify
from ecr_doctor.core.rules import scn
from ecr_doctor.core.secrets import ECR_AUTH_PREFIX, ECR_PASSWORD_PREFIX, Secret
from ecr_doctor.core.tokens import decode_ecr_password, expiry_status
from ecr_doctor.scan.detect import (
    YamlLoader,
    YNode,
    _credential_entry,
    _Scan,
    _with_hashes,
    bare_tokens,
    hash_value,
    yaml_document,
)

_KEY_TYPES = {".dockerconfigjson": "kubernetes.io/dockerconfigjson",
              ".dockercfg": "kubernetes.io/dockercfg"}
_MAX_DEPTH = 200


class NotKubernetes(ValueError):
    """The input is not JSON or YAML, or not Kubernetes objects: `scan -` exits 2."""


class KubeSummary(NamedTuple):
    """What a Kubernetes input held: shown so "no findings" can be told from "read nothing"."""

    objects: int = 0
    secrets: int = 0
    pull_secrets: int = 0
    ecr_tokens: int = 0
    live: int = 0
    expired: int = 0


class _State:
    def __init__(self) -> None:
        self.handled: set[int] = set()
        self.seen: dict[tuple[str, ...], int] = {}
        self.objects = self.secrets = self.pull_secrets = 0
        self.ecr_tokens = self.live = self.expired = 0

    def summary(self) -> KubeSummary:
        return KubeSummary(self.objects, self.secrets, self.pull_secrets, self.ecr_tokens,
                           self.live, self.expired)


class Scanned(NamedTuple):
    handled: set[int]
    summary: KubeSummary


# --- JSON as YNodes ---------------------------------------------------------------------------


def _node(value: object, depth: int = 0) -> YNode:
    # json.loads forgets positions; the location of a cluster's Secret is its namespace/name.
    if depth > _MAX_DEPTH:
        return YNode("scalar", 1)
    if isinstance(value, dict):
        return YNode("map", 1, pairs=tuple((YNode("scalar", 1, value=str(k)),
                                            _node(v, depth + 1)) for k, v in value.items()))
    if isinstance(value, list):
        return YNode("seq", 1, items=tuple(_node(v, depth + 1) for v in value))
    if isinstance(value, str):
        return YNode("scalar", 1, value=value)
    if value is None or isinstance(value, bool):
        return YNode("scalar", 1, value="" if value is None else str(value).lower())
    return YNode("scalar", 1, value=str(value))


def json_documents(text: str) -> list[YNode]:
    """A JSON document as YNodes (a top-level array: one document per item); ValueError."""
    try:
        value = json.loads(text)
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc
    items = value if isinstance(value, list) else [value]
    return [_node(item) for item in items]


# --- Which objects are Secrets ----------------------------------------------------------------


def _text(node: YNode | None) -> str:
    return node.value if node is not None and node.kind == "scalar" else ""


def _get(node: YNode, key: str) -> YNode | None:
    # The last of duplicate keys, as Go's encoding/json and YAML loaders keep it.
    found = None
    for k, v in node.pairs:
        if k.kind == "scalar" and k.value == key:
            found = v
    return found


def is_kubernetes_object(node: YNode) -> bool:
    return (node.kind == "map" and bool(_text(_get(node, "kind")))
            and (bool(_text(_get(node, "apiVersion"))) or _get(node, "items") is not None))


def _objects(node: YNode, depth: int = 0) -> Iterator[tuple[YNode, bool]]:
    """(object, is a Secret) for `node` and every item of the Lists in it."""
    kind = _text(_get(node, "kind")) if node.kind == "map" else ""
    items = _get(node, "items") if node.kind == "map" else None
    if kind.endswith("List") and items is not None and items.kind == "seq" and depth < 8:
        for item in items.items:
            if item.kind != "map":
                continue
            if kind == "SecretList" and not _text(_get(item, "kind")):
                yield item, True  # the API's SecretList items carry no kind
            else:
                yield from _objects(item, depth + 1)
    elif node.kind == "map":
        yield node, kind == "Secret"
        for inner in _wrapped(node, kind):
            if depth < 8:
                yield from _objects(inner, depth + 1)


def _wrapped(node: YNode, kind: str) -> Iterator[YNode]:
    """Objects the API carries inside another: an AdmissionReview's `request.object` and
    `oldObject` (what a webhook logs), a watch event's `object` (`kubectl get -w -o json`)."""
    if kind == "AdmissionReview":
        request = _get(node, "request")
        for field in ("object", "oldObject"):
            inner = _get(request, field) if request is not None and request.kind == "map" else None
            if inner is not None and inner.kind == "map":
                yield inner
    elif kind == "WatchEvent" or (not kind and _text(_get(node, "type")) in _WATCH_TYPES):
        inner = _get(node, "object")
        if inner is not None and inner.kind == "map":
            yield inner


_WATCH_TYPES = frozenset({"ADDED", "MODIFIED", "DELETED", "BOOKMARK"})


# --- One Secret -------------------------------------------------------------------------------


def _b64(value: str) -> bytes | None:
    try:
        return binascii.a2b_base64("".join(value.split()).encode("ascii"), strict_mode=True)
    except (ValueError, UnicodeError):
        return None


class _Where(NamedTuple):
    obj: str
    namespace: str
    name: str
    secret_type: str
    section: str
    key: str
    loc: Location

    def details(self) -> list[tuple[str, str]]:
        out = [("object", self.obj), ("name", self.name), ("key", self.key),
               ("field", self.section)]
        if self.namespace:
            out.append(("namespace", self.namespace))
        if self.secret_type:
            out.append(("secret_type", self.secret_type))
        return out


def _malformed(scan: _Scan, state: _State, where: _Where, problem: str,
               registry: str | None = None) -> None:
    ident = ("SCN010", where.obj, where.section, where.key, problem)
    n = state.seen.get(ident, 0)
    state.seen[ident] = n + 1
    scan.add(scan.finding(
        scn.SCN010, f"Kubernetes Secret {where.obj} ({where.key} in {where.section}): {problem}",
        where.loc, registry=registry,
        extra=[*where.details(), ("problem", problem), ("hash", hash_value(*ident, str(n)))]))


def _placeholder(text: str) -> bool:
    # Helm/Go templates and envsubst variables: a chart's Secret, filled in at deploy time.
    return "{{" in text or "${" in text


def _config_text(scan: _Scan, state: _State, where: _Where, value: YNode,
                 cluster: bool) -> str | None:
    if value.kind != "scalar" or (not cluster and _placeholder(value.value)):
        return None  # a template (`{{ ... }}` parses as a YAML mapping): nothing to read yet
    text = value.value
    if where.section == "stringData":
        return text
    if text.lstrip().startswith("{"):
        # Still read: the credential is in the file either way.
        _malformed(scan, state, where, "the value under `data` is plain JSON, not base64: the "
                   "API server refuses it (plain text belongs under `stringData`)")
        return text
    raw = _b64(text)
    if raw is None:
        # In a file, most often a placeholder ("<base64 of config.json>"); from a cluster, data.
        if cluster:
            _malformed(scan, state, where, "the value is not valid base64")
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        if cluster:
            _malformed(scan, state, where, "the decoded value is not UTF-8 text")
        return None


def _docker_config(scan: _Scan, state: _State, where: _Where, text: str,
                   cluster: bool) -> str | None:
    """The config as `{"auths": ...}` JSON, whatever shape the key holds; None if unreadable."""
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError):
        if not cluster and _placeholder(text):
            return None
        _malformed(scan, state, where, "the Docker config is not JSON; the kubelet fails every "
                   "pull of a pod that lists this Secret")
        return None
    if not isinstance(obj, dict):
        _malformed(scan, state, where, "the Docker config is not a JSON object")
        return None
    has_auths = "auths" in obj
    if where.key == ".dockercfg" and has_auths:
        _malformed(scan, state, where, "`.dockercfg` holds the config.json shape (`auths`); "
                   "the kubelet reads hosts at its top level, so it matches no registry")
        obj = obj["auths"] if isinstance(obj["auths"], dict) else {}
    elif where.key == ".dockerconfigjson" and not has_auths:
        if obj:
            _malformed(scan, state, where, "`.dockerconfigjson` has no `auths`; the kubelet "
                       "finds no credentials in it (hosts at the top level are the "
                       "`.dockercfg` shape)")
    elif has_auths:
        obj = obj["auths"] if isinstance(obj["auths"], dict) else {}
    return json.dumps({"auths": obj})


def _token_finding(scan: _Scan, state: _State, where: _Where, key: str,
                   username: str | None, secret: str, cluster: bool,
                   ignored_type: bool) -> None:
    registry = classify(key)
    token = decode_ecr_password(Secret(secret))
    state.ecr_tokens += 1
    extra = [*where.details(), ("registry_kind", registry.kind.value)]
    if registry.account:
        extra.append(("account", registry.account))
    if registry.region:
        extra.append(("region", registry.region))
    if token is None:
        state_word = "not-a-token"
        severity = Severity.HIGH  # ECR accepts nothing but GetAuthorizationToken tokens
        message = (f"credential for ECR registry {registry.host} in Kubernetes Secret "
                   f"{where.obj} ({where.key}) is not an ECR authorization token: ECR "
                   "refuses it")
    else:
        status = expiry_status(token.expires_at, scan.now)
        state_word = status.state
        if token.expires_at is not None:
            extra.append(("expires_at", token.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ")))
        if status.seconds_left is not None:
            extra.append(("seconds_left", str(status.seconds_left)))
        if status.state == "live":
            state.live += 1
            # In a cluster a live token is how the Secret is meant to work, for 12 hours; in
            # a file it is a credential anyone who reads the file can use.
            severity = Severity.MEDIUM if cluster else Severity.CRITICAL
        elif status.state == "expired":
            state.expired += 1
            severity = Severity.HIGH
        else:
            severity = Severity.MEDIUM if cluster else Severity.HIGH
        message = (f"ECR token for {registry.host} in Kubernetes Secret {where.obj} "
                   f"({where.key}): {status.describe()}")
    if username and username != "AWS":
        message += f", user {username!r}"
    if ignored_type:
        message += (f"; the kubelet ignores it for pulls: the Secret's type is "
                    f"{where.secret_type or 'Opaque'!r}, not {_KEY_TYPES[where.key]!r}")
    extra.append(("token_state", state_word))
    ident = ("SCN009", where.obj, where.section, where.key, registry.host)
    n = state.seen.get(ident, 0)
    state.seen[ident] = n + 1
    extra.append(("hash", hash_value(*ident, str(n))))
    scan.add(scan.finding(scn.SCN009, message, where.loc, secret=secret, severity=severity,
                          registry=registry.host, extra=extra), secret)


def _scan_secret(scan: _Scan, state: _State, secret: YNode, cluster: bool) -> None:
    meta = _get(secret, "metadata")
    name = _text(_get(meta, "name")) if meta is not None and meta.kind == "map" else ""
    namespace = (_text(_get(meta, "namespace"))
                 if meta is not None and meta.kind == "map" else "")
    obj = f"{namespace}/{name}" if namespace else (name or "(unnamed Secret)")
    secret_type = _text(_get(secret, "type"))
    pull = False
    for section in ("data", "stringData"):
        values = _get(secret, section)
        if values is None or values.kind != "map":
            continue
        for k, value in values.pairs:
            if k.value not in _KEY_TYPES:
                continue
            state.handled.add(id(value))
            pull = True
            line = value.line + (1 if value.block else 0)
            where = _Where(obj, namespace, name, secret_type, section, k.value,
                           Location(scan.path, line, 1))
            text = _config_text(scan, state, where, value, cluster)
            config = (_docker_config(scan, state, where, text, cluster)
                      if text is not None else None)
            if config is not None:
                _entries(scan, state, where, config, cluster,
                         ignored_type=secret_type != _KEY_TYPES[k.value])
    if pull or secret_type in _KEY_TYPES.values():
        state.pull_secrets += 1


def _entries(scan: _Scan, state: _State, where: _Where, config_json: str, cluster: bool,
             ignored_type: bool) -> None:
    try:
        config = parse_config(config_json, scan.path, strict=False)
    except ConfigError:
        _malformed(scan, state, where, "the Docker config cannot be read")
        return
    for entry in config.auths:
        if not entry.has_credential:
            continue
        if entry.auth_error is not None:
            # DockerConfigEntry.UnmarshalJSON returns the decode error: the keyring fails.
            _malformed(scan, state, where, f"the `auth` for {classify(entry.key).host} does "
                       f"not decode ({entry.auth_error})", registry=classify(entry.key).host)
        password = entry.decoded_password or entry.password
        secret = (password or entry.identitytoken or entry.registrytoken or entry.auth)
        if secret is None:
            continue
        registry = classify(entry.key)
        is_token = password is not None and decode_ecr_password(password) is not None
        if is_token or registry.is_ecr:
            _token_finding(scan, state, where, entry.key,
                           entry.decoded_username or entry.username, secret.reveal(),
                           cluster, ignored_type)
        elif not cluster:
            # Another registry's credential committed to a file: the generic SCN001.
            _credential_entry(scan, entry.key, entry.decoded_username or entry.username,
                              secret, f"Kubernetes Secret {where.obj} ({where.key})",
                              where.loc)


def scan_documents(scan: _Scan, documents: Iterable[YNode], *, cluster: bool) -> Scanned:
    """Report the pull secrets among `documents`; the ids of the values read are `handled`
    so the generic YAML detector does not report them again."""
    state = _State()
    for doc in documents:
        for obj, is_secret in _objects(doc):
            state.objects += 1
            if is_secret:
                state.secrets += 1
                _scan_secret(scan, state, obj, cluster)
    return Scanned(state.handled, state.summary())


# --- `scan -` ----------------------------------------------------------------------------------


def parse_kubernetes(text: str, yaml_loader: YamlLoader) -> list[YNode]:
    """The documents of a Kubernetes input; NotKubernetes says why it is not one."""
    if not text.strip():
        raise NotKubernetes("nothing on stdin; pipe Kubernetes objects into it, e.g. "
                            "`kubectl get secrets -A -o json | ecr-doctor scan -`")
    documents: Sequence[YNode] | None = None
    if text.lstrip()[:1] in ("{", "["):
        try:
            documents = json_documents(text)
        except ValueError:
            documents = None  # flow-style YAML, perhaps: the YAML parser decides
    if documents is None:
        try:
            documents = yaml_loader(text)
        except ValueError as exc:
            raise NotKubernetes(f"stdin is neither JSON nor YAML ({exc})") from None
    if not documents:
        raise NotKubernetes("stdin holds no Kubernetes objects (empty YAML documents only)")
    for number, doc in enumerate(documents, 1):
        if not is_kubernetes_object(doc):
            raise NotKubernetes(
                f"document {number} on stdin is not a Kubernetes object (a mapping with "
                "`kind` and `apiVersion`); `scan -` reads `kubectl get secrets -o json|yaml` "
                "output or Secret manifests - to scan a file, name it: `ecr-doctor scan FILE`")
    return list(documents)


def scan_kubernetes(text: str, yaml_loader: YamlLoader, *, now: datetime, path: str = "-",
                    baseline_salt: bytes | None = None) -> tuple[list[Finding], KubeSummary]:
    """Every finding in Kubernetes objects read from stdin: pull secrets first (SCN009,
    SCN010), then what the other YAML and token detectors see in the rest of the objects."""
    if text.startswith("\ufeff"):
        text = text[1:]
    documents = parse_kubernetes(text, yaml_loader)
    scan = _Scan(path, text, now, baseline_salt)
    scanned = scan_documents(scan, documents, cluster=True)
    for doc in documents:
        yaml_document(scan, doc, "this Kubernetes input", False, scanned.handled)
    if ECR_AUTH_PREFIX in text or ECR_PASSWORD_PREFIX in text:
        bare_tokens(scan, "this Kubernetes input")
    scan.findings.sort(key=lambda f: (f.location.line, f.detail("object") or "", f.rule_id))
    return _with_hashes(text, scan.findings), scanned.summary


__all__ = ["KubeSummary", "NotKubernetes", "Scanned", "is_kubernetes_object", "json_documents",
           "parse_kubernetes", "scan_documents", "scan_kubernetes"]
