"""The explain corpus (tests/data/explain_corpus.yaml) is well formed ground truth.

The corpus holds real ECR error messages pasted in public threads, each with the runtime that
printed it and the cause the thread confirmed. `ecr-doctor explain` is measured against it, so
a typo here (an unknown cause slug, a runtime id the benchmark does not know, a duplicated id)
would silently skew the measurement. These tests check the data only; the measurement itself
lives elsewhere.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from ecr_doctor.core.causes.catalogue import CATALOGUE as _CATALOGUE

CORPUS = Path(__file__).parent / "data" / "explain_corpus.yaml"

# The runtime ids the brief for the corpus fixed; the benchmark maps explain's first line onto
# these, so a new id needs a matching change there.
RUNTIMES = frozenset(
    {
        "docker-cli", "buildkit", "compose", "swarm", "kubelet", "containerd", "cri-o", "ecs",
        "lambda", "codebuild", "github-actions", "gitlab-ci", "podman", "skopeo", "buildah",
        "crane", "ko", "nomad", "terraform", "pulumi", "aws-cli", "ecr-helper",
        "docker-desktop", "sam", "cdk", "copilot", "jenkins", "bitbucket", "circleci",
        "argocd", "flux", "helm", "oras", "finch", "nerdctl",
    }
)
# ids start with the runtime; github-actions is shortened to keep ids readable.
ID_PREFIX = {"github-actions": "gha"}

REQUIRED = {"id", "runtime", "source", "cause", "confirmed_by", "message"}
OPTIONAL = {"version", "printed_by"}
# unconfirmed entries may leave the cause open: that is why they are unconfirmed.
REQUIRED_UNCONFIRMED = REQUIRED - {"cause"}

SOURCE = re.compile(
    r"^https://github\.com/[A-Za-z0-9][\w.-]*/[\w.-]+/(issues|pull|discussions)/[1-9][0-9]*"
    r"(#[\w-]+)?$"
)
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Shapes of live secrets that must never be committed, even from a public paste.
SECRET_SHAPES = (
    re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),  # AWS access key id
    re.compile(r"eyJwYXlsb2Fk[A-Za-z0-9+/=]{20,}"),  # base64 of an ECR token's '{"payload'
    re.compile(r"\bQVdTOmV5[A-Za-z0-9+/=]{20,}"),  # base64 of 'AWS:ey...', a docker auth blob
    re.compile(r"-p [A-Za-z0-9+/=]{100,}"),  # docker login -p <token> as get-login prints it
)


def _load() -> dict[str, Any]:
    data = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


DATA = _load()
MESSAGES: list[dict[str, Any]] = DATA["messages"]
UNCONFIRMED: list[dict[str, Any]] = DATA.get("unconfirmed") or []
NEW_CAUSES: dict[str, str] = DATA["causes"]
CATALOGUE_IDS = frozenset(c.id for c in _CATALOGUE)


def _ids(entries: list[dict[str, Any]]) -> list[str]:
    return [str(e.get("id")) for e in entries]


def test_top_level_shape() -> None:
    assert set(DATA) <= {"causes", "messages", "unconfirmed"}
    assert isinstance(NEW_CAUSES, dict)
    assert isinstance(MESSAGES, list)
    assert isinstance(UNCONFIRMED, list)


@pytest.mark.parametrize("entry", MESSAGES, ids=_ids(MESSAGES))
def test_confirmed_entry_fields(entry: dict[str, Any]) -> None:
    assert set(entry) >= REQUIRED, f"missing {REQUIRED - set(entry)}"
    assert set(entry) <= REQUIRED | OPTIONAL, f"unknown {set(entry) - REQUIRED - OPTIONAL}"
    for key in entry:
        if key == "printed_by":
            assert entry[key] and all(r in RUNTIMES for r in entry[key]), entry[key]
            continue
        assert isinstance(entry[key], str) and entry[key].strip(), key


@pytest.mark.parametrize("entry", UNCONFIRMED, ids=_ids(UNCONFIRMED))
def test_unconfirmed_entry_fields(entry: dict[str, Any]) -> None:
    allowed = REQUIRED | OPTIONAL
    assert set(entry) >= REQUIRED_UNCONFIRMED, f"missing {REQUIRED_UNCONFIRMED - set(entry)}"
    assert set(entry) <= allowed, f"unknown {set(entry) - allowed}"


@pytest.mark.parametrize("entry", MESSAGES + UNCONFIRMED, ids=_ids(MESSAGES + UNCONFIRMED))
def test_entry_values(entry: dict[str, Any]) -> None:
    runtime = entry["runtime"]
    assert runtime in RUNTIMES
    assert entry["id"].startswith(ID_PREFIX.get(runtime, runtime) + "-"), entry["id"]
    assert SLUG.match(entry["id"]), entry["id"]
    assert SOURCE.match(entry["source"]), entry["source"]
    if "cause" in entry:
        assert entry["cause"] in CATALOGUE_IDS or entry["cause"] in NEW_CAUSES, entry["cause"]


def test_ids_are_unique_across_both_lists() -> None:
    counts = Counter(_ids(MESSAGES + UNCONFIRMED))
    assert [i for i, n in counts.items() if n > 1] == []


def test_a_thread_appears_once_per_runtime() -> None:
    # The same thread twice would double-count one report; a second runtime in the same
    # thread is a different message and allowed.
    counts = Counter((e["source"], e["runtime"]) for e in MESSAGES)
    assert [k for k, n in counts.items() if n > 1] == []


def test_cause_slugs_found_by_the_threads_are_kebab_case_described_and_used() -> None:
    # `causes:` lists the causes the threads taught us; the catalogue has since taken them in.
    used = {e["cause"] for e in MESSAGES + UNCONFIRMED if "cause" in e}
    for slug, description in NEW_CAUSES.items():
        assert SLUG.match(slug), slug
        assert isinstance(description, str) and len(description) > 20, slug
        assert slug in used, f"{slug} is defined but no entry uses it"


def test_corpus_is_big_and_varied_enough_to_measure() -> None:
    runtimes = {e["runtime"] for e in MESSAGES}
    assert len(MESSAGES) >= 60
    assert len(runtimes) >= 12


def test_no_live_secret_shapes() -> None:
    text = CORPUS.read_text(encoding="utf-8")
    for shape in SECRET_SHAPES:
        assert shape.search(text) is None, shape.pattern
