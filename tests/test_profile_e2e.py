"""End to end: one AWS profile per registry, through the generated wrappers, with real tools.

Two profiles in a throwaway ~/.aws/config, each with its own fake static keys; the real
Debian `docker-credential-ecr-login` (0.6.0) with a pre-seeded cache (the cache key holds the
access key id, reference real-components.md), so each profile has its own token for each of
two registries; `ecr-doctor fix --write --profile …` installs the wrappers and writes the
config; the real Docker CLI then runs `docker manifest inspect` against both registries.

Docker reaches the registries' real ECR host names through an HTTPS proxy on loopback (Go's
ProxyFromEnvironment): the proxy sends every CONNECT to one TLS registry whose certificate
names both hosts, which records the Authorization header per host. Nothing leaves 127.0.0.1.
The assertion is the point of the feature: registry A receives profile alpha's token and
registry B profile beta's, although both tokens exist in the cache for both registries.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import os
import select
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import require_binary
from realdocker import ChallengeHandler, make_certificate

pytestmark = pytest.mark.real

HOST_A = "111111111111.dkr.ecr.us-east-1.amazonaws.com"
HOST_B = "222222222222.dkr.ecr.eu-west-1.amazonaws.com"
PROFILES = {
    "alpha": "AKIAALPHAALPHAALPHA1",
    "beta team's": "AKIABETABETABETABET2",  # a name that needs quoting and a hashed suffix
}


def legacy_cache_key(region: str, access_key_id: str, registry_id: str) -> str:
    # ecr-login <= 0.11 cache/credentials_cache.go: base64(md5.New().Sum([]byte(akid))), i.e.
    # the key id's bytes followed by MD5("") (reference §3.3).
    digest = base64.b64encode(access_key_id.encode() + hashlib.md5(b"").digest()).decode()
    return f"{region}-{digest}-{registry_id}"


def secret_for(profile: str, host: str) -> str:
    return f"token-{profile.split()[0]}-{host.split('.')[0]}"


def seed_cache(cache_dir: Path) -> None:
    now = datetime.now(UTC)
    registries = {}
    for profile, akid in PROFILES.items():
        for host in (HOST_A, HOST_B):
            account, region = host.split(".")[0], host.split(".")[3]
            token = base64.b64encode(f"AWS:{secret_for(profile, host)}".encode()).decode()
            registries[legacy_cache_key(region, akid, account)] = {
                "AuthorizationToken": token,
                "RequestedAt": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "ExpiresAt": (now + timedelta(hours=12)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "ProxyEndpoint": f"https://{host}",
                "Service": "ecr",
            }
    cache_dir.mkdir(mode=0o700, parents=True)
    (cache_dir / "cache.json").write_text(json.dumps({"Registries": registries,
                                                      "Version": "1.0"}))


def write_aws_config(path: Path) -> None:
    lines = []
    for index, (profile, akid) in enumerate(PROFILES.items()):
        lines += [f"[profile {profile}]", f"aws_access_key_id = {akid}",
                  f"aws_secret_access_key = fake-secret-{index}", "region = us-east-1", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))


class _Registry(ChallengeHandler):
    def observed(self) -> object:
        return (self.headers.get("Host", ""), self.headers.get("Authorization"))


class _Proxy(socketserver.BaseRequestHandler):
    """CONNECT-only HTTPS proxy: every tunnel goes to the one TLS registry."""

    def handle(self) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.request.recv(4096)
            if not chunk:
                return
            head += chunk
        if not head.startswith(b"CONNECT "):
            self.request.sendall(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
            return
        upstream = socket.create_connection(self.server.target)  # type: ignore[attr-defined]
        self.request.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        sockets = [self.request, upstream]
        try:
            while True:
                ready, _, _ = select.select(sockets, [], [], 10)
                if not ready:
                    return
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (upstream if sock is self.request else self.request).sendall(data)
        finally:
            upstream.close()


@contextmanager
def registry_behind_proxy(directory: Path) -> Iterator[tuple[str, list[tuple[str, str | None]],
                                                           Path]]:
    cert, key = make_certificate(directory, common_name="ecr-test",
                                 alt_names=f"DNS:{HOST_A},DNS:{HOST_B}")
    registry = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Registry)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    registry.socket = context.wrap_socket(registry.socket, server_side=True)
    registry.seen = []  # type: ignore[attr-defined]
    proxy = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Proxy)
    proxy.daemon_threads = True
    proxy.target = registry.server_address  # type: ignore[attr-defined]
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (registry, proxy)]
    for thread in threads:
        thread.start()
    try:
        yield (f"http://127.0.0.1:{proxy.server_address[1]}",
               registry.seen, cert)  # type: ignore[attr-defined]
    finally:
        for server in (proxy, registry):
            server.shutdown()
            server.server_close()


def sent_secret(header: str | None) -> str | None:
    if not header or not header.startswith("Basic "):
        return None
    user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    assert user == "AWS"
    return password


def test_each_registry_gets_its_own_profiles_token(tmp_path: Path) -> None:
    docker = require_binary("docker")
    require_binary("docker-credential-ecr-login")
    home = tmp_path / "home"
    docker_config = home / ".docker"
    docker_config.mkdir(parents=True)
    aws_config = home / ".aws" / "config"
    write_aws_config(aws_config)
    seed_cache(home / ".ecr")
    helper_dir = tmp_path / "wrappers"
    base_env = {
        "HOME": str(home),
        "PATH": f"{helper_dir}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "AWS_CONFIG_FILE": str(aws_config),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / ".aws" / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_ECR_CACHE_DIR": str(home / ".ecr"),
        # A profile-less default would be the wrong answer: make sure nothing else resolves.
        "AWS_ACCESS_KEY_ID": "AKIAWRONGWRONGWRONG0",
        "AWS_SECRET_ACCESS_KEY": "wrong",
    }
    fix = subprocess.run(
        [sys.executable, "-m", "ecr_doctor", "fix", "--write",
         "--config", str(docker_config / "config.json"), "--helper-dir", str(helper_dir),
         "--profile", f"{HOST_A}=alpha", "--profile", f"{HOST_B}=beta team's"],
        env={**base_env, "PYTHONPATH": str(Path(__file__).parent.parent / "src")},
        capture_output=True, text=True, timeout=60)
    assert fix.returncode == 0, fix.stdout + fix.stderr
    config = json.loads((docker_config / "config.json").read_text())
    assert config["credHelpers"][HOST_A] == "ecr-login-alpha"
    assert config["credHelpers"][HOST_B].startswith("ecr-login-beta-team-s-")

    # diagnose follows each wrapper to its profile and finds both defined: no ENV020.
    diagnose = subprocess.run(
        [sys.executable, "-m", "ecr_doctor", "diagnose", "--format", "json",
         "--config", str(docker_config / "config.json")],
        env={**base_env, "PYTHONPATH": str(Path(__file__).parent.parent / "src")},
        capture_output=True, text=True, timeout=60)
    found = [f["rule_id"] for f in json.loads(diagnose.stdout)["result"]["findings"]]
    assert "ENV020" not in found and "ENV001" not in found, diagnose.stdout

    with registry_behind_proxy(tmp_path) as (proxy, seen, ca):
        env = {**base_env, "DOCKER_CONFIG": str(docker_config), "SSL_CERT_FILE": str(ca),
               "HTTPS_PROXY": proxy, "https_proxy": proxy, "NO_PROXY": "", "no_proxy": ""}
        for host, profile in ((HOST_A, "alpha"), (HOST_B, "beta team's")):
            seen.clear()
            run = subprocess.run([docker, "manifest", "inspect", f"{host}/app:v1"], env=env,
                                 capture_output=True, text=True, timeout=30, check=False)
            sent = {sent_secret(auth) for h, auth in seen if h.split(":")[0] == host}
            assert sent - {None} == {secret_for(profile, host)}, (host, seen, run.stderr)

    # And the converse: the profile is what decides. Point A at beta's wrapper by hand.
    config["credHelpers"][HOST_A] = config["credHelpers"][HOST_B]
    (docker_config / "config.json").write_text(json.dumps(config))
    again = tmp_path / "again"
    again.mkdir()
    with registry_behind_proxy(again) as (proxy, seen, ca):
        env = {**base_env, "DOCKER_CONFIG": str(docker_config), "SSL_CERT_FILE": str(ca),
               "HTTPS_PROXY": proxy, "https_proxy": proxy, "NO_PROXY": "", "no_proxy": ""}
        subprocess.run([docker, "manifest", "inspect", f"{HOST_A}/app:v1"], env=env,
                       capture_output=True, text=True, timeout=30, check=False)
        sent = {sent_secret(auth) for _, auth in seen}
        assert sent - {None} == {secret_for("beta team's", HOST_A)}


def test_diagnose_flags_a_wrapper_whose_profile_is_gone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    write_aws_config(home / ".aws" / "config")
    helper_dir = tmp_path / "bin"
    env = {"HOME": str(home), "PATH": f"{helper_dir}{os.pathsep}/usr/bin:/bin",
           "AWS_CONFIG_FILE": str(home / ".aws" / "config"),
           "PYTHONPATH": str(Path(__file__).parent.parent / "src")}
    config = tmp_path / "config.json"
    config.write_text("{}")
    subprocess.run([sys.executable, "-m", "ecr_doctor", "fix", "--write", "--config",
                    str(config), "--helper-dir", str(helper_dir),
                    "--profile", f"{HOST_A}=ghost"], env=env, check=True,
                   capture_output=True, timeout=60)
    result = subprocess.run([sys.executable, "-m", "ecr_doctor", "diagnose", "--format",
                             "json", "--config", str(config)], env=env, capture_output=True,
                            text=True, timeout=60)
    findings = json.loads(result.stdout)["result"]["findings"]
    env020 = [f for f in findings if f["rule_id"] == "ENV020"]
    assert len(env020) == 1 and "'ghost'" in env020[0]["message"], result.stdout
    assert result.returncode == 1
