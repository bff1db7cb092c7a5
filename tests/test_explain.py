"""`ecr-doctor explain`: signature recognition, ranking, and that no secret survives."""

from __future__ import annotations

import base64

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ecr_doctor.core.explain import (
    EXCERPT_LIMIT,
    Explanation,
    causes_catalogue,
    explain_error,
    redact_text,
    signature_ids,
)
from ecr_doctor.core.model import Finding, Location, Severity

HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com"

# (signature id, pasted text with surrounding noise, expected top cause)
CASES: list[tuple[str, str, str]] = [
    (
        "no-basic-auth",
        f"$ docker pull {HOST}/team/app:1.4\n"
        "Error response from daemon: Head "
        f'"https://{HOST}/v2/team/app/manifests/1.4": no basic auth credentials\n'
        "exit status 1\n",
        "ecr-helper-failed",
    ),
    (
        "token-expired",
        f"The push refers to repository [{HOST}/app]\n"
        "5f70bf18a086: Preparing\n"
        "denied: Your authorization token has expired. Reauthenticate and try again.\n",
        "stale-static-token",
    ),
    (
        "token-expired",
        "Pulling repository app\n"
        "Error response from daemon: Get https://x/v1/: denied: Your Authorization Token "
        "has expired. Please run 'aws ecr get-login --no-include-email' to fetch a new one.\n",
        "stale-static-token",
    ),
    (
        "helper-not-found",
        f"$ docker push {HOST}/app:latest\n"
        'error getting credentials - err: exec: "docker-credential-ecr-login": executable '
        "file not found in $PATH, out: ``\n",
        "helper-not-on-path",
    ),
    (
        "helper-not-found",
        "$ docker login -u me\nPassword:\n"
        "Error saving credentials: error storing credentials - err: exec: "
        '"docker-credential-desktop.exe": executable file not found in $PATH, out: ``\n',
        "desktop-store-leftover",
    ),
    (
        "helper-not-found",
        '#5 ERROR: failed to solve: error getting credentials - err: exec: "docker-credential-'
        'docker-credential-ecr-login": executable file not found in $PATH, out: ``\n',
        "helper-value-invalid",
    ),
    (
        "keychain-not-found",
        f"$ echo {HOST} | docker-credential-ecr-login get\n"
        "credentials not found in native keychain\n$ echo $?\n1\n",
        "ecr-helper-failed",
    ),
    (
        "store-not-implemented",
        f"$ aws ecr get-login-password | docker login --username AWS --password-stdin {HOST}\n"
        "Error saving credentials: error storing credentials - err: exit status 1, out: "
        "`not implemented`\n",
        "ecr-helper-cannot-store",
    ),
    (
        "store-not-implemented",
        "$ docker login docker.io -u me\n"
        "error saving credentials: error storing credentials - err: exit status 1, out: "
        "`not implemented`\n",
        "global-ecr-credsstore",
    ),
    (
        "no-such-manifest",
        f"$ docker manifest inspect {HOST}/app:1.0\nno such manifest: {HOST}/app:1.0\n",
        "stale-static-token",
    ),
    (
        "not-authorized-action",
        "An error occurred (AccessDeniedException) when calling the GetAuthorizationToken "
        "operation: User: arn:aws:iam::123456789012:user/ci is not authorized to perform: "
        "ecr:GetAuthorizationToken on resource: * because no identity-based policy allows "
        "the ecr:GetAuthorizationToken action\n",
        "iam-missing-action",
    ),
    (
        "not-authorized-action",
        f"Error response from daemon: pull access denied for {HOST}/app, repository does not "
        "exist or may require 'docker login': denied: User: arn:aws:sts::210987654321:"
        "assumed-role/ci/build is not authorized to perform: ecr:BatchGetImage on resource: "
        "arn:aws:ecr:us-east-1:123456789012:repository/app because no resource-based policy "
        "allows the ecr:BatchGetImage action\n",
        "cross-account-repo-policy",
    ),
    (
        "not-authorized-action",
        "denied: User: arn:aws:sts::123456789012:assumed-role/ci/b is not authorized to "
        "perform: ecr:PutImage on resource: arn:aws:ecr:us-east-1:123456789012:repository/app "
        "with an explicit deny in a service control policy\n",
        "explicit-deny",
    ),
    (
        "pull-access-denied",
        "Unable to find image 'myapp:latest' locally\n"
        "docker: Error response from daemon: pull access denied for myapp, repository does "
        "not exist or may require 'docker login': denied: requested access to the resource "
        "is denied.\nSee 'docker run --help'.\n",
        "not-an-ecr-reference",
    ),
    (
        "unauthorized",
        f"$ skopeo inspect docker://{HOST}/app:1\n"
        "FATA[0000] Error parsing image name: unauthorized: authentication required\n",
        # skopeo reads Docker's config but not its credsStore (containers/image), and that is
        # the cause its thread confirmed (tests/data/explain_corpus.yaml).
        "podman-creds-store-ignored",
    ),
    (
        "http-401",
        " > [internal] load metadata for docker.io/library/alpine:3.19:\n"
        "ERROR: failed to solve: failed to fetch anonymous token: unexpected status: "
        "401 Unauthorized\n",
        "no-helper-for-host",
    ),
    (
        "http-403",
        f"ERROR: failed to solve: {HOST}/base:1: unexpected status from HEAD request to "
        f"https://{HOST}/v2/base/manifests/1: 403 Forbidden\n",
        "stale-static-token",
    ),
    (
        "name-unknown",
        f"The push refers to repository [{HOST}/team/app]\n"
        "name unknown: The repository with name 'team/app' does not exist in the registry "
        "with id '123456789012'\n",
        "repo-does-not-exist",
    ),
    (
        "login-400",
        "$ aws ecr get-login-password --region eu-west-1 | docker login -u AWS "
        f"--password-stdin {HOST}\n"
        f"Error response from daemon: login attempt to https://{HOST}/v2/ failed with "
        "status: 400 Bad Request\n",
        "wrong-account-or-region-token",
    ),
    (
        "unknown-flag-e",
        "WARNING! Using -*-password via the CLI is insecure. Use --password-stdin.\n"
        "unknown shorthand flag: 'e' in -e\nSee 'docker login --help'.\n",
        "aws-cli-v1-get-login",
    ),
    (
        "cli-v2-get-login",
        "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n"
        "aws: error: argument operation: Invalid choice, valid choices are:\n\n"
        "batch-check-layer-availability | batch-delete-image\n"
        "get-login-password | get-authorization-token\n\n"
        "Invalid choice: 'get-login', maybe you meant:\n\n  * get-login-password\n",
        "aws-cli-v2-no-get-login",
    ),
    (
        "config-parse-error",
        "WARNING: Error parsing config file (/home/ci/.docker/config.json): unexpected EOF\n"
        "Using default tag: latest\n",
        "config-unparseable",
    ),
    (
        "config-parse-error",
        "WARNING: Error loading config file: /home/me/.docker/config.json/config.json: open "
        "/home/me/.docker/config.json/config.json: not a directory\n",
        "docker-config-is-file",
    ),
    (
        "helper-exit-status",
        "Error response from daemon: Get "
        f'"https://{HOST}/v2/": error getting credentials - err: exit status 2, out: ``\n',
        "helper-crashed",
    ),
    (
        "unencrypted-warning",
        f"$ docker login --username AWS --password-stdin {HOST}\n"
        "WARNING! Your credentials are stored unencrypted in '/home/me/.docker/config.json'.\n"
        "Configure a credential helper to remove this warning. See\n"
        "https://docs.docker.com/go/credential-store/\n\nLogin Succeeded\n",
        "static-token-written",
    ),
    (
        "ecr-api-network",
        'time=2024-05-01T10:00:00Z level=error msg="Error retrieving credentials" '
        'error="operation error ECR: GetAuthorizationToken, https response error '
        "StatusCode: 0, RequestID: , request send failed, Post "
        '\\"https://api.ecr.us-east-1.amazonaws.com/\\": dial tcp: lookup '
        'api.ecr.us-east-1.amazonaws.com on 127.0.0.53:53: no such host"\n',
        "network-to-ecr-api",
    ),
    (
        "sso-expired",
        "$ aws ecr get-login-password --profile dev\n\n"
        "The SSO session associated with this profile has expired or is otherwise invalid. "
        "To refresh this SSO session run aws sso login with the corresponding profile.\n",
        "sso-expired",
    ),
    (
        "aws-expired-token",
        "An error occurred (ExpiredTokenException) when calling the GetAuthorizationToken "
        "operation: The security token included in the request is expired\n",
        "expired-aws-session",
    ),
    (
        "helper-non-json",
        f"$ skopeo inspect docker://{HOST}/app\n"
        "FATA[0000] Error parsing image name: getting username and password: 1 error "
        "occurred:\n\t* reading JSON: invalid character 'o' looking for beginning of value\n",
        "helper-non-json-output",
    ),
    (
        "resource-denied",
        "The push refers to repository [docker.io/library/app]\n"
        "denied: requested access to the resource is denied\n",
        "not-an-ecr-reference",
    ),
]


