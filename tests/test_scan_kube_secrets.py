"""`kubectl get secrets -A -o json | ecr-doctor scan -`: every ECR token in a cluster's pull
secrets, with its expiry, and never a piece of the token.

The fixture follows what kubectl prints: `kubectl get -o json` wraps the items in
`{"apiVersion": "v1", "kind": "List", "items": [...], "metadata": {"resourceVersion": ""}}`
(kubectl staging/src/k8s.io/kubectl/pkg/cmd/get/get.go), each item a full Secret with
`metadata.uid`, `resourceVersion`, `creationTimestamp` and `data` values in base64; the raw
API list (`kubectl get --raw /api/v1/secrets`) is a `SecretList` whose items have no `kind`
(kubernetes docs, "Secrets" and the API reference for SecretList). Tokens are synthetic, made
by `make_ecr_password` with the real layout, so they decode like real ones and work nowhere.
"""

from __future__ import annotations

import base64
import io
import json
import secrets
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from envelope import validated

from ecr_doctor.cli.main import main
from ecr_doctor.core.tokens import make_ecr_password

ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
ECR_EU = "210987654321.dkr.ecr.eu-west-1.amazonaws.com"
PIECE = 8


def b64(data: str | bytes) -> str:
    return base64.b64encode(data.encode() if isinstance(data, str) else data).decode()


def auth(password: str) -> str:
    return b64(f"AWS:{password}")


def secret(namespace: str, name: str, type_: str, data: dict[str, str]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Secret", "type": type_, "data": data,
            "metadata": {"name": name, "namespace": namespace, "uid": str(uuid.uuid4()),
                         "resourceVersion": "48213", "creationTimestamp": "2026-11-20T09:00:00Z",
                         "annotations": {"kubectl.kubernetes.io/last-applied-configuration": ""}}}


def dockerconfigjson(auths: dict[str, Any]) -> dict[str, str]:
    return {".dockerconfigjson": b64(json.dumps({"auths": auths}))}


def kubectl_list(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": "v1", "items": items, "kind": "List",
            "metadata": {"resourceVersion": ""}}


class Cluster:
    """A `kubectl get secrets -A -o json` document and the secrets planted in it."""

    def __init__(self) -> None:
        now = datetime.now(UTC)
        self.live_at = (now + timedelta(hours=3, minutes=10, seconds=30)).replace(microsecond=0)
        self.expired_at = (now - timedelta(days=2, hours=1)).replace(microsecond=0)
        self.legacy_at = (now - timedelta(hours=1)).replace(microsecond=0)
        seed = secrets.randbelow(10**9)
        self.live = make_ecr_password(self.live_at, seed=seed)
        self.expired = make_ecr_password(self.expired_at, seed=seed + 1)
        self.legacy = make_ecr_password(self.legacy_at, seed=seed + 2)
        self.hub = secrets.token_urlsafe(30)
        self.sa_token = secrets.token_urlsafe(60)
        self.opaque = secrets.token_urlsafe(30)
        self.items = [
            secret("ci", "ecr-live", "kubernetes.io/dockerconfigjson",
                   dockerconfigjson({ECR: {"auth": auth(self.live)}})),
            secret("prod", "ecr-expired", "kubernetes.io/dockerconfigjson",
                   dockerconfigjson({f"https://{ECR_EU}": {"username": "AWS",
                                                            "password": self.expired}})),
            secret("legacy", "old-dockercfg", "kubernetes.io/dockercfg",
                   {".dockercfg": b64(json.dumps({ECR: {"auth": auth(self.legacy),
                                                        "email": "none"}}))}),
            secret("ci", "dockerhub", "kubernetes.io/dockerconfigjson",
                   dockerconfigjson({"https://index.docker.io/v1/": {
                       "auth": b64(f"octo:{self.hub}")}})),
            secret("ci", "app-config", "Opaque", {"DB_PASSWORD": b64(self.opaque)}),
            secret("kube-system", "default-token-x7k2p", "kubernetes.io/service-account-token",
                   {"ca.crt": b64("-----BEGIN CERTIFICATE-----\nMIIB\n"),
                    "namespace": b64("kube-system"), "token": b64(self.sa_token)}),
            secret("ci", "broken", "kubernetes.io/dockerconfigjson",
                   {".dockerconfigjson": "this is not base64!"}),
        ]

    def json(self) -> str:
        return json.dumps(kubectl_list(self.items), indent=4)

    def planted(self) -> dict[str, str]:
        return {"live": self.live, "expired": self.expired, "legacy": self.legacy,
                "hub": self.hub, "sa-token": self.sa_token, "opaque": self.opaque}

    def forms(self) -> list[tuple[str, str]]:
        """Every form of every planted secret that must never be printed."""
        found = []
        for name, value in self.planted().items():
            found += [(name, value), (f"{name} (base64)", b64(value)),
                      (f"{name} (hex)", value.encode().hex())]
            # An ECR password starts with its JSON frame ("eyJwYXlsb2Fk…"), the same in every
            # token: only what follows is secret.
            start = 16 if value.startswith("eyJ") else 0
            found += [(f"{name} [{i}:{i + PIECE}]", value[i:i + PIECE])
                      for i in range(start, len(value) - PIECE + 1)]
        for item in self.items:
            for key, value in item["data"].items():
                if key.startswith(".docker"):
                    found.append((f"{item['metadata']['name']} data", value))
        return found


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    return Cluster()


