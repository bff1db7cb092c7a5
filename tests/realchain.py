"""The whole ECR chain on loopback, with real components, inside a private namespace.

Run as root by tests/test_real_chain.py:

    unshare -m -n --propagation private python tests/realchain.py OUTDIR

The network namespace has only `lo`, so no packet can leave the machine; the mount namespace
lets /etc/hosts be bind-mounted so real ECR host names resolve to 127.0.0.x for every Go
binary (docker, skopeo, the helper, the registry). Components:

- moto serving the ECR API over TLS at api.ecr.us-east-1.amazonaws.com (127.0.0.2:443);
- Debian `docker-registry` (distribution 2.8) over TLS at
  123456789012.dkr.ecr.us-east-1.amazonaws.com (127.0.0.3:443), htpasswd user AWS with
  moto's token as password, so only a token the helper fetched from "ECR" opens it;
- a second registry, other.registry.test (127.0.0.4:443, user bob), for the global
  credsStore case; api.ecr.us-west-2.amazonaws.com maps to 127.0.0.5, where nothing
  listens: the ECR API "down";
- the real docker-credential-ecr-login (Debian 0.6.0), docker CLI 28 and skopeo.

Each scenario runs the clients, `ecr-doctor fix --write` and `ecr-doctor verify` with an
isolated HOME, and everything observed is written to OUTDIR/results.json for the tests.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ACCOUNT = "123456789012"
ECR = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com"
ECR_WEST = f"{ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com"
OTHER = "other.registry.test"
MOTO_TOKEN = f"{ACCOUNT}-auth-token"   # moto's GetAuthorizationToken password for the account
AKID = "AKIAFAKEFAKEFAKEFAKE"
HOSTS = {
    "127.0.0.2": ["api.ecr.us-east-1.amazonaws.com"],
    "127.0.0.3": [ECR, ECR_WEST],
    "127.0.0.4": [OTHER],
    "127.0.0.5": ["api.ecr.us-west-2.amazonaws.com"],
}


def run(cmd: list[str], env: dict[str, str] | None = None, timeout: float = 60,
        stdin: str | None = None) -> dict[str, object]:
    started = time.monotonic()
    try:
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout,
                              input=stdin, check=False)
        return {"rc": proc.returncode, "out": proc.stdout[-4000:], "err": proc.stderr[-4000:],
                "seconds": round(time.monotonic() - started, 2)}
    except subprocess.TimeoutExpired:
        return {"rc": None, "out": "", "err": "timeout", "seconds": timeout}


def must(cmd: list[str], **kw: object) -> None:
    result = run(cmd, **kw)  # type: ignore[arg-type]
    if result["rc"] != 0:
        raise SystemExit(f"{cmd[0]} failed: {result}")


def network_setup(root: Path) -> list[str]:
    must(["ip", "link", "set", "lo", "up"])
    hosts = root / "hosts"
    hosts.write_text("127.0.0.1 localhost\n" + "".join(
        f"{ip} {' '.join(names)}\n" for ip, names in HOSTS.items()))
    must(["mount", "--bind", str(hosts), "/etc/hosts"])
    links = run(["ip", "-o", "link", "show"])["out"]
    return [line.split(":")[1].strip() for line in str(links).splitlines()]


def pki(root: Path) -> tuple[Path, Path, Path, Path]:
    ca_key, ca, key, csr, leaf = (root / n for n in ("ca.key", "ca.pem", "leaf.key", "leaf.csr",
                                                       "leaf.pem"))
    must(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key),
          "-out", str(ca), "-days", "2", "-subj", "/CN=ecr-doctor test CA"])
    must(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr),
          "-subj", "/CN=ecr-doctor test leaf"])
    names = sorted({n for names in HOSTS.values() for n in names})
    ext = root / "leaf.ext"
    ext.write_text("subjectAltName=" + ",".join(
        [f"DNS:{n}" for n in names] + ["DNS:localhost", "IP:127.0.0.1"])
        + "\nextendedKeyUsage=serverAuth\n")
    must(["openssl", "x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key),
          "-CAcreateserial", "-out", str(leaf), "-days", "2", "-extfile", str(ext)])
    bundle = root / "bundle.pem"
    system = Path("/etc/ssl/certs/ca-certificates.crt")
    bundle.write_text((system.read_text() if system.exists() else "") + ca.read_text())
    return ca, bundle, leaf, key


def wait_for(url: str, bundle: Path, timeout: float = 20) -> None:
    import ssl

    context = ssl.create_default_context(cafile=str(bundle))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, context=context, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # any HTTP answer means it is serving
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not come up")


def registry(root: Path, name: str, ip: str, user: str, password: str, leaf: Path,
             key: Path) -> subprocess.Popen[bytes]:
    directory = root / name
    directory.mkdir()
    htpasswd = run(["htpasswd", "-Bbn", user, password])
    (directory / "htpasswd").write_text(str(htpasswd["out"]))
    (directory / "config.yml").write_text(
        "version: 0.1\nlog: {level: warn}\n"
        f"storage: {{filesystem: {{rootdirectory: {directory}/data}}}}\n"
        f"http: {{addr: '{ip}:443', tls: {{certificate: {leaf}, key: {key}}}}}\n"
        f"auth: {{htpasswd: {{realm: test, path: {directory}/htpasswd}}}}\n")
    return subprocess.Popen(["docker-registry", "serve", str(directory / "config.yml")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def image(root: Path, bundle: Path, dest: str, creds: str) -> None:
    layout = root / "img"
    if not layout.exists():
        must(["umoci", "init", "--layout", str(layout)])
        must(["umoci", "new", "--image", f"{layout}:latest"])
        must(["umoci", "unpack", "--rootless", "--image", f"{layout}:latest",
              str(root / "bundle")])
        (root / "bundle" / "rootfs" / "hi.txt").write_text("hi\n")
        must(["umoci", "repack", "--image", f"{layout}:latest", str(root / "bundle")])
    env = {"PATH": os.environ["PATH"], "HOME": str(root), "SSL_CERT_FILE": str(bundle),
           "XDG_RUNTIME_DIR": str(root / "run")}
    # Docker schema 2 rather than OCI: docker.io 20.10 (CI's fallback client) cannot
    # `manifest inspect` an OCI manifest.
    must(["skopeo", "copy", "--format", "v2s2", "--dest-creds", creds, f"oci:{layout}:latest",
          f"docker://{dest}/app:v1"], env=env)


class Rig:
    def __init__(self, root: Path, ca: Path, bundle: Path) -> None:
        self.root, self.ca, self.bundle = root, ca, bundle
        # Clients see only these binaries: the helper can be taken away per scenario.
        self.bin_helper = root / "bin-helper"
        self.bin_nohelper = root / "bin-nohelper"
        for directory, names in ((self.bin_helper, ["docker", "skopeo",
                                                    "docker-credential-ecr-login"]),
                                 (self.bin_nohelper, ["docker", "skopeo"])):
            directory.mkdir()
            for name in names:
                # docker 28 from /usr/local/bin first: Debian's docker.io 20.10 cannot
                # `manifest inspect` OCI manifests.
                found = shutil.which(name, path="/usr/local/bin:/usr/bin:/bin")
                assert found, name
                (directory / name).symlink_to(found)
        self.count = 0

    def env(self, home: Path, *, helper: bool = True, aws: bool = True) -> dict[str, str]:
        env = {
            "PATH": f"{self.bin_helper if helper else self.bin_nohelper}:/usr/sbin:/sbin",
            "HOME": str(home),
            "XDG_RUNTIME_DIR": str(home / "run"),
            "SSL_CERT_FILE": str(self.bundle),      # docker, skopeo, python's probe
            "AWS_CA_BUNDLE": str(self.ca),          # the helper's SDK
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_MAX_ATTEMPTS": "1",
            "NO_COLOR": "1",
            "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
        }
        if aws:
            env.update(AWS_ACCESS_KEY_ID=AKID, AWS_SECRET_ACCESS_KEY="fake",
                       AWS_REGION="us-east-1")
        return env

    def home(self, name: str, config: object | None) -> Path:
        home = self.root / "homes" / name
        (home / ".docker").mkdir(parents=True)
        (home / "run").mkdir()
        if config is not None:
            path = home / ".docker" / "config.json"
            path.write_text(json.dumps(config, indent="\t") + "\n")
            path.chmod(0o600)
        return home

    def docker(self, env: dict[str, str], host: str) -> dict[str, object]:
        return run(["docker", "manifest", "inspect", f"{host}/app:v1"], env=env)

    def skopeo(self, env: dict[str, str], host: str) -> dict[str, object]:
        return run(["skopeo", "inspect", "--retry-times", "0", f"docker://{host}/app:v1"],
                   env=env)

    def doctor(self, env: dict[str, str], *args: str) -> dict[str, object]:
        return run([sys.executable, "-m", "ecr_doctor", *args], env=env)


def legacy_cache_key(region: str, akid: str, registry_id: str) -> str:
    # ecr-login/cache/build.go (≤ 0.11) checksum: base64(md5.New().Sum([]byte(akid))), i.e. the
    # key id's bytes followed by MD5("") — the plaintext key id is in the cache key.
    checksum = base64.b64encode(akid.encode() + hashlib.md5(b"").digest()).decode()
    return f"{region}-{checksum}-{registry_id}"


def seed_cache(home: Path, host: str, region: str, authorization_token: str,
               requested: datetime, expires: datetime) -> None:
    cache = home / ".ecr"
    cache.mkdir(mode=0o700)

    def rfc3339(moment: datetime) -> str:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    (cache / "cache.json").write_text(json.dumps({"Registries": {
        legacy_cache_key(region, AKID, ACCOUNT): {
            "AuthorizationToken": authorization_token, "RequestedAt": rfc3339(requested),
            "ExpiresAt": rfc3339(expires), "ProxyEndpoint": f"https://{host}", "Service": "ecr",
        }}, "Version": "1.0"}))


def broken_configs() -> dict[str, tuple[object, str, list[str], bool]]:
    """name -> (config, host the clients pull from, fix arguments, does skopeo apply)."""
    from ecr_doctor.core.tokens import make_ecr_auth

    stale = make_ecr_auth(datetime.now(UTC) - timedelta(days=2), seed=7)
    return {
        "stale-static-token": ({"auths": {ECR: {"auth": stale}}}, ECR, [], True),
        "helper-key-with-path": ({"credHelpers": {f"{ECR}/app": "ecr-login"}}, ECR, [], True),
        "helper-name-prefix": ({"credHelpers": {ECR: "docker-credential-ecr-login"}}, ECR, [],
                               True),
        # The ECR helper captures every registry and cannot serve other.registry.test.
        "global-credsstore-ecr-login": (
            {"auths": {OTHER: {"auth": base64.b64encode(b"bob:bobpw").decode()}},
             "credsStore": "ecr-login"}, OTHER, ["--unsafe-fixes", "--registry", ECR], False),
        # Docker Desktop gone: credsStore names a helper binary that is not installed.
        "missing-helper-binary": ({"auths": {ECR: {}}, "credsStore": "desktop"}, ECR, [], True),
    }


def scenarios(rig: Rig) -> dict[str, object]:
    results: dict[str, object] = {}
    for name, (config, host, fix_args, skopeo_applies) in broken_configs().items():
        home = rig.home(name, config)
        env = rig.env(home)
        entry: dict[str, object] = {"host": host, "skopeo_applies": skopeo_applies}
        entry["docker_before"] = rig.docker(env, host)
        if skopeo_applies:
            entry["skopeo_before"] = rig.skopeo(env, host)
        entry["fix"] = rig.doctor(env, "fix", "--write", *fix_args)
        entry["config_after"] = (home / ".docker" / "config.json").read_text()
        entry["docker_after"] = rig.docker(env, host)
        if skopeo_applies:
            entry["skopeo_after"] = rig.skopeo(env, host)
        entry["fix_again"] = rig.doctor(env, "fix", "--check", *fix_args)
        results[name] = entry

    good = {"credHelpers": {ECR: "ecr-login"}}
    # verify: the good chain, with the registry probe.
    home = rig.home("verify-good", good)
    results["verify-good"] = {
        "verify": rig.doctor(rig.env(home), "verify", "--probe", "--format", "json"),
        "helper": run(["docker-credential-ecr-login", "get"], env=rig.env(home), stdin=ECR),
    }
    # verify: no AWS credentials anywhere (IMDS disabled).
    home = rig.home("verify-no-aws", good)
    env = rig.env(home, aws=False)
    results["verify-no-aws"] = {
        "verify": rig.doctor(env, "verify", "--format", "json"),
        "diagnose": rig.doctor(env, "diagnose", "--format", "json"),
        "explain": rig.doctor(env, "explain", "no basic auth credentials"),
    }
    # verify: a stale cached token while the ECR API (us-west-2) is down: the helper falls
    # back to the expired token and exits 0.
    from ecr_doctor.core.tokens import make_ecr_auth

    now = datetime.now(UTC)
    home = rig.home("verify-stale-cache", {"credHelpers": {ECR_WEST: "ecr-login"}})
    seed_cache(home, ECR_WEST, "us-west-2", make_ecr_auth(now - timedelta(hours=1), seed=3),
               now - timedelta(hours=13), now - timedelta(hours=1))
    env = rig.env(home)
    results["verify-stale-cache"] = {
        "helper": run(["docker-credential-ecr-login", "get"], env=env, stdin=ECR_WEST),
        "verify": rig.doctor(env, "verify", "--format", "json"),
        "text": rig.doctor(env, "verify"),
        "diagnose": rig.doctor(env, "diagnose", "--format", "json"),
        "explain": rig.doctor(env, "explain", "denied: Your authorization token has expired."),
        "cache_json": (home / ".ecr" / "cache.json").read_text(),
    }
    # verify: a fresh pre-seeded cache entry is served with no network at all.
    home = rig.home("verify-fresh-cache", {"credHelpers": {ECR_WEST: "ecr-login"}})
    seed_cache(home, ECR_WEST, "us-west-2", make_ecr_auth(now + timedelta(hours=11), seed=4),
               now - timedelta(hours=1), now + timedelta(hours=11))
    results["verify-fresh-cache"] = {"verify": rig.doctor(rig.env(home), "verify", "--format",
                                                          "json")}
    # verify: the helper binary is missing.
    home = rig.home("verify-helper-missing", good)
    results["verify-helper-missing"] = {
        "verify": rig.doctor(rig.env(home, helper=False), "verify", "--format", "json")}
    return results


def main() -> int:
    out = Path(sys.argv[1])
    root = out / "rig"
    root.mkdir(parents=True)
    started = time.monotonic()
    results: dict[str, object] = {"interfaces": network_setup(root)}
    ca, bundle, leaf, key = pki(root)
    moto = shutil.which("moto_server", path=os.path.dirname(sys.executable)) or "moto_server"
    processes = [
        subprocess.Popen([moto, "-H", "127.0.0.2", "-p", "443", "-c", str(leaf), "-k", str(key)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        registry(root, "ecr-registry", "127.0.0.3", "AWS", MOTO_TOKEN, leaf, key),
        registry(root, "other-registry", "127.0.0.4", "bob", "bobpw", leaf, key),
    ]
    try:
        wait_for(f"https://{ECR}/v2/", bundle)
        wait_for(f"https://{OTHER}/v2/", bundle)
        wait_for("https://api.ecr.us-east-1.amazonaws.com/", bundle)
        image(root, bundle, ECR, f"AWS:{MOTO_TOKEN}")
        image(root, bundle, OTHER, "bob:bobpw")
        results["setup_seconds"] = round(time.monotonic() - started, 2)
        results.update(scenarios(Rig(root, ca, bundle)))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
    results["seconds"] = round(time.monotonic() - started, 2)
    (out / "results.json").write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
