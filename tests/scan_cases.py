"""Files with and without credentials, shared by the scan tests (tests/test_scan.py) and the
export tests (tests/test_export.py): what `scan` reports, the exported gitleaks and
trufflehog rules must report too, and what `scan` leaves alone they must leave alone.

Each case names the exported rules that must fire on it (none: a negative). `scan` says
whether `ecr-doctor scan` reports the file. The two differ on purpose in two ways only:
a variable reference or mask in a Docker config is a static credential to `scan` (the config
is wrong either way) but no secret to a secret scanner, and an `authorizationToken` whose
value does not decode to an ECR token is silent in `scan` (it decodes) but matched by shape.
"""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import NamedTuple

from conftest import ECR, NOW, expired_auth

from ecr_doctor.core.tokens import make_ecr_password


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


PASSWORD = make_ecr_password(NOW + timedelta(hours=5), seed=7)
AUTH = b64("AWS:" + PASSWORD)

# Right prefix, wrong structure: `scan` decodes each and stays silent.
TOKEN_LOOK_ALIKES = (
    "QVdTOmV5" + "A" * 300,  # right prefix, decodes to garbage
    "eyJwYXlsb2Fk" + "QUJD" * 80,  # '{"payload' then not JSON
    b64("AWS:" + b64(json.dumps({"payload": "x"}))) + "A" * 200,  # no datakey
    b64(json.dumps({"payload": "p" * 200, "version": "2"})),  # JSON without datakey
    "QVdTOmV5SndZWGxzYjJGa",  # the bare prefix a blog post quotes
)

AUTH_RULE, PASSWORD_RULE = "ecr-doctor-ecr-auth", "ecr-doctor-ecr-password"
CONFIG_AUTH_RULE, CONFIG_PASSWORD_RULE = "ecr-doctor-docker-config-auth", "ecr-doctor-docker-config-password"
CACHE_RULE = "ecr-doctor-ecr-authorization-token"
KUBE_RULE = "ecr-doctor-kubernetes-pull-secret"


class Case(NamedTuple):
    name: str
    path: str
    text: str
    rules: frozenset[str]  # the exported rules that fire on it
    scan: bool  # whether `ecr-doctor scan` reports it


def _case(name: str, path: str, text: str, *rules: str, scan: bool | None = None) -> Case:
    return Case(name, path, text, frozenset(rules), bool(rules) if scan is None else scan)


def _config(auths: dict[str, dict[str, str]], **dumps: object) -> str:
    return json.dumps({"auths": auths}, **dumps)  # type: ignore[arg-type]


HELPER_CACHE = json.dumps({"Registries": {"us-east-1-abc-123456789012": {
    "AuthorizationToken": AUTH, "RequestedAt": "2026-11-26T07:00:00Z",
    "ExpiresAt": "2026-11-26T19:00:00Z", "ProxyEndpoint": f"https://{ECR}",
    "Service": "ecr"}}, "Version": "1.0"}, indent=2)
KUBE_REGCRED = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\n"
                "type: kubernetes.io/dockerconfigjson\ndata:\n"
                f"  .dockerconfigjson: {b64(_config({ECR: {'auth': AUTH}}))}\n")
KUBE_STRING_DATA = ("kind: Secret\nstringData:\n  .dockerconfigjson: |\n"
                    f'    {{"auths": {{"ghcr.io": {{"auth": "{b64("u:p")}"}}}}}}\n---\n'
                    "kind: Secret\ndata:\n"
                    f"  .dockercfg: {b64(json.dumps({ECR: {'auth': AUTH}}))}\n")
GITLAB_CI_ESCAPED = (f"variables:\n  GIT_DEPTH: 1\n  DOCKER_AUTH_CONFIG: "
                     f"{json.dumps(_config({ECR: {'auth': AUTH}}))}\nbuild:\n  script: [make]\n")
RUNNER_TOML = ('concurrent = 4\n[[runners]]\n  name = "shared"\n'
               f'  environment = ["DOCKER_AUTH_CONFIG='
               f'{_config({ECR: {"auth": AUTH}}).replace(chr(34), chr(92) + chr(34))}"]\n')
TRIVY_DOCKER_SECRETS = ("data1:\n  .dockerconfigjson: eyE1x2a3MpLe\n"
                        "data2:\n  .dockercfg: ewE1x2a3MpLe\n")

