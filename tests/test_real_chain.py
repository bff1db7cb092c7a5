"""The real chain, end to end: helper → moto (ECR API over TLS) → token → registry → docker/skopeo.

One private network + mount namespace (tests/realchain.py) holds every server; the scenarios
run there once per session and each test below checks one of them. Needs root (to create the
namespace) and the Debian packages in .ci/apt-packages.txt; under CI=true nothing skips.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import IN_CI, require_binary

pytestmark = pytest.mark.real

HERE = Path(__file__).parent
BROKEN = ["stale-static-token", "helper-key-with-path", "helper-name-prefix",
          "global-credsstore-ecr-login", "missing-helper-binary"]


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    for name in ("unshare", "ip", "mount", "openssl", "docker", "skopeo", "umoci", "htpasswd",
                 "docker-registry", "docker-credential-ecr-login"):
        require_binary(name)
    if not Path(sys.executable).with_name("moto_server").exists():
        require_binary("moto_server")
    if os.geteuid() != 0:
        if IN_CI:
            pytest.fail("the real-chain tests need root to create a network namespace")
        pytest.skip("needs root to create a private network namespace")
    out = tmp_path_factory.mktemp("real-chain")
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join([str(HERE.parent / "src"),
                                          os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run(
        ["unshare", "-m", "-n", "--propagation", "private", sys.executable,
         str(HERE / "realchain.py"), str(out)],
        capture_output=True, text=True, timeout=240, env=env, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results: dict[str, Any] = json.loads((out / "results.json").read_text())
    return results


def verify_report(chain: dict[str, Any], name: str) -> dict[str, Any]:
    document = json.loads(chain[name]["verify"]["out"])
    assert document["command"] == "verify" and document["result"]["registries"], document
    report: dict[str, Any] = document["result"]["registries"][0]
    return report


def test_namespace_has_only_loopback(chain: dict[str, Any]) -> None:
    # No other interface: nothing any component does can leave the machine.
    assert chain["interfaces"] == ["lo"]


@pytest.mark.parametrize("name", BROKEN)
def test_broken_config_fails_then_fix_repairs_it(chain: dict[str, Any], name: str) -> None:
    case = chain[name]
    assert case["docker_before"]["rc"] != 0, case["docker_before"]
    if case["skopeo_applies"]:
        assert case["skopeo_before"]["rc"] != 0, case["skopeo_before"]
    assert case["fix"]["rc"] == 0, case["fix"]
    assert case["docker_after"]["rc"] == 0, (case["config_after"], case["docker_after"])
    assert '"schemaVersion": 2' in case["docker_after"]["out"]
    if case["skopeo_applies"]:
        assert case["skopeo_after"]["rc"] == 0, (case["config_after"], case["skopeo_after"])
    # Idempotent: a second run finds nothing to change.
    assert case["fix_again"]["rc"] == 0, case["fix_again"]


def test_the_real_errors_are_the_documented_ones(chain: dict[str, Any]) -> None:
    # What users actually see (reference: real-components.md, "Errors the real clients print").
    assert "no such manifest" in chain["stale-static-token"]["docker_before"]["err"]
    for name in ("helper-key-with-path", "helper-name-prefix", "global-credsstore-ecr-login",
                 "missing-helper-binary"):
        assert "no basic auth credentials" in chain[name]["docker_before"]["err"], name
    assert "docker-credential-docker-credential-ecr-login" in (
        chain["helper-name-prefix"]["skopeo_before"]["err"])
    assert "unauthorized" in chain["helper-key-with-path"]["skopeo_before"]["err"]


def test_fixed_configs_use_the_helper_with_the_exact_host(chain: dict[str, Any]) -> None:
    host = chain["stale-static-token"]["host"]
    for name in BROKEN:
        after = json.loads(chain[name]["config_after"])
        assert after["credHelpers"] == {host: "ecr-login"}, name
    assert "credsStore" not in json.loads(chain["global-credsstore-ecr-login"]["config_after"])


def test_verify_good_chain_with_probe(chain: dict[str, Any]) -> None:
    assert chain["verify-good"]["verify"]["rc"] == 0
    report = verify_report(chain, "verify-good")
    assert report["usable"] and report["outcome"] == "credentials"
    # moto's token carries no expiry; a real ECR token does (see the cache cases).
    assert report["token_state"] == "unknown"
    assert report["probe"]["status"] == 200
    # The helper really returned moto's token, and verify never printed it.
    assert "auth-token" in chain["verify-good"]["helper"]["out"]
    assert "auth-token" not in chain["verify-good"]["verify"]["out"]
    assert report["fingerprint"].startswith("fp:")


def test_verify_no_aws_credentials_shows_the_helper_log_reason(chain: dict[str, Any]) -> None:
    assert chain["verify-no-aws"]["verify"]["rc"] == 1
    report = verify_report(chain, "verify-no-aws")
    assert report["outcome"] == "not-found"
    assert "failed to retrieve credentials" in report["helper_log_error"]
    findings = json.loads(chain["verify-no-aws"]["diagnose"]["out"])["result"]["findings"]
    assert "ENV007" in {f["rule_id"] for f in findings}


def test_verify_stale_cached_token_with_api_down(chain: dict[str, Any]) -> None:
    case = chain["verify-stale-cache"]
    # The helper itself says all is well: exit 0, with the expired token.
    assert case["helper"]["rc"] == 0
    assert case["verify"]["rc"] == 1
    report = verify_report(chain, "verify-stale-cache")
    assert report["outcome"] == "credentials" and report["token_state"] == "expired"
    assert report["fell_back_to_cache"] is True
    assert report["cache_state"] == "expired"
    chain_links = json.loads(case["verify"]["out"])["result"]["aws_credential_chain"]
    assert [link["source"] for link in chain_links][:2] == ["environment", "shared-profile"]
    assert chain_links[0]["present"] is True and "disabled" in chain_links[-1]["detail"]
    assert "connection refused" in report["helper_log_error"]
    assert "expired" in case["text"]["out"]
    # The legacy cache key holds the access key id in clear: no output may show it.
    for output in ("verify", "text", "diagnose", "explain"):
        assert "QUtJQUZBS0VGQUtFRkFLRUZBS0" not in case[output]["out"]
        assert "AKIAFAKEFAKEFAKEFAKE" not in case[output]["out"]


def test_verify_serves_a_fresh_pre_seeded_cache_without_network(chain: dict[str, Any]) -> None:
    assert chain["verify-fresh-cache"]["verify"]["rc"] == 0
    report = verify_report(chain, "verify-fresh-cache")
    assert report["usable"] and report["token_state"] == "live"
    assert report["cache_state"] == "fresh"


def test_verify_helper_missing(chain: dict[str, Any]) -> None:
    assert chain["verify-helper-missing"]["verify"]["rc"] == 1
    report = verify_report(chain, "verify-helper-missing")
    assert report["helper_found"] is False and report["ran"] is False
    assert "not on PATH" in report["reason"]


def test_diagnose_and_explain_use_the_helpers_own_evidence(chain: dict[str, Any]) -> None:
    case = chain["verify-stale-cache"]
    findings = {f["rule_id"]: f for f in json.loads(case["diagnose"]["out"])["result"]["findings"]}
    # The expired cache entry, and that the helper's last run fell back to it.
    assert findings["ENV008"]["severity"] == "high"
    assert "fall back" in findings["ENV008"]["message"]
    assert "connection refused" in findings["ENV009"]["message"]
    first_cause = case["explain"]["out"].split("\n1. ", 1)[1].splitlines()[0]
    assert "expired cached token" in first_cause and "this machine shows it" in first_cause
    no_aws = {f["rule_id"] for f in json.loads(chain["verify-no-aws"]["diagnose"]["out"])[
        "result"]["findings"]}
    assert {"ENV007", "ENV009"} <= no_aws
