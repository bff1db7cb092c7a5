"""`kube check` and `kube provider-config` output: text, the JSON envelope's result, and the
generated config file in YAML or JSON."""

from __future__ import annotations

import json
from typing import Any

from ecr_doctor.core.kube.check import KubeCheck
from ecr_doctor.core.model import Severity
from ecr_doctor.core.records import finding_dict
from ecr_doctor.core.secrets import mask
from ecr_doctor.render.style import Style
from ecr_doctor.render.text import finding_line, summary_counts


def check_text(check: KubeCheck, style: Style, *, syntax: str) -> str:
    # Names are quoted from the file: masked like every finding's message.
    names = ", ".join(f'"{mask(p.name)}"' for p in check.providers if p.name) or "none named"
    lines = [f"CredentialProviderConfig: {check.path} ({syntax}); providers: {names}"]
    lines += [finding_line(f, style) for f in check.findings]
    lines.append(summary_counts(check.findings) if check.findings else "no problems found")
    return "\n".join(lines) + "\n"


def check_result(check: KubeCheck, *, syntax: str) -> dict[str, Any]:
    counts = {s.label: 0 for s in sorted(Severity, reverse=True)}
    for f in check.findings:
        counts[f.severity.label] += 1
    return {
        "kind": "check",
        "path": check.path,
        "syntax": syntax,
        "providers": [{"name": _masked(p.name), "line": p.line,
                       "api_version": _masked(p.api_version),
                       "match_images": [mask(e) for e, _ in p.match_images]}
                      for p in check.providers],
        "findings": [finding_dict(f) for f in check.findings],
        "summary": {"total": len(check.findings), **counts},
    }


def _masked(text: str | None) -> str | None:
    return None if text is None else mask(text)


def config_file(config: dict[str, Any], output: str) -> str:
    """The config as the file to write: JSON (indented), or YAML in block style with every
    string double-quoted (a JSON string is a valid YAML double-quoted scalar, so globs such as
    `*.dkr.ecr.*.amazonaws.com`, which YAML would read as an alias, stay strings)."""
    if output == "json":
        return json.dumps(config, indent=2) + "\n"
    q = json.dumps
    lines = [f"apiVersion: {q(config['apiVersion'])}", f"kind: {q(config['kind'])}",
             "providers:"]
    for provider in config["providers"]:
        lines.append(f"  - name: {q(provider['name'])}")
        lines.append("    matchImages:")
        lines += [f"      - {q(glob)}" for glob in provider["matchImages"]]
        lines.append(f"    defaultCacheDuration: {q(provider['defaultCacheDuration'])}")
        lines.append(f"    apiVersion: {q(provider['apiVersion'])}")
    return "\n".join(lines) + "\n"


def provider_config_result(config: dict[str, Any], *, output: str, partitions: list[str],
                           text: str) -> dict[str, Any]:
    return {"kind": "provider-config", "output": output, "partitions": partitions,
            "config": config, "file": text}