def _finding(rule_id: str) -> Finding:
    return Finding(rule_id=rule_id, severity=Severity.HIGH, message="m", location=Location("x"))


# The messages only one runtime prints (core/explain/runtime_signatures.py).
CASES += [
    ('sandbox-image',
     'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox image "602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/pause:3.5": failed to pull image: 401 Unauthorized',
     'pause-image-no-credentials'),
    ('provider-exec-failed',
     'E0415 17:54:20.388462 20666 plugin.go:233] Failed getting credential from external registry credential provider: error execing credential provider plugin ecr-credential-provider for image 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app: exit status 1',
     'provider-apiversion-wrong'),
    ('provider-version-unsupported',
     'E0502 16:52:22.809788 6287 main.go:161] Error running credential provider plugin: group version credentialprovider.kubelet.k8s.io/v1 is not supported',
     'provider-apiversion-wrong'),
    ('helper-got-provider-request',
     'level=error msg="Error parsing the serverURL" error="parse \\"https://{\\\\\\"kind\\\\\\":\\\\\\"CredentialProviderRequest\\\\\\"}\\": invalid port"',
     'docker-helper-as-kubelet-provider'),
    ('no-credential-provider',
     'kubelet: no credential provider plugin matched image 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app',
     'k8s-in-tree-provider-removed'),
    ('ecs-resource-init',
     'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request failed caused by: Post "https://api.ecr.us-east-1.amazonaws.com/": dial tcp 10.0.0.1:443: i/o timeout',
     'ecs-no-network-path'),
    ('ecs-cannot-pull',
     'CannotPullContainerError: inspect image has been retried 1 time(s): failed to resolve ref 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1: unexpected status code [manifests 1]: 403 Forbidden',
     'ecs-execution-role-no-ecr'),
    ('lambda-media-type',
     'The image manifest, config or layer media type for the source image 123456789012.dkr.ecr.eu-west-1.amazonaws.com/fn:latest is not supported. (Service: Lambda, Status Code: 400)',
     'lambda-oci-index-unsupported'),
    ('lambda-source-image',
     'Source image 123456789012.dkr.ecr.eu-west-1.amazonaws.com/fn:latest does not exist. Provide a valid source image.',
     'lambda-tag-missing'),
    ('lambda-same-account',
     'An error occurred (InvalidParameterValueException) when calling the CreateFunction operation: Image repository must be in the same account as the caller',
     'lambda-cross-account-or-region'),
    ('public-rate-limit',
     'Error response from daemon: toomanyrequests: Rate exceeded',
     'ecr-public-rate-limit'),
    ('public-not-authorized',
     'Error response from daemon: Get https://public.ecr.aws/v2/: denied: Not Authorized',
     'ecr-public-login-region'),
    ('cli-unknown-command',
     'usage: aws [options] <command> <subcommand> [parameters]\naws: error: argument command: Invalid choice, valid choices are:',
     'aws-cli-too-old'),
    ('region-format',
     "Provided region_name 'AWS_REGION' doesn't match a supported format.",
     'invalid-region-config'),
    ('keychain-interaction',
     'Error saving credentials: error storing credentials - err: exit status 1, out: `User interaction is not allowed. (-25308)`',
     'osxkeychain-locked'),
    ('wincred-bad-data',
     'Error saving credentials: error storing credentials - err: exit status 1, out: The stub received bad data.',
     'wincred-stub-bad-data'),
    ('pass-not-initialised',
     'error getting credentials - err: exit status 1, out: `pass not initialized: exit status 1: Error: password store is empty. Try "pass init".`',
     'pass-not-initialised'),
    ('unexpected-status',
     'ERROR: failed to solve: public.ecr.aws/docker/library/golang:1.24: unexpected status from HEAD request to https://public.ecr.aws/v2/docker/library/golang/manifests/1.24: 403 Forbidden',
     'ecr-public-stale-token'),
    ('swarm-no-digest',
     'image 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1 could not be accessed on a registry to record its digest. Each node will access 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1 independently',
     'swarm-without-registry-auth'),
]


