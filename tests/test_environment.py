from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from ecr_doctor.core.environment import (
    AwsSources,
    DockerAuthConfigEnv,
    Environment,
    HelperBinary,
    unknown_environment,
)
from ecr_doctor.machine.capture import capture

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)

posix_only = pytest.mark.skipif(os.name != "posix", reason="fake helpers are shell scripts")

SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKENvalue0123456789"
REGISTRY_PASSWORD = "registry-password-that-must-not-leak-42"


def script(directory: Path, name: str, body: str, *, mode: int = 0o755) -> Path:
    path = directory / name
    path.write_text("#!/bin/sh\n" + textwrap.dedent(body).lstrip())
    path.chmod(mode)
    return path


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "bin"
    directory.mkdir()
    return directory


def base_env(tmp_path: Path, *dirs: Path, **extra: str) -> dict[str, str]:
    env = {"PATH": ":".join(str(d) for d in dirs), "HOME": str(tmp_path / "home")}
    env.update(extra)
    return env


# --- unknown environment ------------------------------------------------------------------------


def test_unknown_environment_is_empty_and_not_known() -> None:
    env = unknown_environment(NOW)
    assert env.known is False
    assert env.platform == "unknown"
    assert env.helpers == ()
    assert env.path_dirs == ()
    assert env.aws == AwsSources()
    assert not env.aws.any_source
    assert env.docker_auth_config is None
    assert env.now == NOW
    assert env.helper("ecr-login") is None


def test_unknown_environment_now_defaults_to_current_time() -> None:
    before = datetime.now(UTC)
    env = unknown_environment()
    assert env.now.tzinfo is not None
    assert before - timedelta(seconds=1) <= env.now <= datetime.now(UTC) + timedelta(seconds=1)


def test_naive_and_offset_now_become_utc(tmp_path: Path) -> None:
    naive = datetime(2026, 1, 1, 9, 30)
    assert unknown_environment(naive).now == naive.replace(tzinfo=UTC)
    offset = datetime(2026, 1, 1, 11, 30, tzinfo=timezone(timedelta(hours=2)))
    env = capture(base_env(tmp_path), now=offset)
    assert env.now == datetime(2026, 1, 1, 9, 30, tzinfo=UTC)
    assert env.now.tzinfo is UTC


