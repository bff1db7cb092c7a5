"""Other scanners' test cases, run through `ecr-doctor scan` (tests/data/peer-cases/).

Each YAML file there holds the in-scope cases of one peer's public test suite (gitleaks,
trufflehog, Trivy, zizmor, actionlint, the AWS CLI migration linter, glsec), copied verbatim
with the commit they came from. Every case is written to a fresh tree under its `filename`
and scanned in-process:

- `expect: finding` -> at least one finding, the listed `rules` among them, and exactly
  `findings` findings of those rules when the peer pins a count;
- `expect: quiet` -> no finding at all;
- `exception` + `ecr_doctor_expects` -> the peer is wrong for ecr-doctor (the text says why)
  and ecr-doctor's expected behaviour is tested instead;
- in every case, none of its `secrets` (the planted values) appears in anything scan prints.

A case ecr-doctor gets wrong today carries `known_gap: "<class>"` and runs as a strict xfail:
the suite stays green, and the day a detector fix makes it pass the xfail fails, so the marker
is removed in the same change. The secret check never xfails.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import re
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from ecr_doctor.cli.main import main

PEER_CASES = Path(__file__).parent / "data" / "peer-cases"
FILE_REQUIRED = {"source", "licence", "peer_rule", "cases"}
FILE_OPTIONAL = {"out_of_scope"}
CASE_REQUIRED = {"id", "expect", "filename", "content"}
CASE_OPTIONAL = {"rules", "findings", "origin", "secrets", "known_gap", "exception",
                 "ecr_doctor_expects"}
EXPECT = {"finding", "quiet"}
RULE_ID = re.compile(r"^SCN0\d\d$")
# A peer's file at a fixed commit, so the case can be traced back after the peer changes.
SOURCE = re.compile(r"^https://github\.com/[\w.-]+/[\w.-]+/(blob|tree)/[0-9a-f]{40}(/\S*)?$")
CASE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MIN_SECRET = 6  # shorter planted values ("pass") occur in ordinary words of a message


def _files() -> list[Path]:
    return sorted(PEER_CASES.glob("*.yaml"))


@cache
def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


def _cases() -> list[dict[str, Any]]:
    return [case for path in _files() for case in _load(path)["cases"]]


def _expected(case: dict[str, Any]) -> str:
    return str(case.get("ecr_doctor_expects", case["expect"]))


def _params(*, gaps: bool) -> list[Any]:
    params = []
    for case in _cases():
        marks = []
        if gaps and case.get("known_gap"):
            marks.append(pytest.mark.xfail(strict=True, reason=f"known gap: {case['known_gap']}"))
        params.append(pytest.param(case, id=case["id"], marks=marks))
    return params


# --- scanning -----------------------------------------------------------------------------------


class Scanned:
    def __init__(self, code: int, document: dict[str, Any], printed: str) -> None:
        self.code = code
        self.result: dict[str, Any] = document["result"]
        self.findings: list[dict[str, Any]] = self.result["findings"]
        self.printed = printed

    def describe(self) -> str:
        return ", ".join(f"{f['rule_id']}@{f.get('line')}" for f in self.findings) or "none"


@pytest.fixture(scope="session")
def scan(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Scan a case once per session (the expectation and the secret check share the run)."""
    done: dict[str, Scanned] = {}

    def run(case: dict[str, Any]) -> Scanned:
        if case["id"] not in done:
            root = tmp_path_factory.mktemp(case["id"]) / "tree"
            target = root / case["filename"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(case["content"].encode("utf-8"))  # verbatim: no newline added
            out, err = io.StringIO(), io.StringIO()
            code = main(["scan", str(root), "--format", "json", "-j", "1"], stdout=out, stderr=err)
            done[case["id"]] = Scanned(code, json.loads(out.getvalue()), out.getvalue() + err.getvalue())
        return done[case["id"]]

    return run


@pytest.mark.parametrize("case", _params(gaps=True))
def test_peer_case(case: dict[str, Any], scan: Any) -> None:
    scanned = scan(case)
    assert scanned.code in (0, 1), scanned.printed
    assert not scanned.result["unreadable"], scanned.result["unreadable"]
    assert not scanned.result["skipped"], scanned.result["skipped"]
    found = {f["rule_id"] for f in scanned.findings}
    if _expected(case) == "quiet":
        assert not scanned.findings, f"expected no finding, got {scanned.describe()}"
        return
    assert scanned.findings, "expected a finding, got none"
    rules = set(case.get("rules", ()))
    assert rules <= found, f"expected {sorted(rules)}, got {scanned.describe()}"
    if "findings" in case:
        counted = [f for f in scanned.findings if not rules or f["rule_id"] in rules]
        assert len(counted) == case["findings"], f"expected {case['findings']}, got {scanned.describe()}"


@pytest.mark.parametrize("case", _params(gaps=False))
def test_peer_case_never_prints_its_secrets(case: dict[str, Any], scan: Any) -> None:
    printed = scan(case).printed
    for secret in case.get("secrets", ()):
        assert secret not in printed, f"{case['id']}: a planted secret ({secret[:4]}...) was printed"


# --- the data itself ----------------------------------------------------------------------------


def _decoded_forms(text: str, depth: int = 3) -> list[str]:
    """`text` and what its base64 runs decode to (nested: a Secret's config holds an auth)."""
    forms = [text]
    if depth == 0:
        return forms
    for run in re.findall(r"[A-Za-z0-9+/]{16,}={0,2}", text):
        try:
            decoded = base64.b64decode(run + "=" * (-len(run) % 4)).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            continue
        forms.extend(_decoded_forms(decoded, depth - 1))
    return forms


def test_every_file_names_its_source_and_licence() -> None:
    files = _files()
    assert files, f"no case files in {PEER_CASES}"
    for path in files:
        data = _load(path)
        assert data.keys() >= FILE_REQUIRED, f"{path.name}: missing {FILE_REQUIRED - data.keys()}"
        assert data.keys() <= FILE_REQUIRED | FILE_OPTIONAL, f"{path.name}: unknown keys"
        assert SOURCE.match(data["source"]), f"{path.name}: source {data['source']!r} is not pinned"
        for key in ("licence", "peer_rule"):
            assert isinstance(data[key], str) and data[key].strip(), f"{path.name}: empty {key}"
        assert isinstance(data["cases"], list) and data["cases"], f"{path.name}: no cases"


def test_every_case_is_well_formed() -> None:
    seen: set[str] = set()
    for path in _files():
        for case in _load(path)["cases"]:
            where = f"{path.name}: {case.get('id', case)!r}"
            assert case.keys() >= CASE_REQUIRED, f"{where}: missing {CASE_REQUIRED - case.keys()}"
            assert case.keys() <= CASE_REQUIRED | CASE_OPTIONAL, f"{where}: unknown keys"
            assert CASE_ID.match(case["id"]), where
            assert case["id"] not in seen, f"{where}: duplicate id"
            seen.add(case["id"])
            assert case["expect"] in EXPECT, where
            assert isinstance(case["content"], str) and case["content"].strip(), where
            name = PurePosixPath(case["filename"])
            assert not name.is_absolute() and ".." not in name.parts and name.name, where
            # An exception says why ecr-doctor departs from the peer, and what it does instead.
            assert ("exception" in case) == ("ecr_doctor_expects" in case), where
            if "ecr_doctor_expects" in case:
                assert case["ecr_doctor_expects"] in EXPECT, where
                assert case["ecr_doctor_expects"] != case["expect"], where
            if "rules" in case or "findings" in case:
                assert _expected(case) == "finding", f"{where}: rules/findings on a quiet case"
            assert all(RULE_ID.match(r) for r in case.get("rules", ())), where
            assert isinstance(case.get("findings", 1), int) and case.get("findings", 1) >= 1, where
            gap = case.get("known_gap")
            assert gap is None or (isinstance(gap, str) and gap.strip() and "\n" not in gap), where
            forms = _decoded_forms(case["content"])
            for secret in case.get("secrets", ()):
                assert len(secret) >= MIN_SECRET, f"{where}: secret too short to check"
                assert any(secret in form for form in forms), f"{where}: secret not in content"