@pytest.mark.parametrize(("sig_id", "text", "top"), CASES)
def test_signature_gives_expected_top_cause(sig_id: str, text: str, top: str) -> None:
    explanation = explain_error(text)
    assert sig_id in {s.id for s in explanation.signatures}
    assert explanation.causes[0].id == top, [c.id for c in explanation.causes[:4]]
    assert not explanation.is_empty()


def test_every_signature_has_a_case() -> None:
    assert {case[0] for case in CASES} >= set(signature_ids()) - {"manifest-unknown"}


def test_catalogue_is_consistent() -> None:
    ids = [c.id for c in causes_catalogue()]
    assert len(ids) == len(set(ids))
    rules = {r for c in causes_catalogue() for r in c.rule_ids}
    assert rules >= {f"CFG{n:03d}" for n in range(1, 13)} | {f"ENV{n:03d}" for n in range(1, 9)}
    assert len(signature_ids()) == len(set(signature_ids()))


def test_causes_are_ranked_and_deduplicated() -> None:
    text = (
        "Error response from daemon: pull access denied for "
        f"{HOST}/app, repository does not exist or may require 'docker login': denied: "
        "Your authorization token has expired. Reauthenticate and try again.\n"
    )
    explanation = explain_error(text)
    assert [s.id for s in explanation.signatures] == ["pull-access-denied", "token-expired"]
    ids = [c.id for c in explanation.causes]
    assert len(ids) == len(set(ids))
    assert ids[0] == "stale-static-token"
    scores = [c.score for c in explanation.causes]
    assert scores == sorted(scores, reverse=True)


