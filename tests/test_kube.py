"""`ecr-doctor kube`: the kubelet's matchImages matching, the ECR host families, the generated
provider config, and `kube check` on real, broken and hostile files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from envelope import validated
from kube_fixtures import GOOD_PROVIDER_CONFIG

from ecr_doctor.cli.main import main
from ecr_doctor.core.kube.check import check_config, parse_go_duration
from ecr_doctor.core.kube.hosts import HOST_FAMILIES, PARTITIONS, families_for, provider_config
from ecr_doctor.core.kube.match import filepath_match, image_allowed, urls_match_str
from ecr_doctor.core.registries import (
    ECR_SUFFIX_PARTITION,
    HELPER_RELEASES,
    classify,
    ecr_look_alike,
)
from ecr_doctor.machine.kubefile import parse_document

FIXTURES = Path(__file__).parent / "fixtures" / "kube"
SRC = str(Path(__file__).parent.parent / "src")
NEWEST = HELPER_RELEASES[-1]
ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com"


def cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "NO_COLOR": "1", "PYTHONPATH": SRC}
    return subprocess.run([sys.executable, "-m", "ecr_doctor", "kube", *args],
                          capture_output=True, text=True, env=env, input=stdin and
                          stdin.decode("utf-8", "surrogateescape"), timeout=60)


def run(*args: str) -> tuple[int, str, str]:
    import io

    out, err = io.StringIO(), io.StringIO()
    code = main(["kube", *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def findings(text: str, **kw: object) -> list[tuple[str, str, int]]:
    check = check_config(parse_document(text.encode()), "c.yaml", **kw)  # type: ignore[arg-type]
    return [(f.rule_id, f.message, f.location.line) for f in check.findings]


def ids(text: str, **kw: object) -> list[str]:
    return [rule for rule, _, _ in findings(text, **kw)]


GOOD = GOOD_PROVIDER_CONFIG


# --- the kubelet's matcher ------------------------------------------------------------------

# The examples in staging/src/k8s.io/kubelet/config/v1/types.go (matchImages) and
# pkg/credentialprovider/keyring.go · URLsMatch's doc comment, and keyring_test.go's shapes.
@pytest.mark.parametrize(("glob", "image", "expected"), [
    ("*.docker.io", "blah.docker.io/x", True),
    ("*.docker.io", "not.right.io/x", False),
    ("*.io", "a.k8s.io/x", False),                       # one label per *
    ("*.k8s.io", "a.k8s.io/x", True),
    ("k8s.*.io", "k8s.foo.io/x", True),
    ("app*.k8s.io", "apps.k8s.io/x", True),               # partial label
    ("*.*.registry.io", "a.b.registry.io/x", True),
    ("registry.io:8080/path", "registry.io:8080/path/img", True),
    ("registry.io:8080/path", "registry.io/path/img", False),  # ports must be equal
    ("registry.io/path", "registry.io:8080/path/img", False),
    ("registry.io/path", "registry.io/other/img", False),  # the path is a prefix
    ("gcr.io", "gcr.io/project/img:tag", True),
    ("*.amazonaws.com", f"{ECR}/app:1", False),
    ("*.dkr.ecr.*.amazonaws.com", f"{ECR}/app:1", True),
    (f"https://{ECR}", f"{ECR}/app:1", False),            # scheme: the host parses as "https:"
    ("*.dkr.ecr.*.amazonaws.com", f"{ECR.upper()}/app", False),  # filepath.Match: case counts
])
def test_urls_match_str_as_the_kubelet(glob: str, image: str, expected: bool) -> None:
    assert urls_match_str(glob, image) is expected


@pytest.mark.parametrize(("pattern", "name", "expected"), [
    ("a*b", "axxb", True), ("a?c", "abc", True), ("[a-c]x", "bx", True), ("[^a-c]x", "bx", False),
    ("a\\*", "a*", True), ("*", "a/b", False), ("", "", True),
])
def test_filepath_match(pattern: str, name: str, expected: bool) -> None:
    assert filepath_match(pattern, name) is expected


@pytest.mark.parametrize("pattern", ["[", "a[", "[]", "a\\"])
def test_filepath_match_bad_patterns(pattern: str) -> None:
    with pytest.raises(ValueError):
        filepath_match(pattern, "a")


@pytest.mark.parametrize(("text", "seconds"), [("12h", 43200), ("0", 0), ("1h30m", 5400),
                                               ("1.5h", 5400), ("-1s", -1), ("300ms", 0.3)])
def test_go_durations(text: str, seconds: float) -> None:
    assert parse_go_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "1d", "12", "h", "1hh", ".h", "12 h"])
def test_not_go_durations(text: str) -> None:
    assert parse_go_duration(text) is None


# --- the host table ---------------------------------------------------------------------------

def test_every_family_example_is_an_ecr_host_of_its_partition() -> None:
    # The examples are checked against the ECR helper's own newest host table, so the
    # provider config below is tested against hosts the helper really serves.
    for family in HOST_FAMILIES:
        for host in family.examples:
            registry = classify(host)
            assert registry.is_ecr, host
            assert host in NEWEST.public_names or NEWEST.pattern.search(host), host
            assert registry.partition in family.partitions, (host, registry.partition)
            assert urls_match_str(family.glob, f"{host}/repo:tag"), (family.glob, host)


def test_the_families_cover_every_suffix_and_public_name_of_the_helper() -> None:
    suffixes = {s for s in ECR_SUFFIX_PARTITION
                if any(h.endswith("." + s) for f in HOST_FAMILIES for h in f.examples)}
    assert suffixes == set(ECR_SUFFIX_PARTITION)
    public = {h for f in HOST_FAMILIES if f.public for h in f.examples}
    assert public == set(NEWEST.public_names)
    # standard, FIPS, dual-stack and FIPS dual-stack: the helper's dkr[.-]ecr(-fips)?
    shapes = set()
    for host in _all_examples():
        match = NEWEST.pattern.search(host)
        if match is not None:
            shapes.add(re.sub(r"^\d{12}\.|\.[^.]+\.%s$" % re.escape(match[4]), "", host))
    assert shapes == {"dkr.ecr", "dkr.ecr-fips", "dkr-ecr", "dkr-ecr-fips"}


def _all_examples() -> list[str]:
    return [h for f in HOST_FAMILIES for h in f.examples]


@pytest.mark.parametrize("host", _all_examples())
def test_provider_config_matches_every_ecr_host(host: str) -> None:
    globs = provider_config()["providers"][0]["matchImages"]  # type: ignore[index]
    assert image_allowed(globs, f"{host}/team/app:1.2")
    assert image_allowed(globs, f"{host}/app@sha256:{'a' * 64}")


# Look-alikes (CFG013's, and ecr_look_alike's): the kubelet's globs turn these away themselves.
REJECTED_BY_GLOBS = [
    "public.ecr.awss", "public.ecr.aws.evil.com", "ecr-public.aws.co",
    "${AWS_ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com",   # url.Parse refuses { }
    "{{ account }}.dkr.ecr.us-east-1.amazonaws.com",
    "123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.com",
    "123456789012.dkr.ecr.us-east-1.amazonaws.co",
    "123456789012.DKR.ECR.us-east-1.amazonaws.com",
    "evil.com/123456789012.dkr.ecr.us-east-1.amazonaws.com",
    "123456789012.ecr.us-east-1.amazonaws.com",
]
# A glob cannot check the account's shape (no character classes: `[` breaks url.Parse), so
# these reach the provider, whose own host pattern (the helper's, main.go ·
# ecrPrivateHostPattern) refuses them: no credentials either way.
REJECTED_BY_PROVIDER = [
    "123456789.dkr.ecr.us-east-1.amazonaws.com",
    "$AWS_ACCOUNT_ID.dkr.ecr.us-east-1.amazonaws.com",
    "ACCOUNT_ID.dkr.ecr.us-east-1.amazonaws.com",
    "<your-account-id>.dkr.ecr.us-east-1.amazonaws.com",   # Go's url.Parse allows < > in hosts
    "1234-5678-9012.dkr.ecr.us-east-1.amazonaws.com",
]


@pytest.mark.parametrize("host", REJECTED_BY_GLOBS)
def test_look_alikes_do_not_match(host: str) -> None:
    globs = provider_config()["providers"][0]["matchImages"]  # type: ignore[index]
    assert not classify(host).is_ecr
    assert not image_allowed(globs, f"{host}/app")


@pytest.mark.parametrize("host", REJECTED_BY_PROVIDER)
def test_look_alikes_get_no_credentials(host: str) -> None:
    assert ecr_look_alike(host) is not None
    assert NEWEST.pattern.search(host) is None and host not in NEWEST.public_names


@pytest.mark.parametrize("partition", PARTITIONS)
def test_partition_restricts_the_families(partition: str) -> None:
    globs = provider_config([partition])["providers"][0]["matchImages"]  # type: ignore[index]
    for family in HOST_FAMILIES:
        host = family.examples[0]
        assert image_allowed(globs, f"{host}/x") is (family in families_for([partition])), host
    for host in _all_examples():
        if classify(host).partition == partition and classify(host).kind.value != "ecr-public":
            assert image_allowed(globs, f"{host}/x"), host


# --- kube provider-config --------------------------------------------------------------------

def test_provider_config_prints_valid_yaml_and_json() -> None:
    code, text, _ = run("provider-config")
    assert code == 0
    doc = yaml.safe_load(text)
    assert doc == provider_config()
    assert doc["apiVersion"] == "kubelet.config.k8s.io/v1"
    assert doc["kind"] == "CredentialProviderConfig"
    (provider,) = doc["providers"]
    assert provider["name"] == "ecr-credential-provider"
    assert provider["apiVersion"] == "credentialprovider.kubelet.k8s.io/v1"
    assert provider["defaultCacheDuration"] == "12h"
    code, text, _ = run("provider-config", "--output", "json")
    assert code == 0 and json.loads(text) == doc
    # and the kubelet's view of it, as kube check reads it, is clean
    assert findings(text) == []


def test_provider_config_in_the_envelope() -> None:
    code, text, _ = run("provider-config", "--format", "json", "--partition", "aws-cn",
                        "--output", "json")
    result = validated(text, "kube")
    assert code == 0 and result["kind"] == "provider-config"
    assert json.loads(result["file"]) == result["config"]
    assert result["config"]["providers"][0]["matchImages"] == [
        "*.dkr.ecr.*.amazonaws.com.cn", "*.dkr-ecr.*.on.amazonwebservices.com.cn"]


@pytest.mark.parametrize(("version", "config_api", "provider_api"), [
    ("1.26", "kubelet.config.k8s.io/v1alpha1", "credentialprovider.kubelet.k8s.io/v1alpha1"),
    ("v1.26.3", "kubelet.config.k8s.io/v1alpha1", "credentialprovider.kubelet.k8s.io/v1alpha1"),
    ("1.27", "kubelet.config.k8s.io/v1", "credentialprovider.kubelet.k8s.io/v1"),
    ("1.34.1", "kubelet.config.k8s.io/v1", "credentialprovider.kubelet.k8s.io/v1"),
])
def test_kubelet_version_picks_api_versions_as_eks_did(version: str, config_api: str,
                                                       provider_api: str) -> None:
    code, text, _ = run("provider-config", "--kubelet-version", version)
    doc = yaml.safe_load(text)
    assert code == 0 and doc["apiVersion"] == config_api
    assert doc["providers"][0]["apiVersion"] == provider_api


@pytest.mark.parametrize("args", [("--cache-duration", "1d"), ("--cache-duration", "-1h"),
                                  ("--kubelet-version", "latest"), ("--partition", "aws-moon")])
def test_provider_config_bad_usage_exits_2(args: tuple[str, ...]) -> None:
    code, out, _ = run("provider-config", *args)
    assert code == 2 and out == ""


# --- kube check: real files ------------------------------------------------------------------

def test_eks_nodeadm_config_is_clean() -> None:
    code, out, _ = run("check", str(FIXTURES / "eks-nodeadm-expected.json"))
    assert code == 0 and out.endswith("no problems found\n")


def test_older_eks_config_lacks_only_ecr_public() -> None:
    code, out, _ = run("check", str(FIXTURES / "eks-nodeadm-2e8fa251.json"), "--format", "json")
    result = validated(out, "kube")
    assert code == 1 and result["syntax"] == "json"
    (finding,) = result["findings"]
    assert finding["rule_id"] == "KUB011" and "public.ecr.aws" in finding["message"]
    code, _, _ = run("check", str(FIXTURES / "eks-nodeadm-2e8fa251.json"), "--fail-on", "medium")
    assert code == 0


def test_cloud_provider_aws_doc_example_does_not_decode() -> None:
    # Its trailing comma: the kubelet's JSON decoder (chosen because the file starts with
    # '{') refuses it, so kube check cannot go on either.
    code, out, err = run("check", str(FIXTURES / "cloud-provider-aws-docs.json"))
    assert code == 2 and out == ""
    assert "cloud-provider-aws-docs.json:8:13: trailing comma" in err


def test_cloud_provider_aws_doc_example_without_its_comma_lacks_kind() -> None:
    text = (FIXTURES / "cloud-provider-aws-docs.json").read_text().replace(
        '.amazonaws.com.cn",', '.amazonaws.com.cn"')
    found = findings(text)
    assert [r for r, _, _ in found if r != "KUB011"] == ["KUB001"]
    assert "no top-level apiVersion or kind" in found[0][1]


# --- kube check: true and false positives ----------------------------------------------------

def test_good_config_is_clean() -> None:
    assert findings(GOOD) == []
    assert findings(GOOD, registries=(ECR, "123456789012.dkr-ecr.eu-west-1.on.aws")) == []


def test_registry_not_covered_names_the_host() -> None:
    found = findings(GOOD, registries=("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn",))
    assert ("KUB010" in [r for r, _, _ in found]
            and any("cn-north-1.amazonaws.com.cn" in m for _, m, _ in found))


def test_star_dot_amazonaws_com_never_matches_ecr() -> None:
    text = GOOD.replace('"*.dkr.ecr.*.amazonaws.com"', '"*.amazonaws.com"')
    found = findings(text, registries=(ECR,))
    rules = [r for r, _, _ in found]
    assert "KUB008" in rules and "KUB010" in rules
    (line,) = [ln for r, _, ln in found if r == "KUB008"]
    assert line == 6


def test_other_providers_are_not_held_to_ecr() -> None:
    text = GOOD + """\
  - name: acr-credential-provider
    matchImages: ["*.azurecr.io"]
    defaultCacheDuration: "10m"
    apiVersion: credentialprovider.kubelet.k8s.io/v1
