"""The resolution model against the real Docker CLI: which credential does Docker really send?

Each case writes a config, runs `docker manifest inspect` against a loopback TLS registry, and
compares the username the CLI sent (from a logging helper or an inline `auths` entry) with what
`ecr_doctor.core.resolution` predicts. A generated set of configs reports an agreement rate.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import require_binary
from realdocker import (
    HELPER_USER,
    SKOPEO_ERROR,
    basic,
    docker_sends,
    install_helpers,
    skopeo_sends,
    tls_registry,
)

from ecr_doctor.core.dockerconfig import parse_config
from ecr_doctor.core.resolution import Source, _containers_image_usable, resolve

pytestmark = pytest.mark.real


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    docker = require_binary("docker")
    skopeo = require_binary("skopeo")
    root = tmp_path_factory.mktemp("docker-rig")
    install_helpers(root / "bin", root / "helper-calls.log")
    with tls_registry(root) as (host, seen, ca):
        yield {"docker": docker, "skopeo": skopeo, "root": root, "host": host, "seen": seen,
               "ca": ca}


def predicted_users(text: str, host: str) -> set[str | None]:
    """Usernames the model says Docker may send (several only for Go's random map order)."""
    config = parse_config(text, "config.json", strict=False)
    resolution = resolve(config, host)
    if resolution.source in (Source.CRED_HELPER, Source.CREDS_STORE):
        if resolution.helper == "fake":
            return {HELPER_USER}
        if resolution.helper == "notfound":
            return {None}
        # "missing" is not installed: the helper errors and the file-store entry goes out.
        keys = resolution.helper_error_fallback
    elif resolution.auth_key is not None:
        keys = resolution.ambiguous_auths or (resolution.auth_key,)
    else:
        return {None}
    by_key = {e.key: e for e in config.auths}
    users: set[str | None] = {None} if not keys else set()
    for key in keys:
        entry = by_key[key]
        users.add((entry.decoded_username or entry.username) if entry.has_credential else None)
    return users


def observed(rig: dict[str, Any], text: str, name: str) -> set[str | None]:
    config_dir = rig["root"] / name
    config_dir.mkdir()
    (config_dir / "config.json").write_text(text)
    return docker_sends(rig["docker"], config_dir, rig["host"], rig["ca"], rig["root"] / "bin",
                        rig["seen"])


def skopeo_predicted(text: str, host: str) -> set[str | None]:
    """What the model says skopeo sends for `host/app` (SKOPEO_ERROR: the lookup fails)."""
    config = parse_config(text, "config.json", strict=False)
    resolution = resolve(config, host, client="skopeo", repository="app")
    if resolution.source is Source.CRED_HELPER:
        return {"fake": {HELPER_USER}, "notfound": {None}}.get(resolution.helper or "",
                                                                 {SKOPEO_ERROR})
    keys = resolution.ambiguous_auths or ((resolution.auth_key,) if resolution.auth_key else ())
    by_key = {e.key: e for e in config.auths}
    users: set[str | None] = {None} if not keys else set()
    for key in keys:
        entry = by_key[key]
        users.add(entry.decoded_username if _containers_image_usable(entry) else None)
    return users


def skopeo_observed(rig: dict[str, Any], text: str, name: str) -> set[str | None]:
    config_dir = rig["root"] / f"skopeo-{name}"
    config_dir.mkdir()
    (config_dir / "config.json").write_text(text)
    return skopeo_sends(rig["skopeo"], config_dir, rig["host"], rig["ca"], rig["root"] / "bin",
                        rig["seen"])


def auth(user: str) -> dict[str, str]:
    return {"auth": basic(user, "pw-" + user)}


CASES: list[tuple[str, Any]] = [
    ("inline-only", lambda h: {"auths": {h: auth("fileuser")}}),
    ("helper-beats-inline", lambda h: {"auths": {h: auth("fileuser")}, "credHelpers": {h: "fake"}}),
    ("empty-placeholder-and-helper", lambda h: {"auths": {h: {}}, "credHelpers": {h: "fake"}}),
    ("helper-not-found-discards-inline",
     lambda h: {"auths": {h: auth("fileuser")}, "credHelpers": {h: "notfound"}}),
    ("store-beats-inline", lambda h: {"auths": {h: auth("fileuser")}, "credsStore": "fake"}),
    ("store-not-found-discards-inline",
     lambda h: {"auths": {h: auth("fileuser")}, "credsStore": "notfound"}),
    ("empty-helper-opts-out-of-store",
     lambda h: {"auths": {h: auth("fileuser")}, "credsStore": "fake", "credHelpers": {h: ""}}),
    ("helper-key-with-scheme-never-matches",
     lambda h: {"auths": {h: auth("fileuser")}, "credHelpers": {f"https://{h}": "fake"}}),
    ("helper-key-with-path-never-matches",
     lambda h: {"auths": {h: auth("fileuser")}, "credHelpers": {f"{h}/app": "fake"}}),
    ("legacy-https-key", lambda h: {"auths": {f"https://{h}/v2/": auth("legacyuser")}}),
    ("exact-key-beats-legacy",
     lambda h: {"auths": {f"https://{h}": auth("legacyuser"), h: auth("exactuser")}}),
    ("misspelt-store-is-ignored", lambda h: {"auths": {h: auth("fileuser")}, "credStore": "fake"}),
    ("case-insensitive-top-level-key",
     lambda h: {"auths": {h: auth("fileuser")}, "CredHelpers": {h: "fake"}}),
    ("username-password-fields", lambda h: {"auths": {h: {"username": "plain", "password": "p"}}}),
    ("missing-helper-sends-the-inline-credential",
     lambda h: {"auths": {h: auth("fileuser")}, "credHelpers": {h: "missing"}}),
    ("nothing", lambda h: {}),
]


@pytest.mark.parametrize(("name", "build"), CASES, ids=[c[0] for c in CASES])
def test_model_matches_docker(rig: dict[str, Any], name: str, build: Any) -> None:
    text = json.dumps(build(rig["host"]), indent="\t")
    assert observed(rig, text, name) <= predicted_users(text, rig["host"])


SKOPEO_CASES = [*CASES,
    ("repository-scoped-auths-key", lambda h: {"auths": {f"{h}/app": auth("repouser"),
                                                           h: auth("hostuser")}}),
    ("empty-helper-value-fails", lambda h: {"auths": {h: auth("fileuser")},
                                            "credHelpers": {h: ""}}),
    ("exact-empty-entry-beats-legacy",
     lambda h: {"auths": {h: {}, f"https://{h}": auth("legacyuser")}}),
    # Namespaced keys (podman's auth.json writes them; containers/image reads them from any
    # file): only exact repository / namespace matches, and an empty one hides the host's.
    ("other-repository-key-is-not-used", lambda h: {"auths": {f"{h}/other": auth("otheruser")}}),
    ("empty-repository-key-hides-host-key",
     lambda h: {"auths": {f"{h}/app": {}, h: auth("hostuser")}}),
    ("repository-key-beats-legacy-host-key",
     lambda h: {"auths": {f"{h}/app": auth("repouser"), f"https://{h}": auth("legacyuser")}}),
    ("repository-helper-key-is-not-used",
     lambda h: {"credHelpers": {f"{h}/app": "fake"}, "auths": {h: auth("hostuser")}}),
]


@pytest.mark.parametrize(("name", "build"), SKOPEO_CASES, ids=[c[0] for c in SKOPEO_CASES])
def test_model_matches_skopeo(rig: dict[str, Any], name: str, build: Any) -> None:
    text = json.dumps(build(rig["host"]), indent="\t")
    assert skopeo_observed(rig, text, name) <= skopeo_predicted(text, rig["host"])


def test_duplicate_helper_objects_merge(rig: dict[str, Any]) -> None:
    h = rig["host"]
    text = ('{"auths": {"%s": %s}, "credHelpers": {"%s": "fake"}, "credHelpers": {"x.example": "y"}}'
            % (h, json.dumps(auth("fileuser")), h))
    assert observed(rig, text, "dup") == {HELPER_USER}
    assert predicted_users(text, h) == {HELPER_USER}


def generated_config(rng: random.Random, host: str) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    auths: dict[str, Any] = {}
    for index in range(rng.randint(0, 3)):
        key = rng.choice([host, f"https://{host}", f"https://{host}/v2/", f"http://{host}",
                          f"{host}/path", "other.example", f"{host}:1"])
        auths[key] = rng.choice([{}, auth(f"user{index}"),
                                 {"username": f"plain{index}", "password": "p"}])
    if auths or rng.random() < 0.3:
        doc["auths"] = auths
    helpers: dict[str, str] = {}
    for _ in range(rng.randint(0, 2)):
        key = rng.choice([host, host, f"https://{host}", f"{host}/v2/", "other.example"])
        helpers[key] = rng.choice(["fake", "notfound", "missing", ""])
    if helpers:
        doc[rng.choice(["credHelpers", "credHelpers", "CredHelpers", "credHelper"])] = helpers
    if rng.random() < 0.4:
        doc[rng.choice(["credsStore", "credsStore", "credStore", "CREDSSTORE"])] = rng.choice(
            ["fake", "notfound", "missing"])
    keys = list(doc)
    rng.shuffle(keys)
    return {k: doc[k] for k in keys}


GENERATED = 500


@pytest.mark.parametrize("client", ["docker", "skopeo"])
def test_generated_configs_agree(rig: dict[str, Any], capsys: pytest.CaptureFixture[str],
                                 client: str) -> None:
    # The same seeded configs for both clients; each is compared with the model for that client.
    rng = random.Random(20261126)
    watch, predict = ((observed, predicted_users) if client == "docker"
                      else (skopeo_observed, skopeo_predicted))
    disagreements = []
    for index in range(GENERATED):
        text = json.dumps(generated_config(rng, rig["host"]), indent="\t")
        got = watch(rig, text, f"gen{index}")
        expected = predict(text, rig["host"])
        if not got <= expected:
            disagreements.append((text, got, expected))
    rate = 1 - len(disagreements) / GENERATED
    with capsys.disabled():
        print(f"\nresolution model vs {client}: {GENERATED - len(disagreements)}/{GENERATED} "
              f"agree ({rate:.1%})")
    report = Path(rig["root"]) / f"disagreements-{client}.json"
    report.write_text(json.dumps([(t, sorted(map(str, g)), sorted(map(str, e)))
                                  for t, g, e in disagreements], indent=1))
    assert not disagreements, f"{len(disagreements)} disagreements, see {report}"
