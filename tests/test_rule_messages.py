"""Every rule's message states the facts it is about, and every rule has a silent case.

One table of firing cases (rule id, variant, how to make it fire, the facts its message must
name) and one table of non-firing cases, both keyed by the rule registry: a rule added without
a message test fails `test_every_rule_has_a_firing_and_a_silent_case`.

Facts are the account, region, registry host, helper, profile, expiry time, key or file path
the message is about - not just the rule id. A fact a message should name but does not is
listed in the case's `missing`: `test_a_missing_fact_is_still_missing` checks it is still
absent, so the day src/ adds the fact that test fails and the case moves to `facts`.

Only public entry points are used: `ecr_doctor.core.engine` for config and machine rules, the
scanner (`ecr_doctor.scan.files.scan_bytes`) for SCN and IAM rules, and the CLI in a
subprocess where nothing else reaches a rule (CFG020, `rules`, `explain`).
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import ecs_cases
import pytest
from conftest import ECR, ECR2, NOW, expired_auth, helper, live_auth, machine
from kube_fixtures import GOOD_PROVIDER_CONFIG

from ecr_doctor.core.dockerconfig import ConfigLocation, parse_config
from ecr_doctor.core.engine import diagnose_config, diagnose_text
from ecr_doctor.core.environment import (
    BuildxConfigs,
    DockerAuthConfigEnv,
    DockerClient,
    Environment,
    ScopedConfig,
    unknown_environment,
)
from ecr_doctor.core.forensics import Forensics, HelperCache, HelperCacheEntry, HelperLog
from ecr_doctor.core.model import Finding, Severity
from ecr_doctor.core.options import Options
from ecr_doctor.core.rules import RULES
from ecr_doctor.core.tokens import make_ecr_password
from ecr_doctor.scan.files import scan_bytes
from ecr_doctor.scan.yamlio import load_yaml

SRC = str(Path(__file__).resolve().parent.parent / "src")
GOOD = machine(helper("ecr-login", version=(0, 12, 0)))
NO_HELPER = machine(helper("ecr-login", found=False))
PAGE = unknown_environment(NOW)
HELPED = {"credHelpers": {ECR: "ecr-login"}}
ACCOUNT, REGION = "123456789012", "us-east-1"
DUAL_STACK = "123456789012.dkr-ecr.us-east-1.on.aws"
FIPS = "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com"
AKID = "AKIAIOSFODNN7EXAMPLE"


class Seen(NamedTuple):
    """A finding as any entry point reports it (engine, scanner or the CLI's JSON)."""

    rule_id: str
    message: str
    severity: str
    registry: str | None
    path: str
    line: int
    details: dict[str, str]

    @classmethod
    def of(cls, f: Finding) -> Seen:
        return cls(f.rule_id, f.message, f.severity.label, f.registry, f.location.path,
                   f.location.line, dict(f.details))


Run = Callable[[Path], list[Seen]]


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _jwt(*, exp: datetime) -> str:
    """A JSON Web Token shaped as ACR's (header, claims, signature); only `exp` is read."""
    def part(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return ".".join((part({"alg": "RS256", "typ": "JWT"}),
                     part({"exp": int(exp.timestamp()), "tenant": "t"}), "c2lnbmF0dXJl"))


_GHCR_WORKFLOW = (
    "on: push\npermissions:\n  contents: read\njobs:\n  image:\n    runs-on: ubuntu-latest\n"
    "    steps:\n      - uses: docker/login-action@v3\n        with:\n          registry: ghcr.io\n"
    "          username: ${{ github.actor }}\n          password: ${{ secrets.GITHUB_TOKEN }}\n"
    "      - uses: docker/build-push-action@v6\n        with:\n          push: true\n"
    "          tags: ghcr.io/acme/app:latest\n")


class Case(NamedTuple):
    rule_id: str
    variant: str
    run: Run
    facts: tuple[str, ...]
    registry: str | None = None
    line: int | None = None
    path: str | None = None
    severity: Severity | None = None
    # Never in the message (secrets, or the wrong fact).
    absent: tuple[str, ...] = ()
    # Facts the message should name but does not today: a strict xfail each.
    missing: tuple[str, ...] = ()
    missing_registry: str | None = None
    why_missing: str = ""


# --- entry points -----------------------------------------------------------------------------


def text_of(doc: Any) -> str:
    return doc if isinstance(doc, str) else json.dumps(doc, indent="\t")


def diag(doc: Any, env: Environment = GOOD, **kw: Any) -> Run:
    """The config rules: diagnose_text on `doc` (a dict is written one key per line);
    keywords are Options fields."""
    return lambda _tmp: [Seen.of(f) for f in
                         diagnose_text(text_of(doc), "config.json", env,
                                       Options(**kw)).findings]


def diag_config(doc: Any, env: Environment = GOOD, path: str = "config.json", **kw: Any) -> Run:
    """diagnose_config, for what the file alone does not carry: mode, location."""
    return lambda _tmp: [Seen.of(f) for f in
                         diagnose_config(parse_config(text_of(doc), path), env,
                                         Options(**kw)).findings]


def scan(path: str, text: str) -> Run:
    return lambda _tmp: [Seen.of(f) for f in
                         scan_bytes(path, text.encode(), yaml_loader=load_yaml, now=NOW)]


def kube(text: str, **kw: Any) -> Run:
    """KUB001-KUB016: `kube check`'s core on a CredentialProviderConfig (YAML or JSON)."""
    from ecr_doctor.core.kube.check import check_config
    from ecr_doctor.machine.kubefile import parse_document

    return lambda _tmp: [Seen.of(f) for f in
                         check_config(parse_document(text.encode()), "config.yaml",
                                      **kw).findings]


def cli(*argv: str, env: dict[str, str] | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    environ = {"PATH": "/usr/bin:/bin", "PYTHONPATH": SRC, "NO_COLOR": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "ecr_doctor", *argv], capture_output=True,
                          text=True, env=environ, timeout=120, cwd=cwd)


def fix_profile(helpers: dict[str, str]) -> Run:
    """CFG020 only comes from `fix --profile HOST=PROFILE`: run it on a config in a fresh home."""

    def run(tmp: Path) -> list[Seen]:
        home = tmp / "home"
        (home / ".aws").mkdir(parents=True)
        (home / ".aws" / "config").write_text("[profile prod]\nregion = us-east-1\n")
        config = tmp / "config.json"
        config.write_text(json.dumps({"credHelpers": helpers}))
        config.chmod(0o600)
        done = cli("fix", "--config", str(config), "--profile", f"{ECR}=prod",
                   "--format", "json", env={"HOME": str(home),
                                            "AWS_CONFIG_FILE": str(home / ".aws" / "config")})
        assert done.returncode == 0, done.stderr
        return [Seen(f["rule_id"], f["message"], f["severity"], f["registry"], f["path"],
                     f["line"], f["details"]) for f in json.loads(done.stdout)["result"]["applied"]]

    return run


# --- machines ---------------------------------------------------------------------------------


def with_aws(env: Environment = GOOD, **aws: Any) -> Environment:
    return env._replace(aws=env.aws._replace(**aws))


def with_forensics(env: Environment = GOOD, **facts: Any) -> Environment:
    return env._replace(forensics=Forensics(**facts))


EXPIRED_CACHE = HelperCache("/home/test/.ecr/cache.json", True, (HelperCacheEntry(
    ECR, "ecr", "sha256", NOW - timedelta(hours=13), NOW - timedelta(hours=1), "expired"),))
FELL_BACK = HelperLog("/home/test/.ecr/log/ecr-login.log", True,
                      "Got error fetching authorization token. Falling back to cached token.: "
                      "dial tcp: connection refused", "2026-11-26T11:58:00Z", True)
ERROR_LOG = HelperLog("/home/test/.ecr/log/ecr-login.log", True,
                      "Error retrieving credentials: AccessDeniedException: not authorized",
                      "2026-11-26T11:30:00Z", False)
DOCKER_CONFIG_FILE = "/home/test/dockercfg.json"
DOCKER_CONFIG_LOCATION = ConfigLocation(
    f"{DOCKER_CONFIG_FILE}/config.json", "DOCKER_CONFIG",
    f"from $DOCKER_CONFIG={DOCKER_CONFIG_FILE}, which is a file, not a directory",
    docker_config_is_file=True)


def docker(version: tuple[int, int, int]) -> DockerClient:
    return DockerClient(".".join(map(str, version)), version, "docker version")


BUILDX_BASE = "/home/test/.docker/buildx/config"


def scoped(relative: str, doc: Any = None, state: str = "ok",
           error: str | None = None) -> ScopedConfig:
    """A buildx scoped config as machine.clients reads it."""
    path = f"{BUILDX_BASE}/{relative}/config.json"
    main, _, scope = relative.partition("@")
    host, _, repo = main.partition("/")
    config = parse_config(text_of(doc), path) if doc is not None else None
    return ScopedConfig(path, relative, host, repo, tuple(s for s in scope.split(",") if s),
                        config, state, error)


def with_buildx(*configs: ScopedConfig, env: Environment = GOOD,
                walk_error: str | None = None) -> Environment:
    return env._replace(buildx=BuildxConfigs(BUILDX_BASE, "beside the Docker config", configs,
                                             walk_error))


# --- scanned files ----------------------------------------------------------------------------

LIVE_PASSWORD = make_ecr_password(NOW + timedelta(hours=5), seed=7)
LIVE_AUTH = live_auth(7)
IAM_BROAD = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": "All", "Effect": "Allow", "Action": "ecr:*", "Resource": "*"},
    {"Effect": "Allow", "Action": ["ecr:BatchGetImage", "ecr:GetAuthorizationToken"],
     "Resource": "*"},
]}, indent=2)
IAM_LEAST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
    {"Effect": "Allow", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
     "Resource": f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/app"},
]}, indent=2)
LOGIN_PIPE = (f"aws ecr get-login-password --region {REGION} | docker login --username AWS "
              f"--password-stdin {ECR}")