CASES: tuple[Case, ...] = (
    # SCN001: Docker config documents, every key form docker/cli's legacy lookup accepts.
    *(_case(f"config-key-{i}", "team/.docker/config.json",
            _config({key: {"auth": expired_auth()}}, indent="\t"), AUTH_RULE)
      for i, key in enumerate([ECR, f"https://{ECR}", f"https://{ECR}/v2/", f"{ECR}/v1/"])),
    _case("config-other-registries", "auth.json",
          _config({"ghcr.io": {"auth": b64("octo:ghp_notreal")},
                   "https://index.docker.io/v1/": {"username": "bob", "password": "hunter2"}},
                  indent=2), CONFIG_AUTH_RULE, CONFIG_PASSWORD_RULE),
    _case("config-localhost-identitytoken", "config.json",
          _config({"localhost:5000": {"identitytoken": "tok3n-Value"}}), CONFIG_PASSWORD_RULE),
    _case("legacy-dockercfg", "home/.dockercfg",
          json.dumps({f"https://{ECR}": {"auth": AUTH, "email": "x"}}), AUTH_RULE),
    _case("kube-regcred", "k8s/regcred.yaml", KUBE_REGCRED, KUBE_RULE),
    _case("kube-string-data", "secrets.yml", KUBE_STRING_DATA, CONFIG_AUTH_RULE, KUBE_RULE),
    _case("gitlab-ci-escaped", ".gitlab-ci.yml", GITLAB_CI_ESCAPED, AUTH_RULE),
    _case("gitlab-runner-toml", "etc/gitlab-runner/config.toml", RUNNER_TOML, AUTH_RULE),
    _case("shell-docker-auth-config", "ci/setup",
          f"#!/bin/sh\nexport DOCKER_AUTH_CONFIG='{_config({ECR: {'auth': AUTH}})}'\n",
          AUTH_RULE),
    _case("pod-env", "pod.yaml", "env:\n  - name: DOCKER_AUTH_CONFIG\n"
          f"    value: '{_config({'ghcr.io': {'auth': b64('a:b')}})}'\n", CONFIG_AUTH_RULE),
    # SCN002: bare tokens.
    _case("bare-auth-and-password", "build.log",
          f"step 1\ntoken={AUTH}\nlogin with {PASSWORD} done\n", AUTH_RULE, PASSWORD_RULE),
    _case("password-alone", "notes.txt", f"pw: {PASSWORD}\n", PASSWORD_RULE),
    _case("helper-cache", "home/ci/.ecr/cache.json", HELPER_CACHE, AUTH_RULE),
    _case("aws-cli-v1-login-line", "run.sh",
          f"docker login -u AWS -p {PASSWORD} -e none https://{ECR}\n", PASSWORD_RULE),
    # Silent in scan and for the exported rules.
    *(_case(f"token-look-alike-{i}", "docs/readme.md", f"example: {decoy}\n")
      for i, decoy in enumerate(TOKEN_LOOK_ALIKES)),
    _case("config-without-credentials", "config.json",
          json.dumps({"auths": {ECR: {}, "ghcr.io": {"auth": ""}},
                      "credHelpers": {ECR: "ecr-login"}})),
    _case("auths-not-an-object", "package.json", '{"name": "x", "auths": "not an object"}'),
    _case("docker-auth-config-variable", ".gitlab-ci.yml",
          "variables:\n  DOCKER_AUTH_CONFIG: $ECR_AUTH_JSON\njob:\n  script: [echo hi]\n"),
    _case("kube-templated-secret", "chart/templates/secret.yaml",
          "kind: Secret\ndata:\n  .dockerconfigjson: {{ .Values.dockerconfig | b64enc }}\n"),
    _case("trivy-docker-secrets-yaml", "docker-secrets.yaml", TRIVY_DOCKER_SECRETS),
    _case("trivy-docker-secrets-txt", "docker-secrets.txt", TRIVY_DOCKER_SECRETS),
    _case("login-password-stdin", "x.sh", "aws ecr get-login-password --region us-east-1 | "
          "docker login -u AWS --password-stdin h\n"),
    # A registry only documentation names: its credential logs in nowhere.
    *(_case(f"config-documentation-host-{i}", "README.md",
            _config({host: {"auth": base64.b64encode(b"octo:Sup3rSecretValue").decode()}}))
      for i, host in enumerate(["registry.example.com:5000", "https://reg.example.com/v2/",
                                "myregistrydomain.com:5000", "harbor.corp.test"])),
    # A variable reference or a mask in a Docker config is filled in (or was hidden)
    # elsewhere: no credential to report (core/placeholders), for scan or the exported rules.
    *(_case(f"config-placeholder-{i}", "config.json", _config({ECR: {key: value}}))
      for i, (key, value) in enumerate([
          ("auth", "$ECR_AUTH"), ("auth", "${ECR_AUTH}"), ("password", "${{ secrets.X }}"),
          ("password", "%REGISTRY_PASSWORD%"), ("password", "***"), ("auth", "<redacted>"),
          ("auth", "{{ .Values.auth }}"), ("password", "REDACTED")])),
    # An authorizationToken of another layout: `scan` decodes and stays silent; the shape
    # rule reports it.
    _case("get-authorization-token-other-layout", "token.json",
          json.dumps({"authorizationData": [{"authorizationToken": b64("AWS:" + "k" * 300),
                                             "proxyEndpoint": f"https://{ECR}"}]}),
          CACHE_RULE, scan=False),
)