def test_import_is_side_effect_free_and_cheap() -> None:
    code = (
        "import sys; before = set(sys.modules); import ecr_doctor.machine.capture; "
        # `re` is not listed: typing (for NamedTuple) imports it anyway.
        "heavy = {'subprocess', 'configparser', 'shutil', 'json', 'ecr_doctor.core.tokens'}; "
        "print(sorted(heavy & (set(sys.modules) - before)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


# --- helpers ------------------------------------------------------------------------------------


@posix_only
def test_ecr_login_060_reports_dash_v_version(tmp_path: Path, bin_dir: Path) -> None:
    # Debian 0.6.0: -v gives the real version, `version` the dch library's 0.6.4.
    script(
        bin_dir,
        "docker-credential-ecr-login",
        """
        case "$1" in
          -v) printf 'amazon-ecr-credential-helper\\nVersion:    0.6.0\\nGit commit: 69c85dc\\n' ;;
          version) echo 0.6.4 ;;
          *) exit 1 ;;
        esac
        """,
    )
    env = capture(
        base_env(tmp_path, bin_dir),
        helper_names=["ecr-login"],
        probe_versions=["ecr-login"],
        now=NOW,
    )
    helper = env.helper("ecr-login")
    assert helper == HelperBinary(
        name="ecr-login",
        executable_name="docker-credential-ecr-login",
        path=str(bin_dir / "docker-credential-ecr-login"),
        found=True,
        executable=True,
        version="0.6.0",
        version_tuple=(0, 6, 0),
        version_source="-v",
    )


@posix_only
def test_ecr_login_091_falls_back_to_version_subcommand(tmp_path: Path, bin_dir: Path) -> None:
    script(
        bin_dir,
        "docker-credential-ecr-login",
        """
        PKG=github.com/awslabs/amazon-ecr-credential-helper
        case "$1" in
          version) echo "docker-credential-ecr-login ($PKG/ecr-login) 0.9.1" ;;
          *) echo "flag provided but not defined: $1" >&2; exit 2 ;;
        esac
        """,
    )
    env = capture(
        base_env(tmp_path, bin_dir), helper_names=["ecr-login"], probe_versions=["ecr-login"]
    )
    helper = env.helper("ecr-login")
    assert helper is not None
    assert helper.version == "0.9.1"
    assert helper.version_tuple == (0, 9, 1)
    assert helper.version_source == "version"


@posix_only
def test_other_helper_version_subcommand_only(tmp_path: Path, bin_dir: Path) -> None:
    log = tmp_path / "calls.log"
    script(
        bin_dir,
        "docker-credential-pass",
        f"""
        echo "$1" >> '{log}'
        PKG=github.com/docker/docker-credential-helpers
        [ "$1" = version ] && echo "docker-credential-pass ($PKG) v0.8.2"
        """,
    )
    env = capture(base_env(tmp_path, bin_dir), probe_versions=["pass"])
    helper = env.helper("pass")
    assert helper is not None
    assert (helper.version, helper.version_tuple, helper.version_source) == (
        "0.8.2",
        (0, 8, 2),
        "version",
    )
    assert log.read_text().split() == ["version"]


@posix_only
def test_development_build(tmp_path: Path, bin_dir: Path) -> None:
    script(
        bin_dir,
        "docker-credential-ecr-login",
        """
        case "$1" in
          -v) printf 'amazon-ecr-credential-helper\\nVersion:    development\\nGit commit: \\n' ;;
          version) echo development ;;
        esac
        """,
    )
    helper = capture(base_env(tmp_path, bin_dir), probe_versions=["ecr-login"]).helper("ecr-login")
    assert helper is not None
    assert helper.version == "development"
    assert helper.version_tuple is None
    assert helper.version_source == "-v"


@posix_only
def test_hanging_helper_times_out_without_raising(tmp_path: Path, bin_dir: Path) -> None:
    # The grandchild `sleep` keeps stdout open: killing only the shell would leave us waiting.
    script(bin_dir, "docker-credential-ecr-login", "sleep 30\n")
    started = time.monotonic()
    env = capture(base_env(tmp_path, bin_dir), probe_versions=["ecr-login"], probe_timeout=0.3)
    elapsed = time.monotonic() - started
    helper = env.helper("ecr-login")
    assert helper is not None
    assert helper.found and helper.executable
    assert helper.version is None and helper.version_source is None
    assert elapsed < 5


@posix_only
@pytest.mark.parametrize(
    "body",
    [
        "exit 3\n",
        "kill -SEGV $$\n",
        "echo 'Usage: docker-credential-pass <store|get|erase|list|version>'; exit 1\n",
        "echo 'something unexpected'\n",
        "echo\n",
    ],
)
def test_crashing_or_odd_helper_gives_no_version(tmp_path: Path, bin_dir: Path, body: str) -> None:
    script(bin_dir, "docker-credential-pass", body)
    helper = capture(base_env(tmp_path, bin_dir), probe_versions=["pass"]).helper("pass")
    assert helper is not None
    assert helper.executable
    assert helper.version is None


@posix_only
def test_helper_without_shebang_gives_no_version(tmp_path: Path, bin_dir: Path) -> None:
    path = bin_dir / "docker-credential-pass"
    path.write_bytes(b"\x7fELF garbage")
    path.chmod(0o755)
    helper = capture(base_env(tmp_path, bin_dir), probe_versions=["pass"]).helper("pass")
    assert helper is not None and helper.found and helper.version is None


@posix_only
def test_non_executable_helper_found_but_not_run(tmp_path: Path, bin_dir: Path) -> None:
    marker = tmp_path / "ran"
    script(bin_dir, "docker-credential-ecr-login", f"touch '{marker}'\n", mode=0o644)
    env = capture(
        base_env(tmp_path, bin_dir), helper_names=["ecr-login"], probe_versions=["ecr-login"]
    )
    helper = env.helper("ecr-login")
    assert helper is not None
    assert helper.found is True
    assert helper.executable is False
    assert helper.path == str(bin_dir / "docker-credential-ecr-login")
    assert helper.version is None
    assert not marker.exists()


@posix_only
def test_lookup_skips_non_executable_like_go(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    script(first, "docker-credential-osxkeychain", "exit 0\n", mode=0o644)
    script(second, "docker-credential-osxkeychain", "exit 0\n")
    helper = capture(base_env(tmp_path, first, second), helper_names=["osxkeychain"]).helper(
        "osxkeychain"
    )
    assert helper is not None
    assert helper.path == str(second / "docker-credential-osxkeychain")
    assert helper.executable


@posix_only
def test_lookup_only_does_not_run(tmp_path: Path, bin_dir: Path) -> None:
    marker = tmp_path / "ran"
    script(bin_dir, "docker-credential-desktop", f"touch '{marker}'\n")
    env = capture(base_env(tmp_path, bin_dir), helper_names=["desktop", "secretservice"])
    desktop = env.helper("desktop")
    assert desktop is not None and desktop.found and desktop.version is None
    missing = env.helper("secretservice")
    assert missing == HelperBinary(
        name="secretservice",
        executable_name="docker-credential-secretservice",
        path=None,
        found=False,
        executable=False,
    )
    assert not marker.exists()


@posix_only
def test_relative_path_entries_and_unsafe_names_ignored(
    tmp_path: Path, bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script(bin_dir, "docker-credential-pass", "echo v0.8.2\n")
    monkeypatch.chdir(bin_dir)
    env = capture({"PATH": ":.:bin", "HOME": str(tmp_path)}, helper_names=["pass", "../bin/x", ""])
    assert env.path_dirs == ("", ".", "bin")
    assert all(not helper.found for helper in env.helpers)


@posix_only
def test_directory_is_not_a_helper(tmp_path: Path, bin_dir: Path) -> None:
    (bin_dir / "docker-credential-pass").mkdir()
    helper = capture(base_env(tmp_path, bin_dir), helper_names=["pass"]).helper("pass")
    assert helper is not None and not helper.found


def test_windows_lookup_uses_pathext(tmp_path: Path, bin_dir: Path) -> None:
    # Go lower-cases PATHEXT; real Windows file systems then match ".EXE" case-insensitively.
    (bin_dir / "docker-credential-wincred.exe").write_text("")
    (bin_dir / "docker-credential-desktop").write_text("")
    env = capture(
        {"Path": str(bin_dir), "PATHEXT": ".COM;.EXE", "USERPROFILE": str(tmp_path)},
        helper_names=["wincred", "desktop"],
        platform="windows",
    )
    assert env.platform == "windows"
    wincred = env.helper("wincred")
    assert wincred is not None and wincred.found and wincred.executable
    assert wincred.path is not None
    assert wincred.path.lower().endswith("docker-credential-wincred.exe")
    desktop = env.helper("desktop")
    assert desktop is not None and desktop.found and not desktop.executable
    assert env.home == str(tmp_path)


def test_duplicate_names_are_looked_up_once(tmp_path: Path) -> None:
    env = capture(
        base_env(tmp_path), helper_names=["ecr-login", "ecr-login"], probe_versions=["ecr-login"]
    )
    assert [h.name for h in env.helpers] == ["ecr-login"]


# --- simple variables ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "disabled"), [("1", True), ("false", True), ("0", True), ("", False)]
)
def test_ecr_cache_disabled_by_any_non_empty_value(
    tmp_path: Path, value: str, disabled: bool
) -> None:
    env = capture(base_env(tmp_path, AWS_ECR_DISABLE_CACHE=value))
    assert env.ecr_cache_disabled is disabled


@pytest.mark.parametrize(("value", "on"), [("true", True), ("TRUE", False), ("1", False)])
def test_ignore_creds_storage_needs_exact_true(tmp_path: Path, value: str, on: bool) -> None:
    env = capture(base_env(tmp_path, AWS_ECR_IGNORE_CREDS_STORAGE=value))
    assert env.ecr_ignore_creds_storage is on


def test_misc_variables(tmp_path: Path) -> None:
    env = capture(
        base_env(
            tmp_path,
            AWS_USE_FIPS_ENDPOINT="true",
            DOCKER_CONFIG="/srv/docker",
            SUDO_USER="alice",
            AWS_ECR_CACHE_DIR="/var/cache/ecr",
        ),
        now=NOW,
    )
    assert env.known is True
    assert env.use_fips_endpoint is True
    assert env.home == str(tmp_path / "home")
    assert env.now == NOW
    assert env.platform in ("linux", "darwin", "windows", "unknown")
    empty = capture({}, home="/nowhere")
    assert empty.use_fips_endpoint is False
    assert empty.home == "/nowhere"
    assert empty.path_dirs == ()


# --- AWS ----------------------------------------------------------------------------------------

AWS_CONFIG = """\
[default]
region = eu-west-1

[profile sso-dev]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Developer
region = us-east-2

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1

[profile proc]
credential_process = /usr/local/bin/get-creds --profile proc

[profile deploy]
role_arn = arn:aws:iam::123456789012:role/deploy
source_profile = default
region = ap-southeast-2

[profile ci]
role_arn = arn:aws:iam::123456789012:role/ci
web_identity_token_file = /var/run/token

[services local]
ecr =
  endpoint_url = http://localhost
"""

AWS_CREDENTIALS = f"""\
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = {SECRET_KEY}

[static-only]
aws_access_key_id = AKIAI44QH8DHBEXAMPLE
aws_secret_access_key = {SECRET_KEY}
aws_session_token = {SESSION_TOKEN}
"""


@pytest.fixture
def aws_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "config").write_text(AWS_CONFIG)
    (home / ".aws" / "credentials").write_text(AWS_CREDENTIALS)
    return home


@pytest.mark.parametrize(
    ("profile", "kind", "region"),
    [
        (None, "static", "eu-west-1"),
        ("sso-dev", "sso", "us-east-2"),
        ("proc", "credential_process", None),
        ("deploy", "assume_role", "ap-southeast-2"),
        ("ci", "web_identity", None),
        ("static-only", "static", None),
    ],
)
def test_profiles_from_shared_files(
    tmp_path: Path, aws_home: Path, profile: str | None, kind: str, region: str | None
) -> None:
    environ = base_env(tmp_path)
    if profile is not None:
        environ["AWS_PROFILE"] = profile
    aws = capture(environ).aws
    assert aws.profile == profile
    assert aws.profile_defined is (None if profile is None else True)
    assert aws.profile_kind == kind
    assert aws.region == region
    assert aws.any_source
    assert aws.config_file == str(aws_home / ".aws" / "config")
    assert aws.credentials_file == str(aws_home / ".aws" / "credentials")
    assert aws.profiles == ("ci", "default", "deploy", "proc", "sso-dev", "static-only")


def test_named_but_missing_profile(tmp_path: Path, aws_home: Path) -> None:
    aws = capture(base_env(tmp_path, AWS_DEFAULT_PROFILE="prod")).aws
    assert aws.profile == "prod"
    assert aws.profile_defined is False
    assert aws.profile_kind is None
    assert not aws.any_source


def test_aws_profile_beats_default_profile_and_env_region_beats_file(
    tmp_path: Path, aws_home: Path
) -> None:
    aws = capture(
        base_env(
            tmp_path,
            AWS_PROFILE="deploy",
            AWS_DEFAULT_PROFILE="prod",
            AWS_DEFAULT_REGION="us-west-2",
        )
    ).aws
    assert aws.profile == "deploy"
    assert aws.region == "us-west-2"
    aws = capture(base_env(tmp_path, AWS_REGION="eu-north-1", AWS_DEFAULT_REGION="us-west-2")).aws
    assert aws.region == "eu-north-1"


def test_env_file_locations(tmp_path: Path) -> None:
    config = tmp_path / "elsewhere.ini"
    config.write_text("[profile x]\nregion = sa-east-1\n")
    aws = capture(
        base_env(
            tmp_path,
            AWS_CONFIG_FILE=str(config),
            AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "missing"),
            AWS_PROFILE="x",
        )
    ).aws
    assert aws.config_file == str(config)
    assert aws.credentials_file is None
    assert aws.profiles == ("x",)
    assert aws.profile_defined is True
    assert aws.profile_kind == "none"
    assert aws.region == "sa-east-1"
    assert not aws.any_source


