"""Write the seed corpora fuzz/corpus/<harness>/ from the project's own test data.

Sources: tests/fixtures/dockerconfigs, src/ecr_doctor/examples, tests/golden, and the samples
inside tests/test_explain.py, tests/test_scan.py and tests/conftest.py (tokens are synthetic:
make_ecr_auth). Harnesses with a mode read it from the first byte (see each harness), so those
seeds start with it. Rerun after the test data changes: `python fuzz/make_corpus.py`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fuzz" / "corpus"
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "fuzz")]

import conftest  # noqa: E402
import test_explain  # noqa: E402
import test_scan  # noqa: E402
from fuzz_scan import PATHS  # noqa: E402

MAX_SEED = 8192  # libFuzzer's -max_len defaults to the largest seed


def _configs() -> dict[str, bytes]:
    files = sorted((ROOT / "tests" / "fixtures" / "dockerconfigs").glob("*.json"))
    files += sorted((ROOT / "src" / "ecr_doctor" / "examples").glob("*.json"))
    return {f.stem: f.read_bytes() for f in files}


def _pastes() -> dict[str, bytes]:
    return {f"{i:02d}-{sid}": text.encode() for i, (sid, text, _) in enumerate(test_explain.CASES)}


def _param_texts(func: object) -> list[tuple[str, str]]:
    """(path, text) pairs from a test's @pytest.mark.parametrize table."""
    out = []
    for mark in getattr(func, "pytestmark", []):
        names, rows = mark.args[0], mark.args[1]
        if isinstance(names, str):
            names = [n.strip() for n in names.split(",")]
        for row in rows:
            values = dict(zip(names, row if isinstance(row, tuple) else (row,), strict=True))
            if "text" in values:
                out.append((values.get("path", "x.sh"), values["text"]))
    return out


def _scan_samples() -> list[tuple[str, bytes]]:
    ecr, auth, pw = conftest.ECR, test_scan.AUTH, test_scan.PASSWORD
    login = f"aws ecr get-login-password | docker login -u AWS --password-stdin {ecr}"
    escaped = json.dumps(json.dumps({"auths": {ecr: {"auth": auth}}}))
    toml_value = json.dumps({"auths": {ecr: {"auth": auth}}}).replace('"', '\\"')
    inner = json.dumps({"auths": {ecr: {"auth": auth}}})
    samples = [
        (".github/workflows/ci.yml", test_scan.WF.format(runs_on="[self-hosted, linux]", ecr=ecr,
                                                        extra="")),
        (".gitlab-ci.yml", f"variables:\n  DOCKER_AUTH_CONFIG: {escaped}\nb:\n  script: [make]\n"),
        (".gitlab-ci.yml", f"push:\n  tags: [shell-runner]\n  script:\n    - {login}\n"),
        (".buildkite/pipeline.yaml", f"steps:\n  - label: push\n    command: {login}\n"),
        ("k8s/regcred.yaml", "kind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n"
         f"  .dockerconfigjson: {base64.b64encode(inner.encode()).decode()}\n"),
        ("etc/gitlab-runner/config.toml", 'concurrent = 4\n[[runners]]\n  name = "shared"\n'
         f'  environment = ["DOCKER_AUTH_CONFIG={toml_value}"]\n'),
        ("deploy.sh", f"#!/bin/sh\nexport DOCKER_AUTH_CONFIG='{inner}'\n"
         "docker login --username bob --password=Sup3rSecretValue registry.example.com\n"),
        ("Dockerfile", "FROM alpine\nRUN $(aws ecr get-login --region us-east-1) && make\n"),
        ("build.log", f"step 1\ntoken={auth}\nlogin with {pw} done\n"),
        (".ecr/cache.json", json.dumps({"Registries": {"us-east-1-abc-123456789012": {
            "AuthorizationToken": auth, "ExpiresAt": "2026-11-26T19:00:00Z",
            "ProxyEndpoint": f"https://{ecr}", "Service": "ecr"}}, "Version": "1.0"})),
        ("home/.dockercfg", json.dumps({f"https://{ecr}": {"auth": auth, "email": "x"}})),
        ("config.json", json.dumps({"auths": {ecr: {"auth": auth}}}, indent="\t")),
    ]
    samples += _param_texts(test_scan.test_get_login_v1)
    samples += _param_texts(test_scan.test_bitbucket_and_azure_self_hosted_runners)
    golden = ROOT / "tests" / "golden"
    for f in sorted(golden.glob("*.yml")):
        samples.append((".github/workflows/ci.yml", f.read_text()))
    samples.append((".gitlab-ci.yml", (golden / "gitlab-ci.yml").read_text()))
    for f in sorted(golden.glob("*.json")):
        samples.append(("iam/policy.json", f.read_text()))
    for name, data in _configs().items():
        samples.append(("config.json", data.decode()))
        if name.startswith(("static", "username", "identity")):
            samples.append(("containers/auth.json", data.decode()))
    out = []
    for path, text in samples:
        if path not in PATHS:  # the nearest path of the same kind
            path = {"Makefile": "deploy.sh", ".circleci/config.yml": ".github/workflows/ci.yml",
                    "bitbucket-pipelines.yml": ".gitlab-ci.yml",
                    "azure-pipelines.yml": ".gitlab-ci.yml"}.get(path, "deploy.sh")
        out.append((path, text.encode("utf-8", "surrogateescape")))
    return out


