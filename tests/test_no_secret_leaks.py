"""Secrets planted everywhere ecr-doctor reads never reach anything it prints.

One home holds a credential in every place a user's machine keeps one: the Docker config
(`auth`, `password`, `identitytoken`, HTTP headers, a proxy URL), the environment
(`DOCKER_AUTH_CONFIG`, AWS keys), a credential helper's answer and a failing helper's error
text, the ECR helper's log and cache, the AWS SSO cache and credentials file, and a pasted
error. Every command runs over it in every output format it has, and no secret may show up:
not whole, not as any 8-character piece, not in base64 or hex.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import ECR, ECR2

from ecr_doctor.core.tokens import make_ecr_password

SRC = str(Path(__file__).parent.parent / "src")
PIECE = 8


def _random(n: int = 40) -> str:
    return secrets.token_urlsafe(n)[:n]


class Planted:
    """The secrets, and the home and environment that hold them."""

    def __init__(self, root: Path) -> None:
        self.values: dict[str, str] = {}
        self.home = root / "home"
        self.bin = root / "bin"
        self.env: dict[str, str] = {}
        self._build()

    def plant(self, name: str, value: str | None = None) -> str:
        self.values[name] = value if value is not None else _random()
        return self.values[name]

    def _build(self) -> None:
        home = self.home
        live = datetime.now(UTC) + timedelta(hours=6)
        ecr_password = self.plant("ecr-password", make_ecr_password(live, seed=secrets.randbelow(10**9)))
        auth = base64.b64encode(f"AWS:{ecr_password}".encode()).decode()
        ghcr = self.plant("ghcr-password")
        config = {
            "auths": {
                ECR: {"auth": auth},
                "ghcr.io": {"username": "octocat", "password": ghcr},
                "quay.io": {"identitytoken": self.plant("identity-token")},
                "registry.example.com": {"auth": base64.b64encode(
                    f"deploy:{self.plant('basic-password')}".encode()).decode()},
            },
            "credHelpers": {ECR2: "ecr-login", "gcr.io": "failing"},
            "HttpHeaders": {"Authorization": f"Bearer {self.plant('header-bearer')}",
                            "X-Api-Key": self.plant("header-api-key"),
                            "Cookie": f"session={self.plant('header-cookie')}"},
            "proxies": {"default": {
                "httpsProxy": f"http://proxyuser:{self.plant('proxy-password')}@proxy:3128"}},
        }
        docker = home / ".docker"
        docker.mkdir(parents=True)
        (docker / "config.json").write_text(json.dumps(config, indent="\t"))
        (docker / "config.json").chmod(0o600)

        aws = home / ".aws"
        (aws / "sso" / "cache").mkdir(parents=True)
        (aws / "config").write_text("[default]\nregion = us-east-1\n")
        (aws / "credentials").write_text(
            "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
            f"aws_secret_access_key = {self.plant('credentials-file-secret')}\n")
        (aws / "sso" / "cache" / "0123abcd.json").write_text(json.dumps(
            {"accessToken": self.plant("sso-access-token"),
             "expiresAt": (live.isoformat().replace("+00:00", "Z"))}))

        ecr = home / ".ecr"
        (ecr / "log").mkdir(parents=True)
        (ecr / "log" / "ecr-login.log").write_text(
            'time="2026-11-26T11:30:00Z" level=error msg="Error retrieving credentials" '
            f'error="request failed: Authorization: Bearer {self.plant("log-bearer")} '
            f'token={self.plant("log-token")}"\n')
        (ecr / "cache.json").write_text(json.dumps({"registries": {
            "us-east-1-abcdef-123456789012": {
                "AuthorizationToken": self.plant("cache-token"),
                "RequestedAt": live.isoformat(), "ExpiresAt": live.isoformat(),
                "ProxyEndpoint": f"https://{ECR}", "Service": "ecr"}}}))

        self.bin.mkdir()
        answer = json.dumps({"ServerURL": "@URL@", "Username": "AWS",
                             "Secret": self.plant("helper-answer")})
        before, after = answer.split("@URL@")
        _script(self.bin / "docker-credential-ecr-login",
                f"read url; printf '%s%s%s' '{before}' \"$url\" '{after}'\n")
        _script(self.bin / "docker-credential-failing",
                f"read url; echo 'login failed for token {self.plant('helper-error')}'; exit 1\n")

        self.env = {
            "HOME": str(home), "PATH": f"{self.bin}:/usr/bin:/bin", "PYTHONPATH": SRC,
            "NO_COLOR": "1", "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_SECRET_ACCESS_KEY": self.plant("env-secret-key"),
            "AWS_SESSION_TOKEN": self.plant("env-session-token"),
            "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
            "DOCKER_AUTH_CONFIG": json.dumps({"auths": {"docker.io": {"auth": base64.b64encode(
                f"me:{self.plant('env-docker-auth')}".encode()).decode()}}}),
        }
        # An ECS task definition with credentials in plain-text environment values.
        (home / "task-definition.json").write_text(json.dumps({
            "family": "web", "requiresCompatibilities": ["FARGATE"],
            "containerDefinitions": [{
                "name": "web", "image": f"{ECR}/web:1.4",
                "environment": [
                    {"name": "AWS_SECRET_ACCESS_KEY", "value": self.plant("ecs-env-secret-key")},
                    {"name": "DB_PASSWORD", "value": self.plant("ecs-env-db-password")}]}]},
            indent=2))
        self.pasted = (
            f"+ docker login -u AWS -p {self.plant('pasted-password')} {ECR}\n"
            f"> Authorization: Basic {self.plant('pasted-header')}\n"
            f"+ echo {self.plant('pasted-echo')} | docker login --password-stdin {ECR}\n"
            "Error response from daemon: Get \"https://" + ECR + "/v2/\": no basic auth "
            "credentials\n")

    def forms(self) -> Iterator[tuple[str, str]]:
        """(what, text) for every form of every secret that must not be printed."""
        for name, value in self.values.items():
            yield f"{name}", value
            yield f"{name} (base64)", base64.b64encode(value.encode()).decode()
            yield f"{name} (hex)", value.encode().hex()
            # An ECR password's first characters are its JSON frame ("eyJwYXlsb2Fk…"), the
            # same in every token: only the random part is secret.
            start = 16 if value.startswith("eyJ") else 0
            for i in range(start, len(value) - PIECE + 1):
                yield f"{name} [{i}:{i + PIECE}]", value[i:i + PIECE]


def _script(path: Path, body: str) -> None:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Planted:
    return Planted(tmp_path_factory.mktemp("planted"))


COMMANDS: dict[str, tuple[str, ...]] = {
    "diagnose": ("diagnose",),
    "diagnose-json": ("diagnose", "--format", "json"),
    "fix-diff": ("fix", "--diff", "--unsafe-fixes"),
    "fix-json": ("fix", "--format", "json", "--unsafe-fixes"),
    "fix-check": ("fix", "--check"),
    "verify": ("verify", "--timeout", "10"),
    "verify-json": ("verify", "--format", "json", "--timeout", "10"),
    "explain": ("explain", "-"),
    "explain-json": ("explain", "-", "--format", "json"),
    "scan": ("scan", "{home}"),
    "scan-json": ("scan", "{home}", "--format", "json"),
    "scan-sarif": ("scan", "{home}", "--format", "sarif"),
    "audit": ("audit", "--root", "{home}/..", "--path", "{home}", "-v"),
    "audit-json": ("audit", "--root", "{home}/..", "--path", "{home}", "--format", "json"),
    "audit-sarif": ("audit", "--root", "{home}/..", "--path", "{home}", "--format", "sarif"),
    "redact": ("redact", "{home}/.docker/config.json"),
    "ecs-check": ("ecs", "check", "{home}/task-definition.json"),
    "ecs-check-json": ("ecs", "check", "{home}/task-definition.json", "--format", "json"),
    "ecs-check-sarif": ("ecs", "check", "{home}/task-definition.json", "--format", "sarif"),
    "export-gitleaks": ("export", "gitleaks"),
    "export-trufflehog-json": ("export", "trufflehog", "--format", "json"),
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_no_planted_secret_in_any_output(planted: Planted, name: str) -> None:
    args = [a.format(home=planted.home) for a in COMMANDS[name]]
    stdin = planted.pasted if args[0] == "explain" else None
    result = subprocess.run([sys.executable, "-m", "ecr_doctor", *args], env=planted.env,
                            input=stdin, capture_output=True, text=True, timeout=120)
    assert result.returncode in (0, 1, 2), result.stderr
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    output = result.stdout + result.stderr
    assert output.strip(), "the command printed nothing to check"
    leaks = sorted({what for what, form in planted.forms() if form in output})
    assert not leaks, f"{name} printed {leaks[:10]}"


def test_the_home_really_holds_the_secrets(planted: Planted) -> None:
    # The check above means something only if ecr-doctor read what holds them: the config
    # parses, the helper answers and the scan finds the credentials.
    result = subprocess.run([sys.executable, "-m", "ecr_doctor", "scan", str(planted.home),
                             "--format", "json"], env=planted.env, capture_output=True,
                            text=True, timeout=120)
    found = {f["rule_id"] for f in json.loads(result.stdout)["result"]["findings"]}
    assert "SCN001" in found, result.stdout[:2000]
    verify = subprocess.run([sys.executable, "-m", "ecr_doctor", "verify", "--format", "json",
                             "--registry", ECR2], env=planted.env, capture_output=True,
                            text=True, timeout=120)
    report = json.loads(verify.stdout)["result"]["registries"][0]
    assert report["outcome"] == "credentials" and report["fingerprint"].startswith("fp:")
    assert os.path.exists(planted.home / ".ecr" / "cache.json")