def test_no_aws_files(tmp_path: Path) -> None:
    aws = capture(base_env(tmp_path)).aws
    assert aws == AwsSources()


@pytest.mark.parametrize(
    "content",
    [
        "region = us-east-1\n[default]\nregion = eu-west-3\n",  # lines before any header
        "[default]\nregion = eu-west-3\n[broken\n%%%\n= no key\n",
        "[default]\nregion = eu-west-3\n[default]\noutput = json\n",  # duplicate section
        "[default]\nregion = eu-west-3\nregion = us-east-1\n",  # duplicate option
        "[default]\nregion = eu-west-3\n" + "\x00\xff garbage\n",
    ],
)
def test_garbage_ini_is_tolerated(tmp_path: Path, content: str) -> None:
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "config").write_text(content, errors="surrogateescape")
    aws = capture(base_env(tmp_path)).aws
    assert "default" in aws.profiles
    assert aws.region in ("eu-west-3", "us-east-1")


def test_binary_or_unreadable_ini(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "config").write_bytes(bytes(range(256)) * 8)
    (home / ".aws" / "credentials").mkdir()  # a directory where a file should be
    aws = capture(base_env(tmp_path)).aws
    assert aws.credentials_file is None
    assert aws.profiles == ()


def test_env_credential_sources(tmp_path: Path) -> None:
    aws = capture(
        base_env(
            tmp_path,
            AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
            AWS_SECRET_ACCESS_KEY=SECRET_KEY,
            AWS_SESSION_TOKEN=SESSION_TOKEN,
            AWS_WEB_IDENTITY_TOKEN_FILE="/var/run/token",
            AWS_ROLE_ARN="arn:aws:iam::123456789012:role/x",
            AWS_CONTAINER_CREDENTIALS_RELATIVE_URI="/v2/credentials/abc",
            AWS_EC2_METADATA_DISABLED="TRUE",
        )
    ).aws
    assert aws.env_keys and aws.session_token and aws.web_identity and aws.container
    assert aws.imds_disabled
    assert aws.any_source


