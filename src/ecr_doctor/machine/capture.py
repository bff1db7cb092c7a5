"""Capture the machine once into `ecr_doctor.core.environment.Environment`.

The one edge that reads `os.environ`, walks PATH, reads ~/.aws and runs helper binaries
(each run bounded in time and output). Only presence is recorded for anything secret.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ecr_doctor.core.environment import (
    DEFAULT_PROBE_TIMEOUT,
    AwsSources,
    BuildxConfigs,
    DockerAuthConfigEnv,
    DockerClient,
    Environment,
    HelperBinary,
    aware_utc,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from ecr_doctor.core.environment import Platform, ProfileKind
    from ecr_doctor.core.forensics import Forensics

__all__ = ["capture"]

_HELPER_PREFIX = "docker-credential-"


# --- capture ------------------------------------------------------------------------------------


def capture(
    environ: Mapping[str, str] | None = None,
    *,
    helper_names: Iterable[str] = (),
    probe_versions: Iterable[str] = (),
    home: str | None = None,
    now: datetime | None = None,
    platform: Platform | None = None,
    probe_timeout: float = DEFAULT_PROBE_TIMEOUT,
    docker: DockerClient | None = None,
    probe_docker: bool = False,
    buildx_for: str | None = None,
) -> Environment:
    """Read the machine once. Never raises for anything the machine contains.

    `helper_names` are looked up on PATH (cheap); only those also in `probe_versions` are run,
    each invocation bounded by `probe_timeout` seconds. `environ` defaults to `os.environ` and is
    what the helpers see. `platform` overrides detection (tests of Windows PATHEXT lookup).
    `docker` is the CLI as stated (--docker-version); else, with `probe_docker`, the `docker`
    on PATH is asked (bounded by `probe_timeout`). `buildx_for` is the Docker config path whose
    buildx scoped configs to read (None: not read).
    """
    import os
    import sys

    env: Mapping[str, str] = os.environ if environ is None else environ
    plat: Platform = platform or _detect_platform(sys.platform)
    windows = plat == "windows"
    if windows:
        # Windows variable names are case-insensitive ("Path", "PATHEXT").
        env = {key.upper(): value for key, value in env.items()}

    def get(name: str) -> str:
        return env.get(name, "")

    home_dir = home if home is not None else get("USERPROFILE" if windows else "HOME")
    if not home_dir and environ is None:
        home_dir = os.path.expanduser("~")

    path_value = get("PATH")
    path_dirs = tuple(path_value.split(";" if windows else ":")) if path_value else ()

    names = list(dict.fromkeys([*helper_names, *probe_versions]))
    to_probe = set(probe_versions)
    helpers = []
    for name in names:
        binary = _look_up_helper(name, path_dirs, windows=windows, pathext=get("PATHEXT"))
        if name in to_probe and binary.executable and binary.path is not None:
            binary = _probe_version(binary, env, probe_timeout)
        helpers.append(binary)
    helper_profiles = _wrapper_profiles(helpers)
    if docker is None and probe_docker:
        from ecr_doctor.machine.clients import probe_docker as ask_docker

        docker = ask_docker(path_dirs, env, probe_timeout, windows=windows)
    buildx: BuildxConfigs | None = None
    if buildx_for is not None:
        from ecr_doctor.machine.clients import buildx_base, read_buildx_configs

        buildx = read_buildx_configs(*buildx_base(env, buildx_for))

    auth_config_text = get("DOCKER_AUTH_CONFIG")
    aws = _aws_sources(get, home_dir)
    moment = aware_utc(now)
    return Environment(
        known=True,
        platform=plat,
        path_dirs=path_dirs,
        helpers=tuple(helpers),
        # docker/cli only consults it when set and non-empty (`ok && v != ""`).
        docker_auth_config=(
            _parse_docker_auth_config(auth_config_text) if auth_config_text else None
        ),
        aws=aws,
        # aws-sdk-go-v2 config/env_config.go compares with strings.EqualFold.
        use_fips_endpoint=get("AWS_USE_FIPS_ENDPOINT").lower() == "true",
        # ecr-login/cache/factory.go BuildCredentialsCache: any non-empty value disables the
        # cache, even "false".
        ecr_cache_disabled=bool(get("AWS_ECR_DISABLE_CACHE")),
        # ecr-login (v0.9.0+) compares with == "true" exactly.
        ecr_ignore_creds_storage=get("AWS_ECR_IGNORE_CREDS_STORAGE") == "true",
        home=home_dir,
        now=moment,
        forensics=_forensics(get, home_dir, aws, moment),
        helper_profiles=helper_profiles,
        docker=docker,
        buildx=buildx,
        pass_store=_pass_store(get, home_dir) if "pass" in names else None,
    )


def _pass_store(get: Callable[[str], str], home: str) -> tuple[str, bool]:
    """Where docker-credential-pass keeps logins, and whether `pass init` ran there.

    docker/docker-credential-helpers pass/pass.go · getPassDir: $PASSWORD_STORE_DIR, else
    ~/.password-store. `pass insert` refuses a store without .gpg-id ("You must run: pass
    init"), so the helper's first `store` fails there. A stat only: nothing is read.
    """
    import os

    folder = get("PASSWORD_STORE_DIR") or os.path.join(home, ".password-store")
    try:
        ready = os.path.isfile(os.path.join(folder, ".gpg-id"))
    except (OSError, ValueError):
        ready = False
    return folder, ready


def _wrapper_profiles(helpers: Iterable[HelperBinary]) -> tuple[tuple[str, str], ...]:
    found = [b for b in helpers if b.name.startswith("ecr-login-") and b.found and b.path]
    if not found:
        return ()
    from ecr_doctor.machine.wrappers import read_wrapper_profile

    pairs = []
    for binary in found:
        assert binary.path is not None
        profile = read_wrapper_profile(binary.path)
        if profile is not None:
            pairs.append((binary.name, profile))
    return tuple(pairs)


def _detect_platform(sys_platform: str) -> Platform:
    if sys_platform.startswith("linux"):
        return "linux"
    if sys_platform == "darwin":
        return "darwin"
    if sys_platform in ("win32", "cygwin"):
        return "windows"
    return "unknown"


# --- helper lookup (Go os/exec LookPath) --------------------------------------------------------


def _look_up_helper(
    name: str, path_dirs: tuple[str, ...], *, windows: bool, pathext: str
) -> HelperBinary:
    import os

    executable_name = _HELPER_PREFIX + name
    missing = HelperBinary(
        name=name, executable_name=executable_name, path=None, found=False, executable=False
    )
    # A name with a separator makes Go exec a relative path instead of searching PATH; we never
    # search (or later run) such names.
    if not name or "/" in name or "\\" in name or name in (".", ".."):
        return missing

    if windows:
        # Go os/exec lp_windows.go: the name plus each PATHEXT extension is tried per directory;
        # "executable" on Windows means matching one of them. (Helper names carry no extension.)
        exts = [
            e.lower() for e in (pathext or ".com;.exe;.bat;.cmd").split(";") if e.startswith(".")
        ]
        candidates = [executable_name + ext for ext in exts]
    else:
        candidates = [executable_name]

    first_plain: str | None = None
    for directory in path_dirs:
        # Go ≥ 1.19 refuses results from relative PATH entries ("" means ".") with ErrDot, so
        # Docker cannot run a helper found only there (os/exec lp_unix.go, LookPath).
        if not directory or not os.path.isabs(directory):
            continue
        if windows:
            for candidate in candidates:
                full = os.path.join(directory, candidate)
                if os.path.isfile(full):
                    return HelperBinary(
                        name=name,
                        executable_name=executable_name,
                        path=full,
                        found=True,
                        executable=True,
                    )
            plain = os.path.join(directory, executable_name)
            if first_plain is None and os.path.isfile(plain):
                first_plain = plain
            continue
        full = os.path.join(directory, executable_name)
        if not os.path.isfile(full):
            continue
        if _is_executable(full):
            return HelperBinary(
                name=name, executable_name=executable_name, path=full, found=True, executable=True
            )
        # Go skips a non-executable match and keeps searching; remember it for the diagnosis.
        if first_plain is None:
            first_plain = full
    if first_plain is not None:
        return HelperBinary(
            name=name,
            executable_name=executable_name,
            path=first_plain,
            found=True,
            executable=False,
        )
    return missing


def _is_executable(path: str) -> bool:
    import os

    # Go's findExecutable uses eaccess(X_OK): the effective ids decide, as here.
    try:
        if os.access in os.supports_effective_ids:
            return os.access(path, os.X_OK, effective_ids=True)
        return os.access(path, os.X_OK)
    except OSError:
        return False


# --- version probing ----------------------------------------------------------------------------


def _probe_version(binary: HelperBinary, env: Mapping[str, str], timeout: float) -> HelperBinary:

    assert binary.path is not None
    # ecr-login's `version` subcommand reports the docker-credential-helpers library version on
    # builds before 0.9.1 (Debian 0.6.0 prints "0.6.4"); its Go-flag `-v` prints the real one.
    attempts: list[tuple[str, bool]] = [("version", False)]
    if binary.name == "ecr-login":
        attempts.insert(0, ("-v", True))
    for argument, dash_v in attempts:
        output = _run_quietly(binary.path, argument, env, timeout)
        if output is None:
            continue
        token = _version_token_from_dash_v(output) if dash_v else _version_token(output)
        parsed = _parse_version(token) if token is not None else None
        if parsed is not None:
            version, version_tuple = parsed
            return binary._replace(
                version=version, version_tuple=version_tuple, version_source=argument
            )
    return binary


# `helper version` prints one line; anything much longer is not a version.
_MAX_VERSION_OUTPUT = 64 * 1024


def _run_quietly(path: str, argument: str, env: Mapping[str, str], timeout: float) -> str | None:
    """stdout of `path argument` if it exits 0 within `timeout`, else None. Never raises."""
    from ecr_doctor.machine.process import run_bounded

    done = run_bounded([path, argument], env=env, timeout=timeout, max_output=_MAX_VERSION_OUTPUT)
    if done.exit_code != 0:
        return None
    return done.stdout.decode("utf-8", "replace")


def _version_token_from_dash_v(output: str) -> str | None:
    # amazon-ecr-credential-helper cli/docker-credential-ecr-login/main.go:
    #   amazon-ecr-credential-helper\nVersion:    0.6.0\nGit commit: 69c85dc
    for line in output.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() == "version" and value.strip():
            return value.split()[0]
    return None


def _version_token(output: str) -> str | None:
    # docker-credential-helpers credentials.PrintVersion: "<Name> (<Package>) <Version>";
    # older builds print the bare version, `go install` builds print "development".
    for line in output.splitlines():
        words = line.split()
        if words:
            return words[-1]
    return None


def _parse_version(token: str) -> tuple[str, tuple[int, int, int] | None] | None:
    import re

    if token == "development":
        return "development", None
    match = re.fullmatch(r"v?(\d+)\.(\d+)\.(\d+)([-+~.][0-9A-Za-z.+~-]*)?", token)
    if match is None:
        return None
    numbers = (int(match.group(1)), int(match.group(2)), int(match.group(3)))
    return token.removeprefix("v"), numbers


# --- DOCKER_AUTH_CONFIG -------------------------------------------------------------------------


def _json_field(obj: dict[str, object], name: str) -> object:
    # Go's encoding/json matches struct fields case-insensitively, preferring an exact match.
    if name in obj:
        return obj[name]
    for key, value in obj.items():
        if key.lower() == name:
            return value
    return None


def _parse_docker_auth_config(text: str) -> DockerAuthConfigEnv:
    """Load $DOCKER_AUTH_CONFIG as docker/cli parseEnvConfig does (cli/config/configfile/
    file.go, v28.3.0+): one JSON object `{"auths": {KEY: {"auth": B64}}}` decoded with
    DisallowUnknownFields, so any other field (credHelpers, credsStore, username, ...) is an
    error; every entry needs a non-empty `auth` that decodes. On any error the CLI prints
    "Failed to create credential store from DOCKER_AUTH_CONFIG" and uses the file alone."""
    import json

    from ecr_doctor.core.tokens import AuthDecodeError, decode_auth

    decoder = json.JSONDecoder()
    stripped = text.lstrip(" \t\r\n")
    if not stripped:
        return DockerAuthConfigEnv()  # io.EOF is ignored: an empty store
    try:
        document, end = decoder.raw_decode(stripped)
    except json.JSONDecodeError as exc:
        # exc.msg and positions only: exc.doc (and str(exc) context) would carry credentials.
        return DockerAuthConfigEnv(
            error=f"not valid JSON ({exc.msg}: line {exc.lineno} column {exc.colno})"
        )
    except (ValueError, RecursionError):
        return DockerAuthConfigEnv(error="not valid JSON")
    if stripped[end:].strip(" \t\r\n"):
        return DockerAuthConfigEnv(error="DOCKER_AUTH_CONFIG does not support more than one "
                                   "JSON object")
    if document is None:
        return DockerAuthConfigEnv()
    if not isinstance(document, dict):
        return DockerAuthConfigEnv(error="not a JSON object")
    for field in document:
        if field.lower() != "auths":
            # Fields are names chosen by the writer, not values: safe to show.
            return DockerAuthConfigEnv(error=f"json: unknown field {json.dumps(field)[:80]} "
                                       "(only auths is accepted)")
    auths = _json_field(document, "auths")
    if auths is None:
        return DockerAuthConfigEnv()
    if not isinstance(auths, dict):
        return DockerAuthConfigEnv(error='"auths" is not a JSON object')
    keys = tuple(auths)
    for key, entry in auths.items():
        if entry is not None and not isinstance(entry, dict):
            return DockerAuthConfigEnv(keys=keys, error=f"auths[{key!r}] is not a JSON object")
        for field in entry or {}:
            if field.lower() != "auth":
                return DockerAuthConfigEnv(keys=keys, error=(
                    f"json: unknown field {json.dumps(field)[:80]} in auths[{key!r}] (only "
                    "auth is accepted)"))
        encoded = _json_field(entry or {}, "auth")
        if encoded is not None and not isinstance(encoded, str):
            return DockerAuthConfigEnv(keys=keys, error=f"auths[{key!r}].auth is not a string")
        if not encoded:
            return DockerAuthConfigEnv(keys=keys, error=f"missing key `auth` for {key}")
        try:
            decode_auth(encoded)
        except AuthDecodeError as exc:
            # One failure discards the whole value.
            return DockerAuthConfigEnv(keys=keys, error=f"auths[{key!r}].auth: {exc.message}")
    return DockerAuthConfigEnv(keys=keys)


# --- AWS shared config --------------------------------------------------------------------------

_MAX_INI_BYTES = 1 << 20


def _read_ini(path: str) -> dict[str, dict[str, str]]:
    """Sections → options of an AWS INI file, salvaging what parses. Never raises."""
    import configparser

    try:
        with open(path, "rb") as handle:
            raw = handle.read(_MAX_INI_BYTES)
    except OSError:
        return {}
    text = raw.decode("utf-8", "replace")

    def parse(source: str) -> configparser.RawConfigParser:
        parser = configparser.RawConfigParser(
            strict=False,
            # Otherwise a "[DEFAULT]" section would vanish into every other one.
            default_section="\x00no-default",
            interpolation=None,
        )
        try:
            parser.read_string(source)
        except configparser.MissingSectionHeaderError:
            raise
        except configparser.ParsingError:
            # read_string collects bad lines and raises at the end; sections are already read.
            pass
        return parser

    try:
        try:
            parser = parse(text)
        except configparser.MissingSectionHeaderError:
            # Lines before the first header: give them a throwaway section and carry on.
            parser = parse("[\x00preamble]\n" + text)
        return {
            section.strip(): dict(parser.items(section))
            for section in parser.sections()
            if not section.startswith("\x00")
        }
    except (configparser.Error, ValueError, KeyError):
        return {}


def _config_profile_name(section: str) -> str | None:
    # aws-sdk-go-v2 shared config: "[default]" or "[profile NAME]"; "sso-session", "services"
    # and bare names are not profiles in the config file.
    if section == "default":
        return "default"
    words = section.split(None, 1)
    if len(words) == 2 and words[0] == "profile":
        return words[1].strip()
    return None


def _profile_kind(options: dict[str, str]) -> ProfileKind:
    present = {key for key, value in options.items() if value.strip()}
    if "role_arn" in present:
        return "web_identity" if "web_identity_token_file" in present else "assume_role"
    if {"aws_access_key_id", "aws_secret_access_key"} <= present:
        return "static"
    if "sso_session" in present or "sso_start_url" in present:
        return "sso"
    if "credential_process" in present:
        return "credential_process"
    return "none"


def _existing_file(path: str) -> str | None:
    import os

    try:
        return path if path and os.path.isfile(path) else None
    except (OSError, ValueError):
        return None


def _aws_sources(get: Callable[[str], str], home: str) -> AwsSources:
    import os

    def default_path(*parts: str) -> str:
        return os.path.join(home, ".aws", *parts) if home else ""

    config_file = _existing_file(get("AWS_CONFIG_FILE") or default_path("config"))
    credentials_file = _existing_file(
        get("AWS_SHARED_CREDENTIALS_FILE") or default_path("credentials")
    )

    config_profiles: dict[str, dict[str, str]] = {}
    if config_file is not None:
        for section, options in _read_ini(config_file).items():
            name = _config_profile_name(section)
            if name is not None:
                # A later duplicate adds to, rather than replaces, the earlier section.
                config_profiles.setdefault(name, {}).update(options)
    credential_profiles: dict[str, dict[str, str]] = {}
    if credentials_file is not None:
        credential_profiles = _read_ini(credentials_file)

    # aws-sdk-go-v2 env_config.go: AWS_PROFILE wins over AWS_DEFAULT_PROFILE.
    profile = get("AWS_PROFILE") or get("AWS_DEFAULT_PROFILE") or None
    selected = profile or "default"
    known_profiles = set(config_profiles) | set(credential_profiles)
    profile_kind: ProfileKind | None = None
    if selected in known_profiles:
        merged = {**config_profiles.get(selected, {}), **credential_profiles.get(selected, {})}
        profile_kind = _profile_kind(merged)

    region = (
        get("AWS_REGION")
        or get("AWS_DEFAULT_REGION")
        or config_profiles.get(selected, {}).get("region", "").strip()
        or None
    )
    return AwsSources(
        # aws-sdk-go-v2 also accepts the older AWS_ACCESS_KEY / AWS_SECRET_KEY spellings.
        env_keys=bool(get("AWS_ACCESS_KEY_ID") or get("AWS_ACCESS_KEY"))
        and bool(get("AWS_SECRET_ACCESS_KEY") or get("AWS_SECRET_KEY")),
        session_token=bool(get("AWS_SESSION_TOKEN")),
        profile=profile,
        profile_defined=None if profile is None else profile in known_profiles,
        profile_kind=profile_kind,
        config_file=config_file,
        credentials_file=credentials_file,
        profiles=tuple(sorted(known_profiles)),
        web_identity=bool(get("AWS_WEB_IDENTITY_TOKEN_FILE")) and bool(get("AWS_ROLE_ARN")),
        container=bool(
            get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
            or get("AWS_CONTAINER_CREDENTIALS_FULL_URI")
        ),
        region=region,
        imds_disabled=get("AWS_EC2_METADATA_DISABLED").lower() == "true",
    )


# --- AWS chain and helper forensics (ecr_doctor.core.forensics) ---------------------------


def _forensics(
    get: Callable[[str], str], home: str, aws: AwsSources, now: datetime
) -> Forensics | None:
    """The SDK chain in its order, plus what the SSO and ECR helper caches say. Never raises."""
    import os

    from ecr_doctor.core.forensics import AwsChainLink
    from ecr_doctor.machine.forensics import read

    try:
        selected = aws.profile or "default"
        options: dict[str, str] | None = None
        sessions: set[str] = set()
        if aws.config_file is not None:
            merged: dict[str, str] = {}
            found = False
            for section, values in _read_ini(aws.config_file).items():
                words = section.split(None, 1)
                if len(words) == 2 and words[0] == "sso-session":
                    sessions.add(words[1].strip())
                elif _config_profile_name(section) == selected:
                    merged.update(values)
                    found = True
            options = merged if found else None
        # aws-sdk-go-v2 config/resolve_credentials.go resolveCredentialChain: environment
        # keys, then the shared profile, then web identity and container from the environment,
        # then EC2 instance metadata.
        env_detail = ("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
                      + (" with AWS_SESSION_TOKEN" if aws.session_token else "")
                      if aws.env_keys else "no AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY")
        if aws.profile_kind is None:
            profile_detail = (f"profile {selected!r} is named but not defined"
                              if aws.profile else "no [default] profile")
        else:
            profile_detail = f"profile {selected!r}: {aws.profile_kind}"
        token_file = get("AWS_WEB_IDENTITY_TOKEN_FILE")
        web_detail = "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN" if aws.web_identity else (
            "not configured")
        if aws.web_identity and not os.path.isfile(token_file):
            web_detail += " (the token file does not exist)"
        chain = (
            AwsChainLink("environment", aws.env_keys, env_detail),
            AwsChainLink("shared-profile",
                         aws.profile_kind is not None and aws.profile_kind != "none",
                         profile_detail),
            AwsChainLink("web-identity", aws.web_identity, web_detail),
            AwsChainLink("container", aws.container,
                         "AWS_CONTAINER_CREDENTIALS_*" if aws.container else "not configured"),
            AwsChainLink("instance-metadata", False,
                         "disabled (AWS_EC2_METADATA_DISABLED)" if aws.imds_disabled
                         else "not probed (an EC2 instance role may exist)"),
        )
        return read(get, home, now, profile=options, sso_sessions=frozenset(sessions),
                    env_chain=chain)
    except Exception:  # forensics are a bonus; capture must never fail because of them
        return None