"""
    assert findings(text) == []


def test_yaml_and_json_forms_agree() -> None:
    doc = yaml.safe_load(GOOD)
    doc["providers"][0]["defaultCacheduration"] = "1h"
    as_json = json.dumps(doc, indent=1)
    as_yaml = yaml.safe_dump(doc)
    assert sorted(ids(as_json)) == sorted(ids(as_yaml)) == ["KUB014"]


def test_yaml_1_1_booleans_are_booleans_to_the_kubelet() -> None:
    text = GOOD + "    tokenAttributes:\n      serviceAccountTokenAudience: sts.amazonaws.com\n" \
        "      requireServiceAccount: yes\n      cacheType: ServiceAccount\n"
    assert findings(text) == []
    assert ids(text.replace("requireServiceAccount: yes", 'requireServiceAccount: "yes"')) == [
        "KUB016"]


def test_bin_dir(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(GOOD)
    binary = tmp_path / "bin" / "ecr-credential-provider"
    binary.parent.mkdir()
    code, out, _ = run("check", str(config), "--bin-dir", str(binary.parent))
    assert code == 1 and "KUB005" in out and "there is no such file" in out
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o644)
    code, out, _ = run("check", str(config), "--bin-dir", str(binary.parent))
    assert code == 1 and "not executable" in out
    binary.chmod(0o755)
    assert run("check", str(config), "--bin-dir", str(binary.parent))[0] == 0
    code, _, err = run("check", str(config), "--bin-dir", str(tmp_path / "nope"))
    assert code == 2 and "--bin-dir" in err


def test_check_reads_stdin() -> None:
    done = cli("check", "-", "--format", "json", stdin=GOOD.encode())
    assert done.returncode == 0, done.stderr
    assert validated(done.stdout, "kube")["path"] == "<stdin>"


def test_check_json_envelope_with_findings(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(GOOD.replace('"12h"', "12h\n    defaultCacheDuration: 1h"))
    code, out, _ = run("check", str(config), "--format", "json")
    result = validated(out, "kube")
    assert code == 1 and result["summary"]["high"] == 1
    assert result["findings"][0]["rule_id"] == "KUB015" and result["findings"][0]["line"] == 13


# --- hostile input ---------------------------------------------------------------------------

def _check_file(tmp_path: Path, data: bytes, *args: str) -> tuple[int, str, str]:
    path = tmp_path / "config.yaml"
    path.write_bytes(data)
    return run("check", str(path), *args)


def test_truncated_file_is_exit_2(tmp_path: Path) -> None:
    data = (FIXTURES / "eks-nodeadm-expected.json").read_bytes()
    code, out, err = _check_file(tmp_path, data[: len(data) // 2])
    assert code == 2 and out == "" and "config.yaml:" in err and "cannot decode" in err


def test_ten_megabyte_line_is_refused(tmp_path: Path) -> None:
    code, out, err = _check_file(tmp_path, b"apiVersion: " + b"a" * 10_000_000 + b"\n")
    assert code == 2 and out == "" and "larger than" in err


def test_binary_is_refused(tmp_path: Path) -> None:
    code, out, err = _check_file(tmp_path, bytes(range(256)) * 4)
    assert code == 2 and out == "" and "not UTF-8" in err


def test_nul_bytes_are_not_yaml(tmp_path: Path) -> None:
    code, _, err = _check_file(tmp_path, b"apiVersion: v1\x00\n")
    assert code == 2 and "not valid YAML" in err


def test_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    done = cli("check", str(fifo))  # a blocking open would hang until the timeout
    assert done.returncode == 2 and "not a regular file" in done.stderr


def test_directory_and_missing_file(tmp_path: Path) -> None:
    assert run("check", str(tmp_path))[0] == 2
    code, _, err = run("check", str(tmp_path / "missing.yaml"))
    assert code == 2 and "No such file" in err


def test_empty_file_holds_no_document(tmp_path: Path) -> None:
    code, _, err = _check_file(tmp_path, b"# nothing\n")
    assert code == 2 and "no document" in err


def test_yaml_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1},"
              f" *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 9)]
    code, out, err = _check_file(tmp_path, ("\n".join(lines) + "\n").encode())
    assert code == 2 and out == "" and "YAML bomb" in err


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    code, _, err = _check_file(tmp_path, b"a: " + b"[" * 500 + b"]" * 500 + b"\n")
    assert code == 2 and "deep" in err


def test_duplicate_key_is_found(tmp_path: Path) -> None:
    text = GOOD.replace("kind: CredentialProviderConfig\n",
                        "kind: CredentialProviderConfig\nkind: CredentialProviderConfig\n")
    assert ids(text) == ["KUB015"]
    as_json = json.dumps(yaml.safe_load(GOOD))
    as_json = as_json.replace('"kind":', '"kind": "x", "kind":')
    assert ids(as_json) == ["KUB015"]


def test_control_characters_in_a_name_are_shown_escaped(tmp_path: Path) -> None:
    text = GOOD.replace("name: ecr-credential-provider", 'name: "ecr\\e[2Jevil\\a\\u202e"')
    for fmt in ("text", "json"):
        code, out, _ = _check_file(tmp_path, text.encode(), "--format", fmt)
        assert code == 1 and "KUB004" in out
        assert "\x1b" not in out and "\u202e" not in out
        assert "\\u001b[2Jevil\\u0007" in out


PLANTED = {
    "secret_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
    "ecr_token": "QVdTOmV5SndZWGxzYjJGa0lqb2lVM1J5YjI1blVHRnpjM2R2Y21RaUxDSmtZWFJo",
    "akid": "AKIAIOSFODNN7EXAMPL3",
}


def test_no_planted_secret_reaches_any_output(tmp_path: Path) -> None:
    text = f"""\
apiVersion: "aws_secret_access_key={PLANTED['secret_key']}"
kind: CredentialProviderConfig
providers:
  - name: "{PLANTED['akid']}"
    matchImages: ["{PLANTED['ecr_token']}.dkr.ecr.*.amazonaws.com", "https://{PLANTED['akid']}"]
    defaultCacheDuration: "{PLANTED['ecr_token']}"
    apiVersion: "{PLANTED['ecr_token']}"
    args: ["--password={PLANTED['secret_key']}"]
    env:
      - name: AWS_SECRET_ACCESS_KEY
        value: "{PLANTED['secret_key']}"
    {PLANTED['akid']}: x
"""
    for fmt in ("text", "json"):
        code, out, err = _check_file(tmp_path, text.encode(), "--format", fmt)
        assert code == 1, err
        for secret in PLANTED.values():
            for i in range(0, len(secret) - 8):
                assert secret[i:i + 8] not in out + err, (fmt, secret)
    # and when the file does not even parse, the error quotes nothing either
    code, out, err = _check_file(tmp_path, f'{{"k": "{PLANTED["ecr_token"]}",}}'.encode())
    assert code == 2 and PLANTED["ecr_token"][:12] not in out + err
