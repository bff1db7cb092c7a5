"""Every rule fires where it should and stays silent where it should not."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import ECR, ECR2, NOW, expired_auth, helper, live_auth, machine

from ecr_doctor.core.dockerconfig import parse_config
from ecr_doctor.core.engine import diagnose_config, diagnose_text, fix_text
from ecr_doctor.core.environment import DockerAuthConfigEnv, Environment, unknown_environment
from ecr_doctor.core.model import Applicability, Finding, Severity
from ecr_doctor.core.options import DEFAULT_OPTIONS, Options
from ecr_doctor.core.rules import all_rules, get_rule

GOOD = machine(helper("ecr-login", version=(0, 12, 0)))


def run(doc: Any, env: Environment = GOOD, options: Options = DEFAULT_OPTIONS) -> list[Finding]:
    text = doc if isinstance(doc, str) else json.dumps(doc, indent="\t")
    return list(diagnose_text(text, "config.json", env, options).findings)


def ids(findings: list[Finding]) -> list[str]:
    return [f.rule_id for f in findings]


def only(findings: list[Finding], rule_id: str) -> list[Finding]:
    return [f for f in findings if f.rule_id == rule_id]


def test_healthy_config_has_no_findings() -> None:
    doc = {"auths": {"https://index.docker.io/v1/": {}}, "credHelpers": {ECR: "ecr-login"}}
    assert run(doc) == []


def test_every_rule_has_a_page_and_stable_id() -> None:
    rules = all_rules()
    assert len({r.id for r in rules}) == len(rules) >= 19
    for r in rules:
        assert r.doc.what and r.doc.why and r.doc.fix, r.id
        assert get_rule(r.id.lower()) is r


# CFG001 -------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", [ECR, f"https://{ECR}", f"https://{ECR}/v2/", f"{ECR}/v1/"])
def test_static_token_in_any_key_form(key: str) -> None:
    found = only(run({"auths": {key: {"auth": expired_auth(), "email": "none"}}}), "CFG001")
    assert len(found) == 1
    f = found[0]
    assert f.severity is Severity.HIGH
    assert "123456789012" in f.message and "us-east-1" in f.message and "expired" in f.message
    assert f.fix is not None and f.fix.applicability is Applicability.SAFE
    assert f.location.line == 3


def test_live_token_is_critical_and_says_until_when() -> None:
    (f,) = only(run({"auths": {ECR: {"auth": live_auth()}}}), "CFG001")
    assert f.severity is Severity.CRITICAL
    assert "live" in f.message


def test_live_token_fix_is_unsafe_when_helper_missing() -> None:
    env = machine(helper("ecr-login", found=False))
    (f,) = only(run({"auths": {ECR: {"auth": live_auth()}}}, env), "CFG001")
    assert f.fix is not None and f.fix.applicability is Applicability.UNSAFE


def test_token_shadowed_by_helper_is_reported_as_shadowed() -> None:
    doc = {"auths": {ECR: {"auth": expired_auth()}}, "credHelpers": {ECR: "ecr-login"}}
    (f,) = only(run(doc), "CFG001")
    assert "shadowed" in f.message and "helper fails outright" in f.message


def test_username_password_form_counts() -> None:
    doc = {"auths": {ECR: {"username": "AWS", "password": "x" * 40}}}
    assert ids(run(doc)).count("CFG001") == 1


def test_non_ecr_static_credential_is_info_only() -> None:
    import base64

    auth = base64.b64encode(b"octocat:ghp_secret").decode()
    found = run({"auths": {"ghcr.io": {"auth": auth}}})
    assert ids(found) == ["CFG011"]
    assert found[0].severity is Severity.INFO
    assert "ghp_secret" not in found[0].message


# CFG002 -------------------------------------------------------------------------------------

def test_ecr_host_without_helper() -> None:
    found = only(run({"auths": {ECR: {}}}), "CFG002")
    assert len(found) == 1 and found[0].fix is not None


def test_registry_flag_adds_hosts() -> None:
    found = only(run({}, options=Options(registries=(ECR2,))), "CFG002")
    assert [f.registry for f in found] == [ECR2]


def test_helper_entry_silences_cfg002() -> None:
    assert only(run({"credHelpers": {ECR: "ecr-login"}}, options=Options(registries=(ECR,))), "CFG002") == []


def test_empty_helper_value_is_an_opt_out_and_fix_is_unsafe() -> None:
    doc = {"credHelpers": {ECR: ""}, "credsStore": "desktop"}
    (f,) = only(run(doc, machine(helper("ecr-login"), helper("desktop"))), "CFG002")
    assert f.fix is not None and f.fix.applicability is Applicability.UNSAFE


# CFG003 -------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", [f"https://{ECR}", f"{ECR}/app", f"https://{ECR}/v2/", f"{ECR}:443"])
def test_helper_key_with_scheme_path_or_port(key: str) -> None:
    (f,) = only(run({"credHelpers": {key: "ecr-login"}}), "CFG003")
    assert f'"{ECR}"' in f.message


def test_docker_io_helper_key_points_to_hub_url() -> None:
    (f,) = only(run({"credHelpers": {"docker.io": "desktop"}},
                    machine(helper("desktop"))), "CFG003")
    assert "https://index.docker.io/v1/" in f.message


def test_private_registry_port_key_is_fine() -> None:
    assert only(run({"credHelpers": {"registry.example:5000": "pass"}},
                    machine(helper("pass"))), "CFG003") == []


# CFG004 -------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["docker-credential-ecr-login", " ecr-login ", "ecr_login"])
def test_helper_value_not_a_suffix(value: str) -> None:
    (f,) = only(run({"credHelpers": {ECR: value}}), "CFG004")
    assert f.fix is not None and f.fix.applicability is Applicability.SAFE


def test_odd_helper_name_that_exists_is_left_alone() -> None:
    env = machine(helper("ecr_login"))
    assert only(run({"credHelpers": {ECR: "ecr_login"}}, env), "CFG004") == []


# CFG005 -------------------------------------------------------------------------------------

def test_global_ecr_login_store() -> None:
    doc = {"auths": {ECR: {}, "https://index.docker.io/v1/": {}}, "credsStore": "ecr-login"}
    (f,) = only(run(doc), "CFG005")
    assert f.fix is not None and f.fix.applicability is Applicability.UNSAFE
    assert only(run(doc), "CFG002") == []  # ECR itself is served


# CFG006 -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "meant"), [("credStore", "credsStore"),
                                            ("credHelper", "credHelpers"), ("auth", "auths")])
def test_misspelt_keys(key: str, meant: str) -> None:
    (f,) = only(run({key: {ECR: "ecr-login"} if meant != "credsStore" else "desktop"}), "CFG006")
    assert meant in f.message


def test_the_wsl_credstore_workaround_is_not_called_a_typo() -> None:
    # `"credStore": "desktop.exe"` is written on purpose under WSL (ddev/ddev#2342): Docker
    # ignores it, Desktop does not rewrite it. Calling it a typo, with a rename that switched
    # the Windows store back on, had the next diagnose report the helper missing.
    doc = {"auths": {"https://index.docker.io/v1/": {}}, "credStore": "desktop.exe",
           "credHelpers": {ECR: "ecr-login"}}
    env = machine(helper("ecr-login"), helper("desktop.exe", found=False))
    findings = run(doc, env)
    assert only(findings, "CFG006") == []
    (f,) = only(findings, "CFG034")
    assert f.severity is Severity.INFO and f.fix is None
    plan = fix_text(json.dumps(doc), "config.json", env, Options(unsafe_fixes=True))
    assert '"credStore": "desktop.exe"' in plan.after and "credsStore" not in plan.after
    # Where the Windows helper does run here, turning the store back on is offered, unsafe.
    (f,) = only(run(doc, machine(helper("ecr-login"), helper("desktop.exe"))), "CFG034")
    assert f.fix is not None and f.fix.applicability is Applicability.UNSAFE


def test_case_variants_are_not_misspellings() -> None:
    assert only(run({"CredHelpers": {ECR: "ecr-login"}}), "CFG006") == []
    assert only(run({"CredHelpers": {ECR: "ecr-login"}}), "CFG002") == []


# CFG007 .. CFG012 ----------------------------------------------------------------------------

def test_empty_placeholder_beside_helper() -> None:
    doc = {"auths": {ECR: {}}, "credHelpers": {ECR: "ecr-login"}}
    (f,) = run(doc)
    assert f.rule_id == "CFG007" and f.severity is Severity.INFO


def test_duplicate_keys_reported() -> None:
    text = '{"credHelpers": {"%s": "ecr-login"}, "credHelpers": {"%s": "ecr-login"}}' % (ECR, ECR2)
    assert "CFG008" in ids(run(text))


def test_invalid_auth_value() -> None:
    (f,) = only(run({"auths": {ECR: {"auth": "not base64!"}}}), "CFG009")
    assert f.severity is Severity.HIGH


def test_ambiguous_legacy_keys() -> None:
    doc = {"auths": {f"https://{ECR}": {"auth": expired_auth(1)},
                     f"https://{ECR}/v2/": {"auth": expired_auth(2)}}}
    assert "CFG010" in ids(run(doc))


def test_bom_is_reported() -> None:
    assert "CFG012" in ids(run("\ufeff" + json.dumps({"credHelpers": {ECR: "ecr-login"}})))


# CFG013: hosts that look like ECR but that the helper will not serve -----------------------

@pytest.mark.parametrize(("key", "what"), [
    ("${AWS_ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com", "unexpanded variable ${AWS_ACCOUNT_ID}"),
    ("$AWS_ACCOUNT_ID.dkr.ecr.us-east-1.amazonaws.com", "unexpanded variable $AWS_ACCOUNT_ID"),
    ("123456789012.dkr.ecr.${AWS_REGION}.amazonaws.com", "unexpanded variable ${AWS_REGION}"),
    ("{{ account }}.dkr.ecr.us-east-1.amazonaws.com", "unexpanded variable {{ account }}"),
    ("<your-account-id>.dkr.ecr.us-east-1.amazonaws.com", 'placeholder "<your-account-id>"'),
    ("ACCOUNT_ID.dkr.ecr.us-east-1.amazonaws.com", 'placeholder "ACCOUNT_ID"'),
    ("123456789.dkr.ecr.us-east-1.amazonaws.com", "account 123456789 has 9 digits, not 12"),
    ("1234-5678-9012.dkr.ecr.us-east-1.amazonaws.com", "without the dashes"),
    ("123456789012.dkr.ecr.us-east-1.amazonaws.co", 'misspelt suffix "amazonaws.co"'),
    ("https://123456789012.dkr.ecr.us-east-1.amazonaws.co/v2/", 'misspelt suffix "amazonaws.co"'),
    ("public.ecr.awss", 'misspelt ECR Public host "public.ecr.awss"'),
    ("123456789012.DKR.ECR.us-east-1.amazonaws.com", "upper case"),
])
def test_ecr_look_alike_hosts(key: str, what: str) -> None:
    (f,) = only(run({"credHelpers": {key: "ecr-login"}}), "CFG013")
    assert what in f.message and f.severity is Severity.HIGH, f.message
    (f,) = only(run({"auths": {key: {}}}), "CFG013")
    assert f.severity is Severity.MEDIUM and f'auths key "{key}"' in f.message


@pytest.mark.parametrize("key", [ECR, "public.ecr.aws", "ecr-public.aws.com",
                                 "123456789012.dkr-ecr.us-east-1.on.aws",
                                 "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn",
                                 "ghcr.io", "registry.example.com", "localhost:5000",
                                 "docker.io", "quay.io", "ecr.example.com"])
def test_real_ecr_hosts_and_other_registries_are_not_look_alikes(key: str) -> None:
    assert only(run({"credHelpers": {key: "ecr-login"}}), "CFG013") == []


# CFG014: text after the JSON document ------------------------------------------------------

def test_text_after_the_document_is_reported_with_its_offset() -> None:
    first = json.dumps({"credHelpers": {ECR: "ecr-login"}})
    (f,) = only(run("\ufeff" + first + "\n\n" + json.dumps({"credHelpers": {ECR2: "ecr-login"}})),
                "CFG014")
    assert f"after byte offset {len(first) + 3}" in f.message and f.location.line == 3
    (f,) = only(run('{"auths": {"r\u00e9g.example": {}}} x'), "CFG014")
    assert "after byte offset 31" in f.message  # bytes, not characters: é is two
    assert only(run(first + "\n"), "CFG014") == []


# ENV rules ---------------------------------------------------------------------------------

def test_helper_not_on_path() -> None:
    env = machine(helper("ecr-login", found=False))
    (f,) = only(run({"credHelpers": {ECR: "ecr-login"}}, env), "ENV001")
    assert "apt-get install amazon-ecr-credential-helper" in f.message


def test_missing_desktop_store() -> None:
    env = machine(helper("ecr-login"), helper("desktop", found=False))
    (f,) = only(run({"credsStore": "desktop"}, env), "ENV001")
    assert "docker-credential-desktop" in f.message


@pytest.mark.parametrize(("name", "source", "host"), [
    ("pass", "github.com/docker/docker-credential-helpers/releases", "registry.example.com"),
    ("gcloud", "Google Cloud CLI", "gcr.io"),
    ("gcr", "github.com/GoogleCloudPlatform/docker-credential-gcr", "gcr.io"),
    ("acr-env", "github.com/chrismellard/docker-credential-acr-env", "myreg.azurecr.io"),
    ("glab", "GitLab CLI", "registry.gitlab.com"),
    ("gh", "not one of docker/docker-credential-helpers' own", "ghcr.io"),
])
def test_install_hint_names_the_helpers_real_source(name: str, source: str, host: str) -> None:
    # The hint sent every helper to docker/docker-credential-helpers, which ships four.
    env = machine(helper("ecr-login"), helper(name, found=False))
    (f,) = only(run({"credHelpers": {host: name, ECR: "ecr-login"}}, env), "ENV001")
    assert source in f.message
    if name != "pass":
        assert "from github.com/docker/docker-credential-helpers" not in f.message


def test_machine_rules_silent_in_unknown_environment() -> None:
    env = unknown_environment(NOW)
    found = run({"credHelpers": {ECR: "ecr-login"}, "credsStore": "desktop"}, env)
    assert not [f for f in found if f.rule_id.startswith("ENV")]


@pytest.mark.parametrize(("host", "version", "fires"), [
    ("123456789012.dkr-ecr.us-east-1.on.aws", (0, 6, 0), True),
    ("123456789012.dkr-ecr.us-east-1.on.aws", (0, 10, 0), False),
    ("123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu", (0, 10, 0), True),
    (ECR, (0, 6, 0), False),
])
def test_helper_too_old(host: str, version: tuple[int, int, int], fires: bool) -> None:
    env = machine(helper("ecr-login", version=version))
    assert bool(only(run({"credHelpers": {host: "ecr-login"}}, env), "ENV002")) is fires


def test_fips_without_endpoint_flag() -> None:
    host = "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com"
    assert only(run({"credHelpers": {host: "ecr-login"}}), "ENV003")
    env = GOOD._replace(use_fips_endpoint=True)
    assert not only(run({"credHelpers": {host: "ecr-login"}}, env), "ENV003")


def test_docker_auth_config_shadowing() -> None:
    env = GOOD._replace(docker_auth_config=DockerAuthConfigEnv(keys=(ECR,), error=None))
    (f,) = only(run({"credHelpers": {ECR: "ecr-login"}}, env), "ENV004")
    assert f.severity is Severity.HIGH


def test_config_permissions() -> None:
    config = parse_config(json.dumps({"credHelpers": {ECR: "ecr-login"}}), "config.json")
    findings = diagnose_config(config, GOOD, Options(file_mode=0o644)).findings
    assert ids(list(findings)) == ["ENV005"]
    assert diagnose_config(config, GOOD, Options(file_mode=0o600)).findings == ()


def test_no_aws_credentials() -> None:
    env = machine(helper("ecr-login"), aws=False)
    assert only(run({"credHelpers": {ECR: "ecr-login"}}, env), "ENV007")


def test_no_finding_message_contains_a_token() -> None:
    auth = live_auth(7)
    findings = run({"auths": {ECR: {"auth": auth}, "ghcr.io": {"auth": auth}}})
    for f in findings:
        blob = repr(f)
        assert auth[:16] not in blob and auth[-16:] not in blob


def test_missing_helper_names_the_stale_credential_docker_falls_back_to() -> None:
    env = machine(helper("ecr-login", found=False))
    doc = {"auths": {f"https://{ECR}": {"auth": expired_auth()}}, "credHelpers": {ECR: "ecr-login"}}
    (f,) = only(run(doc, env), "ENV001")
    assert f"auths[https://{ECR}]" in f.message


# Safe fixes never depend on a helper that is not installed ----------------------------------

NO_HELPER = machine(helper("ecr-login", found=False))
PAGE = unknown_environment(NOW)


@pytest.mark.parametrize("env", [NO_HELPER, PAGE], ids=["missing", "unknown"])
def test_cfg002_is_unsafe_unless_the_helper_is_installed(env: Environment) -> None:
    (f,) = only(run({"auths": {ECR: {}}}, env), "CFG002")
    assert f.fix is not None and f.fix.applicability is Applicability.UNSAFE
    assert "docker-credential-ecr-login" in f.message
    (good,) = only(run({"auths": {ECR: {}}}), "CFG002")
    assert good.fix is not None and good.fix.applicability is Applicability.SAFE


@pytest.mark.parametrize("env", [NO_HELPER, PAGE], ids=["missing", "unknown"])
def test_live_token_fix_is_unsafe_without_an_installed_helper(env: Environment) -> None:
    (f,) = only(run({"auths": {ECR: {"auth": live_auth()}}}, env), "CFG001")
    assert f.fix is not None and f.fix.applicability is Applicability.UNSAFE


@pytest.mark.parametrize("env", [NO_HELPER, PAGE], ids=["missing", "unknown"])
def test_helper_key_rewrite_is_unsafe_unless_the_helper_is_installed(env: Environment) -> None:
    # Rewriting the key turns the helper on for the host: with no helper, a host that worked
    # from its auths token would now fail.
    doc = {"auths": {ECR: {"auth": live_auth()}}, "credHelpers": {f"https://{ECR}": "ecr-login"}}
    (f,) = only(run(doc, env), "CFG003")
    assert f.fix is not None and f.fix.applicability is Applicability.UNSAFE


@pytest.mark.parametrize("env", [NO_HELPER, PAGE], ids=["missing", "unknown"])
def test_misspelt_helper_map_rename_is_unsafe_unless_its_helpers_are_installed(
        env: Environment) -> None:
    (f,) = only(run({"credHelper": {ECR: "ecr-login"}}, env), "CFG006")
    assert f.fix is not None and f.fix.applicability is Applicability.UNSAFE


def test_misspelt_auths_rename_that_activates_credentials_is_unsafe() -> None:
    # Docker ignores "auth": renaming it starts sending a token that may be stale to a
    # registry that answers anonymous pulls today.
    (f,) = only(run({"auth": {"ghcr.io": {"auth": "b2N0bzpwYXNz"}}}), "CFG006")
    assert f.fix is not None and f.fix.applicability is Applicability.UNSAFE
    (empty,) = only(run({"auth": {ECR: {}}}), "CFG006")
    assert empty.fix is not None and empty.fix.applicability is Applicability.SAFE


@pytest.mark.parametrize("env", [NO_HELPER, PAGE], ids=["missing", "unknown"])
def test_safe_fixes_add_no_mapping_to_a_missing_helper(env: Environment) -> None:
    from ecr_doctor.core.model import SetCredHelper

    findings = run({"auths": {ECR: {"auth": "not base64!"}}, "credStore": "ecr-login"}, env)
    for f in only(findings, "CFG009") + only(findings, "CFG006"):
        assert f.fix is not None and f.fix.applicability is Applicability.SAFE
        assert not any(isinstance(e, SetCredHelper) for e in f.fix.edits), f.rule_id


def test_cfg007_only_for_hosts_the_ecr_helper_serves() -> None:
    env = machine(helper("ecr-login"), helper("desktop"))
    doc = {"auths": {ECR: {}, "ghcr.io": {}}, "credHelpers": {ECR: "desktop", "ghcr.io": "desktop"}}
    assert only(run(doc, env), "CFG007") == []
