"""Every scan detector: scan.files.scan_bytes on a path of each kind `file_kind` knows.

Input: selector byte (the path below, and whether YAML goes through load_yaml or, as for
`audit`, no loader), then the file's bytes. Nothing may be raised: scan runs on whole
repositories, and one odd file must not stop it. Properties: findings name the path, sit on a
line of the file, come from the SCN/IAM rules, and show no secret: no finding's message or
details hold a 24-character piece of a token found in the file, once the registry key the
finding names (a name, shown by design) is taken out.
"""

from __future__ import annotations

import re

from _common import NOW, instrumented, main, selector

with instrumented():
    from ecr_doctor.policy import iamcheck  # noqa: F401  (scan_bytes imports it lazily)
    from ecr_doctor.scan.detect import file_kind
    from ecr_doctor.scan.files import IncompleteScan, scan_bytes
    from ecr_doctor.scan.yamlio import load_yaml

PATHS = (
    "config.json",                    # dockerconfig
    "home/.dockercfg",                # dockerconfig, legacy form
    "containers/auth.json",           # dockerconfig (podman/skopeo)
    "k8s/.dockerconfigjson",          # dockerconfig
    ".github/workflows/ci.yml",       # yaml: GitHub Actions
    ".gitlab-ci.yml",                 # yaml: GitLab CI
    ".buildkite/pipeline.yaml",       # yaml: self-hosted by path
    "k8s/regcred.yaml",               # yaml: Kubernetes Secret
    "Dockerfile",                     # shell
    "deploy.sh",                      # shell
    "bin/deploy",                     # shell by shebang, else text
    "etc/gitlab-runner/config.toml",  # toml
    "iam/policy.json",                # json: IAM policy
    "data/tokens.json",               # json
    ".ecr/cache.json",                # ecrcache: the helper's cache
    "build.log",                      # text
)
RULE_PREFIXES = ("SCN", "IAM")
# The shapes of ECR tokens the detectors look for: base64 of "AWS:ey..." and of '{"payload'.
_TOKEN = re.compile(r"(?:QVdTOmV5|eyJwYXlsb2Fk)[A-Za-z0-9+/]{16,}")


def test_one_input(data: bytes) -> None:
    choice, raw = selector(data, 2 * len(PATHS))
    path = PATHS[choice % len(PATHS)]
    loader = load_yaml if choice < len(PATHS) else None
    try:
        findings = scan_bytes(path, raw, yaml_loader=loader, now=NOW)
    except IncompleteScan as exc:  # a file too costly to search: reported unreadable
        findings = exc.findings
    assert file_kind(path, raw[:128]) in {"dockerconfig", "ecrcache", "json", "yaml", "toml",
                                          "shell", "text"}
    # YAML also breaks lines at a lone CR (and NEL, LS, PS): splitlines() is an upper bound.
    lines = len(raw.decode("utf-8", "replace").splitlines()) + 1
    for f in findings:
        assert f.rule_id.startswith(RULE_PREFIXES), f.rule_id
        assert f.location.path == path, f.location
        assert 1 <= f.location.line <= lines, (f.location, lines)
    tokens = _TOKEN.findall(raw.decode("latin-1"))
    if tokens and findings:
        # Registry keys are names, shown by design (a key made of token text is echoed too).
        shown = "\n".join(
            part.replace(f.registry or "\0", "").replace(path, "")
            for f in findings for part in (f.message, repr(f.details)))
        for token in tokens:
            for i in range(0, len(token) - 23, 8):
                assert token[i:i + 24] not in shown, "a finding shows part of a token"


if __name__ == "__main__":
    main(test_one_input)
