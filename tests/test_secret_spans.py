"""core.secrets.find_secret_spans / mask: the one detector every masker uses.

A table of every form (and of the look-alikes that must stay readable), then a property: a
random token planted in any form never survives masking, by the detector or by any of the
maskers built on it (explain, forensics, the fixer's diff, redact).
"""

from __future__ import annotations

import pytest
from conftest import NOW
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ecr_doctor.core.explain import redact_text
from ecr_doctor.core.fixer import mask_secrets
from ecr_doctor.core.forensics import redact_log_text
from ecr_doctor.core.model import Severity
from ecr_doctor.core.redaction import redact
from ecr_doctor.core.secrets import (
    ECR_AUTH_PREFIX,
    ECR_PASSWORD_PREFIX,
    SecretSpan,
    find_secret_spans,
    mask,
)
from ecr_doctor.scan.files import scan_bytes

TOKEN = "s3cr3tV4lue"
ECR_AUTH = ECR_AUTH_PREFIX + "Sm9pbnRseUFsbFRoZVdheURvd25Ub1RoZVNlYQ" * 3
ECR_PASSWORD = ECR_PASSWORD_PREFIX + "IjoiQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB" * 3

# (text with {} where the secret goes, the form that must report it)
FORMS = [
    ("docker login -u AWS -p {} registry.example.com", "password-arg"),
    ("docker login -u AWS --password {} registry.example.com", "password-arg"),
    ("docker login -u AWS --password={} registry.example.com", "password-arg"),
    ("docker login -u AWS --password = {} h", "password-arg"),
    ('docker login -u AWS -p "{}" h', "password-arg"),
    ("docker login -u AWS --password '{}' h", "password-arg"),
    ('"run": "docker login -p {}",', "password-arg"),
    ("mysql -u root -p{} db", "password-arg"),
    ("echo {} | docker login -u AWS --password-stdin h", "stdin-echo"),
    ('echo -n "{}" | sudo docker login --username AWS --password-stdin h', "stdin-echo"),
    ("printf '%s' {} | docker login -u AWS --password-stdin h", "stdin-echo"),
    ('printf "%s\\n" \'{}\' | podman login --password-stdin h', "stdin-echo"),
    ("docker login -u AWS --password-stdin h <<< {}", "stdin-echo"),
    ("HTTPS_PROXY=https://bob:{}@proxy.example.com:3128", "url-password"),
    ("Authorization: Basic {}", "header"),
    ("authorization: bearer {}", "header"),
    ("Proxy-Authorization: Bearer {}", "header"),
    ("Cookie: {}", "header"),
    ("PRIVATE-TOKEN: {}", "header"),
    ("X-Api-Key: {}", "header"),
    ('"X-Registry-Auth": "{}"', "header"),
    ("the header was Bearer {}", "auth-scheme"),
    ('{{"auths": {{"h": {{"auth": "{}"}}}}}}', "json-key"),
    ('{{"password": "{}"}}', "json-key"),
    ('{{"Secret": "{}"}}', "json-key"),
    ('{{"identitytoken": "{}"}}', "json-key"),
    ('{{"registrytoken": "{}"}}', "json-key"),
    ('{{"authorizationToken": "{}"}}', "json-key"),
    ("aws_secret_access_key = {}", "assignment"),
    ("AWS_SECRET_ACCESS_KEY={}", "assignment"),
    ('export AWS_SESSION_TOKEN="{}"', "assignment"),
    ("aws_security_token: {}", "assignment"),
    ("  password: '{}'", "assignment"),
    ("token:\npassword: {}", "assignment"),
    ("https://registry.example.com/v2/token?token={}&service=x", "assignment"),
    ("GET /?X-Amz-Signature={}&X-Amz-Date=1", "header"),
]


@pytest.mark.parametrize(("template", "kind"), FORMS)
def test_each_form_is_found_exactly(template: str, kind: str) -> None:
    text = template.format(TOKEN)
    start = text.index(TOKEN)
    assert SecretSpan(start, start + len(TOKEN), kind) in find_secret_spans(text)
    assert mask(text, "#") == template.format("#")


@pytest.mark.parametrize(("text", "secret", "kind"), [
    (f"cat config.json: auth {ECR_AUTH} (that is AWS:...)", ECR_AUTH, "ecr-auth"),
    (f"docker login -u AWS -p {ECR_PASSWORD} h", ECR_PASSWORD, "ecr-password"),
    ("key AKIAIOSFODNN7EXAMPLE used", "AKIAIOSFODNN7EXAMPLE", "access-key-id"),
    ("temporary ASIAIOSFODNN7EXAMPLE", "ASIAIOSFODNN7EXAMPLE", "access-key-id"),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
     "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----", "private-key"),
    # A port mapping is a password on a login line.
    ("docker login -u AWS -p 8080:80 h", "8080:80", "password-arg"),
    # A bare number after -p outside `docker run` may well be one (sshpass -p 1234).
    ("sshpass -p 123456 ssh host", "123456", "password-arg"),
])
def test_token_shapes(text: str, secret: str, kind: str) -> None:
    assert kind in {s.kind for s in find_secret_spans(text) if text[s.start:s.end] == secret}
    assert secret not in mask(text)


