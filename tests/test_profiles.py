"""Profile per registry (wrapper helpers), all ECR hosts up front, and the `fix` flags."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import ECR, ECR2, PROPERTY_EXAMPLES, helper, machine
from hypothesis import given, settings
from hypothesis import strategies as st

from ecr_doctor.cli.main import main
from ecr_doctor.core.engine import diagnose_text
from ecr_doctor.core.profiles import (
    Assignment,
    ProfileError,
    check_assignments,
    ecr_hosts,
    helper_name,
    parse_assignment,
    parse_profile_map,
    parse_wrapper,
    suffix_for,
    wrapper_script,
)
from ecr_doctor.core.registries import classify

PROFILE_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\n\r"),
    min_size=1, max_size=40)


def test_plain_profile_names_are_their_own_suffix() -> None:
    assert helper_name("prod") == "ecr-login-prod"
    assert suffix_for("team-a-2") == "team-a-2"


@pytest.mark.parametrize("a, b", [("Prod", "prod"), ("a b", "a-b"), ("a.b", "a-b"),
                                  ("émile", "mile"), ("x" * 60, "x" * 61)])
def test_distinct_profiles_never_share_a_wrapper(a: str, b: str) -> None:
    assert suffix_for(a) != suffix_for(b)


@given(PROFILE_TEXT)
@settings(max_examples=PROPERTY_EXAMPLES, deadline=None)
def test_suffix_is_safe_deterministic_and_wrapper_round_trips(profile: str) -> None:
    suffix = suffix_for(profile)
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", suffix) and len(suffix) <= 40
    assert suffix_for(profile) == suffix
    text = wrapper_script(profile)
    assert text == wrapper_script(profile)
    assert parse_wrapper(text) == profile


@pytest.mark.parametrize("bad", ["", "a\nb", "a\x00b", "a\rb"])
def test_unusable_profile_names_are_refused(bad: str) -> None:
    with pytest.raises(ProfileError):
        suffix_for(bad)


@given(PROFILE_TEXT)
@settings(max_examples=40, deadline=None)
def test_wrapper_is_shell_safe_for_any_profile_name(tmp_path_factory: pytest.TempPathFactory,
                                                    profile: str) -> None:
    """Run by /bin/sh, the wrapper hands exactly this profile to the real helper's name."""
    bin_dir = tmp_path_factory.mktemp("bin")
    fake = bin_dir / "docker-credential-ecr-login"
    fake.write_text('#!/bin/sh\nprintf "%s|%s|%s" "$AWS_PROFILE" "${AWS_ACCESS_KEY_ID-unset}" '
                    '"$*"\n')
    fake.chmod(0o755)
    wrapper = bin_dir / "wrapper"
    wrapper.write_text(wrapper_script(profile))
    wrapper.chmod(0o755)
    result = subprocess.run(
        [str(wrapper), "get"], capture_output=True, timeout=10,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "AWS_PROFILE": "outer",
             "AWS_ACCESS_KEY_ID": "AKIAOUTEROUTEROUTER0", "LC_ALL": "C.UTF-8"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("utf-8") == f"{profile}|unset|get"


def test_parse_wrapper_rejects_foreign_scripts() -> None:
    assert parse_wrapper("#!/bin/sh\nAWS_PROFILE=prod exec docker-credential-ecr-login\n") is None
    assert parse_wrapper("") is None
    tampered = wrapper_script("prod").replace("AWS_PROFILE='prod'", "AWS_PROFILE=$(id)")
    assert parse_wrapper(tampered) is None


def test_assignments_and_mapping_files() -> None:
    assert parse_assignment(f"{ECR}=prod") == Assignment(ECR, "prod")
    assert parse_assignment(f" {ECR} = team dev ").profile == "team dev"
    for bad in ("prod", f"{ECR}=", "ghcr.io=prod", f"https://{ECR}=prod", f"{ECR}/app=prod"):
        with pytest.raises(ProfileError):
            parse_assignment(bad)
    lines = f"# registries\n{ECR}=prod\n\n{ECR2} = dev\n"
    assert parse_profile_map(lines, "map.txt") == [Assignment(ECR, "prod"),
                                                  Assignment(ECR2, "dev")]
    assert parse_profile_map(json.dumps({ECR: "prod"}), "map.json") == [Assignment(ECR, "prod")]
    with pytest.raises(ProfileError, match=r"map.txt:2"):
        parse_profile_map(f"{ECR}=prod\nnonsense\n", "map.txt")
    with pytest.raises(ProfileError, match="two profiles"):
        check_assignments([Assignment(ECR, "a"), Assignment(ECR, "b")])
    assert check_assignments([Assignment(ECR2, "a"), Assignment(ECR, "b"),
                              Assignment(ECR2, "a")]) == [Assignment(ECR, "b"),
                                                          Assignment(ECR2, "a")]


def test_every_account_region_host_is_one_the_helper_accepts() -> None:
    hosts = ecr_hosts(["111122223333", "444455556666"],
                      ["us-east-1", "cn-north-1", "us-gov-west-1", "eusc-de-east-1",
                       "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1"],
                      public=True)
    assert len(hosts) == 17 and hosts[-1] == "public.ecr.aws"
    partitions = {classify(h).partition for h in hosts}
    assert partitions == {"aws", "aws-cn", "aws-us-gov", "aws-eusc", "aws-iso", "aws-iso-b",
                          "aws-iso-e", "aws-iso-f"}
    assert all(classify(h).is_ecr and classify(h).key_is_bare for h in hosts)
    for bad in ((["1234"], ["us-east-1"]), (["111122223333"], ["mars"]),
                (["111122223333"], []), ([], ["us-east-1"])):
        with pytest.raises(ProfileError):
            ecr_hosts(*bad)


# --- ENV020 -------------------------------------------------------------------------------


def test_env020_follows_wrapper_to_a_missing_profile() -> None:
    config = json.dumps({"credHelpers": {ECR: "ecr-login-prod", ECR2: "ecr-login-dev"}})
    env = machine(helper("ecr-login-prod"), helper("ecr-login-dev"), helper("ecr-login"),
                  helper_profiles=(("ecr-login-prod", "prod"), ("ecr-login-dev", "dev")))
    found = [f for f in diagnose_text(config, "c.json", env).findings if f.rule_id == "ENV020"]
    # machine() defines only profile "dev".
    assert len(found) == 1 and found[0].registry == ECR and "'prod'" in found[0].message
    assert found[0].location.line == 1


def test_env020_is_silent_for_foreign_helpers_and_unknown_machines() -> None:
    config = json.dumps({"credHelpers": {ECR: "ecr-login-custom"}})
    env = machine(helper("ecr-login-custom"))
    assert not [f for f in diagnose_text(config, "c.json", env).findings
                if f.rule_id in ("ENV020", "CFG002", "CFG004")]


# --- the fix flags, through the CLI --------------------------------------------------------


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.delenv("DOCKER_CONFIG", raising=False)
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "config").write_text("[profile prod]\nregion = us-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / ".aws" / "config"))
    return tmp_path


def test_fix_profile_diff_check_write_and_rerun(home: Path) -> None:
    config = home / "config.json"
    config.write_text('{\n\t"auths": {}\n}\n')
    flags = ("--config", str(config), "--profile", f"{ECR}=prod", "--profile", f"{ECR2}=Dev Ops")
    code, out, _ = run("fix", *flags)
    assert code == 0 and f'+\t\t"{ECR}": "ecr-login-prod"' in out
    assert "would create" in out and "not on PATH" in out
    assert not (home / ".local" / "bin").exists()  # --diff writes nothing
    assert run("fix", "--check", *flags)[0] == 1
    code, out, err = run("fix", "--write", *flags)
    assert code == 0, err
    wrappers = sorted(p.name for p in (home / ".local" / "bin").iterdir())
    assert wrappers == ["docker-credential-" + helper_name("Dev Ops"),
                        "docker-credential-ecr-login-prod"]
    assert all(os.access(home / ".local" / "bin" / w, os.X_OK) for w in wrappers)
    helpers = json.loads(config.read_text())["credHelpers"]
    assert helpers == {ECR: "ecr-login-prod", ECR2: helper_name("Dev Ops")}
    code, out, _ = run("fix", "--check", *flags)
    assert code == 0 and "up to date" in out
    # The config is fine but a wrapper went missing: --check says a change is needed.
    (home / ".local" / "bin" / "docker-credential-ecr-login-prod").unlink()
    assert run("fix", "--check", *flags)[0] == 1


def test_fix_profile_replaces_a_static_token_and_keeps_json_output_valid(home: Path) -> None:
    from conftest import expired_auth

    config = home / "config.json"
    config.write_text(json.dumps({"auths": {ECR: {"auth": expired_auth()}}}))
    code, out, _ = run("fix", "--format", "json", "--config", str(config),
                       "--profile", f"{ECR}=prod")
    assert code == 0
    from envelope import validated

    document = validated(out, "fix")
    assert {f["rule_id"] for f in document["applied"]} >= {"CFG001", "CFG020"}


def test_fix_profile_map_and_helper_dir_and_conflicts(home: Path, tmp_path: Path) -> None:
    config = home / "config.json"
    config.write_text("{}")
    mapping = home / "profiles.txt"
    mapping.write_text(f"{ECR}=prod\n")
    bin_dir = tmp_path / "custom-bin"
    bin_dir.mkdir()
    (bin_dir / "docker-credential-ecr-login-prod").write_text("#!/bin/sh\necho mine\n")
    code, _, err = run("fix", "--write", "--config", str(config), "--profile-map", str(mapping),
                       "--helper-dir", str(bin_dir))
    assert code == 2 and "not an ecr-doctor wrapper" in err
    assert config.read_text() == "{}"  # nothing written
    flags = ("--config", str(config), "--profile-map", str(mapping), "--helper-dir", str(bin_dir))
    code, out, _ = run("fix", "--check", *flags)
    assert code == 1 and "not overwritten" in out
    (bin_dir / "docker-credential-ecr-login-prod").unlink()
    code, out, err = run("fix", "--write", "--config", str(config), "--profile-map",
                         str(mapping), "--helper-dir", str(bin_dir))
    assert code == 0, err
    assert parse_wrapper((bin_dir / "docker-credential-ecr-login-prod").read_text()) == "prod"


@pytest.mark.parametrize("argv, message", [
    (("--profile", "ghcr.io=prod"), "not a bare Amazon ECR"),
    (("--profile", "prod"), "HOST=PROFILE"),
    (("--account", "111122223333"), "needs at least one --region"),
    (("--account", "12", "--region", "us-east-1"), "12-digit"),
    (("--profile-map", "/nonexistent/map"), "--profile-map"),
])
def test_fix_flag_errors_exit_2(home: Path, argv: tuple[str, ...], message: str) -> None:
    code, _, err = run("fix", "--config", str(home / "config.json"), *argv)
    assert code == 2 and message in err, err


def test_fix_all_hosts_up_front(home: Path) -> None:
    config = home / "config.json"
    code, out, err = run("fix", "--write", "--config", str(config), "--account", "111122223333",
                         "--account", "444455556666", "--region", "us-east-1", "--region",
                         "eu-west-1", "--public", "--pull-through")
    assert code == 0, err
    helpers = json.loads(config.read_text())["credHelpers"]
    assert len(helpers) == 5 and set(helpers.values()) == {"ecr-login"}
    assert "public.ecr.aws" in helpers
    assert "111122223333.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/alpine" in out
    assert run("fix", "--check", "--config", str(config), "--account", "111122223333",
               "--region", "us-east-1")[0] == 0