def test_half_set_env_sources(tmp_path: Path) -> None:
    aws = capture(
        base_env(
            tmp_path,
            AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
            AWS_ROLE_ARN="arn:aws:iam::123456789012:role/x",
        )
    ).aws
    assert not aws.env_keys
    assert not aws.web_identity
    assert not aws.any_source
    legacy = capture(base_env(tmp_path, AWS_ACCESS_KEY="A", AWS_SECRET_KEY="B")).aws
    assert legacy.env_keys


# --- DOCKER_AUTH_CONFIG -------------------------------------------------------------------------


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            json.dumps({"auths": {"ghcr.io": {"auth": b64(f"bot:{REGISTRY_PASSWORD}")}}}),
            DockerAuthConfigEnv(keys=("ghcr.io",)),
        ),
        # docker/cli parseEnvConfig (v28.3.0+): field names match case-insensitively, but
        # every entry needs a non-empty `auth`, a second JSON value is refused, and
        # DisallowUnknownFields rejects credHelpers / credsStore / username.
        (
            json.dumps({"Auths": {"b.example": {"Auth": b64("u:p")}}}),
            DockerAuthConfigEnv(keys=("b.example",)),
        ),
        (
            json.dumps({"auths": {"a.example": {}, "b.example": {"auth": b64("u:p")}}}),
            DockerAuthConfigEnv(keys=("a.example", "b.example"),
                                error="missing key `auth` for a.example"),
        ),
        (json.dumps({"auths": {}}) + " trailing", DockerAuthConfigEnv(
            error="DOCKER_AUTH_CONFIG does not support more than one JSON object")),
        (json.dumps({"auths": {}}) + "\n", DockerAuthConfigEnv(keys=())),
        (
            json.dumps({"credHelpers": {"x": "ecr-login"}}),
            DockerAuthConfigEnv(error='json: unknown field "credHelpers" (only auths is accepted)'),
        ),
        (
            json.dumps({"auths": {}, "credsStore": "ecr-login"}),
            DockerAuthConfigEnv(error='json: unknown field "credsStore" (only auths is accepted)'),
        ),
        (
            json.dumps({"auths": {"r.example": {"username": "u", "password": "p"}}}),
            DockerAuthConfigEnv(keys=("r.example",), error='json: unknown field "username" in '
                                "auths['r.example'] (only auth is accepted)"),
        ),
        ("{}", DockerAuthConfigEnv()),
        ("[1, 2]", DockerAuthConfigEnv(error="not a JSON object")),
        (
            json.dumps({"auths": ["x"]}),
            DockerAuthConfigEnv(error='"auths" is not a JSON object'),
        ),
        (
            json.dumps({"auths": {"r.example": {"auth": REGISTRY_PASSWORD}}}),
            DockerAuthConfigEnv(
                keys=("r.example",),
                error="auths['r.example'].auth: illegal base64 data at input byte 8",
            ),
        ),
        (
            json.dumps({"auths": {"r.example": {"auth": b64(REGISTRY_PASSWORD)}}}),
            DockerAuthConfigEnv(
                keys=("r.example",),
                error="auths['r.example'].auth: invalid auth configuration file (the decoded"
                " value has no ':' separator)",
            ),
        ),
        (
            json.dumps({"auths": {"r.example": {"auth": 5}}}),
            DockerAuthConfigEnv(
                keys=("r.example",), error="auths['r.example'].auth is not a string"
            ),
        ),
    ],
)
def test_docker_auth_config(tmp_path: Path, value: str, expected: DockerAuthConfigEnv) -> None:
    env = capture(base_env(tmp_path, DOCKER_AUTH_CONFIG=value))
    assert env.docker_auth_config == expected
    assert REGISTRY_PASSWORD not in repr(env)