def test_seen_here_ranks_above_everything_else() -> None:
    text = "Error response from daemon: no basic auth credentials"
    plain = explain_error(text)
    assert plain.causes[0].id == "ecr-helper-failed"
    ranked = explain_error(text, [_finding("CFG006"), _finding("XYZ999")])
    assert ranked.causes[0].id == "misspelt-key"
    assert ranked.causes[0].seen_here
    assert all(not c.seen_here for c in ranked.causes[1:])
    # Ranking keeps scores; it only moves seen causes first.
    assert ranked.causes[0].score == next(c.score for c in plain.causes if c.id == "misspelt-key")


def test_several_seen_causes_keep_score_order() -> None:
    text = "no basic auth credentials"
    ranked = explain_error(text, [_finding("CFG003"), _finding("ENV001"), _finding("CFG002")])
    seen = [c.id for c in ranked.causes if c.seen_here]
    assert seen == ["no-helper-for-host", "helper-not-on-path", "helper-key-mismatch"]
    assert [c.id for c in ranked.causes[:3]] == seen


def test_wrapped_and_lowercase_variants() -> None:
    wrapped = "error response from daemon: no basic au\nth credentials"
    assert [s.id for s in explain_error(wrapped).signatures] == ["no-basic-auth"]
    v29 = (
        "error saving credentials: error storing credentials - err: exit status 1, out:\n"
        "   `not implemented`"
    )
    assert explain_error(v29).signatures[0].id == "store-not-implemented"
    upper = "DENIED: YOUR AUTHORIZATION TOKEN HAS EXPIRED."
    assert explain_error(upper).signatures[0].id == "token-expired"