def workflow(steps: str, *, runs_on: str = "ubuntu-latest", job_extra: str = "") -> str:
    return ("on: push\n"
            "jobs:\n"
            "  build:\n"
            f"    runs-on: {runs_on}\n"
            f"{job_extra}"
            "    steps:\n"
            f"{steps}")


SELF_HOSTED_LOGIN = workflow(f"      - run: {LOGIN_PIPE}\n", runs_on="self-hosted")
UNMASKED = workflow("      - uses: aws-actions/amazon-ecr-login@v2\n"
                    "        with:\n"
                    "          mask-password: 'false'\n")
CONTAINER_CREDS = workflow("      - run: make test\n", job_extra=(
    "    container:\n"
    "      image: ghcr.io/acme/builder:1\n"
    "      credentials:\n"
    "        username: acme-bot\n"
    "        password: {password}\n"))
STATIC_KEYS = workflow("      - uses: aws-actions/configure-aws-credentials@v4\n"
                       "        with:\n"
                       "          aws-access-key-id: {key}\n"
                       "          aws-secret-access-key: ${{{{ secrets.AWS_SECRET }}}}\n"
                       "          aws-region: us-east-1\n"
                       "      - uses: aws-actions/amazon-ecr-login@v2\n")


KUBE = GOOD_PROVIDER_CONFIG
KUBE_TOKEN = KUBE + """\
    tokenAttributes:
      serviceAccountTokenAudience: sts.amazonaws.com
      requireServiceAccount: true
      cacheType: ServiceAccount
"""
# Declared for `explain` (a pasted error names them as causes); no config check fires them,
# so they have no firing or silent case here: the explain tests map errors to them.
EXPLAIN_ONLY = frozenset({"KUB020", "KUB021", "KUB022", "KUB023", "KUB024", "KUB025"})


def kube_edit(old: str, new: str, base: str = KUBE) -> str:
    assert old in base, old
    return base.replace(old, new, 1)


# --- firing cases -----------------------------------------------------------------------------