def test_docker_auth_config_malformed_json_message_has_no_content(tmp_path: Path) -> None:
    value = '{"auths": {"r.example": {"auth": "' + b64(f"u:{REGISTRY_PASSWORD}") + '"'
    config = capture(base_env(tmp_path, DOCKER_AUTH_CONFIG=value)).docker_auth_config
    assert config is not None
    assert config.keys == ()
    assert config.error is not None and config.error.startswith("not valid JSON (")
    assert b64(f"u:{REGISTRY_PASSWORD}") not in config.error


def test_docker_auth_config_empty_is_unset(tmp_path: Path) -> None:
    assert capture(base_env(tmp_path, DOCKER_AUTH_CONFIG="")).docker_auth_config is None


# --- no secret ever reaches the value -----------------------------------------------------------


@posix_only
def test_repr_of_capture_contains_no_secret(tmp_path: Path, aws_home: Path, bin_dir: Path) -> None:
    script(bin_dir, "docker-credential-ecr-login", 'echo "Version: 0.9.1 $AWS_SECRET_ACCESS_KEY"\n')
    auth = b64(f"AWS:{REGISTRY_PASSWORD}")
    environ = base_env(
        tmp_path,
        bin_dir,
        AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
        AWS_SECRET_ACCESS_KEY=SECRET_KEY,
        AWS_SESSION_TOKEN=SESSION_TOKEN,
        DOCKER_AUTH_CONFIG=json.dumps(
            {"auths": {"1.dkr.ecr.us-east-1.amazonaws.com": {"auth": auth}}}
        ),
        AWS_PROFILE="static-only",
    )
    env = capture(environ, helper_names=["ecr-login"], probe_versions=["ecr-login"], now=NOW)
    shown = f"{env!r}\n{env}\n{env.aws!r}\n{env.docker_auth_config!r}"
    for secret in (SECRET_KEY, SESSION_TOKEN, REGISTRY_PASSWORD, auth, "AKIAIOSFODNN7EXAMPLE"):
        assert secret not in shown
    helper = env.helper("ecr-login")
    assert helper is not None and helper.version == "0.9.1"
    # The helper saw the environment it would see under Docker.
    assert env.aws.env_keys and env.aws.profile_kind == "static"


