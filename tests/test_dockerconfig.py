from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path

import pytest
from conftest import require_binary, run_without_root_bypass

from ecr_doctor.core.dockerconfig import MAX_CONFIG_BYTES, SEP, ConfigError, parse_config
from ecr_doctor.core.secrets import Secret
from ecr_doctor.machine.configfile import load, locate, read_config

H = "123456789012.dkr.ecr.us-east-1.amazonaws.com"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def cfg(text: str | bytes, *, strict: bool = True):  # type: ignore[no-untyped-def]
    return parse_config(text, "/home/u/.docker/config.json", strict=strict)


def config_error(text: str | bytes) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        cfg(text)
    return info.value


# --- locate ---------------------------------------------------------------------------------


def test_locate_precedence(tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    loc = locate(str(d), {"DOCKER_CONFIG": "/elsewhere"}, "/home/u")
    assert (loc.path, loc.source) == (str(d / "config.json"), "--config")
    loc = locate(None, {"DOCKER_CONFIG": str(d)}, "/home/u")
    assert (loc.path, loc.source) == (str(d / "config.json"), "DOCKER_CONFIG")
    assert "a directory" in loc.reason and not loc.docker_config_is_file
    loc = locate(None, {"DOCKER_CONFIG": ""}, "/home/u")
    assert (loc.path, loc.source) == ("/home/u/.docker/config.json", "home")


def test_locate_accepts_a_file_for_config_flag(tmp_path: Path) -> None:
    f = tmp_path / "my.conf"
    f.write_text("{}")
    assert locate(str(f), {}, "/h").path == str(f)
    assert locate(str(tmp_path / "new.json"), {}, "/h").path == str(tmp_path / "new.json")
    assert locate(str(tmp_path / "nodir"), {}, "/h").path == str(tmp_path / "nodir/config.json")


def test_locate_docker_config_pointing_at_a_file(tmp_path: Path) -> None:
    f = tmp_path / "config.json"
    f.write_text("{}")
    loc = locate(None, {"DOCKER_CONFIG": str(f)}, "/h")
    assert loc.path == str(f) + "/config.json"
    assert loc.docker_config_is_file
    assert "not a directory" in loc.reason


# --- read_config ------------------------------------------------------------------------------


def test_missing_file_is_empty(tmp_path: Path) -> None:
    file, config = load(str(tmp_path / "config.json"))
    assert not file.exists and file.raw == b"" and file.mode is None
    assert config.auths == () and config.root is None


def test_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"is a directory; expected a config\.json file"):
        read_config(str(tmp_path))


def test_file_in_place_of_directory_reads_as_docker_reads_it(tmp_path: Path) -> None:
    # DOCKER_CONFIG=<a file>: Docker warns and runs with an empty config (ENV006 explains it).
    (tmp_path / "f").write_text('{"credsStore": "desktop"}')
    file = read_config(str(tmp_path / "f" / "config.json"))
    assert not file.exists and file.raw == b""


def test_unreadable_file(tmp_path: Path) -> None:
    f = tmp_path / "config.json"
    f.write_text("{}")
    f.chmod(0)
    result = run_without_root_bypass(
        "from ecr_doctor.core.dockerconfig import ConfigError\n"
        "from ecr_doctor.machine.configfile import read_config\n"
        f"try:\n    read_config({str(f)!r})\nexcept ConfigError as e:\n    print(e)\n"
    )
    assert "Permission denied" in result.stdout, result.stderr
    assert result.stdout.startswith(str(f))


def test_dangling_symlink_is_missing_but_noted(tmp_path: Path) -> None:
    link = tmp_path / "config.json"
    link.symlink_to(tmp_path / "real" / "config.json")
    file = read_config(str(link))
    assert not file.exists and file.is_symlink
    assert file.real_path == str(tmp_path / "real" / "config.json")