@pytest.mark.parametrize("text", [
    "docker login -u AWS --password-stdin registry.example.com",
    "aws ecr get-login-password | docker login --username AWS --password-stdin h",
    # `docker run -p` publishes a port: not a password (a mapping, off a login line).
    "docker run -d -p 8080:80 nginx",
    "docker run -p 127.0.0.1:5000:5000/tcp -p [::1]:53:53/udp registry:2",
    "podman run -p 8000-8010:8000-8010 app",
    "no basic auth credentials",
    "denied: Your authorization token has expired. Reauthenticate and try again.",
    "ecr:GetAuthorizationToken because no policy allows it",
    "docker-credential-ecr-login AWS_ECR_IGNORE_CREDS_STORAGE us-east-1",
    "echo hello | docker login -u AWS h",
    "https://registry.example.com:5000/v2/",
    '{"auths": {"h": {"auth": ""}}}',
    # Docker's own warning, and compiler / find flags that start with -p.
    "WARNING! Using --password via the CLI is insecure. Use --password-stdin.",
    "WARNING! Using -*-password via the CLI is insecure. Use --password-stdin.",
    "cc -pthread -o app main.c && find . -print -prune",
])
def test_look_alikes_stay_readable(text: str) -> None:
    assert find_secret_spans(text) == []
    assert mask(text) == text


def test_overlapping_forms_merge_when_masked() -> None:
    text = f'docker login -u AWS -p "{ECR_PASSWORD}" h && token=password: {TOKEN}'
    kinds = {s.kind for s in find_secret_spans(text)}
    assert {"ecr-password", "password-arg", "assignment"} <= kinds
    masked = mask(text, lambda span, value: f"<{span.kind}:{len(value)}>")
    assert masked == (f'docker login -u AWS -p "<ecr-password:{len(ECR_PASSWORD)}>" h && '
                      f"token=password: <assignment:{len(TOKEN)}>")


@pytest.mark.parametrize(("value", "placeholder"), [
    ("$TOKEN", True), ('"$TOKEN"', True), ("${{ secrets.ECR_PASSWORD }}", True),
    ("$(aws ecr get-login-password)", True), ("%PASSWORD%", True), (TOKEN, False),
])
def test_placeholders(value: str, placeholder: bool) -> None:
    from ecr_doctor.core.placeholders import not_a_value

    assert (not_a_value(value) == "a reference") is placeholder


@pytest.mark.parametrize("line", [
    "docker login -u AWS -p $ECR_PASSWORD h",
    'docker login -u AWS -p "${{ secrets.ECR_PASSWORD }}" h',
    "docker login -u AWS --password=$(cat /run/secrets/pw) h",
])
def test_scan_does_not_take_a_placeholder_for_a_literal(line: str) -> None:
    # Masking hides the reference (harmless); scan reports it as a variable, not a leak.
    (finding,) = scan_bytes("login.sh", (line + "\n").encode(), yaml_loader=None, now=NOW)
    assert finding.rule_id == "SCN005" and finding.severity is Severity.MEDIUM
    assert "literal" not in finding.message


def test_scan_takes_a_quoted_literal_whole() -> None:
    (finding,) = scan_bytes("login.sh", b'docker login -u bob -p "two words" h\n',
                            yaml_loader=None, now=NOW)
    assert finding.severity is Severity.HIGH and "two words" not in repr(finding)


# --- property: a planted token never survives -------------------------------------------------

# Token characters (RFC 7235 token68 less `-` and `/`, which flags and URLs give a meaning):
# one value in every form above; 10+ characters, so never a word of any placeholder.
_TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+._~"
tokens = st.text(alphabet=_TOKEN_ALPHABET, min_size=10, max_size=80)
MASKERS = {
    "mask": mask,
    "explain": redact_text,
    "forensics": redact_log_text,
    "fixer": mask_secrets,
    "redact": lambda text: redact(text, kind="text").text,
}


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(FORMS), tokens, st.sampled_from(sorted(MASKERS)),
       st.sampled_from(["", "log: ", "\n", "x && "]), st.sampled_from(["", " ok", "\nnext"]))
def test_a_planted_token_never_survives(form: tuple[str, str], token: str, masker: str,
                                         before: str, after: str) -> None:
    # A token that is a piece of the text around it (`AWS_SESSIO`) proves nothing.
    assume(token not in before + form[0].format("") + after)
    text = before + form[0].format(token) + after
    assert token not in MASKERS[masker](text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
               min_size=20, max_size=300), st.sampled_from(sorted(MASKERS)),
       st.sampled_from([ECR_AUTH_PREFIX, ECR_PASSWORD_PREFIX]))
def test_a_planted_ecr_token_never_survives(body: str, masker: str, prefix: str) -> None:
    token = prefix + body
    assert token not in MASKERS[masker](f"found {token} in the cache")


@pytest.mark.parametrize("unit", [
    "token=", "cookie:", "password:\n", "--password-stdin ", "-p 1:1 ", '-p "', '"auth": "',
    "-----BEGIN PRIVATE KEY-----", "echo a | ", "://a:", "Bearer ",
])
def test_a_line_of_one_form_repeated_is_answered(unit: str) -> None:
    # Pastes reach 400 KB; every form must fail or match without rescanning to the line's end
    # from each repetition. How the time grows with the line is measured by
    # benchmarks/secret_spans.py (no timing assertions here); this pins that the answer is sane.
    text = unit * (200_000 // len(unit))
    spans = find_secret_spans(text)
    assert all(0 <= s.start < s.end <= len(text) for s in spans)
    assert spans == sorted(spans, key=lambda s: (s.start, -s.end))