def test_environment_is_frozen(tmp_path: Path) -> None:
    env = capture(base_env(tmp_path), now=NOW)
    with pytest.raises(AttributeError):
        env.known = False  # type: ignore[misc]
    assert isinstance(env, Environment)
    assert hash(env.aws) == hash(capture(base_env(tmp_path), now=NOW).aws)


def test_the_pass_store_is_looked_at_only_when_pass_is_configured(tmp_path: Path) -> None:
    # docker-credential-pass keeps logins in $PASSWORD_STORE_DIR, else ~/.password-store
    # (pass/pass.go getPassDir); `pass init` leaves a .gpg-id there.
    env = {"HOME": str(tmp_path), "PATH": ""}
    assert capture(env, helper_names=["ecr-login"], home=str(tmp_path)).pass_store is None
    store = tmp_path / ".password-store"
    assert capture(env, helper_names=["pass"], home=str(tmp_path)).pass_store == (
        str(store), False)
    store.mkdir()
    (store / ".gpg-id").write_text("me@example.com\n")
    assert capture(env, helper_names=["pass"], home=str(tmp_path)).pass_store == (
        str(store), True)
    elsewhere = tmp_path / "other"
    assert capture({**env, "PASSWORD_STORE_DIR": str(elsewhere)}, helper_names=["pass"],
                   home=str(tmp_path)).pass_store == (str(elsewhere), False)
