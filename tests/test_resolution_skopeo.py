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