def test_symlink_and_mode(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text('{"credsStore": "desktop"}')
    real.chmod(0o644)
    link = tmp_path / "config.json"
    link.symlink_to(real)
    file, config = load(str(link))
    assert file.exists and file.is_symlink and file.real_path == str(real)
    assert file.mode == 0o644
    assert config.creds_store is not None and config.creds_store.value == "desktop"


def test_a_50_mb_file_is_refused_early(tmp_path: Path) -> None:
    big = tmp_path / "config.json"
    with big.open("wb") as handle:
        handle.write(b'{"auths": {' + b" " * (50 * 1024 * 1024) + b"}}")
    with pytest.raises(ConfigError, match="refuses config files over 8 MiB"):
        load(str(big))
    with pytest.raises(ConfigError, match="refuses"):
        parse_config(b" " * (MAX_CONFIG_BYTES + 1), "/paste")


# --- parse_config: syntax, encoding -------------------------------------------------------------


def test_empty_and_whitespace_files_are_empty_configs() -> None:
    for text in ("", "  \n\t", b"", b"\r\n"):
        config = cfg(text)
        assert config.root is None and config.auths == () and config.creds_store is None


def test_syntax_error_positions() -> None:
    err = config_error('{\n\t"auths": {\n\t\t"h": {}\n')
    assert (err.line, err.col) == (4, 1)
    assert "truncated file?" in err.message
    assert str(err) == f"/home/u/.docker/config.json:4:1: {err.message}"
    err = config_error('{\n\t"credsStore": "x",\n}')
    assert (err.line, err.col) == (3, 1)
    assert "trailing comma" in err.message


def test_syntax_error_never_echoes_secrets() -> None:
    token = "c2VjcmV0LXRva2VuLXZhbHVl"
    for text in (
        f'{{"auths": {{"h": {{"auth": "{token}"',
        f'{{"auths": {{"h": {{"auth": "{token}" "x"}}}}}}',
        f'{{"auths": {{"h": {{"auth": "{token}\x01"}}}}}}',
        f'{{"auths": {{"h": {{"auth": 5, "password": "{token}"}}}}}}',
    ):
        err = config_error(text)
        assert token not in str(err)


def test_bom_is_noted_and_rest_parsed() -> None:
    config = cfg(b'\xef\xbb\xbf{"credsStore": "desktop"}')
    assert config.has_bom
    assert config.text == '{"credsStore": "desktop"}'
    assert config.creds_store is not None and config.creds_store.location.col == 2
    assert cfg('\ufeff{"credsStore": "x"}').has_bom


def test_invalid_utf8_inside_a_string_is_accepted_like_go() -> None:
    config = cfg(b'{\n  "credsStore": "desk\xfftop"\n}')
    assert config.invalid_utf8 is not None
    assert (config.invalid_utf8.line, config.invalid_utf8.col) == (2, 22)
    assert config.creds_store is not None and config.creds_store.value == "desk\ufffdtop"


def test_invalid_utf8_outside_strings_is_an_error() -> None:
    err = config_error(b'{\n  \xff"a": 1}')
    assert (err.line, err.col) == (2, 3)
    assert "invalid UTF-8" in err.message


def test_binary_garbage() -> None:
    err = config_error(bytes(range(256)) * 4)
    assert (err.line, err.col) == (1, 1)


def test_trailing_data_is_ignored_like_docker() -> None:
    config = cfg('{"credsStore": "x"}\n\ngarbage')
    assert config.trailing_data is not None and config.trailing_data.line == 3
    assert cfg('{"credsStore": "x"}\n').trailing_data is None


def test_top_level_must_be_an_object() -> None:
    err = config_error("[]")
    assert "configfile.ConfigFile" in err.message and (err.line, err.col) == (1, 1)
    assert cfg("null").auths == ()


def test_tabs_indent_detected() -> None:
    assert cfg('{\n\t"auths": {}\n}').indent == "\t"
    assert cfg('{\n    "auths": {}\n}').indent == "    "


# --- Go decoding semantics -------------------------------------------------------------------


def test_case_insensitive_top_level_keys() -> None:
    config = cfg('{"CREDHELPERS": {"h": "ecr-login"}, "AUTHS": {"x": {}}, "CredsStore": "d"}')
    assert [h.key for h in config.cred_helpers] == ["h"]
    assert [a.key for a in config.auths] == ["x"]
    assert config.creds_store is not None and config.creds_store.value == "d"
    assert [t.canonical for t in config.top_level] == ["credHelpers", "auths", "credsStore"]
    # Go folds Unicode: a long s matches 's' (verified with docker CLI 28.2.2).
    assert cfg('{"cred\u017fStore": "d"}').creds_store is not None


def test_unknown_and_removed_keys() -> None:
    config = cfg('{"credStore": "x", "experimental": "enabled", "stackOrchestrator": "swarm"}')
    credstore, experimental, stack = config.top_level
    assert credstore.canonical is None
    assert config.creds_store is None
    assert experimental.removed_in == "v29.0.0"
    assert stack.removed_in == "v24.0.0"


def test_duplicate_object_keys_merge() -> None:
    text = (
        '{\n"credHelpers": {"a": "ecr-login", "b": "x"},\n'
        '"auths": {"h": {"auth": "%s"}},\n'
        '"credHelpers": {"c": "y", "a": "desktop"},\n'
        '"auths": {"h": {}}\n}' % b64("u:p")
    )
    config = cfg(text)
    assert [(h.key, h.helper) for h in config.cred_helpers] == [
        ("a", "desktop"),
        ("b", "x"),
        ("c", "y"),
    ]
    # A later map key replaces the earlier entry wholesale (no field merge).
    (entry,) = config.auths
    assert entry.is_empty_placeholder and entry.location.line == 5
    paths = [d.path for d in config.duplicates]
    assert paths == ["credHelpers", f"credHelpers{SEP}a", "auths", f"auths{SEP}h"]
    assert config.duplicates[0].location.line == 4


def test_null_resets_a_map_and_leaves_strings() -> None:
    config = cfg(
        '{"credHelpers": {"a": "x"}, "credHelpers": null, "credsStore": "d", "credsStore": null}'
    )
    assert config.cred_helpers == ()
    assert config.creds_store is not None and config.creds_store.value == "d"


def test_duplicate_scalar_last_wins() -> None:
    config = cfg('{"credsStore": "a", "credsStore": "b"}')
    assert config.creds_store is not None and config.creds_store.value == "b"
    assert config.duplicates[0].path == "credsStore"


def test_auth_entry_fields_case_insensitive() -> None:
    config = cfg(
        '{"auths": {"%s": {"Username": "AWS", "PASSWORD": "pw-9f8e7d", "Email": "e@x",'
        ' "IdentityToken": "it", "registrytoken": "rt", "ServerAddress": "s", "foo": 1}}}' % H
    )
    (entry,) = config.auths
    assert entry.username == "AWS" and entry.password == Secret("pw-9f8e7d")
    assert entry.identitytoken == Secret("it") and entry.registrytoken == Secret("rt")
    assert entry.email == "e@x" and entry.serveraddress == "s"
    assert entry.extra_fields == ("foo",)
    assert entry.has_credential and not entry.is_empty_placeholder
    assert "pw-9f8e7d" not in repr(entry)


def test_auth_decoding() -> None:
    config = cfg('{"auths": {"h": {"auth": "%s"}}}' % b64("AWS:secret:with:colons"))
    (entry,) = config.auths
    assert entry.auth_error is None
    assert entry.decoded_username == "AWS"
    assert entry.decoded_password == Secret("secret:with:colons")
    assert entry.has_credential
    assert "secret" not in repr(entry)


@pytest.mark.parametrize(
    ("auth", "error"),
    [
        ("dTp", "illegal base64 data at input byte 0"),  # missing padding
        ("dTpw\\t", "illegal base64 data at input byte 4"),
        ("dTp3PQ=", "illegal base64 data at input byte 7"),
        ("dTp3=x==", "illegal base64 data at input byte 4"),
        ("dTp3PQ==\\nx", "illegal base64 data at input byte 9"),
        ("!!!!", "illegal base64 data at input byte 0"),
        ("dQ==", "invalid auth configuration file"),  # "u": no colon
        ("OnA=", "invalid auth configuration file"),  # ":p": empty username
    ],
)
def test_invalid_auth_is_recorded_not_raised(auth: str, error: str) -> None:
    config = cfg('{"auths": {"h": {"auth": "%s"}, "ok": {}}}' % auth)
    entry = config.auth("h")
    assert entry is not None and entry.auth_error is not None
    assert entry.auth_error.startswith(error)
    assert config.auth_errors == (entry,)


def test_auth_with_newlines_is_valid_like_go() -> None:
    config = cfg('{"auths": {"h": {"auth": "dTpw\\r\\n"}}}')
    entry = config.auth("h")
    assert entry is not None and entry.auth_error is None and entry.decoded_username == "u"


def test_placeholders_and_username_password() -> None:
    config = cfg(
        '{"auths": {"a": {}, "b": {"auth": "", "email": ""}, "c": {"username": "u",'
        ' "password": "p"}, "d": {"username": "u"}}}'
    )
    a, b, c, d = config.auths
    assert a.is_empty_placeholder and b.is_empty_placeholder
    assert c.has_credential and not d.has_credential and not d.is_empty_placeholder


@pytest.mark.parametrize(
    ("text", "line", "col", "fragment"),
    [
        ('{\n "credHelpers": "ecr-login"}', 2, 17, "credHelpers must be an object of strings"),
        ('{"auths": []}', 1, 11, "map[string]types.AuthConfig"),
        ('{"auths": {"h": {"email": 5}}}', 1, 27, "AuthConfig.auths.email of type string"),
        ('{"credsStore": 5}', 1, 16, "ConfigFile.credsStore of type string"),
        ('{"pruneFilters": [1]}', 1, 19, "ConfigFile.pruneFilters of type string"),
        ('{"proxies": {"default": {"httpProxy": true}}}', 1, 39, "ProxyConfig.proxies.httpProxy"),
        ('{"plugins": {"a": {"b": 1}}}', 1, 25, "ConfigFile.plugins of type string"),
        ('{"HttpHeaders": {"a": true}}', 1, 23, "ConfigFile.HttpHeaders"),
    ],
)
def test_wrong_types(text: str, line: int, col: int, fragment: str) -> None:
    err = config_error(text)
    assert fragment in err.message
    assert (err.line, err.col) == (line, col)


def test_wrong_types_non_strict_keeps_partial_config_like_docker() -> None:
    config = cfg('{"credsStore": "fake", "credsStore": 5, "credHelpers": {"h": 5}}', strict=False)
    assert config.creds_store is not None and config.creds_store.value == "fake"
    # Go still stores the zero value "" for the map element: the host opts out of credsStore.
    assert [(h.key, h.helper) for h in config.cred_helpers] == [("h", "")]
    assert [t.path for t in config.type_errors] == ["credsStore", f"credHelpers{SEP}h"]


def test_null_values_are_fine() -> None:
    config = cfg('{"auths": {"h": null}, "credsStore": null, "proxies": null}')
    (entry,) = config.auths
    assert entry.is_empty_placeholder


def test_location_of() -> None:
    config = cfg('{\n\t"auths": {\n\t\t"h": {}\n\t}\n}')
    assert config.location_of(config.text.index('"h"')).__str__().endswith(":3:3")
    assert config.auths[0].location.line == 3


# --- against the real Docker CLI -----------------------------------------------------------------

def docker_warns(tmp_path: Path, raw: bytes) -> bool:
    directory = tmp_path / f"d{abs(hash(raw))}"
    directory.mkdir()
    (directory / "config.json").write_bytes(raw)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DOCKER_CONFIG": str(directory)}
    out = subprocess.run(
        [require_binary("docker"), "manifest", "inspect", "127.0.0.1:1/x"],
        env=env,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    return "WARNING: Error" in out.stderr


@pytest.mark.real
def test_model_agrees_with_docker_cli(tmp_path: Path) -> None:
    cases: list[bytes] = [
        b"",
        b" \n",
        b"null",
        b'{"auths": {"h": {"auth": "dTpw\\n"}}}',
        b'{"a": "\xff"}',
        b'{"credsStore": "x"} trailing',
        b"\xef\xbb\xbf{}",
        b'{"auths": {',
        b'{"credHelpers": "ecr-login"}',
        b'{"auths": {"h": {"auth": "dQ=="}}}',
    ]
    for raw in cases:
        try:
            config = parse_config(raw, "/c")
        except ConfigError:
            expect_warning = True
        else:
            expect_warning = config.has_bom or bool(config.auth_errors)
        assert docker_warns(tmp_path, raw) == expect_warning, raw


def test_a_config_with_many_entries_is_read_without_rescanning_it() -> None:
    # A 6 MB config of 100,000 `auths` took minutes: each entry's line was found by counting
    # newlines from the top, and each registry's lookup scanned every entry. Pinned by what
    # the code does, not by a clock.
    from ecr_doctor.core import jsonspan
    from ecr_doctor.core.resolution import AuthsByHost

    n = 3000
    text = json.dumps({"auths": {f"reg{i}.example.com": {"auth": "dXNlcjpwYXNz"}
                                 for i in range(n)}}, indent="\t")
    calls = 0
    real = jsonspan.line_col

    def counting(t: str, offset: int) -> tuple[int, int]:
        nonlocal calls
        calls += 1
        return real(t, offset)

    import ecr_doctor.core.dockerconfig as dockerconfig
    dockerconfig.line_col = counting  # type: ignore[assignment]
    try:
        config = parse_config(text, "config.json")
    finally:
        dockerconfig.line_col = real  # type: ignore[assignment]
    assert calls == 0 and len(config.auths) == n
    assert config.auths[-1].location.line == 3 + 3 * (n - 1)
    index = AuthsByHost(config)
    assert index.lookup(f"reg{n - 1}.example.com")[0] == config.auths[-1]
