"""Redaction: nothing planted survives, unredact is exact, a redacted config diagnoses the same.

The property tests plant secrets of every kind the issue names into random configs, JSON and
logs, then check the three promises at PROPERTY_EXAMPLES examples each (2,000 in CI).
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import timedelta

import pytest
from conftest import NOW, PROPERTY_EXAMPLES, expired_auth, live_auth
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ecr_doctor.core.engine import diagnose_text
from ecr_doctor.core.environment import unknown_environment
from ecr_doctor.core.redaction import (
    RedactionError,
    dump_map,
    load_map,
    redact,
    unredact,
)
from ecr_doctor.core.tokens import decode_auth, decode_ecr_password, make_ecr_auth

ENV = unknown_environment(NOW)
SETTINGS = settings(max_examples=PROPERTY_EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --- planted values ------------------------------------------------------------------------------

def _random(seed: int, label: str) -> bytes:
    return hashlib.sha256(f"{label}:{seed}".encode()).digest()


def b64_secret(seed: int, size: int) -> str:
    """Random-looking base64 like a real key or token (hash output, so truly high entropy)."""
    raw = b"".join(_random(seed, f"b64:{i}") for i in range(size // 32 + 2))
    return base64.b64encode(raw).decode()[:size]


seeds = st.integers(min_value=0, max_value=2**40)
accounts = st.integers(min_value=0, max_value=10**12 - 1).map(lambda n: f"{n:012d}")
regions = st.sampled_from(["us-east-1", "eu-west-1", "ap-southeast-2", "us-gov-west-1",
                           "cn-north-1", "eu-central-1"])
akids = st.builds(lambda p, s: p + s, st.sampled_from(["AKIA", "ASIA"]),
                  st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=16, max_size=16))
secret_keys = seeds.map(lambda s: b64_secret(s, 40))
session_tokens = seeds.map(lambda s: "IQoJb3JpZ2luX2Vj" + b64_secret(s, 300))
hex_secrets = seeds.map(lambda s: hashlib.sha256(f"hex:{s}".encode()).hexdigest())
labels = st.text("abcdefghijklmnopqrstuvwxyz", min_size=5, max_size=10)
emails = st.builds(lambda a, b: f"{a}@{b}-mail.com", labels, labels)
ecr_auths = st.builds(lambda s, hours: make_ecr_auth(NOW + timedelta(hours=hours), seed=s),
                      seeds, st.integers(min_value=-100, max_value=11))


def pem(seed: int) -> str:
    body = b64_secret(seed, 256)
    lines = "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
    return f"-----BEGIN RSA PRIVATE KEY-----\n{lines}\n-----END RSA PRIVATE KEY-----"


class Plant:
    """What was planted: secrets (no 8-char piece may survive) and identifying names."""

    def __init__(self) -> None:
        self.secrets: list[str] = []
        self.names: list[str] = []

    def secret(self, value: str) -> str:
        self.secrets.append(value)
        return value

    def name(self, value: str) -> str:
        self.names.append(value)
        return value


@st.composite
def hosts(draw: st.DrawFn, plant: Plant) -> str:
    kind = draw(st.sampled_from(["ecr", "ecr-dual", "ecr-fips", "ecr-cn", "public", "hub",
                                 "ghcr", "acr", "custom",
                                 "custom-port", "looks-redacted"]))
    if kind == "looks-redacted":
        # Text that already reads like our placeholders: new ones must not collide with it.
        return draw(st.sampled_from(["000000000001.dkr.ecr.REGION_1.amazonaws.com",
                                     "111111110001.dkr.ecr.us-east-1.amazonaws.com",
                                     "<HOST_1>:5000", "<REGISTRY_1>.azurecr.io"]))
    if kind == "ecr":
        return f"{plant.name(draw(accounts))}.dkr.ecr.{draw(regions)}.amazonaws.com"
    if kind == "ecr-dual":
        return f"{plant.name(draw(accounts))}.dkr-ecr.{draw(regions)}.on.aws"
    if kind == "ecr-fips":
        return f"{plant.name(draw(accounts))}.dkr.ecr-fips.us-gov-west-1.amazonaws.com"
    if kind == "ecr-cn":
        return f"{plant.name(draw(accounts))}.dkr.ecr.cn-north-1.amazonaws.com.cn"
    if kind == "public":
        return "public.ecr.aws"
    if kind == "hub":
        return "registry-1.docker.io"
    if kind == "ghcr":
        return "ghcr.io"
    if kind == "acr":
        return f"{plant.name('acr' + draw(labels))}.azurecr.io"
    tld = draw(st.sampled_from(["com", "internal", "io", "corp", "net"]))
    custom = plant.name(f"reg{draw(labels)}.{draw(labels)}")
    port = f":{draw(st.integers(1024, 65535))}" if kind == "custom-port" else ""
    return f"{custom}.{tld}{port}"


@st.composite
def planted_secret(draw: st.DrawFn, plant: Plant) -> str:
    kind = draw(st.sampled_from(["akid", "secret", "session", "hex", "email", "pem", "arn",
                                 "account", "ecr-auth", "cache-key"]))
    if kind == "akid":
        return plant.secret(draw(akids))
    if kind == "secret":
        return plant.secret(draw(secret_keys))
    if kind == "session":
        return plant.secret(draw(session_tokens))
    if kind == "hex":
        return plant.secret(draw(hex_secrets))
    if kind == "email":
        return plant.secret(draw(emails))
    if kind == "pem":
        return plant.secret(pem(draw(seeds)))
    if kind == "arn":
        role = plant.secret("Role" + draw(labels))
        return f"arn:aws:iam::{plant.name(draw(accounts))}:role/{role}"
    if kind == "account":
        return plant.name(draw(accounts))
    if kind == "cache-key":
        akid = plant.secret(draw(akids))
        checksum = base64.b64encode(akid.encode() + hashlib.md5(b"").digest()).decode()
        plant.secret(checksum)
        return f"{draw(regions)}-{checksum}-{plant.name(draw(accounts))}"
    return plant.secret(draw(ecr_auths))


FILLER = ["<ACCOUNT_1>", "<SECRET_1>", "REGION_1", "Error response from daemon:", "denied: Your authorization token has expired.",
          "no basic auth credentials", "Pulling from", "Get", "https://", "unauthorized",
          "docker login -u AWS -p", "--password-stdin", "credential helper", "region", "ok", ":",
          "AWS_PROFILE=dev", "/home/runner/.docker/config.json", "retrying in 5s", "\n", "\t"]


@st.composite
def texts(draw: st.DrawFn) -> tuple[str, Plant]:
    plant = Plant()
    parts: list[str] = []
    for _ in range(draw(st.integers(1, 8))):
        parts.append(draw(st.sampled_from(FILLER)))
        choice = draw(st.sampled_from(["secret", "host", "url", "assign"]))
        if choice == "secret":
            parts.append(draw(planted_secret(plant)))
        elif choice == "host":
            parts.append(draw(hosts(plant)))
        elif choice == "url":
            parts.append(f"https://{draw(hosts(plant))}/v2/team/app/manifests/latest")
        else:
            parts.append(f"aws_secret_access_key = {plant.secret(draw(secret_keys))}")
    sep = draw(st.sampled_from([" ", "\n", "\r\n", " | "]))
    return sep.join(parts), plant


def _entry(draw: st.DrawFn, plant: Plant) -> list[tuple[str, object]]:
    kind = draw(st.sampled_from(["ecr", "basic", "invalid", "password", "identity", "empty"]))
    auth = draw(st.sampled_from(["auth", "Auth", "AUTH"]))
    if kind == "ecr":
        return [(auth, plant.secret(draw(ecr_auths)))]
    if kind == "basic":
        password = plant.secret(draw(secret_keys))
        return [(auth, base64.b64encode(f"{draw(labels)}:{password}".encode()).decode())]
    if kind == "invalid":
        return [(auth, plant.secret(draw(secret_keys)) + "!")]
    if kind == "password":
        return [("username", "AWS"), ("Password", plant.secret(draw(secret_keys)))]
    if kind == "identity":
        return [("identitytoken", plant.secret(draw(secret_keys))), ("email", draw(emails))]
    return []


def dump(value: object, indent: str | None, ascii_only: bool, level: int = 0) -> str:
    """JSON from (key, value) pair lists, so a document can hold duplicate keys like Go reads."""
    if not isinstance(value, list):
        return json.dumps(value, ensure_ascii=ascii_only)
    if not value:
        return "{}"
    inner = "" if indent is None else "\n" + indent * (level + 1)
    close = "" if indent is None else "\n" + indent * level
    members = [f"{json.dumps(k, ensure_ascii=ascii_only)}: {dump(v, indent, ascii_only, level + 1)}"
               for k, v in value]
    return "{" + inner + ("," + inner).join(members) + close + "}"


@st.composite
def configs(draw: st.DrawFn) -> tuple[str, Plant]:
    plant = Plant()
    doc: list[tuple[str, object]] = []
    auths: list[tuple[str, object]] = []
    helpers: list[tuple[str, object]] = []
    for _ in range(draw(st.integers(0, 4))):
        host = draw(hosts(plant))
        form = draw(st.sampled_from(["{}", "https://{}", "https://{}/v2/", "http://{}/v1/"]))
        where = draw(st.sampled_from(["auths", "helpers", "both"]))
        if where in ("auths", "both"):
            auths.append((form.format(host), _entry(draw, plant)))
        if where in ("helpers", "both"):
            helpers.append((draw(st.sampled_from(["{}", "https://{}"])).format(host), draw(
                st.sampled_from(["ecr-login", "docker-credential-ecr-login", "desktop", "",
                                 "ecr_login"]))))
    if auths and draw(st.booleans()):
        auths.append(auths[0])  # a duplicate key (CFG008), merged as Go merges it
    if auths or draw(st.booleans()):
        doc.append((draw(st.sampled_from(["auths", "Auths"])), auths))
    if helpers:
        doc.append((draw(st.sampled_from(["credHelpers", "credHelper", "credhelpers"])),
                    helpers))
    if draw(st.booleans()):
        doc.append(("credsStore", draw(st.sampled_from(["desktop", "ecr-login", "osxkeychain"]))))
    if draw(st.booleans()):
        doc.append(("HttpHeaders", [("X-Meta", draw(planted_secret(plant)))]))
    if draw(st.booleans()):
        doc.append(("x-notes", draw(planted_secret(plant))))
    indent = draw(st.sampled_from(["\t", None, "  "]))
    text = dump(doc, indent, draw(st.booleans()))
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text + draw(st.sampled_from(["", "\n", "\n\n"])), plant


# --- the checks ------------------------------------------------------------------------------------

def windows(text: str, size: int = 8) -> set[str]:
    return {text[i:i + size] for i in range(len(text) - size + 1)}


def assert_nothing_survives(redacted: str, plant: Plant) -> None:
    seen = windows(redacted)
    for secret in plant.secrets:
        leaked = windows(secret) & seen if len(secret) >= 8 else ({secret} & {redacted})
        assert not leaked, f"a planted secret survived ({len(leaked)} 8-char pieces)"
    for name in plant.names:
        assert name not in redacted, "a planted account or registry name survived"
        if name.isdigit():  # an account ID: no 8-digit stretch of it may survive either
            assert not windows(name) & seen, "8 digits of a planted account ID survived"


def rule_ids(text: str) -> list[tuple[str, str]]:
    return sorted((f.rule_id, f.severity.name)
                  for f in diagnose_text(text, "config.json", ENV).findings)


@SETTINGS
@given(texts())
def test_text_redaction_hides_every_planted_secret_and_round_trips(case: tuple[str, Plant]) -> None:
    text, plant = case
    result = redact(text)
    assert_nothing_survives(result.text, plant)
    assert unredact(result.text, result.mapping) == text
    originals = [original for _, original in result.mapping]
    assert len(set(originals)) == len(originals), "one value got two placeholders"


@SETTINGS
@given(configs())
def test_config_redaction_hides_secrets_round_trips_and_diagnoses_the_same(
        case: tuple[str, Plant]) -> None:
    text, plant = case
    result = redact(text)
    assert_nothing_survives(result.text, plant)
    assert unredact(result.text, result.mapping) == text
    json.loads(result.text.lstrip("\ufeff"))  # still valid JSON
    assert rule_ids(result.text) == rule_ids(text)


@settings(SETTINGS, max_examples=PROPERTY_EXAMPLES // 2)
@given(st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12)),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=8), children, max_size=4)),
    max_leaves=12), st.data())
def test_any_json_stays_valid_and_round_trips(value: object, data: st.DataObject) -> None:
    plant = Plant()
    doc = {"data": value, "password": plant.secret(data.draw(secret_keys)),
           "note": data.draw(planted_secret(plant))}
    # Random filler that happens to spell part of a planted secret or name is not a leak.
    filler = json.dumps(value)
    assume(not any(w in filler for s in plant.secrets for w in windows(s)))
    assume(not any(w in filler for name in plant.names for w in windows(name) | {name}))
    # Nor is a planted value that spells one of the document's own keys ("password").
    skeleton = '"data" "password" "note"'
    assume(not any(w in skeleton for value in (*plant.names, *plant.secrets)
                   for w in windows(value) | {value}))
    text = json.dumps(doc, ensure_ascii=data.draw(st.booleans()))
    result = redact(text, kind="json")
    assert_nothing_survives(result.text, plant)
    json.loads(result.text)
    assert unredact(result.text, result.mapping) == text


@settings(max_examples=PROPERTY_EXAMPLES // 4, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_round_trips(text: str) -> None:
    result = redact(text)
    assert unredact(result.text, result.mapping) == text
    assert load_map(dump_map(result.mapping)) == result.mapping


# --- examples, one per kind of value -------------------------------------------------------------

ECR_HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com"


def test_ecr_host_in_text_keeps_its_kind() -> None:
    result = redact(f"Get https://{ECR_HOST}/v2/: no basic auth credentials")
    assert result.text == ("Get https://<ACCOUNT_1>.dkr.ecr.<REGION_1>.amazonaws.com/v2/: "
                           "no basic auth credentials")
    assert result.mapping == (("<ACCOUNT_1>", "123456789012"), ("<REGION_1>", "us-east-1"))


def test_same_value_same_placeholder() -> None:
    text = f"{ECR_HOST} and arn:aws:iam::123456789012:role/Deploy and 123456789012"
    result = redact(text)
    assert result.text.count("<ACCOUNT_1>") == 3
    assert "<ACCOUNT_2>" not in result.text


@pytest.mark.parametrize(("text", "placeholder"), [
    ("myreg.azurecr.io", "<REGISTRY_1>.azurecr.io"),
    ("harbor.acme.internal:5000/app", "<HOST_1>:5000/app"),
    ("public.ecr.aws/docker/library/alpine", "public.ecr.aws/docker/library/alpine"),
    ("ghcr.io/org/app", "ghcr.io/org/app"),
    ("key AKIAIOSFODNN7EXAMPLE", "key <ACCESS_KEY_ID_1>"),
    ("mail bob@example.org", "mail <EMAIL_1>"),
    ("aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
     "aws_secret_access_key=<SECRET_1>"),
    ("arn:aws:ecr:eu-west-1:210987654321:repository/team/app",
     "arn:aws:ecr:<REGION_1>:<ACCOUNT_1>:repository/<ARN_RESOURCE_1>"),
    ("us-east-1-QUtJQUlPU0ZPRE5ON0VYQU1QTEXUHYzZjwCyBOmACZjs+EJ+-123456789012",
     "<REGION_1>-<AKID_CHECKSUM_1>-<ACCOUNT_1>"),
    ("-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----", "<PRIVATE_KEY_1>"),
    ("sha256:" + "ab12" * 16, "sha256:" + "ab12" * 16),
    ("docker-credential-ecr-login AWS_ECR_DISABLE_CACHE /usr/local/bin/docker",
     "docker-credential-ecr-login AWS_ECR_DISABLE_CACHE /usr/local/bin/docker"),
    # Look-alikes that are not secrets stay readable.
    ("ecr:GetAuthorizationToken because no policy allows it; run ./entrypoint.sh",
     "ecr:GetAuthorizationToken because no policy allows it; run ./entrypoint.sh"),
    ("see /home/alice/.docker/config.json", "see /home/<USER_1>/.docker/config.json"),
    ("HTTPS_PROXY=http://bob:hunter22@proxy.corp.com:3128",
     "HTTPS_PROXY=http://<USER_1>:<PASSWORD_1>@<HOST_1>:3128"),
    ("Authorization: Bearer abcdef123456", "Authorization: Bearer <SECRET_1>"),
    ("id 123e4567-e89b-12d3-a456-426614174000 nil 00000000-0000-0000-0000-000000000000",
     "id <ID_1> nil 00000000-0000-0000-0000-000000000000"),
])
def test_each_kind_of_value(text: str, placeholder: str) -> None:
    result = redact(text, kind="text")
    assert result.text == placeholder
    assert unredact(result.text, result.mapping) == text


def test_an_ecr_login_pasted_in_a_log_is_named_as_one() -> None:
    text = f"cat config.json: auth {expired_auth()} (that is AWS:...)"
    assert redact(text).text == "cat config.json: auth <AUTH_1> (that is AWS:...)"


def test_config_tokens_become_synthetic_tokens_of_the_same_kind_and_expiry() -> None:
    expired, live = expired_auth(1), live_auth(2)
    doc = {"auths": {ECR_HOST: {"auth": expired},
                     "https://210987654321.dkr.ecr.eu-west-1.amazonaws.com": {"auth": live},
                     "registry.corp.example:5000": {"auth": "Ym9iOmh1bnRlcjI="},
                     "bad.example.com": {"auth": "not base64!"}},
           "credHelpers": {f"https://{ECR_HOST}": "docker-credential-ecr-login"}}
    text = json.dumps(doc, indent="\t")
    result = redact(text)
    out = json.loads(result.text)
    keys = list(out["auths"])
    assert keys[0] == "000000000001.dkr.ecr.REGION_1.amazonaws.com"
    assert keys[2] == "<HOST_1>:5000"
    for original, key in ((expired, keys[0]), (live, keys[1])):
        new = decode_auth(out["auths"][key]["auth"])
        old = decode_auth(original)
        assert new.username == "AWS"
        new_token = decode_ecr_password(new.password)
        old_token = decode_ecr_password(old.password)
        assert new_token is not None and old_token is not None
        assert new_token.expires_at == old_token.expires_at
    assert decode_auth(out["auths"][keys[2]]["auth"]).username == "<USER_3>"
    assert rule_ids(result.text) == rule_ids(text)
    assert unredact(result.text, result.mapping) == text


def test_placeholders_never_collide_with_the_input() -> None:
    text = "<ACCOUNT_1> already here, and 123456789012"
    result = redact(text)
    assert result.text.startswith("<ACCOUNT_1> already here")
    assert "<ACCOUNT_2>" in result.text
    assert unredact(result.text, result.mapping) == text


def test_an_account_stand_in_never_spells_out_a_key_id_hidden_in_base64() -> None:
    # A legacy cache key carries its access key id in base64 only; the digit stand-in for the
    # account ("22222222" + counter) must not echo a run of that decoded key id either.
    akid = "AKIA2222222222222222"
    checksum = base64.b64encode(akid.encode() + hashlib.md5(b"").digest()).decode()
    text = json.dumps({"credHelpers": {"000000000000.dkr.ecr.us-east-1.amazonaws.com": "x"},
                       "auths": {"111111110001.dkr.ecr.us-east-1.amazonaws.com": {}},
                       "HttpHeaders": {"X-Meta": f"us-east-1-{checksum}-000000000000"}})
    result = redact(text)
    assert not windows(akid) & windows(result.text)
    assert unredact(result.text, result.mapping) == text


def test_a_secret_that_reads_like_a_placeholder_still_gets_a_name() -> None:
    text = "password = <SECRET_1>abc and <SECRET_2>"
    result = redact(text)
    assert "<SECRET_1>abc" not in result.text
    assert unredact(result.text, result.mapping) == text


def test_redacting_twice_is_stable_and_reversible() -> None:
    text = f"{ECR_HOST} AKIAIOSFODNN7EXAMPLE"
    once = redact(text)
    twice = redact(once.text)
    assert unredact(unredact(twice.text, twice.mapping), once.mapping) == text


def test_bad_json_for_explicit_kinds_names_only_a_position() -> None:
    with pytest.raises(RedactionError) as info:
        redact('{"password": "hunter2hunter2" oops', kind="json")
    assert "hunter2" not in str(info.value) and "line 1" in str(info.value)
    assert redact("not json at all").text == "not json at all"


def test_map_format_is_versioned_and_validated() -> None:
    mapping = (("<ACCOUNT_1>", "123456789012"),)
    data = dump_map(mapping)
    assert json.loads(data)["version"] == 1
    assert load_map(data) == mapping
    for bad in ("nope", "[]", '{"format": "ecr-doctor-redaction-map", "version": 99}',
                '{"format": "ecr-doctor-redaction-map", "version": 1, "entries": [1]}'):
        with pytest.raises(RedactionError):
            load_map(bad)


def test_unredact_with_an_empty_map_is_identity() -> None:
    assert unredact("abc <X_1>", ()) == "abc <X_1>"


def test_trailing_text_after_a_config_is_redacted_too() -> None:
    text = '{"auths": {}}\nAKIAIOSFODNN7EXAMPLE\n'
    result = redact(text)
    assert "AKIA" not in result.text
    assert unredact(result.text, result.mapping) == text


def test_escaped_json_strings_map_back_exactly() -> None:
    text = '{"note": "key \\u0041KIAIOSFODNN7EXAMPLE\\n\\ud83d\\ude00 bob@corp.com"}'
    result = redact(text, kind="json")
    assert json.loads(result.text)["note"] == "key <ACCESS_KEY_ID_1>\n\U0001f600 <EMAIL_1>"
    assert unredact(result.text, result.mapping) == text


def test_redacted_error_text_explains_the_same() -> None:
    # What a helper receives must still be recognised: every catalogue case of `explain`
    # gives the same signatures and ranked causes after redaction.
    from test_explain import CASES

    from ecr_doctor.core.explain import explain_error

    for _, text, _ in CASES:
        before, after = explain_error(text), explain_error(redact(text, kind="text").text)
        assert [s.id for s in after.signatures] == [s.id for s in before.signatures]
        assert [c.id for c in after.causes] == [c.id for c in before.causes]


def test_ecr_helper_cache_file_hides_the_key_id_inside_legacy_keys() -> None:
    checksum = "QUtJQUlPU0ZPRE5ON0VYQU1QTEXUHYzZjwCyBOmACZjs+EJ+"  # AKIAIOSFODNN7EXAMPLE + MD5("")
    doc = {"Registries": {
        f"us-east-1-{checksum}-123456789012": {
            "AuthorizationToken": expired_auth(), "ExpiresAt": "2026-11-23T12:00:00Z",
            "ProxyEndpoint": f"https://{ECR_HOST}", "Service": "ecr"},
        f"ecr-public-{checksum}": {"AuthorizationToken": live_auth(), "Service": "ecr-public"}},
        "Version": "1.0"}
    text = json.dumps(doc, indent=2)
    result = redact(text)
    registries = list(json.loads(result.text)["Registries"])
    assert registries == ["<REGION_1>-<AKID_CHECKSUM_1>-<ACCOUNT_1>",
                          "ecr-public-<AKID_CHECKSUM_1>"]
    assert checksum not in result.text and "123456789012" not in result.text
    assert unredact(result.text, result.mapping) == text


def test_a_long_log_redacts_and_round_trips_without_rescanning_it() -> None:
    # 32,000 log lines once took minutes: every new placeholder was looked for in the whole
    # text, and the map's inverse was one regex alternation of every placeholder. Both are
    # pinned here by what they do, not by a clock (benchmarks/secret_spans.py measures it).
    import re

    from ecr_doctor.core import redaction

    class CountingText(str):
        searches = 0

        def __contains__(self, item: object) -> bool:
            CountingText.searches += 1
            return super().__contains__(item)  # type: ignore[operator]

    lines = "\n".join(f"step {i}: docker login -u AWS -p pw{i:06d}secret host{i}.example.com "
                      f"token=abc{i:06d}" for i in range(3000))
    namer = redaction._Namer(CountingText(lines), False, 0)
    for i in range(3000):
        namer.name(redaction._Span(0, 1, "SECRET", ""), f"pw{i:06d}secret")
    assert CountingText.searches == 0
    result = redact(lines, kind="text")
    assert "pw000042secret" not in result.text and len(result.mapping) >= 6000
    compiled: list[str] = []
    real_compile = re.compile

    def recording(pattern: str, flags: int = 0) -> re.Pattern[str]:
        compiled.append(pattern)
        return real_compile(pattern, flags)

    redaction.re.compile = recording  # type: ignore[assignment]
    try:
        assert unredact(result.text, result.mapping) == lines
    finally:
        redaction.re.compile = real_compile  # type: ignore[assignment]
    assert compiled and max(len(p) for p in compiled) < 1000


def test_terminal_controls_are_hidden_and_restored_and_crlf_is_kept() -> None:
    # A redacted file is shared to be read: an escape sequence in it would retitle or clear
    # the reader's terminal when they `cat` it. Line ends are not controls.
    text = 'log \x1b]0;pwned\x07 then \x1b[2J\x9b6n and a \u202eevil\r\nnext line\rover\r\n'
    result = redact(text, kind="text")
    for control in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert control not in result.text
    assert result.text.count("\r\n") == 2 and "next line<CONTROL_" in result.text
    assert unredact(result.text, result.mapping) == text


def test_kubelet_log_lines_keep_their_source_files_and_api_groups() -> None:
    # klog prefixes name Go source files (`plugin.go:233]`) and the kubelet quotes API groups:
    # neither names a customer, and `explain` needs both after redaction.
    text = ("E0502 16:52:22.809788 6287 main.go:161] Error running credential provider "
            "plugin: group version credentialprovider.kubelet.k8s.io/v1 is not supported "
            "for 123456789012.dkr.ecr.eu-west-1.amazonaws.com at build.corp.internal")
    shared = redact(text, kind="text").text
    assert "main.go:161]" in shared and "credentialprovider.kubelet.k8s.io/v1" in shared
    assert "123456789012" not in shared and "corp.internal" not in shared
