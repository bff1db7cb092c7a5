"""The containers/image (skopeo) model, offline; tests/test_docker_cli.py checks it against skopeo."""

from __future__ import annotations

import json

from conftest import ECR

from ecr_doctor.core.dockerconfig import parse_config
from ecr_doctor.core.resolution import Source, resolve
from ecr_doctor.core.tokens import make_ecr_auth


def both(doc: dict[str, object], repository: str = "app") -> tuple[Source, Source]:
    config = parse_config(json.dumps(doc), "config.json")
    return (resolve(config, ECR).source,
            resolve(config, ECR, client="skopeo", repository=repository).source)


def test_skopeo_ignores_creds_store() -> None:
    assert both({"credsStore": "ecr-login"}) == (Source.CREDS_STORE, Source.NONE)


def test_exact_helper_wins_for_both() -> None:
    assert both({"credHelpers": {ECR: "ecr-login"}, "auths": {ECR: {"auth": "QVdTOng="}}}) == (
        Source.CRED_HELPER, Source.CRED_HELPER)


def test_repository_scoped_key_is_skopeo_only_exact() -> None:
    auth = {"auth": make_ecr_auth(__import__("datetime").datetime(2030, 1, 1))}
    config = parse_config(json.dumps({"auths": {f"{ECR}/app": auth}}), "c.json")
    assert resolve(config, ECR, client="skopeo", repository="app").source is Source.AUTHS
    assert resolve(config, ECR, client="skopeo", repository="other").source is Source.NONE
    # Docker normalises the path away and uses it for every repository.
    assert resolve(config, ECR).source is Source.AUTHS_LEGACY


def test_username_password_fields_are_docker_only() -> None:
    assert both({"auths": {ECR: {"username": "u", "password": "p"}}}) == (Source.AUTHS,
                                                                          Source.NONE)


def test_empty_helper_value() -> None:
    config = parse_config(json.dumps({"credHelpers": {ECR: ""}, "credsStore": "x"}), "c.json")
    skopeo = resolve(config, ECR, client="skopeo")
    assert skopeo.source is Source.CRED_HELPER and skopeo.helper == ""
    assert resolve(config, ECR).source is Source.NONE


# --- namespaced keys (containers/image authKeyLookupOrder: the repository, each parent
# namespace, then the host; exact matches only) -----------------------------------------------


def skopeo(doc: dict[str, object], repository: str) -> tuple[Source, str | None]:
    config = parse_config(json.dumps(doc), "auth.json")
    found = resolve(config, ECR, client="skopeo", repository=repository)
    return found.source, found.auth_key


AUTH = {"auth": "dTpw"}  # u:p


def test_parent_namespace_serves_its_repositories() -> None:
    doc = {"auths": {f"{ECR}/team": AUTH}}
    assert skopeo(doc, "team/app") == (Source.AUTHS, f"{ECR}/team")
    assert skopeo(doc, "team/sub/app") == (Source.AUTHS, f"{ECR}/team")
    assert skopeo(doc, "other/app")[0] is Source.NONE


def test_most_specific_key_wins() -> None:
    doc = {"auths": {ECR: AUTH, f"{ECR}/team": AUTH, f"{ECR}/team/app": AUTH}}
    assert skopeo(doc, "team/app")[1] == f"{ECR}/team/app"
    assert skopeo(doc, "team/web")[1] == f"{ECR}/team"
    assert skopeo(doc, "solo")[1] == ECR


def test_an_empty_namespaced_entry_hides_the_host_entry() -> None:
    # findCredentialsInFile returns the first exact key found, even one that decodes to
    # nothing: the file then yields no credentials for that repository.
    doc = {"auths": {f"{ECR}/team": {}, ECR: AUTH}}
    assert skopeo(doc, "team/app") == (Source.NONE, f"{ECR}/team")
    assert skopeo(doc, "other") == (Source.AUTHS, ECR)


def test_helpers_are_looked_up_by_registry_only() -> None:
    doc = {"credHelpers": {f"{ECR}/team": "ecr-login"}, "auths": {ECR: AUTH}}
    assert skopeo(doc, "team/app") == (Source.AUTHS, ECR)


def test_docker_io_is_an_exact_key_for_containers_image() -> None:
    from ecr_doctor.core.registries import DOCKER_HUB_KEY

    config = parse_config(json.dumps({"auths": {"docker.io": AUTH}}), "auth.json")
    podman = resolve(config, DOCKER_HUB_KEY, client="skopeo", repository="library/alpine")
    assert (podman.source, podman.auth_key) == (Source.AUTHS, "docker.io")
    # Docker never reads that key for Docker Hub (it looks up https://index.docker.io/v1/).
    assert resolve(config, DOCKER_HUB_KEY).source is Source.NONE