FIRING: list[Case] = [
    # CFG001
    Case("CFG001", "expired", diag({"auths": {ECR: {"auth": expired_auth()}}}),
         (f"static ECR token for {ECR}", f"account {ACCOUNT}", f"region {REGION}",
          "expired 3 days ago (2026-11-23 12:00 UTC)", "every pull and push"),
         registry=ECR, line=3, severity=Severity.HIGH, absent=(expired_auth()[:24],)),
    Case("CFG001", "live", diag({"auths": {ECR: {"auth": live_auth()}}}),
         (ECR, f"account {ACCOUNT}", f"region {REGION}",
          "live for 5 h more (until 2026-11-26 17:00 UTC)"),
         registry=ECR, severity=Severity.CRITICAL, absent=(live_auth()[:24],)),
    Case("CFG001", "get-login-v1",
         diag({"auths": {f"https://{ECR}": {"auth": expired_auth(), "email": "none"}}}),
         (ECR, "left by AWS CLI v1 get-login", "2026-11-23 12:00 UTC"), registry=ECR),
    Case("CFG001", "shadowed",
         diag({"auths": {ECR: {"auth": expired_auth()}}, "credHelpers": {ECR: "ecr-login"}}),
         (ECR, "shadowed", "Docker asks docker-credential-ecr-login", "secret stays on disk"), registry=ECR),
    Case("CFG001", "fips-partition",
         diag({"auths": {FIPS: {"auth": expired_auth()}}}),
         (FIPS, f"account {ACCOUNT}", "region us-gov-west-1", "partition aws-us-gov", "FIPS"),
         registry=FIPS),
    Case("CFG001", "expired-no-helper",
         diag({"auths": {ECR: {"auth": expired_auth()}}}, NO_HELPER),
         (ECR, "expired", "docker-credential-ecr-login is not installed",
          f"`ecr-doctor fix --write --registry {ECR}`"), registry=ECR),
    Case("CFG001", "live-page", diag({"auths": {ECR: {"auth": live_auth()}}}, PAGE),
         (ECR, "live", "docker-credential-ecr-login must be installed",
          "this machine is not checked"), registry=ECR, absent=("ecr-doctor fix",)),
    # CFG002
    Case("CFG002", "no-helper", diag({"auths": {ECR2: {}}}, NO_HELPER),
         (ECR2, "docker-credential-ecr-login is not installed"), registry=ECR2),
    Case("CFG002", "placeholder-only", diag({"auths": {ECR2: {}}}),
         (f"ECR registry {ECR2}", "no credHelpers entry matches this exact host"),
         registry=ECR2, line=3),
    Case("CFG002", "--registry", diag({}, registries=(ECR2,)), (ECR2,), registry=ECR2,
         line=1),
    Case("CFG002", "creds-store", diag({"auths": {ECR: {}}, "credsStore": "desktop"},
                                       machine(helper("ecr-login"), helper("desktop"))),
         (ECR, "credsStore sends it to docker-credential-desktop"), registry=ECR),
    Case("CFG002", "opt-out", diag({"credHelpers": {ECR: ""}, "credsStore": "desktop"},
                                   machine(helper("ecr-login"), helper("desktop"))),
         (ECR, "opts it out with an empty value"), registry=ECR),
    # CFG003
    Case("CFG003", "scheme-and-path", diag({"credHelpers": {f"https://{ECR}/v2/": "ecr-login"}}),
         (f'"https://{ECR}/v2/"', f'Docker looks up "{ECR}" exactly'), registry=ECR, line=3),
    Case("CFG003", "port", diag({"credHelpers": {f"{ECR}:443": "ecr-login"}}),
         (f'"{ECR}:443"', f'"{ECR}"'), registry=f"{ECR}:443"),
    Case("CFG003", "docker-io", diag({"credHelpers": {"docker.io": "desktop"}},
                                     machine(helper("desktop"))),
         ('"docker.io"', '"https://index.docker.io/v1/"')),
    # CFG004
    Case("CFG004", "binary-name", diag({"credHelpers": {ECR: "docker-credential-ecr-login"}}),
         (f'credHelpers["{ECR}"]', '"docker-credential-ecr-login"',
          "docker-credential-docker-credential-ecr-login", 'the helper suffix is "ecr-login"'),
         registry=ECR, line=3),
    Case("CFG004", "typo", diag({"credHelpers": {ECR: "ecr_login"}}),
         ('"ecr_login"', "docker-credential-ecr_login", '"ecr-login"'), registry=ECR),
    Case("CFG004", "creds-store", diag({"credsStore": "docker-credential-desktop"}),
         ('credsStore = "docker-credential-desktop"',
          "docker-credential-docker-credential-desktop", 'the helper suffix is "desktop"'),
         line=2),
    # CFG005
    Case("CFG005", "global", diag({"auths": {ECR: {}}, "credsStore": "ecr-login"}),
         ('global credsStore "ecr-login"', "Docker Hub included", "cannot store logins"),
         line=5),
    # Docker Hub with its own credHelpers entry is not sent to the store: the message said it
    # was while the registry table beside it showed Hub going to its own helper.
    Case("CFG005", "hub-has-a-helper", diag({"credsStore": "ecr-login", "credHelpers": {
        "https://index.docker.io/v1/": "desktop", ECR: "ecr-login"}},
        machine(helper("ecr-login"), helper("desktop"))),
         ("every registry without a credHelpers entry", "Docker Hub has its own entry: "
          "docker-credential-desktop"), line=2),
    Case("CFG005", "no-known-host", diag({"credsStore": "ecr-login"}),
         ('global credsStore "ecr-login"', "no ECR registry is known",
          "`ecr-doctor fix --write --unsafe-fixes --registry "
          "<account>.dkr.ecr.<region>.amazonaws.com`"), line=2),
    # CFG006
    Case("CFG006", "credHelper", diag({"credHelper": {ECR: "ecr-login"}}),
         ('"credHelper"', 'did you mean "credHelpers"'), line=2),
    Case("CFG006", "credStore", diag({"credStore": "desktop"}),
         ('"credStore"', '"credsStore"'), line=2),
    Case("CFG006", "auth", diag({"auth": {ECR: {}}}), ('"auth"', '"auths"')),
    # CFG007
    Case("CFG007", "placeholder", diag({"auths": {ECR: {}}, "credHelpers": {ECR: "ecr-login"}}),
         (f'empty auths entry "{ECR}"', f"a helper serves {ECR}"), registry=ECR, line=3),
    # CFG008: the path through the document names the duplicate (SEP, U+203A, between levels).
    Case("CFG008", "helper-host-twice",
         diag('{\n "credHelpers": {\n  "%s": "ecr-login",\n  "%s": "desktop"\n }\n}' % (ECR, ECR)),
         (f"duplicate key credHelpers \u203a {ECR}", "keeps the last value", '"desktop"'),
         line=4, registry=ECR),
    Case("CFG008", "top-level-twice",
         diag('{\n "credHelpers": {"%s": "ecr-login"},\n "credHelpers": {"%s": "ecr-login"}\n}'
              % (ECR, ECR2)),
         ("duplicate key credHelpers", "Docker merges objects"), line=3),
    Case("CFG008", "top-level-case-variant",
         diag('{\n "credHelpers": {"%s": "ecr-login"},\n "CredHelpers": {"%s": "ecr-login"}\n}'
              % (ECR, ECR2)),
         ("duplicate key credHelpers", 'written "CredHelpers"'), line=3),
    Case("CFG008", "auth-field-twice",
         diag('{"auths": {\n "%s": {\n  "auth": "%s",\n  "auth": "%s"\n }\n}}'
              % (ECR, expired_auth(1), expired_auth(2))),
         (f"duplicate key auths \u203a {ECR} \u203a auth",), line=4,
         absent=(expired_auth(1)[:24], expired_auth(2)[:24])),
    # CFG009
    Case("CFG009", "not-base64", diag({"auths": {ECR: {"auth": "not base64!"}}}),
         (f'auths["{ECR}"].auth is invalid', "illegal base64 data at input byte 3",
          "Error parsing config file"), registry=ECR, line=3, absent=("not base64!",)),
    # CFG010
    Case("CFG010", "ecr-legacy-keys",
         diag({"auths": {f"https://{ECR}": {"auth": expired_auth(1)},
                         f"https://{ECR}/v2/": {"auth": expired_auth(2)}}}),
         (f'"https://{ECR}"', f'"https://{ECR}/v2/"', f"all match {ECR}",
          "Docker picks one at random"), registry=ECR, line=3),
    Case("CFG010", "other-registry-legacy-keys",
         diag({"auths": {"https://ghcr.io": {"auth": "b2N0bzpwYXNz"},
                         "https://ghcr.io/v2/": {"auth": "b2N0bzpwYXNz"}}}),
         ('"https://ghcr.io"', '"https://ghcr.io/v2/"', "all match ghcr.io"),
         registry="ghcr.io", line=3),
    # CFG011
    Case("CFG011", "ghcr", diag({"auths": {"ghcr.io": {"auth": "b2N0b2NhdDpnaHBfc2VjcmV0"}}}),
         ("plain-text credential for ghcr.io", "user octocat"), registry="ghcr.io", line=3,
         absent=("ghp_secret",)),
    Case("CFG011", "docker-hub", diag({"auths": {"https://index.docker.io/v1/": {
        "username": "bob", "password": "hunter2"}}}),
         ("Docker Hub", "user bob", "it is the account password", "personal access token "
          "(dckr_pat_)"), absent=("hunter2",)),
    Case("CFG011", "docker-hub-pat", diag({"auths": {"https://index.docker.io/v1/": {
        "auth": _b64("bob:dckr_pat_" + "a" * 27)}}}),
         ("Docker Hub", "user bob"), absent=("account password", "dckr_pat_aaa")),
    Case("CFG011", "identity-token", diag({"auths": {"quay.io": {"identitytoken": "x" * 30}}}),
         ("quay.io", "identity token"), registry="quay.io", absent=("x" * 30,)),
    # CFG012
    Case("CFG012", "bom", diag("\ufeff" + json.dumps(HELPED)),
         ("UTF-8 BOM", "empty config"), line=1, path="config.json"),
    # CFG013
    Case("CFG013", "unexpanded-variable",
         diag({"credHelpers": {"${AWS_ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com": "ecr-login"}}),
         ('credHelpers key "${AWS_ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com"',
          "unexpanded variable ${AWS_ACCOUNT_ID}", "ecr-login"),
         line=3, severity=Severity.HIGH),
    Case("CFG013", "placeholder",
         diag({"credHelpers": {"<your-account-id>.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login"}}),
         ('"<your-account-id>.dkr.ecr.eu-west-1.amazonaws.com"',
          'placeholder "<your-account-id>"', "12-digit account"), severity=Severity.HIGH),
    Case("CFG013", "nine-digit-account",
         diag({"credHelpers": {"123456789.dkr.ecr.us-east-1.amazonaws.com": "ecr-login"}}),
         ("account 123456789 has 9 digits, not 12",), severity=Severity.HIGH),
    Case("CFG013", "misspelt-suffix",
         diag({"auths": {f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.co": {}}}),
         (f'auths key "{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.co"', 'suffix "amazonaws.co"',
          "amazonaws.com"), severity=Severity.MEDIUM),
    Case("CFG013", "misspelt-public", diag({"credHelpers": {"public.ecr.awss": "ecr-login"}}),
         ('"public.ecr.awss"', "public.ecr.aws"), registry="public.ecr.awss",
         severity=Severity.HIGH),
    Case("CFG013", "other-helper", diag({"credHelpers": {
        "${AWS_ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com": "desktop"}},
        machine(helper("desktop"))), ("unexpanded variable",), severity=Severity.MEDIUM),
    # CFG014
    Case("CFG014", "second-document",
         diag(json.dumps(HELPED) + '\n{"credHelpers": {"%s": "ecr-login"}}\n' % ECR2),
         ("Docker ignores everything after byte offset %d" % len(json.dumps(HELPED)),
          "a second JSON value", "line 2"), line=2, severity=Severity.MEDIUM,
         absent=(ECR2,)),
    Case("CFG014", "garbage", diag(json.dumps(HELPED) + " }}\n"),
         ("after byte offset %d" % len(json.dumps(HELPED)), "2 bytes"), line=1),
    # CFG020
    Case("CFG020", "replace-helper", fix_profile({ECR: "ecr-login"}),
         (ECR, 'uses "ecr-login"', "AWS profile 'prod'", "helper ecr-login-prod"),
         registry=ECR),
    Case("CFG020", "no-entry", fix_profile({}),
         (ECR, "has no credHelpers entry", "'prod'", "ecr-login-prod"), registry=ECR),
    # ENV001
    Case("ENV001", "missing-linux", diag(HELPED, machine(helper("ecr-login", found=False))),
         ("docker-credential-ecr-login is not on PATH",
          "sudo apt-get install amazon-ecr-credential-helper"), line=3),
    Case("ENV001", "missing-darwin",
         diag(HELPED, machine(helper("ecr-login", found=False))._replace(platform="darwin")),
         ("docker-credential-ecr-login", "brew install docker-credential-helper-ecr"),
         absent=("apt-get",)),
    Case("ENV001", "not-executable",
         diag({"credsStore": "desktop"}, machine(helper("desktop", executable=False))),
         ("docker-credential-desktop is not executable", "reinstall Docker Desktop"), line=2),
    Case("ENV001", "stale-fallback",
         diag({"auths": {f"https://{ECR}": {"auth": expired_auth()}}, **HELPED},
              machine(helper("ecr-login", found=False))),
         ("docker-credential-ecr-login", f"auths[https://{ECR}]"),
         absent=(expired_auth()[:24],)),
    # ENV002
    Case("ENV002", "dual-stack", diag({"credHelpers": {DUAL_STACK: "ecr-login"}},
                                      machine(helper("ecr-login", version=(0, 6, 0)))),
         ("docker-credential-ecr-login 0.6.0", f"does not recognise {DUAL_STACK}",
          "needs ≥ 0.10.0"), registry=DUAL_STACK, line=3),
    # ENV003
    Case("ENV003", "fips", diag({"credHelpers": {FIPS: "ecr-login"}}),
         (FIPS, "AWS_USE_FIPS_ENDPOINT is not true"), registry=FIPS, line=3),
    # ENV004
    Case("ENV004", "holds-ecr", diag(HELPED, GOOD._replace(
        docker_auth_config=DockerAuthConfigEnv(keys=(ECR,)))),
         (f"static credentials for {ECR}", "overrides this file's helpers"),
         severity=Severity.HIGH),
    Case("ENV004", "unusable", diag(HELPED, GOOD._replace(docker_auth_config=DockerAuthConfigEnv(
        error="invalid character 'x' looking for beginning of value"))),
         ("DOCKER_AUTH_CONFIG is set but unusable",
          "invalid character 'x' looking for beginning of value"), severity=Severity.MEDIUM),
    Case("ENV004", "other-registries", diag(HELPED, GOOD._replace(
        docker_auth_config=DockerAuthConfigEnv(keys=("ghcr.io", "quay.io")))),
         ("DOCKER_AUTH_CONFIG is set (2 registries: ghcr.io, quay.io)", "takes precedence"),
         severity=Severity.MEDIUM),
    Case("ENV004", "helpers-inside", diag(HELPED, GOOD._replace(
        docker_auth_config=DockerAuthConfigEnv(
            error='json: unknown field "credHelpers" (only auths is accepted)'))),
         ("cannot set credHelpers or credsStore", "Failed to create credential store from "
          "DOCKER_AUTH_CONFIG", "Docker CLI ≥ 28.3.0 reads it", "an older CLI ignores it")),
    Case("ENV004", "holds-ecr-new-cli", diag(HELPED, GOOD._replace(
        docker=docker((29, 1, 0)), docker_auth_config=DockerAuthConfigEnv(keys=(ECR,)))),
         (f"static credentials for {ECR}",), absent=("older CLI",), severity=Severity.HIGH),
    # ENV030
    Case("ENV030", "old-cli", diag(HELPED, GOOD._replace(
        docker=docker((28, 2, 2)), docker_auth_config=DockerAuthConfigEnv(keys=(ECR,)))),
         ("Docker CLI 28.2.2", "ignores it", "read only from 28.3.0", ECR)),
    # ENV005
    Case("ENV005", "0644", diag_config(HELPED, path="/home/test/.docker/config.json",
                                       file_mode=0o100644),
         ("config file mode is 0644", "readable beyond its owner"),
         path="/home/test/.docker/config.json", line=1),
    Case("ENV005", "0640", diag_config(HELPED, file_mode=0o640), ("0640",)),
    # ENV006
    Case("ENV006", "docker-config-file",
         diag_config(HELPED, path=DOCKER_CONFIG_LOCATION.path, location=DOCKER_CONFIG_LOCATION),
         ("DOCKER_CONFIG points at a file",
          f"Docker reads {DOCKER_CONFIG_FILE}/config.json and finds nothing"),
         path=f"{DOCKER_CONFIG_FILE}/config.json", line=1, severity=Severity.HIGH),
    # ENV007
    Case("ENV007", "no-source", diag(HELPED, machine(helper("ecr-login"), aws=False)),
         ("no AWS credential source found for the ECR helper",
          "an EC2 instance role would still work"), registry=ECR, line=3),
    Case("ENV007", "no-source-imds-off", diag(HELPED, with_aws(
        machine(helper("ecr-login"), aws=False), imds_disabled=True)),
         ("no AWS credential source found",), registry=ECR, absent=("instance role",)),
    Case("ENV007", "undefined-profile", diag(HELPED, with_aws(
        profile="ghost", profile_defined=False, profile_kind=None)),
         ("AWS_PROFILE names profile 'ghost'", "no shared config or credentials file"),
         line=3),
    # ENV008
    Case("ENV008", "sso-expired", diag(HELPED, with_forensics(profile_sso_state="expired")),
         ("SSO session of AWS profile 'dev' has expired", "aws sso login --profile dev"),
         line=3),
    Case("ENV008", "sso-missing", diag(HELPED, with_forensics(profile_sso_state="missing")),
         ("AWS profile 'dev'", "never signed in", "aws sso login --profile dev")),
    Case("ENV008", "expired-cache", diag(HELPED, with_forensics(helper_cache=EXPIRED_CACHE)),
         (f"token for {ECR} that expired 2026-11-26 11:00 UTC", "exit 0"),
         registry=ECR, line=3, severity=Severity.MEDIUM, absent=("fall back",)),
    Case("ENV008", "expired-cache-used",
         diag(HELPED, with_forensics(helper_cache=EXPIRED_CACHE, helper_log=FELL_BACK)),
         (ECR, "2026-11-26 11:00 UTC", "did fall back to it"),
         registry=ECR, severity=Severity.HIGH),
    # ENV009
    Case("ENV009", "log-error", diag(HELPED, with_forensics(helper_log=ERROR_LOG)),
         ("at 2026-11-26T11:30:00Z", "AccessDeniedException: not authorized"), line=3),
    # ENV010
    Case("ENV010", "no-region", diag(HELPED, with_forensics()),
         ("no AWS region is set for profile 'dev'", "aws ecr get-login-password"), line=3),
    # ENV011
    Case("ENV011", "undefined-session", diag(HELPED, with_forensics(missing_sso_session="corp")),
         ("AWS profile 'dev'", "sso_session 'corp'", "~/.aws/config does not define"), line=3),
    # ENV012
    Case("ENV012", "cache-disabled", diag(HELPED, GOOD._replace(ecr_cache_disabled=True)),
         ("AWS_ECR_DISABLE_CACHE is set", "calls ECR on every pull"), line=3),
    Case("ENV012", "ignore-creds-storage-old-helper",
         diag(HELPED, machine(helper("ecr-login", version=(0, 8, 0)),
                              ecr_ignore_creds_storage=True)),
         ("AWS_ECR_IGNORE_CREDS_STORAGE=true", "docker-credential-ecr-login 0.8.0",
          "needs ≥ 0.9.0")),
    Case("ENV001", "stale-fallback-cli-28", diag(
        {"auths": {ECR: {"auth": expired_auth()}}, **HELPED},
        machine(helper("ecr-login", found=False), docker=docker((28, 2, 2)))),
         ("Docker CLI 28.2.2 sends the stale inline credential", f"auths[{ECR}]",
          "pull, push, build", "buildx / BuildKit fail with the helper's error")),
    Case("ENV001", "stale-fallback-cli-29", diag(
        {"auths": {ECR: {"auth": expired_auth()}}, **HELPED},
        machine(helper("ecr-login", found=False), docker=docker((29, 1, 0)))),
         ("Docker CLI 29.1.0 sends the stale inline credential", "on build",
          "pull, push, buildx / BuildKit fail"), absent=("on pull",)),
    # ENV020
    Case("ENV020", "wrapper-profile-missing",
         diag({"credHelpers": {ECR: "ecr-login-prod"}},
              machine(helper("ecr-login-prod"), helper("ecr-login"),
                      helper_profiles=(("ecr-login-prod", "prod"),))),
         ("/usr/bin/docker-credential-ecr-login-prod", "AWS profile 'prod'",
          f"the ECR helper will fail for {ECR}"), registry=ECR, line=3),
    # IAM001, IAM002 (the scanner reads IAM policy files)
    Case("IAM001", "ecr-star", scan("iam/ci-role.json", IAM_BROAD),
         ("statement 'All'", "allows ecr:*", "deleting images"), line=7,
         path="iam/ci-role.json"),
    Case("IAM001", "star", scan("iam/admin.json", json.dumps(
        {"Statement": [{"Sid": "ecr-admin", "Effect": "Allow", "Action": ["*"],
                        "Resource": "*"}]})),
         ("statement 'ecr-admin'", "allows *")),
    Case("IAM002", "repo-actions-on-star", scan("iam/ci-role.json", IAM_BROAD),
         ("statement #2", "ecr:BatchGetImage", 'Resource "*"'), line=13,
         absent=("ecr:GetAuthorizationToken",)),
    # SCN001
    Case("SCN001", "config-json", scan("team/.docker/config.json", json.dumps(
        {"auths": {ECR: {"auth": expired_auth()}}}, indent="\t")),
         (f"static ECR token for {ECR}", f"account {ACCOUNT}", REGION, "a Docker config file",
          "expired 3 days ago (2026-11-23 12:00 UTC)"), registry=ECR, line=3,
         path="team/.docker/config.json", severity=Severity.HIGH,
         absent=(expired_auth()[:24],)),
    Case("SCN001", "other-registry", scan("auth.json", json.dumps(
        {"auths": {"ghcr.io": {"auth": "b2N0bzpnaHBfbm90cmVhbA=="}}})),
         ("static credential for ghcr.io", "user 'octo'"), registry="ghcr.io",
         severity=Severity.MEDIUM, absent=("ghp_notreal",)),
    Case("SCN001", "kubernetes-secret", scan("k8s/pull-secret.yaml", (
        "apiVersion: v1\nkind: Secret\nmetadata: {name: hub, namespace: ci}\n"
        "type: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: "
        + base64.b64encode(json.dumps(
            {"auths": {"ghcr.io": {"auth": "b2N0bzpnaHBfbm90cmVhbA=="}}}).encode()).decode()
        + "\n")),
         ("static credential for ghcr.io", "Kubernetes Secret ci/hub (.dockerconfigjson)"),
         registry="ghcr.io", severity=Severity.MEDIUM, line=6, absent=("ghp_notreal",)),
    Case("SCN001", "helm-values", scan("chart/values.yaml", (
        "imageCredentials:\n  .dockerconfigjson: "
        + base64.b64encode(json.dumps(
            {"auths": {ECR: {"auth": LIVE_AUTH}}}).encode()).decode() + "\n")),
         (ECR, "a Kubernetes .dockerconfigjson", "live for 5 h more (until 2026-11-26 17:00 UTC)"),
         registry=ECR, severity=Severity.CRITICAL, absent=(LIVE_AUTH[:24],)),
    # SCN009 (a cluster's Secrets on stdin: tests/test_scan_kube_secrets.py)
    Case("SCN009", "committed-secret", scan("k8s/pull-secret.yaml", (
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ecr-pull\n  namespace: ci\n"
        "type: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: "
        + base64.b64encode(json.dumps(
            {"auths": {ECR: {"auth": LIVE_AUTH}}}).encode()).decode() + "\n")),
         (ECR, "Kubernetes Secret ci/ecr-pull", ".dockerconfigjson",
          "live for 5 h more (until 2026-11-26 17:00 UTC)"),
         registry=ECR, severity=Severity.CRITICAL, line=8, absent=(LIVE_AUTH[:24],)),
    Case("SCN009", "expired-string-data", scan("k8s/pull-secret.yaml", (
        "kind: Secret\nmetadata: {name: old}\ntype: kubernetes.io/dockerconfigjson\n"
        "stringData:\n  .dockerconfigjson: '"
        + json.dumps({"auths": {ECR: {"username": "AWS", "password": make_ecr_password(
            NOW - timedelta(days=3), seed=8)}}}) + "'\n")),
         (ECR, "Kubernetes Secret old", "expired 3 days ago"), registry=ECR,
         severity=Severity.HIGH, line=5),
    # SCN011 (docs.github.com: packages: write to publish; unlisted scopes are none)
    Case("SCN011", "build-push-action", scan(".github/workflows/release.yml", _GHCR_WORKFLOW),
         ("job `image` pushes to ghcr.io with GITHUB_TOKEN", "grant no `packages: write`",
          "the push is denied"), line=3),
    Case("SCN011", "docker-push", scan(".github/workflows/ci.yml", (
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    permissions: read-all\n"
        "    steps:\n      - run: |\n          echo ${{ github.token }} | docker login ghcr.io -u"
        " x --password-stdin\n          docker push ghcr.io/acme/app:1\n")),
         ("job `build` pushes to ghcr.io",), line=5),
    # SCN010
    Case("SCN010", "dockercfg-with-auths", scan("k8s/legacy.yaml", (
        "kind: Secret\nmetadata: {name: legacy, namespace: ops}\ntype: kubernetes.io/dockercfg\n"
        "data:\n  .dockercfg: " + base64.b64encode(json.dumps(
            {"auths": {"ghcr.io": {"auth": "b2N0bzpnaHBfbm90cmVhbA=="}}}).encode()).decode()
        + "\n")),
         ("Kubernetes Secret ops/legacy", ".dockercfg", "`auths`", "matches no registry"),
         line=5),
    # SCN002
    Case("SCN002", "auth-in-notes", scan("notes.txt", f"line one\ntoken: {LIVE_AUTH}\n"),
         ("authorization token (base64 AWS:password)", "this file",
          "until 2026-11-26 17:00 UTC"), line=2, severity=Severity.CRITICAL,
         absent=(LIVE_AUTH[:24],)),
    Case("SCN002", "password-in-cache", scan(".ecr/cache.json", json.dumps(
        {"Registries": {"k": {"AuthorizationToken": LIVE_PASSWORD}}})),
         ("registry password", "the ecr-login helper cache", "2026-11-26 17:00 UTC"),
         absent=(LIVE_PASSWORD[:24],)),
    # SCN003
    Case("SCN003", "get-login", scan("deploy.sh", "#!/bin/sh\n"
                                     "$(aws ecr get-login --no-include-email --region us-east-1)\n"),
         ("`aws ecr get-login`", "AWS CLI v1 only", "this script"), line=2, path="deploy.sh"),
    # SCN004
    Case("SCN004", "self-hosted-login", scan(".github/workflows/push.yml", SELF_HOSTED_LOGIN),
         ("get-login-password | docker login", "self-hosted runner", "no `docker logout`"),
         line=6, registry=ECR),
    Case("SCN004", "skip-logout", scan(".github/workflows/push.yml", workflow(
        "      - uses: aws-actions/amazon-ecr-login@v2\n"
        "        with:\n"
        "          skip-logout: true\n", runs_on="self-hosted")),
         ("skip-logout: true", "self-hosted runner"), line=8),
    # SCN005
    Case("SCN005", "literal", scan("login.sh", f"docker login -u AWS -p hunter2secret {ECR}\n"),
         ("a literal password", "this script"), line=1, severity=Severity.HIGH,
         absent=("hunter2secret",), registry=ECR),
    Case("SCN005", "variable", scan("login.sh", f"docker login -u AWS -p $TOKEN {ECR}\n"),
         ("a password variable",), severity=Severity.MEDIUM),
    # SCN006
    Case("SCN006", "mask-password-false", scan(".github/workflows/push.yml", UNMASKED),
         ("amazon-ecr-login with mask-password: false", "this CI/YAML file"), line=8),
    # SCN007
    Case("SCN007", "container-password",
         scan(".github/workflows/test.yml", CONTAINER_CREDS.format(password="s3cr3t-literal")),
         ("hard-coded container credentials.password", "this CI/YAML file"), line=9,
         absent=("s3cr3t-literal",), registry="ghcr.io"),
    # SCN008
    Case("SCN008", "literal-key", scan(".github/workflows/push.yml",
                                       STATIC_KEYS.format(key=AKID)),
         ("a literal AWS access key used for ECR", "role-to-assume"), line=8,
         severity=Severity.HIGH, absent=(AKID,)),
    Case("SCN008", "secret-key", scan(".github/workflows/push.yml",
                                      STATIC_KEYS.format(key="${{ secrets.AWS_KEY_ID }}")),
         ("long-lived AWS access keys used for ECR", "OIDC"), severity=Severity.LOW),
    # KUB001-KUB016 (`kube check`)
    Case("KUB001", "no-kind", kube(kube_edit("kind: CredentialProviderConfig\n", "")),
         ("no top-level kind", "kubelet.config.k8s.io/v1"), line=1),
    Case("KUB001", "wrong-version", kube(kube_edit("kubelet.config.k8s.io/v1",
                                                   "kubelet.config.k8s.io/v2")),
         ('apiVersion "kubelet.config.k8s.io/v2"',), line=1),
    Case("KUB002", "alpha-for-ecr", kube(kube_edit("credentialprovider.kubelet.k8s.io/v1",
                                                   "credentialprovider.kubelet.k8s.io/v1alpha1")),
         ("v1alpha1", "ecr-credential-provider", "accept only"), line=13,
         severity=Severity.MEDIUM),
    Case("KUB002", "unknown", kube(kube_edit("credentialprovider.kubelet.k8s.io/v1",
                                             "credentialprovider.kubelet.k8s.io/v9")),
         ('"credentialprovider.kubelet.k8s.io/v9"', "refuses"), severity=Severity.HIGH),
    Case("KUB003", "number", kube(kube_edit('"12h"', "0")),
         ("defaultCacheDuration 0", "a number", "quoted"), line=12),
    Case("KUB003", "days", kube(kube_edit('"12h"', '"1d"')), ('"1d"', "not a Go duration")),
    Case("KUB003", "missing", kube(kube_edit('    defaultCacheDuration: "12h"\n', "")),
         ("no defaultCacheDuration",)),
    Case("KUB004", "path", kube(kube_edit("name: ecr-credential-provider",
                                          "name: /usr/bin/ecr-credential-provider")),
         ('"/usr/bin/ecr-credential-provider"', "contains '/'"), line=4),
    Case("KUB005", "missing-binary", kube(KUBE, bin_dir={}),
         ('"ecr-credential-provider"', "no such file"), line=4),
    Case("KUB006", "empty-match-images", kube(
        "apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders:\n"
        "  - name: p\n    matchImages: []\n    defaultCacheDuration: 1h\n"
        "    apiVersion: credentialprovider.kubelet.k8s.io/v1\n"), ('provider "p"', "no matchImages"),
         line=5),
    Case("KUB007", "bracket", kube(kube_edit('"*.dkr-ecr.*.on.aws"', '"[0-9]*.dkr-ecr.*.on.aws"')),
         ('"[0-9]*.dkr-ecr.*.on.aws"', "url.Parse"), line=7),
    Case("KUB008", "too-wide", kube(kube_edit('"public.ecr.aws"', '"*.amazonaws.com"')),
         ('"*.amazonaws.com"', "exactly one DNS label"), line=10),
    Case("KUB008", "scheme", kube(kube_edit('"public.ecr.aws"', '"https://public.ecr.aws"')),
         ('"https://public.ecr.aws"', "has a scheme"), line=10),
    Case("KUB009", "no-ecr", kube(
        "apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders:\n"
        "  - name: ecr-credential-provider\n    matchImages: [\"*.amazonaws.com\"]\n"
        "    defaultCacheDuration: 1h\n    apiVersion: credentialprovider.kubelet.k8s.io/v1\n"),
         ('provider "ecr-credential-provider"', "no ECR host"), line=5),
    Case("KUB010", "cn-registry", kube(KUBE, registries=(
        "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn",)),
         ("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", "without credentials"),
         registry="123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn"),
    Case("KUB011", "no-dual-stack", kube(kube_edit('      - "*.dkr-ecr.*.on.aws"\n', "")),
         ("aws", "*.dkr-ecr.*.on.aws", "dual-stack")),
    Case("KUB012", "twice", kube(KUBE + KUBE.split("providers:\n")[1]),
         ('"ecr-credential-provider"', "providers[0] and providers[1]"), line=14),
    Case("KUB013", "no-audience", kube(kube_edit(
        "      serviceAccountTokenAudience: sts.amazonaws.com\n", "", KUBE_TOKEN)),
         ("serviceAccountTokenAudience is required",), line=14),
    Case("KUB014", "case", kube(kube_edit("matchImages:", "MatchImages:")),
         ('"MatchImages"', 'did you mean "matchImages"'), line=5),
    Case("KUB015", "twice", kube(kube_edit("kind: CredentialProviderConfig\n",
                                           "kind: CredentialProviderConfig\nkind: x\n")),
         ('"kind" twice', "line 3"), line=3),
    Case("KUB016", "string-list", kube(
        "apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders:\n"
        "  - name: p\n    matchImages: \"*.dkr.ecr.*.amazonaws.com\"\n"
        "    defaultCacheDuration: 1h\n    apiVersion: credentialprovider.kubelet.k8s.io/v1\n"),
         ("providers[0].matchImages", "a string, not a list"), line=5),
    # CFG030
    Case("CFG030", "host-wide-token", diag(HELPED, with_buildx(
        scoped(ECR, {"auths": {ECR: {"auth": expired_auth()}}}))),
         (f"{ECR}/config.json holds a static ECR token for {ECR}", "expired",
          "every single-repository request", "credHelpers → docker-credential-ecr-login"),
         registry=ECR, path=f"{BUILDX_BASE}/{ECR}/config.json", line=3,
         absent=(expired_auth()[:24],)),
    Case("CFG030", "repo-scoped", diag(HELPED, with_buildx(
        scoped(f"{ECR}/team/app@push", {"auths": {ECR: {"auth": live_auth()}}}))),
         ("repository team/app with push access", "until 2026-11-26 17:00 UTC"), registry=ECR),
    # CFG031
    Case("CFG031", "anonymous", diag(HELPED, with_buildx(scoped(f"{ECR}@pull", {"auths": {}}))),
         (f"{ECR}@pull/config.json gives {ECR} no credentials (anonymous)",
          "single-repository requests with pull access", "credHelpers → "
          "docker-credential-ecr-login"), registry=ECR, line=3),
    Case("CFG031", "dangling", diag(HELPED, with_buildx(
        scoped(ECR, state="missing", error="a dangling symbolic link")._replace(config=None))),
         ("dangling link", "empty config"), registry=ECR),
    Case("CFG031", "missing-other-helper", diag(HELPED, with_buildx(
        scoped(ECR, {"credsStore": "desktop"}))),
         ("credsStore → docker-credential-desktop, which is not installed",), registry=ECR),
    # CFG032
    Case("CFG032", "fifo", diag(HELPED, with_buildx(scoped(ECR, state="fifo", error="a FIFO"))),
         ("is a FIFO", "hang", ECR), severity=Severity.HIGH,
         path=f"{BUILDX_BASE}/{ECR}/config.json"),
    Case("CFG032", "broken", diag(HELPED, with_buildx(scoped(
        "ghcr.io", state="broken", error="line 1: not valid JSON"))),
         ("ghcr.io/config.json cannot be used", "not valid JSON", "silently uses the main "
          "config"), severity=Severity.LOW),
    Case("CFG032", "walk-error", diag(HELPED, with_buildx(
        walk_error=f"{BUILDX_BASE}/{ECR}: Permission denied")),
         ("cannot list", "Permission denied", "ignores every scoped config after it")),
    # CFG034 (the WSL workaround: ddev/ddev#2342)
    Case("CFG034", "wsl", diag({"credStore": "desktop.exe", **HELPED}),
         ('"credStore": "desktop.exe"', "keeps the credential store off", "WSL workaround",
          "writes credentials into this file"), severity=Severity.INFO, line=2),
    # CFG035 (docker/cli docs/deprecated.md: the legacy file, removed in v23.0)
    Case("CFG035", "legacy", diag({"https://index.docker.io/v1/": {
        "auth": "dXNlcjpwYXNz", "email": "a@example.com"}}),
         ("a legacy .dockercfg", "https://index.docker.io/v1/", "Docker 23.0 and later never "
          "read it", "its logins are not used"), severity=Severity.LOW, line=2),
    # CFG036 (docs.github.com: GitHub Packages takes classic tokens only; GITHUB_TOKEN ends
    # with its job)
    Case("CFG036", "fine-grained", diag({"auths": {"ghcr.io": {"auth": _b64(
        "octo:github_pat_11ABCDEFG0_" + "x" * 59)}}}),
         ("fine-grained personal access token (github_pat_)", "accepts only classic tokens",
          "denied"), severity=Severity.MEDIUM, registry="ghcr.io", line=3),
    Case("CFG036", "actions", diag({"auths": {"ghcr.io": {"auth": _b64("x:ghs_" + "y" * 36)}}}),
         ("GitHub Actions job token (ghs_)", "expired when its job finished"),
         severity=Severity.MEDIUM, registry="ghcr.io", line=3),
    # CFG037 (cloud.google.com: Artifact Registry authentication for Docker)
    Case("CFG037", "key", diag({"auths": {"europe-docker.pkg.dev": {"auth": _b64(
        '_json_key:{"type": "service_account", "private_key": "-----BEGIN"}')}}}),
         ("europe-docker.pkg.dev", "service account key (_json_key)", "never expires"),
         severity=Severity.HIGH, registry="europe-docker.pkg.dev", line=3,
         absent=("private_key",)),
    Case("CFG037", "access-token", diag({"auths": {"gcr.io": {"auth": _b64(
        "oauth2accesstoken:ya29." + "a" * 60)}}}),
         ("gcr.io", "OAuth2 access token (oauth2accesstoken)", "about an hour"),
         severity=Severity.MEDIUM, registry="gcr.io", line=3, absent=("ya29.aaa",)),
    # CFG038 (learn.microsoft.com: az acr login tokens last 3 hours)
    Case("CFG038", "expired", diag({"auths": {"myreg.azurecr.io": {
        "auth": _b64("00000000-0000-0000-0000-000000000000:"),
        "identitytoken": _jwt(exp=NOW - timedelta(hours=2))}}}),
         ("myreg.azurecr.io's stored token expired 2 h ago", "unauthorized"),
         severity=Severity.MEDIUM, registry="myreg.azurecr.io", line=3),
    # ENV013 (docker-credential-pass needs `pass init`: pass/pass.go, password-store.sh)
    Case("ENV013", "no-gpg-id", diag({"credsStore": "pass", **HELPED}, machine(
        helper("ecr-login"), helper("pass"))._replace(
            pass_store=("/home/test/.password-store", False))),
         ("docker-credential-pass is set up", "/home/test/.password-store has no .gpg-id",
          "`pass init` never ran"), severity=Severity.HIGH, line=2),
    # CFG033
    Case("CFG033", "podman", diag({"credsStore": "ecr-login", "auths": {ECR: {}}},
                                  client="podman"),
         ('credsStore "ecr-login" is ignored', "podman, skopeo or buildah", ECR), line=2),
]


# --- silent cases: each is a near miss of the firing case ------------------------------------

SILENT: dict[str, Run] = {
    "CFG001": diag({"auths": {ECR: {}}, **HELPED}),
    "CFG002": diag(HELPED, registries=(ECR,)),
    "CFG003": diag(HELPED),
    "CFG004": diag({"credHelpers": {ECR: "ecr_login"}}, machine(helper("ecr_login"))),
    "CFG005": diag({"credsStore": "desktop", **HELPED},
                   machine(helper("ecr-login"), helper("desktop"))),
    "CFG006": diag({"CredHelpers": {ECR: "ecr-login"}}),
    "CFG007": diag({"auths": {ECR: {}}}),
    "CFG008": diag({"auths": {ECR: {}}, **HELPED}),
    "CFG009": diag({"auths": {"ghcr.io": {"auth": "b2N0bzpwYXNz"}}}),
    "CFG010": diag({"auths": {ECR: {"auth": expired_auth(1)},
                              f"https://{ECR}": {"auth": expired_auth(2)},
                              f"https://{ECR}/v2/": {"auth": expired_auth(3)}}}),
    "CFG011": diag({"auths": {"ghcr.io": {}, ECR: {"auth": expired_auth()}}}),
    "CFG012": diag(json.dumps(HELPED)),
    "CFG013": diag({"credHelpers": {ECR: "ecr-login", "public.ecr.aws": "ecr-login",
                                    DUAL_STACK: "ecr-login", "registry.example.com": "desktop"}},
                   machine(helper("ecr-login", version=(0, 12, 0)), helper("desktop"))),
    "CFG014": diag(json.dumps(HELPED) + " \r\n\t\n"),
    "CFG020": fix_profile({ECR: "ecr-login-prod"}),
    "ENV001": diag({"credsStore": "desktop", **HELPED},
                   machine(helper("ecr-login"), helper("desktop"))),
    "ENV002": diag({"credHelpers": {DUAL_STACK: "ecr-login"}},
                   machine(helper("ecr-login", version=(0, 10, 0)))),
    "ENV003": diag({"credHelpers": {FIPS: "ecr-login"}}, GOOD._replace(use_fips_endpoint=True)),
    "ENV004": diag(HELPED, GOOD._replace(docker=docker((28, 2, 2)),
                                         docker_auth_config=DockerAuthConfigEnv(keys=(ECR,)))),
    "ENV030": diag(HELPED, GOOD._replace(docker=docker((28, 3, 0)),
                                         docker_auth_config=DockerAuthConfigEnv(keys=(ECR,)))),
    "CFG030": diag(HELPED, with_buildx(scoped(ECR, HELPED), scoped(
        "ghcr.io", {"auths": {"ghcr.io": {"auth": "b2N0bzpwYXNz"}}}))),
    "CFG031": diag(HELPED, with_buildx(scoped(f"{ECR}/app", HELPED),
                                       scoped(ECR2, {"auths": {}}))),
    "CFG032": diag(HELPED, with_buildx(scoped(ECR, HELPED))),
    "CFG033": diag({"credsStore": "ecr-login", "auths": {ECR: {}}}),
    "CFG037": diag({"auths": {"gcr.io": {}}, "credHelpers": {"gcr.io": "gcloud"}}),
    "CFG038": diag({"auths": {"myreg.azurecr.io": {
        "auth": _b64("00000000-0000-0000-0000-000000000000:"),
        "identitytoken": _jwt(exp=NOW + timedelta(hours=2))}}}),
    "ENV013": diag({"credsStore": "pass", **HELPED}, machine(
        helper("ecr-login"), helper("pass"))._replace(
            pass_store=("/home/test/.password-store", True))),
    "CFG036": diag({"auths": {"ghcr.io": {"auth": _b64("octo:ghp_" + "z" * 36)}}}),
    "CFG035": diag({"auths": {"https://index.docker.io/v1/": {"auth": "dXNlcjpwYXNz"}}}),
    "CFG034": diag({"credsStore": "desktop.exe", **HELPED},
                   machine(helper("ecr-login"), helper("desktop.exe"))),
    "ENV005": diag_config(HELPED, file_mode=0o600),
    "ENV006": diag_config(HELPED, location=DOCKER_CONFIG_LOCATION._replace(
        path="/home/test/.docker/config.json", docker_config_is_file=False)),
    "ENV007": diag(HELPED),
    "ENV008": diag(HELPED, with_forensics(
        profile_sso_state="live", helper_cache=HelperCache(EXPIRED_CACHE.path, True, (
            HelperCacheEntry(ECR, "ecr", "sha256", NOW - timedelta(hours=1),
                             NOW + timedelta(hours=11), "fresh"),)))),
    "ENV009": diag(HELPED, with_forensics(helper_log=HelperLog(ERROR_LOG.path, True))),
    "ENV010": diag(HELPED, with_forensics(with_aws(region=REGION))),
    "ENV011": diag(HELPED, with_forensics(missing_sso_session=None)),
    "ENV012": diag(HELPED, machine(helper("ecr-login", version=(0, 9, 0)),
                                   ecr_ignore_creds_storage=True)),
    "ENV020": diag({"credHelpers": {ECR: "ecr-login-dev"}},
                   machine(helper("ecr-login-dev"), helper("ecr-login"),
                           helper_profiles=(("ecr-login-dev", "dev"),))),
    "IAM001": scan("iam/ci-role.json", IAM_LEAST),
    "IAM002": scan("iam/ci-role.json", IAM_LEAST),
    "SCN001": scan("config.json", json.dumps({"auths": {ECR: {}, "ghcr.io": {"auth": ""}},
                                              **HELPED})),
    "SCN002": scan("notes.txt", "QVdTOmV5" + "A" * 300 + "\n"),
    "SCN009": scan("k8s/pull-secret.yaml", (
        "kind: Secret\nmetadata: {name: hub}\ntype: kubernetes.io/dockerconfigjson\n"
        "data:\n  .dockerconfigjson: {{ .Values.dockerconfig | b64enc }}\n---\n"
        "kind: Secret\nmetadata: {name: helper}\ntype: kubernetes.io/dockerconfigjson\n"
        "stringData:\n  .dockerconfigjson: '" + json.dumps(
            {"auths": {"ghcr.io": {"auth": "b2N0bzpnaHBfbm90cmVhbA=="}}}) + "'\n")),
    "SCN011": scan(".github/workflows/release.yml", _GHCR_WORKFLOW.replace(
        "  contents: read\n", "  contents: read\n  packages: write\n")),
    "SCN010": scan("k8s/pull-secret.yaml", (
        "kind: Secret\nmetadata: {name: hub}\ntype: kubernetes.io/dockerconfigjson\n"
        "data:\n  .dockerconfigjson: <base64 of your config.json>\n---\n"
        "kind: Secret\nmetadata: {name: templated}\n"
        "stringData:\n  .dockerconfigjson: '{{ .Values.config }}'\n")),
    "SCN003": scan("deploy.sh", f"{LOGIN_PIPE}\n# aws ecr get-login (old way)\n"),
    "SCN004": scan(".github/workflows/push.yml", workflow(
        f"      - run: {LOGIN_PIPE}\n      - if: always()\n        run: docker logout {ECR}\n",
        runs_on="self-hosted")),
    "SCN005": scan("login.sh", f"{LOGIN_PIPE}\n"),
    "SCN006": scan(".github/workflows/push.yml", workflow(
        "      - uses: aws-actions/amazon-ecr-login@v2\n")),
    "SCN007": scan(".github/workflows/test.yml",
                   CONTAINER_CREDS.format(password="${{ secrets.GHCR_TOKEN }}")),
    "SCN008": scan(".github/workflows/push.yml", workflow(
        "      - uses: aws-actions/configure-aws-credentials@v4\n"
        "        with:\n"
        f"          role-to-assume: arn:aws:iam::{ACCOUNT}:role/ci\n"
        "          aws-region: us-east-1\n"
        "      - uses: aws-actions/amazon-ecr-login@v2\n")),
    "KUB001": kube(KUBE.replace("kubelet.config.k8s.io/v1\n", "kubelet.config.k8s.io/v1beta1\n")),
    "KUB002": kube(KUBE.replace("name: ecr-credential-provider", "name: other-provider")
                   .replace("credentialprovider.kubelet.k8s.io/v1\n",
                            "credentialprovider.kubelet.k8s.io/v1beta1\n")),
    "KUB003": kube(KUBE.replace('"12h"', '"0"')),
    "KUB004": kube(KUBE.replace("name: ecr-credential-provider", "name: ecr-credential-provider.v2")),
    "KUB005": kube(KUBE, bin_dir={"ecr-credential-provider": "executable"}),
    "KUB006": kube(KUBE),
    "KUB007": kube(KUBE.replace('"public.ecr.aws"', '"public.ecr.aws:443/path"')),
    "KUB008": kube(KUBE.replace('"public.ecr.aws"', '"1234*.dkr.ecr.us-*-1.amazonaws.com"')
                   + "  - name: gcr-credential-provider\n    matchImages: [\"*.gcr.io\"]\n"
                   "    defaultCacheDuration: 1h\n"
                   "    apiVersion: credentialprovider.kubelet.k8s.io/v1\n"),
    "KUB009": kube(KUBE),
    "KUB010": kube(KUBE, registries=("123456789012.dkr-ecr-fips.us-east-2.on.aws",)),
    # every aws-cn family, and no other partition in use
    "KUB011": kube(
        "apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders:\n"
        "  - name: ecr-credential-provider\n    matchImages:\n"
        "      - \"*.dkr.ecr.*.amazonaws.com.cn\"\n"
        "      - \"*.dkr-ecr.*.on.amazonwebservices.com.cn\"\n"
        "    defaultCacheDuration: 1h\n    apiVersion: credentialprovider.kubelet.k8s.io/v1\n"),
    "KUB012": kube(KUBE + KUBE.split("providers:\n")[1].replace(
        "name: ecr-credential-provider", "name: ecr-credential-provider-2")),
    "KUB013": kube(KUBE_TOKEN),
    "KUB014": kube(KUBE + "    args: [--verbose]\n    env:\n      - name: AWS_PROFILE\n"
                   "        value: ecr\n"),
    "KUB015": kube(KUBE.replace("kind: CredentialProviderConfig\n",
                                "kind: CredentialProviderConfig\n# kind: x\n")),
    "KUB016": kube(KUBE.replace('"12h"', "12h")),
}

# The ECS family reads task definitions: its cases live beside it (tests/ecs_cases.py).
FIRING += ecs_cases.firing(Case)
SILENT.update(ecs_cases.SILENT)


def _case_id(case: Case) -> str:
    return f"{case.rule_id}-{case.variant}"


def fired(case: Case, tmp_path: Path) -> list[Seen]:
    return [s for s in case.run(tmp_path) if s.rule_id == case.rule_id]


# --- the tests --------------------------------------------------------------------------------


def test_every_rule_has_a_firing_and_a_silent_case() -> None:
    # Rules only a pasted error fires (ERR, and the KUB/ECS pages for what no file shows) have
    # their firing and silent messages in tests/test_explain_runtimes.py.
    explain_fired = {r for r in RULES if r.startswith("ERR")}
    registry = set(RULES) - EXPLAIN_ONLY - ecs_cases.AWAITING_EXPLAIN - explain_fired
    assert {c.rule_id for c in FIRING} == registry
    assert set(SILENT) == registry
    assert len({_case_id(c) for c in FIRING}) == len(FIRING)


@pytest.mark.parametrize("case", FIRING, ids=_case_id)
def test_message_states_its_facts(case: Case, tmp_path: Path) -> None:
    found = fired(case, tmp_path)
    assert len(found) == 1, found
    (seen,) = found
    for fact in case.facts:
        assert fact in seen.message, f"{fact!r} not in {seen.message!r}"
    for text in case.absent:
        assert text not in seen.message and text not in json.dumps(seen.details)
    if case.registry is not None:
        assert seen.registry == case.registry
    if case.line is not None:
        assert seen.line == case.line
    if case.path is not None:
        assert seen.path == case.path
    if case.severity is not None:
        assert seen.severity == case.severity.label


def test_a_missing_fact_is_still_missing(tmp_path: Path) -> None:
    # One test over every case's `missing` facts (none today): each must still be absent, so
    # the day src/ adds one this fails and the fact moves to the case's `facts`.
    for case in (c for c in FIRING if c.missing or c.missing_registry):
        (seen,) = fired(case, tmp_path / _case_id(case))
        for fact in case.missing:
            assert fact not in seen.message, f"{_case_id(case)}: {fact!r} is named now"
        if case.missing_registry is not None:
            assert seen.registry != case.missing_registry, f"{_case_id(case)}: registry named"


@pytest.mark.parametrize("rule_id", sorted(SILENT))
def test_near_miss_is_silent(rule_id: str, tmp_path: Path) -> None:
    found = [s for s in SILENT[rule_id](tmp_path) if s.rule_id == rule_id]
    assert found == []


# --- the CLI: every rule listed, every page printed -------------------------------------------


def test_explain_only_rules_are_declared_with_a_sourced_page() -> None:
    from ecr_doctor.core.rules import kub

    assert {r.id for r in kub.EXPLAIN_RULES} == EXPLAIN_ONLY
    for rule_id in EXPLAIN_ONLY:
        rule = RULES[rule_id]
        assert rule.check_fn is None and rule.doc.references and rule.doc.example


def test_rules_command_lists_every_rule() -> None:
    done = cli("rules")
    assert done.returncode == 0, done.stderr
    lines = {line.split()[0]: line for line in done.stdout.splitlines() if line.strip()}
    assert set(lines) == set(RULES)
    for rule_id, line in lines.items():
        rule = RULES[rule_id]
        assert rule.severity.label in line.split() and f"{rule.name}: {rule.summary}" in line


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_explain_prints_the_rules_page(rule_id: str) -> None:
    done = cli("explain", rule_id)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() and done.stdout.startswith(f"{rule_id} {RULES[rule_id].name}")
    assert RULES[rule_id].summary in done.stdout


def test_env006_fires_through_the_cli(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text(json.dumps(HELPED))
    done = cli("diagnose", "--format", "json",
               env={"HOME": str(tmp_path), "DOCKER_CONFIG": str(config)})
    assert done.returncode == 1, done.stderr
    found = {f["rule_id"]: f for f in json.loads(done.stdout)["result"]["findings"]}
    assert f"{config}/config.json" in found["ENV006"]["message"]

