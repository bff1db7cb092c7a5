"""Every finding in one file: which detectors a file's kind calls, in order.

The entry points of the scanner: `scan_bytes` for a file of a tree, `scan_config_backup` for
a backup of a Docker config. The detectors they call live in scan/detect (Docker configs,
CI YAML, scripts, caches) and scan/kube (Kubernetes Secrets).
"""

from __future__ import annotations

from datetime import UTC, datetime

from ecr_doctor.core.model import Finding
from ecr_doctor.scan import kube
from ecr_doctor.scan.detect import (
    _AUTH_PREFIX,
    _PASSWORD_PREFIX,
    AUTHS_KEYS,
    YamlLoader,
    _numbered,
    _Scan,
    _with_hashes,
    bare_tokens,
    config_document,
    config_documents_in_text,
    dac_in_text,
    file_kind,
    shell_lines,
    worth_reading,
    yaml_document,
)


def _iam_policy(text: str, path: str) -> list[Finding]:
    """IAM001/IAM002 on an IAM policy document (bare, CloudFormation or Terraform JSON)."""
    from ecr_doctor.policy.iamcheck import check_iam_policy  # only for files that hold a policy

    return check_iam_policy(text, path)


class IncompleteScan(Exception):
    """Part of the file could not be searched: the findings of the rest, and why."""

    def __init__(self, findings: list[Finding], reason: str) -> None:
        super().__init__(reason)
        self.findings = findings
        self.reason = reason


def scan_bytes(path: str, data: bytes, *, yaml_loader: YamlLoader | None = None,
               now: datetime | None = None, baseline_salt: bytes | None = None) -> list[Finding]:
    """Every finding in one file. `path` is how findings name it (relative to the scan root).

    Raises IncompleteScan (with the findings of what was searched) when part of the file
    could not be: the caller counts it as unreadable, so no gate passes on it.
    """
    kind = file_kind(path, data[:128])
    if not worth_reading(data, kind):
        return []
    text = data.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    scan = _Scan(path, text, now or datetime.now(UTC), baseline_salt)
    low = path.lower()
    if kind in ("dockerconfig", "json") and (kind == "dockerconfig" or b'auths"' in data):
        config_document(scan, text, "a Docker config file")
    if kind == "json" and b"dockerc" in data:
        try:  # a Secret manifest written as JSON
            objects = kube.json_documents(text)
        except ValueError:
            objects = []  # not JSON: the text detectors below still run
        kube.scan_documents(scan, objects, cluster=False)
    if kind == "yaml" and yaml_loader is not None:
        try:
            documents = yaml_loader(text)
        except ValueError:
            documents = []
        handled: set[int] = set()
        if b"dockerc" in data:
            handled = kube.scan_documents(scan, documents, cluster=False).handled
        self_hosted = ".buildkite/" in low or low.startswith("buildkite") or "/buildkite" in low
        for doc in documents:
            yaml_document(scan, doc, "this CI/YAML file", self_hosted, handled)
    elif kind == "shell" or kind == "toml" or (kind == "yaml" and yaml_loader is None):
        shell_lines(scan, _numbered(text), "this script")
    if kind != "yaml" and b"AUTH_CONFIG" in data:
        via = "a GitLab runner config.toml" if kind == "toml" else "this file"
        dac_in_text(scan, via)
    if any(key in data for key in AUTHS_KEYS):
        # Last of the config detectors: what the ones above understood keeps their location.
        config_documents_in_text(scan, "a Docker config document in this file")
    if _AUTH_PREFIX in data or _PASSWORD_PREFIX in data:
        bare_tokens(scan, "the ecr-login helper cache" if kind == "ecrcache" else "this file")
    if kind == "json" and b'"Statement"' in data and b"ecr" in data:
        scan.findings.extend(_iam_policy(text, path))
    scan.findings.sort(key=lambda f: (f.location.line, f.location.col, f.rule_id))
    found = _with_hashes(text, scan.findings)
    if scan.incomplete is not None:
        raise IncompleteScan(found, scan.incomplete)
    return found


def scan_config_backup(path: str, data: bytes, *, now: datetime | None = None) -> list[Finding]:
    """SCN001 for each static credential in a backup of a Docker config (`config.json.bak-*`,
    what `fix --write` keeps): the name hides it from the Docker config detectors."""
    text = data.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    scan = _Scan(path, text, now or datetime.now(UTC))
    config_document(scan, text, "a backup of a Docker config file")
    scan.findings.sort(key=lambda f: (f.location.line, f.location.col, f.rule_id))
    return _with_hashes(text, scan.findings)


__all__ = ["IncompleteScan", "scan_bytes", "scan_config_backup"]