def scan_stdin(data: str | bytes, *argv: str,
               monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    raw = data.encode() if isinstance(data, str) else data
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"))
    out, err = io.StringIO(), io.StringIO()
    code = main(["scan", "-", *argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def by_object(stdout: str) -> dict[str, dict[str, Any]]:
    findings = validated(stdout, "scan")["findings"]
    return {f["details"]["object"]: f for f in findings if "object" in f["details"]}


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- what a cluster dump reports ---------------------------------------------------------------


def test_every_ecr_token_with_its_expiry(cluster: Cluster, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    code, out, _ = scan_stdin(cluster.json(), "--format", "json", monkeypatch=monkeypatch)
    assert code == 1
    found = by_object(out)
    assert set(found) == {"ci/ecr-live", "prod/ecr-expired", "legacy/old-dockercfg",
                          "ci/broken"}
    live, expired, legacy = found["ci/ecr-live"], found["prod/ecr-expired"], \
        found["legacy/old-dockercfg"]
    assert [f["rule_id"] for f in (live, expired, legacy)] == ["SCN009"] * 3
    assert live["registry"] == ECR and live["details"]["expires_at"] == stamp(cluster.live_at)
    assert live["details"]["token_state"] == "live" and live["severity"] == "medium"
    assert expired["registry"] == ECR_EU and expired["severity"] == "high"
    assert expired["details"]["expires_at"] == stamp(cluster.expired_at)
    assert expired["details"]["token_state"] == "expired"
    assert legacy["details"]["key"] == ".dockercfg" and legacy["details"]["token_state"] \
        == "expired"
    assert found["ci/broken"]["rule_id"] == "SCN010"
    summary = validated(out, "scan")["kubernetes"]
    assert summary == {"objects": 7, "secrets": 7, "pull_secrets": 5, "ecr_tokens": 3,
                       "live": 1, "expired": 2}


def test_text_lists_each_secret_on_one_line(cluster: Cluster,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = scan_stdin(cluster.json(), monkeypatch=monkeypatch)
    assert code == 1
    lines = {line.split()[0]: line for line in out.splitlines() if "/" in line.split()[0]}
    when = cluster.live_at.strftime("%Y-%m-%d %H:%M UTC")
    assert f"{ECR}  expires {when} (in 3h " in lines["ci/ecr-live"]
    assert lines["ci/ecr-live"].rstrip().split("  ")[-1].startswith("SCN009 [medium]")
    assert "(expired 2d ago)" in lines["prod/ecr-expired"]
    assert "SCN010 [medium]" in lines["ci/broken"] and "not valid base64" in lines["ci/broken"]
    assert "ci/dockerhub" not in out and "kube-system" not in out
    assert out.splitlines()[-1].startswith(
        "ecr-doctor scan: stdin: 7 Kubernetes object(s), 7 Secret(s), 5 pull secret(s), "
        "3 ECR token(s) (1 live, 2 expired)")


def test_fail_on_and_clean_cluster(cluster: Cluster, monkeypatch: pytest.MonkeyPatch) -> None:
    assert scan_stdin(cluster.json(), "--fail-on", "critical", monkeypatch=monkeypatch)[0] == 0
    clean = json.dumps(kubectl_list(cluster.items[3:6]))
    code, out, _ = scan_stdin(clean, monkeypatch=monkeypatch)
    assert code == 0 and "no findings" in out and "3 Secret(s)" in out


def test_yaml_forms(cluster: Cluster, monkeypatch: pytest.MonkeyPatch) -> None:
    # `kubectl get secrets -A -o yaml`: the same List in YAML.
    code, out, _ = scan_stdin(yaml.safe_dump(kubectl_list(cluster.items)), "--format", "json",
                              monkeypatch=monkeypatch)
    assert code == 1 and set(by_object(out)) == {"ci/ecr-live", "prod/ecr-expired",
                                                 "legacy/old-dockercfg", "ci/broken"}
    # A manifest: several documents, stringData, and the API's SecretList (items without kind).
    manifest = (
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: from-string-data\n  namespace: web\n"
        "type: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: |\n"
        f'    {{"auths": {{"{ECR}": {{"auth": "{auth(cluster.live)}"}}}}}}\n'
        "---\n"
        + yaml.safe_dump({"apiVersion": "v1", "kind": "SecretList", "metadata": {},
                          "items": [{k: v for k, v in cluster.items[1].items() if k != "kind"}]}))
    code, out, _ = scan_stdin(manifest, "--format", "json", monkeypatch=monkeypatch)
    found = by_object(out)
    assert set(found) == {"web/from-string-data", "prod/ecr-expired"}
    assert found["web/from-string-data"]["line"] == 9
    assert found["web/from-string-data"]["details"]["field"] == "stringData"
    # The raw auth in stringData is one finding, not also a bare token (SCN002).
    assert [f["rule_id"] for f in validated(out, "scan")["findings"]] == ["SCN009", "SCN009"]


def test_committed_manifest_in_a_scanned_tree(cluster: Cluster, tmp_path: Path) -> None:
    (tmp_path / "k8s").mkdir()
    manifest = yaml.safe_dump(cluster.items[0], default_flow_style=False)
    (tmp_path / "k8s" / "pull-secret.yaml").write_text(manifest)
    (tmp_path / "k8s" / "pull-secret.json").write_text(json.dumps(cluster.items[1], indent=2))
    out, err = io.StringIO(), io.StringIO()
    code = main(["scan", str(tmp_path), "--format", "json"], stdout=out, stderr=err)
    assert code == 1
    findings = validated(out.getvalue(), "scan")["findings"]
    got = {(Path(f["path"]).name, f["rule_id"], f["severity"], f["details"]["object"])
           for f in findings}
    # Live in a file anyone with the repository can read: critical.
    assert got == {("pull-secret.yaml", "SCN009", "critical", "ci/ecr-live"),
                   ("pull-secret.json", "SCN009", "high", "prod/ecr-expired")}
    line = manifest.splitlines().index(next(x for x in manifest.splitlines()
                                            if ".dockerconfigjson" in x)) + 1
    assert [f["line"] for f in findings if f["path"].endswith(".yaml")] == [line]


def test_baseline_accepts_a_clusters_known_secrets(cluster: Cluster, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    baseline = tmp_path / "baseline.json"
    assert scan_stdin(cluster.json(), "--write-baseline", str(baseline),
                      monkeypatch=monkeypatch)[0] == 0
    code, out, _ = scan_stdin(cluster.json(), "--baseline", str(baseline),
                              monkeypatch=monkeypatch)
    assert code == 0 and "4 accepted by the baseline" in out


# --- malformed and hostile input ---------------------------------------------------------------


@pytest.mark.parametrize(("data", "problem"), [
    (b64("{not json"), "not JSON"),
    (b64("[1, 2]"), "not a JSON object"),
    (b64(b"\xff\xfe{}"), "not UTF-8"),
    (b64(json.dumps({ECR: {"auth": b64("u:p")}})), "has no `auths`"),
    (b64(json.dumps({"auths": {ECR: {"auth": "%%%"}}})), "does not decode"),
    (json.dumps({"auths": {}}), "plain JSON, not base64"),
])
def test_a_malformed_pull_secret_is_a_finding_not_a_crash(
        data: str, problem: str, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = kubectl_list([secret("ns", "bad", "kubernetes.io/dockerconfigjson",
                               {".dockerconfigjson": data})])
    code, out, err = scan_stdin(json.dumps(doc), "--format", "json", monkeypatch=monkeypatch)
    assert code == 1, err
    (finding,) = [f for f in validated(out, "scan")["findings"] if f["rule_id"] == "SCN010"]
    assert problem in finding["message"] and finding["details"]["object"] == "ns/bad"


@pytest.mark.parametrize(("data", "message"), [
    (b"", "nothing on stdin"),
    (b"just some words\n", "not a Kubernetes object"),
    (b"{\"auths\": {}}", "not a Kubernetes object"),  # a config.json piped in
    (b"key: [unclosed\n", "neither JSON nor YAML"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    (b"apiVersion: v1\nkind: Secret\n---\n- a list\n", "document 2"),
])
def test_input_that_is_not_kubernetes_objects_exits_2(
        data: bytes, message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = scan_stdin(data, monkeypatch=monkeypatch)
    assert code == 2 and out == "" and message in err, err


def test_stdin_over_the_cap_fails_closed(cluster: Cluster,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = scan_stdin(cluster.json(), "--max-bytes", "1000", monkeypatch=monkeypatch)
    assert code == 2 and out == "" and "larger than 1000 bytes, so nothing was scanned" in err


def test_stdin_and_paths_do_not_mix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    out, err = io.StringIO(), io.StringIO()
    assert main(["scan", "-", "."], stdout=out, stderr=err) == 2
    assert "cannot be combined" in err.getvalue()


def test_yaml_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ["apiVersion: v1", "kind: ConfigMap", 'a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    code, _, err = scan_stdin("\n".join(lines), monkeypatch=monkeypatch)
    assert code == 2 and "YAML bomb" in err


def test_hostile_names_and_shapes(cluster: Cluster, monkeypatch: pytest.MonkeyPatch) -> None:
    evil = secret("ns\x1b[2J", "name\u202e\x07", "kubernetes.io/dockerconfigjson",
                  dockerconfigjson({f"{ECR}\x1b]0;pwned\x07": {"auth": auth(cluster.live)}}))
    odd: list[Any] = [
        {"apiVersion": "v1", "kind": "Secret", "metadata": "not a map", "data": [1, 2]},
        {"apiVersion": "v1", "kind": "Secret", "data": {".dockerconfigjson": 12}},
        {"apiVersion": "v1", "kind": "Secret", "stringData": {".dockercfg": None}},
        {"apiVersion": "v1", "kind": "List", "items": [[], "x", None, {"kind": "List"}]},
        evil,
    ]
    code, out, err = scan_stdin(json.dumps(kubectl_list(odd)), monkeypatch=monkeypatch)
    assert code == 1, err
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "\\u001b[2J" in out
    deep = "[" * 100_000 + "]" * 100_000
    assert scan_stdin(deep, monkeypatch=monkeypatch)[0] == 2


def test_ten_thousand_secrets(cluster: Cluster, monkeypatch: pytest.MonkeyPatch) -> None:
    # A large cluster: many ordinary Secrets and a few pull secrets, all read.
    items = [secret(f"ns{i % 50}", f"s{i}", "Opaque", {"k": b64("v")}) for i in range(10_000)]
    items[5000] = cluster.items[0]
    code, out, _ = scan_stdin(json.dumps(kubectl_list(items)), "--format", "json",
                              monkeypatch=monkeypatch)
    assert code == 1 and set(by_object(out)) == {"ci/ecr-live"}
    assert validated(out, "scan")["kubernetes"]["secrets"] == 10_000


# --- no secret in any output -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_no_planted_secret_in_any_output(cluster: Cluster, fmt: str,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = scan_stdin(cluster.json(), "--format", fmt, "-v", monkeypatch=monkeypatch)
    assert code == 1
    assert ECR in out  # the search below means something only if the tokens were reported
    leaks = sorted({what for what, form in cluster.forms() if form in out + err})
    assert not leaks, f"{fmt} printed {leaks[:10]}"


def test_sarif_names_the_secret(cluster: Cluster, monkeypatch: pytest.MonkeyPatch) -> None:
    _, out, _ = scan_stdin(cluster.json(), "--format", "sarif", monkeypatch=monkeypatch)
    results = json.loads(out)["runs"][0]["results"]
    names = {r["logicalLocations"][0]["fullyQualifiedName"] for r in results}
    assert names == {"ci/ecr-live", "prod/ecr-expired", "legacy/old-dockercfg", "ci/broken"}