def test_helper_name_and_action_are_extracted() -> None:
    e = explain_error(
        'error getting credentials - err: exec: "docker-credential-ecr_login": executable '
        "file not found in $PATH, out: ``"
    )
    assert "docker-credential-ecr_login" in e.signatures[0].label
    assert e.causes[0].id == "helper-value-invalid"
    on_path = next(c for c in e.causes if c.id == "helper-not-on-path")
    assert "command -v docker-credential-ecr_login" in on_path.check

    e = explain_error(
        "is not authorized to perform: ecr:InitiateLayerUpload on resource: "
        "arn:aws:ecr:us-east-1:123456789012:repository/app"
    )
    assert e.signatures[0].label.endswith("ecr:InitiateLayerUpload")
    iam = next(c for c in e.causes if c.id == "iam-missing-action")
    assert "--action-names ecr:InitiateLayerUpload" in iam.check


def test_unknown_action_is_not_echoed() -> None:
    e = explain_error("is not authorized to perform: ecr:Zq9xSecretishThing on resource: *")
    # Only the redacted excerpt may show it; label and checks never echo unknown names.
    assert "Zq9xSecretishThing" not in e.signatures[0].label
    assert "Zq9xSecretishThing" not in repr(e.causes)


def test_bom_invalid_character_points_at_config() -> None:
    e = explain_error(
        "WARNING: Error parsing config file (/root/.docker/config.json): invalid character "
        "'ï' looking for beginning of value"
    )
    assert e.causes[0].id == "config-unparseable"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n",
        "Successfully built 3f2a1b\nSuccessfully tagged app:latest",
        "Traceback (most recent call last):\n  File 'x.py', line 1\nZeroDivisionError",
    ],
)
def test_unrecognised_text_is_empty(text: str) -> None:
    e = explain_error(text)
    assert e == Explanation(signatures=(), causes=())
    assert e.is_empty()


def test_excerpt_is_short_and_redacted() -> None:
    token = base64.b64encode(b"AWS:" + b"x" * 300).decode()
    text = (
        f"docker login -u AWS -p {token} -e none https://{HOST} && docker pull {HOST}/a "
        + "y " * 200
        + "unknown shorthand flag: 'e' in -e "
        + "z " * 200
    )
    e = explain_error(text)
    excerpt = e.signatures[0].excerpt
    assert len(excerpt) <= EXCERPT_LIMIT + 2
    assert "unknown shorthand flag" in excerpt
    assert token[:20] not in repr(e)


@pytest.mark.parametrize(
    ("raw", "secret"),
    [
        ("docker login -u AWS -p hunter2hunter2 host", "hunter2hunter2"),
        ("docker login --password=s3cr3tvalue host", "s3cr3tvalue"),
        ("docker login --password 's3cr et' host", "s3cr et"),
        ("Authorization: Basic QVdTOmFiYw== next", "QVdTOmFiYw=="),
        ('{"auths":{"h":{"auth":"dXNlcjpwYXNz"}}}', "dXNlcjpwYXNz"),
        ("key AKIAIOSFODNN7EXAMPLE used", "AKIAIOSFODNN7EXAMPLE"),
        ("https://user:pa55word@registry.example/v2/", "pa55word"),
        ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG", "wJalrXUtnFEMI/K7MDENG"),
    ],
)
def test_redact_text(raw: str, secret: str) -> None:
    assert secret not in redact_text(raw)
    assert "…" in redact_text(raw)