def _tokens() -> dict[str, bytes]:
    b64 = base64.b64encode
    expired = conftest.expired_auth()
    return {
        "expired-auth": expired.encode(), "live-auth": conftest.live_auth().encode(),
        "ecr-password": base64.b64decode(expired)[4:],
        "basic": b64(b"octo:ghp_notreal"), "empty-user": b64(b":pw"), "no-colon": b64(b"user"),
        "not-base64": b"not base64!", "crlf": b"b2N0bzpw\r\nYXNz", "nul-pass": b64(b"u:\0pw\0"),
        "pad-after-quantum": b"QUJD=",
    }


def build() -> dict[str, dict[str, bytes]]:
    configs, pastes = _configs(), _pastes()
    corpora: dict[str, dict[str, bytes]] = {
        "parser": dict(configs),
        "explain": dict(pastes),
        "tokens": _tokens(),
        "fixer": {},
        "redaction": {},
        "scan": {},
    }
    for f in sorted((ROOT / "tests" / "golden").glob("*.json")):
        corpora["parser"][f"golden-{f.stem}"] = f.read_bytes()
    # fixer: 0 = pasted text; 13 = known machine, --registry, --unsafe-fixes; 0x5a: mode 0o644
    for name, data in configs.items():
        for choice in (0, 13, 0x5A):
            corpora["fixer"][f"{name}-{choice:02x}"] = bytes([choice]) + data
    # redaction: 0 auto, 1 config, 3 text
    for name, data in configs.items():
        corpora["redaction"][f"{name}-auto"] = b"\0" + data
        corpora["redaction"][f"{name}-config"] = b"\1" + data
    for name, data in pastes.items():
        corpora["redaction"][f"{name}-text"] = b"\3" + data
    for path, data in _scan_samples():
        choice = PATHS.index(path)
        digest = hashlib.sha1(data).hexdigest()[:8]
        label = path.strip("./").replace("/", "_")
        corpora["scan"][f"{label}-{digest}"] = bytes([choice]) + data
    return corpora


def main() -> None:
    for harness, seeds in build().items():
        target = CORPUS / harness
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for name, data in seeds.items():
            if len(data) <= MAX_SEED:
                (target / name).write_bytes(data)
        print(f"{harness}: {len(list(target.iterdir()))} seeds")


if __name__ == "__main__":
    main()
