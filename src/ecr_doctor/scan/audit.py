"""`ecr-doctor audit`: the runner-bootstrap gate over one host's Docker configs and caches.

It checks `$DOCKER_CONFIG`, every home's `~/.docker/config.json` and ecr-login `~/.ecr/cache.json`
(homes from `<root>/etc/passwd`, `<root>/home/*` and `<root>/root`), the runner work directories
named with `--path`, and the `DOCKER_AUTH_CONFIG` variable. Static credentials come from the
scan detectors; broken helper set-ups from the same rules `diagnose` runs (medium and above).
What it cannot read is reported, never silently skipped. Standard library only.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import NamedTuple

from ecr_doctor.core.model import Finding, Severity
from ecr_doctor.machine.backups import Backup, backups_beside
from ecr_doctor.machine.reading import read_regular_file
from ecr_doctor.scan.detect import DOCKER_CONFIG_NAMES
from ecr_doctor.scan.files import IncompleteScan, scan_bytes, scan_config_backup
from ecr_doctor.scan.walk import Skipped

MAX_DEPTH = 8
MAX_READ = 16 * 1024 * 1024
ROOT_HINT = "permission denied (other users' homes need root: run audit with sudo)"


class AuditReport(NamedTuple):
    findings: tuple[Finding, ...]
    checked: tuple[str, ...]
    unreadable: tuple[Skipped, ...]


def _under(root: str, path: str) -> str:
    """`path` as seen from the audited root (a mounted image or a test directory)."""
    if root in ("", "/"):
        return path
    return os.path.join(root, path.lstrip("/"))


def _homes(root: str, unreadable: list[Skipped]) -> list[str]:
    homes: list[str] = []
    try:
        passwd = read_regular_file(_under(root, "/etc/passwd"), MAX_READ).data
        for line in passwd.decode("utf-8", "replace").splitlines():
            fields = line.split(":")
            if len(fields) >= 6 and fields[5].startswith("/") and fields[5] != "/":
                homes.append(_under(root, fields[5]))
    except FileNotFoundError:
        pass
    except OSError as exc:
        unreadable.append(Skipped(_under(root, "/etc/passwd"), exc.strerror or str(exc)))
    homes.append(_under(root, "/root"))
    home_dir = _under(root, "/home")
    try:
        homes.extend(e.path for e in os.scandir(home_dir) if e.is_dir(follow_symlinks=False))
    except FileNotFoundError:
        pass
    except PermissionError:
        unreadable.append(Skipped(home_dir, ROOT_HINT))
    if root in ("", "/"):
        homes.append(os.path.expanduser("~"))
    seen: dict[str, None] = {}
    for h in homes:
        seen.setdefault(os.path.normpath(h), None)
    return list(seen)


def _work_dir_files(top: str, unreadable: list[Skipped]) -> Iterator[str]:
    def onerror(exc: OSError) -> None:
        unreadable.append(Skipped(exc.filename or top, exc.strerror or str(exc)))

    base = top.rstrip(os.sep).count(os.sep)
    for folder, dirs, files in os.walk(top, onerror=onerror):  # never follows symlinks
        if folder.count(os.sep) - base >= MAX_DEPTH:
            dirs[:] = []
        for name in files:
            if name.lower() in DOCKER_CONFIG_NAMES or name == "cache.json":
                yield os.path.join(folder, name)


def candidate_files(root: str, work_dirs: Sequence[str], environ: Mapping[str, str],
                    unreadable: list[Skipped]) -> list[str]:
    paths: list[str] = []
    if environ.get("DOCKER_CONFIG"):
        paths.append(os.path.join(_under(root, environ["DOCKER_CONFIG"]), "config.json"))
    if environ.get("AWS_ECR_CACHE_DIR"):
        paths.append(os.path.join(_under(root, environ["AWS_ECR_CACHE_DIR"]), "cache.json"))
    for home in _homes(root, unreadable):
        paths += [os.path.join(home, ".docker", "config.json"),
                  os.path.join(home, ".ecr", "cache.json")]
    for work in work_dirs:
        if not os.path.isdir(work):
            unreadable.append(Skipped(work, "not a directory"))
            continue
        paths.extend(_work_dir_files(work, unreadable))
    seen: dict[str, None] = {}
    for p in paths:
        seen.setdefault(os.path.normpath(p), None)
    return list(seen)


def _diagnose(path: str, data: bytes, environ: Mapping[str, str]) -> list[Finding]:
    """Broken helper set-ups: the diagnose rules at medium and above (CFG001 is SCN001's twin)."""
    from ecr_doctor.core.dockerconfig import ConfigError, parse_config
    from ecr_doctor.core.engine import diagnose_config
    from ecr_doctor.machine.capture import capture

    try:
        config = parse_config(data, path, strict=False)
    except ConfigError:
        return []
    helpers = {h.helper for h in config.cred_helpers if h.helper} | {"ecr-login"}
    if config.creds_store is not None and config.creds_store.value:
        helpers.add(config.creds_store.value)
    env = capture(environ, helper_names=sorted(helpers))
    diagnosis = diagnose_config(config, env)
    return [f for f in diagnosis.findings
            if f.severity >= Severity.MEDIUM and f.rule_id != "CFG001"]


def _backups_beside(config: str, unreadable: list[Skipped]) -> tuple[Backup, ...]:
    backups = backups_beside(config)
    for problem in backups.unreadable:
        reason = (ROOT_HINT if isinstance(problem.error, PermissionError)
                  else problem.error.strerror or str(problem.error))
        unreadable.append(Skipped(problem.path, reason))
    return backups.found


def audit_host(root: str, work_dirs: Sequence[str], environ: Mapping[str, str],
               now: datetime | None = None) -> AuditReport:
    moment = now or datetime.now(UTC)
    unreadable: list[Skipped] = []
    findings: list[Finding] = []
    checked: list[str] = []
    for path in candidate_files(root, work_dirs, environ, unreadable):
        try:
            # Opened without blocking and checked to be a regular file: a FIFO planted at
            # ~/.docker/config.json must not hang the gate, and is a finding-less unreadable.
            data = read_regular_file(path, MAX_READ).data
        except (FileNotFoundError, NotADirectoryError):
            continue
        except PermissionError:
            unreadable.append(Skipped(path, ROOT_HINT))
            continue
        except OSError as exc:
            unreadable.append(Skipped(path, exc.strerror or str(exc)))
            continue
        checked.append(path)
        try:
            findings.extend(scan_bytes(path, data, now=moment))  # configs and caches: no YAML
        except IncompleteScan as exc:
            findings.extend(exc.findings)
            unreadable.append(Skipped(path, exc.reason))
        if os.path.basename(path).lower() == "config.json":
            findings.extend(_diagnose(path, data, environ))
            for backup in _backups_beside(path, unreadable):
                checked.append(backup.path)
                findings.extend(scan_config_backup(backup.path, backup.data, now=moment))
    dac = environ.get("DOCKER_AUTH_CONFIG")
    if dac:
        checked.append("env:DOCKER_AUTH_CONFIG")
        text = f"DOCKER_AUTH_CONFIG={dac}".encode("utf-8", "surrogateescape")
        try:
            findings.extend(scan_bytes("env:DOCKER_AUTH_CONFIG", text, now=moment))
        except IncompleteScan as exc:
            findings.extend(exc.findings)
            unreadable.append(Skipped("env:DOCKER_AUTH_CONFIG", exc.reason))
    findings.sort(key=lambda f: (-f.severity, f.location.path, f.location.line))
    return AuditReport(tuple(findings), tuple(checked), tuple(unreadable))
