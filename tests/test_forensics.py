"""AWS chain, SSO token cache, ECR helper cache and log: capture, parsing, rules, explain."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import timedelta
from pathlib import Path

from conftest import ECR, NOW

from ecr_doctor.core.engine import diagnose_text
from ecr_doctor.core.explain import explain_error
from ecr_doctor.core.forensics import parse_helper_cache, parse_helper_log, redact_log_text
from ecr_doctor.machine.capture import capture

AKID = "AKIAIOSFODNN7EXAMPLE"
LEGACY_KEY = ("us-east-1-" + base64.b64encode(AKID.encode() + hashlib.md5(b"").digest()).decode()
              + "-123456789012")
HELPER_CONFIG = json.dumps({"credHelpers": {ECR: "ecr-login"}})


def iso(delta_hours: float) -> str:
    return (NOW + timedelta(hours=delta_hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def cache_text(requested: float, expires: float) -> str:
    return json.dumps({"Registries": {LEGACY_KEY: {
        "AuthorizationToken": "QVdTOnNlY3JldA==", "RequestedAt": iso(requested),
        "ExpiresAt": iso(expires), "ProxyEndpoint": f"https://{ECR}", "Service": "ecr"}},
        "Version": "1.0"})


def test_cache_states_follow_the_helpers_half_life() -> None:
    assert parse_helper_cache("c", cache_text(-1, 11), NOW).entries[0].state == "fresh"
    assert parse_helper_cache("c", cache_text(-7, 5), NOW).entries[0].state == "stale"
    entry = parse_helper_cache("c", cache_text(-13, -1), NOW).entries[0]
    assert entry.state == "expired" and entry.registry == ECR and entry.key_form == "legacy"
    # The legacy key holds the access key id in clear: it is never kept.
    assert AKID not in repr(entry) and LEGACY_KEY not in repr(entry)


def test_sha256_key_form() -> None:
    key = "us-east-1-" + base64.b64encode(hashlib.sha256(AKID.encode()).digest()).decode() + "-1"
    text = cache_text(-1, 11).replace(LEGACY_KEY, key)
    assert parse_helper_cache("c", text, NOW).entries[0].key_form == "sha256"


def test_log_parsing_finds_the_fallback_and_the_last_error() -> None:
    log = (
        'time="t1" level=debug msg="Retrieving credentials" region=us-east-1\n'
        'time="t2" level=info msg="Got error fetching authorization token. Falling back to '
        'cached token." error="dial tcp 1.2.3.4:443: connect: connection refused"\n')
    parsed = parse_helper_log("l", log)
    assert parsed.fell_back_to_cache and parsed.last_error_time == "t2"
    assert parsed.last_error is not None and "connection refused" in parsed.last_error
    # A later run that did not fall back clears the flag.
    again = parse_helper_log("l", log + 'time="t3" level=debug msg="Retrieving credentials"\n')
    assert not again.fell_back_to_cache


def test_redaction() -> None:
    text = f"key {AKID} token {'A' * 60} key {LEGACY_KEY}"
    out = redact_log_text(text)
    assert AKID not in out and "A" * 60 not in out and "QUtJQUlPU0ZPRE5ON0VYQU1QTEX" not in out


def machine_home(tmp_path: Path, *, sso_hours: float | None, session: str = "corp",
                 define_session: bool = True) -> Path:
    home = tmp_path / "home"
    (home / ".aws" / "sso" / "cache").mkdir(parents=True)
    config = f"[profile dev]\nsso_session = {session}\nsso_account_id = 1\nsso_role_name = r\n"
    if define_session:
        config += f"[sso-session {session}]\nsso_start_url = https://x.awsapps.com/start\n"
    (home / ".aws" / "config").write_text(config)
    if sso_hours is not None:
        name = hashlib.sha1(session.encode()).hexdigest() + ".json"
        (home / ".aws" / "sso" / "cache" / name).write_text(json.dumps(
            {"accessToken": "secret-access-token", "expiresAt": iso(sso_hours)}))
    return home


def capture_for(home: Path, **env: str) -> object:
    return capture({"HOME": str(home), "PATH": "", "AWS_PROFILE": "dev", **env},
                   helper_names=["ecr-login"], home=str(home), now=NOW)


def rule_ids(home: Path, **env: str) -> dict[str, str]:
    environment = capture_for(home, **env)
    findings = diagnose_text(HELPER_CONFIG, "config.json", environment).findings  # type: ignore[arg-type]
    return {f.rule_id: f.message for f in findings}


def test_expired_sso_session(tmp_path: Path) -> None:
    found = rule_ids(machine_home(tmp_path, sso_hours=-2))
    assert "ENV008" in found and "aws sso login --profile dev" in found["ENV008"]
    assert "secret-access-token" not in json.dumps(found)


def test_live_sso_session_is_silent_and_missing_one_is_reported(tmp_path: Path) -> None:
    assert "ENV008" not in rule_ids(machine_home(tmp_path / "a", sso_hours=3))
    assert "never signed in" in rule_ids(machine_home(tmp_path / "b", sso_hours=None))["ENV008"]


def test_undefined_sso_session(tmp_path: Path) -> None:
    found = rule_ids(machine_home(tmp_path, sso_hours=3, define_session=False))
    assert "ENV011" in found


def test_chain_order_and_no_values(tmp_path: Path) -> None:
    env = capture_for(machine_home(tmp_path, sso_hours=3), AWS_ACCESS_KEY_ID=AKID,
                      AWS_SECRET_ACCESS_KEY="topsecret", AWS_EC2_METADATA_DISABLED="true")
    facts = env.forensics  # type: ignore[attr-defined]
    assert [link.source for link in facts.aws_chain] == [
        "environment", "shared-profile", "web-identity", "container", "instance-metadata"]
    assert facts.aws_chain[0].present and facts.aws_chain[1].present
    assert "disabled" in facts.aws_chain[4].detail
    assert AKID not in repr(env) and "topsecret" not in repr(env)


def test_helper_cache_and_log_rules_and_explain(tmp_path: Path) -> None:
    home = machine_home(tmp_path, sso_hours=3)
    (home / ".ecr" / "log").mkdir(parents=True)
    (home / ".ecr" / "cache.json").write_text(cache_text(-13, -1))
    (home / ".ecr" / "log" / "ecr-login.log").write_text(
        'time="t" level=info msg="Got error fetching authorization token. Falling back to '
        f'cached token." error="AccessDenied for {AKID}"\n')
    environment = capture_for(home)
    findings = diagnose_text(HELPER_CONFIG, "config.json", environment).findings  # type: ignore[arg-type]
    by_id = {f.rule_id: f for f in findings}
    assert by_id["ENV008"].severity.label == "high" and by_id["ENV008"].registry == ECR
    assert "AccessDenied" in by_id["ENV009"].message
    text = json.dumps([f.message for f in findings] + [str(f.details) for f in findings])
    assert AKID not in text and "QUtJQUlPU0ZPRE5ON0VYQU1QTEX" not in text
    explanation = explain_error("denied: Your authorization token has expired.", findings)
    assert explanation.causes[0].id == "expired-cached-token" and explanation.causes[0].seen_here


def test_cache_settings_rule(tmp_path: Path) -> None:
    found = rule_ids(machine_home(tmp_path, sso_hours=3), AWS_ECR_DISABLE_CACHE="false")
    assert "AWS_ECR_DISABLE_CACHE" in found["ENV012"]


def test_region_missing_is_info(tmp_path: Path) -> None:
    assert "ENV010" in rule_ids(machine_home(tmp_path, sso_hours=3))
    assert "ENV010" not in rule_ids(machine_home(tmp_path / "r", sso_hours=3),
                                    AWS_REGION="eu-west-1")