def test_redaction_keeps_ordinary_words() -> None:
    text = (
        "--password-stdin docker-credential-ecr-login AWS_ECR_IGNORE_CREDS_STORAGE "
        "ecr:BatchGetImage us-east-1 no basic auth credentials"
    )
    assert redact_text(text) == text


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_TOKEN_CHARS = _B64 + "-_.~!@#%^*"
_ERRORS = [
    "no basic auth credentials",
    "denied: Your authorization token has expired. Reauthenticate and try again.",
    "unknown shorthand flag: 'e' in -e",
    "Error saving credentials: error storing credentials - err: exit status 1, out: "
    "`not implemented`",
    f"login attempt to https://{HOST}/v2/ failed with status: 400 Bad Request",
    "unauthorized: authentication required",
]
# Disjoint from the secret alphabets, so the secret only occurs where it was planted.
_noise = st.text(alphabet=" :;,()[]<>|\n\t", max_size=80)


@st.composite
def _planted(draw: st.DrawFn) -> tuple[str, str]:
    kind = draw(st.sampled_from(["-p", "--password", "akia", "asia", "b64"]))
    if kind in {"-p", "--password"}:
        secret = draw(st.text(alphabet=_TOKEN_CHARS, min_size=12, max_size=120))
        planted = f"docker login -u AWS {kind} {secret} {HOST}"
    elif kind in {"akia", "asia"}:
        body = draw(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", min_size=16, max_size=16))
        secret = kind.upper() + body
        planted = f"using key {secret} for"
    else:
        secret = draw(st.text(alphabet=_B64, min_size=20, max_size=400))
        planted = f"auth {secret} seen"
    error = draw(st.sampled_from(_ERRORS))
    before, between, after = draw(_noise), draw(st.sampled_from([" ", ": ", "\n"])), draw(_noise)
    if draw(st.booleans()):
        text = f"{before}{planted}{between}{error}{after}"
    else:
        text = f"{before}{error}{between}{planted}{after}"
    return text, secret


@settings(max_examples=300, deadline=None)
@given(_planted())
def test_planted_secret_never_appears(case: tuple[str, str]) -> None:
    text, secret = case
    explanation = explain_error(text, [_finding("CFG001")])
    assert not explanation.is_empty()
    # A "secret" that is itself a word of the catalogue (e.g. "stale-static") proves nothing.
    assume(secret not in repr(causes_catalogue()))
    assert secret not in repr(explanation)
    for sig in explanation.signatures:
        assert len(sig.excerpt) <= EXCERPT_LIMIT + 2


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=_B64, min_size=20, max_size=300), st.integers(1, 60))
def test_wrapped_secret_never_appears(secret: str, width: int) -> None:
    # A terminal hard-wraps a long token; the pieces must not survive either joined or split.
    wrapped = "\n".join(secret[i : i + width] for i in range(0, len(secret), width))
    text = f"docker login -u AWS -p {wrapped} {HOST}\nno basic auth\ncredentials\n"
    explanation = explain_error(text)
    assert secret not in repr(explanation)
    assert secret not in repr(explanation).replace(" ", "").replace("\\n", "")


# Hostile shapes: each made explain quadratic before (a 10 MB CI log took 108 s, 400,000
# blanks several minutes); no timing assertion, a regression shows as a hang.
_NO_BASIC_AUTH = ('Error response from daemon: Get "https://123456789012.dkr.ecr.us-east-1'
                  '.amazonaws.com/v2/": no basic auth credentials')


@pytest.mark.parametrize("filler", [" ", "\t", "\n", " \n", "\r"],
                         ids=["spaces", "tabs", "blank-lines", "blank-lines-with-spaces", "cr"])
def test_a_paste_padded_with_blanks_is_still_explained(filler: str) -> None:
    pad = filler * 200_000
    explanation = explain_error(pad + _NO_BASIC_AUTH + pad)
    assert [s.id for s in explanation.signatures] == ["no-basic-auth"]


def test_a_long_log_of_unremarkable_lines_finds_its_one_error() -> None:
    # A build log's lines say nothing worth matching; they are blanked, which left a long run
    # of empty lines that `^\s*` patterns (multiline) crossed from every line start.
    lines = [f"#12 [build 3/7] RUN pip install package-{i} && echo done" for i in range(120_000)]
    lines.insert(60_000, _NO_BASIC_AUTH)
    (signature,) = explain_error("\n".join(lines)).signatures
    assert signature.id == "no-basic-auth" and signature.line == 60_001
