from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecr_doctor.core.secrets import Secret
from ecr_doctor.core.tokens import (
    ECR_TOKEN_LIFETIME,
    AuthDecodeError,
    BasicAuth,
    EcrToken,
    decode_auth,
    decode_ecr_password,
    expiry_status,
    looks_like_ecr_auth,
    make_ecr_auth,
    make_ecr_password,
)

NOW = datetime(2026, 11, 26, 10, 58, tzinfo=UTC)


def b64(text: str | bytes) -> str:
    raw = text.encode() if isinstance(text, str) else text
    return base64.b64encode(raw).decode("ascii")


# --- decode_auth: docker/cli decodeAuth semantics ----------------------------------------------


def test_round_trip_simple() -> None:
    auth = decode_auth(b64("alice:s3cret"))
    assert auth == BasicAuth(username="alice", password=Secret("s3cret"))
    assert auth.password.reveal() == "s3cret"


def test_splits_on_first_colon_only() -> None:
    auth = decode_auth(b64("user:pa:ss:word"))
    assert auth.username == "user"
    assert auth.password.reveal() == "pa:ss:word"


def test_empty_password_is_allowed() -> None:
    auth = decode_auth(b64("user:"))
    assert auth.username == "user"
    assert auth.password.reveal() == ""


def test_empty_value_means_no_credentials() -> None:
    # decodeAuth returns ("", "", nil) for an empty string.
    auth = decode_auth("")
    assert auth.username == ""
    assert not auth.password


def test_nul_bytes_trimmed_from_password() -> None:
    auth = decode_auth(b64(b"user:\x00pw\x00\x00"))
    assert auth.password.reveal() == "pw"


def test_no_colon() -> None:
    with pytest.raises(AuthDecodeError) as info:
        decode_auth(b64("justoneword"))
    assert str(info.value) == (
        "invalid auth configuration file (the decoded value has no ':' separator)"
    )
    assert info.value.offset is None


def test_empty_username() -> None:
    with pytest.raises(AuthDecodeError, match="username is empty"):
        decode_auth(b64(":password"))


@pytest.mark.parametrize(
    ("value", "offset"),
    [
        ("YWxpY2U6cHc", 8),  # padding stripped: Go's StdEncoding requires it
        ("YWxpY2U6cHc=" + "=", 12),  # one pad too many is trailing garbage
        ("YWxpY2U6!HA=", 8),
        ("YW xpY2U6cHc=", 2),  # spaces are not skipped, only CR and LF
        ("Q===", 1),
        ("QQ=", 3),  # "==" expected, input ended
        ("QQ==QQ==", 4),  # data after padding
        ("YWxpY2U6cHc=\x00", 12),
    ],
)
def test_go_base64_strictness(value: str, offset: int) -> None:
    with pytest.raises(AuthDecodeError) as info:
        decode_auth(value)
    assert info.value.offset == offset
    assert str(info.value) == f"illegal base64 data at input byte {offset}"


def test_url_safe_alphabet_rejected() -> None:
    encoded = base64.urlsafe_b64encode(b"user:\xfb\xff").decode()
    assert "-" in encoded or "_" in encoded
    with pytest.raises(AuthDecodeError, match="illegal base64 data"):
        decode_auth(encoded)


@pytest.mark.parametrize(
    "value",
    [
        "YWxp\nY2U6cHc=",
        "YWxpY2U6cHc=\n",
        "\r\nYWxpY2U6\r\ncHc=\r\n",
        # Go skips newlines even between the two pad characters.
        b64("alice:p").replace("==", "=\n="),
    ],
)
def test_go_base64_skips_newlines(value: str) -> None:
    auth = decode_auth(value)
    assert auth.username == "alice"
    assert auth.password.reveal() in ("pw", "p")


def test_non_zero_trailing_bits_accepted() -> None:
    # StdEncoding is not Strict(): "QR==" decodes to "A" like "QQ==" does.
    assert b64("u:AA") == "dTpBQQ=="
    assert decode_auth("dTpBQR==").password.reveal() == "AA"


def test_non_utf8_password_bytes_survive() -> None:
    auth = decode_auth(b64(b"user:\xff\xfe"))
    assert auth.password.reveal().encode("utf-8", "surrogateescape") == b"\xff\xfe"


def test_non_ascii_input_offset_counts_bytes() -> None:
    with pytest.raises(AuthDecodeError) as info:
        decode_auth("ab\u00e9c")
    assert info.value.offset == 2


# --- Secrets never leak -------------------------------------------------------------------------

# The trailing "\u00a7" appears in no message, class name or fingerprint, so a hit can only be a
# leak; without it Hypothesis mines string literals and "finds" secrets like "AuthDecodeEr".
SECRET_TEXT = st.text(
    alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FFF, exclude_characters=":\u00a7"),
    min_size=8,
    max_size=80,
).map(lambda core: core + "\u00a7")


def _visible(*objects: object) -> str:
    return "\n".join(f"{o}|{o!r}|{o!s:>5}" for o in objects)


@given(secret=SECRET_TEXT, username=st.sampled_from(["AWS", "alice", "x"]))
def test_decoded_auth_never_shows_password(secret: str, username: str) -> None:
    auth = decode_auth(b64(f"{username}:{secret}"))
    assert auth.password.reveal() == secret
    assert secret not in _visible(auth, auth.password)


@given(secret=SECRET_TEXT)
def test_errors_never_show_value(secret: str) -> None:
    attempts = [
        b64(secret),  # no ':'
        b64(":" + secret),  # empty username
        b64(secret)[:-1],  # broken padding
        b64(secret) + "!",
        secret,  # not base64 at all (or, rarely, base64 of garbage)
    ]
    for value in attempts:
        try:
            result = decode_auth(value)
        except AuthDecodeError as exc:
            shown = _visible(exc, exc.args, exc.message)
            assert secret not in shown
            assert value not in shown
        else:
            assert secret not in _visible(result, result.password)


@given(secret=SECRET_TEXT)
def test_ecr_decoding_never_shows_or_raises(secret: str) -> None:
    for candidate in (secret, b64(secret), b64(json.dumps({"payload": secret, "datakey": secret}))):
        token = decode_ecr_password(Secret(candidate))
        assert secret not in _visible(token)
        assert candidate not in _visible(token)


@given(seed=st.integers(min_value=0, max_value=2**32))
def test_synthetic_auth_never_shown(seed: int) -> None:
    auth_value = make_ecr_auth(NOW, seed=seed)
    auth = decode_auth(auth_value)
    token = decode_ecr_password(auth.password)
    status = expiry_status(token.expires_at if token else None, NOW)
    shown = _visible(auth, token, status, status.describe())
    assert auth.password.reveal() not in shown
    assert auth_value not in shown


# --- ECR passwords ------------------------------------------------------------------------------


def test_synthetic_round_trip() -> None:
    expires = NOW + timedelta(hours=12)
    auth = decode_auth(make_ecr_auth(expires, seed=7))
    assert auth.username == "AWS"
    assert auth.password.reveal() == make_ecr_password(expires, seed=7)
    assert looks_like_ecr_auth(auth)
    assert decode_ecr_password(auth.password) == EcrToken(
        expires_at=expires, version="2", token_type="DATA_KEY"
    )


def test_synthetic_tokens_look_real_and_are_deterministic() -> None:
    auth_value = make_ecr_auth(NOW, seed=3)
    # base64 of 'AWS:eyJwYXlsb2Fk', the prefix reported for real ECR logins.
    assert auth_value.startswith("QVdTOmV5SndZWGxzYjJGa")
    assert auth_value == make_ecr_auth(NOW, seed=3)
    assert auth_value != make_ecr_auth(NOW, seed=4)
    body = json.loads(base64.b64decode(make_ecr_password(NOW, seed=3)))
    assert list(body) == ["payload", "datakey", "version", "type", "expiration"]
    assert body["expiration"] == int(NOW.timestamp())
    base64.b64decode(body["payload"], validate=True)
    base64.b64decode(body["datakey"], validate=True)
    assert len(auth_value) > 2000


def test_synthetic_naive_expiry_treated_as_utc() -> None:
    naive = datetime(2026, 1, 1, 12, 0)
    token = decode_ecr_password(Secret(make_ecr_password(naive)))
    assert token is not None
    assert token.expires_at == naive.replace(tzinfo=UTC)


def test_expiry_converted_to_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    local = datetime(2026, 1, 1, 14, 0, tzinfo=plus_two)
    token = decode_ecr_password(Secret(make_ecr_password(local)))
    assert token is not None and token.expires_at is not None
    assert token.expires_at.tzinfo is UTC
    assert token.expires_at == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "password",
    [
        "",
        "hunter2",
        "not base64 !!!",
        b64("plain text"),
        b64("[1, 2, 3]"),
        b64('{"payload": "x"}'),  # no datakey
        b64('{"payload": 1, "datakey": "y"}'),
        b64('{"payload": "x", "datakey": "y"'),  # truncated JSON
        b64(b'{"payload": "\xff"}'),
        b64("{" * 5000),
        "eyJ" * 30000,  # oversized
    ],
)
def test_not_an_ecr_password(password: str) -> None:
    assert decode_ecr_password(Secret(password)) is None
    assert not looks_like_ecr_auth(BasicAuth(username="AWS", password=Secret(password)))


@pytest.mark.parametrize(
    ("expiration", "expected"),
    [
        (1_800_000_000, datetime.fromtimestamp(1_800_000_000, UTC)),
        (1_800_000_000.5, datetime.fromtimestamp(1_800_000_000.5, UTC)),
        ("1800000000", datetime.fromtimestamp(1_800_000_000, UTC)),
        (True, None),
        (None, None),
        ("soon", None),
        (10**30, None),
        ([1], None),
    ],
)
def test_expiration_field_best_effort(expiration: object, expected: datetime | None) -> None:
    body = {"payload": "p", "datakey": "d", "version": 2, "expiration": expiration}
    token = decode_ecr_password(Secret(b64(json.dumps(body))))
    assert token is not None
    assert token.expires_at == expected
    assert token.version == "2"
    assert token.token_type is None


def test_unpadded_and_urlsafe_password_still_recognised() -> None:
    password = make_ecr_password(NOW).rstrip("=")
    assert decode_ecr_password(Secret(password)) is not None
    assert decode_ecr_password(Secret(password.replace("+", "-").replace("/", "_"))) is not None


def test_looks_like_ecr_auth_needs_aws_user() -> None:
    password = Secret(make_ecr_password(NOW))
    assert looks_like_ecr_auth(BasicAuth("AWS", password))
    assert not looks_like_ecr_auth(BasicAuth("aws", password))
    assert not looks_like_ecr_auth(BasicAuth("AWS", Secret("password")))


# --- Expiry -------------------------------------------------------------------------------------


def test_lifetime_constant() -> None:
    assert timedelta(hours=12) == ECR_TOKEN_LIFETIME


@pytest.mark.parametrize(
    ("delta", "state", "seconds_left", "text"),
    [
        (timedelta(hours=5, minutes=12), "live", 18720, "live for 5 h 12 min more (until {})"),
        (timedelta(hours=12), "live", 43200, "live for 12 h more (until {})"),
        (timedelta(seconds=59), "live", 59, "live for 59 s more (until {})"),
        (timedelta(seconds=60), "live", 60, "live for 1 min more (until {})"),
        (timedelta(minutes=59, seconds=59), "live", 3599, "live for 59 min more (until {})"),
        (timedelta(milliseconds=400), "live", 0, "live for 0 s more (until {})"),
        (timedelta(0), "expired", 0, "expired 0 s ago ({})"),
        (timedelta(milliseconds=-400), "expired", -1, "expired 1 s ago ({})"),
        (timedelta(minutes=-90), "expired", -5400, "expired 1 h 30 min ago ({})"),
        (timedelta(hours=-24), "expired", -86400, "expired 1 day ago ({})"),
        (timedelta(hours=-30), "expired", -108000, "expired 1 day 6 h ago ({})"),
        (timedelta(days=-3), "expired", -259200, "expired 3 days ago ({})"),
        (timedelta(days=-400), "expired", -34560000, "expired 400 days ago ({})"),
    ],
)
def test_expiry_boundaries(delta: timedelta, state: str, seconds_left: int, text: str) -> None:
    expires = NOW + delta
    status = expiry_status(expires, NOW)
    assert status.state == state
    assert status.seconds_left == seconds_left
    assert status.expires_at == expires
    assert status.describe() == text.format(expires.strftime("%Y-%m-%d %H:%M UTC"))


def test_expiry_examples_from_spec() -> None:
    now = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    assert (
        expiry_status(datetime(2026, 11, 23, 10, 0, tzinfo=UTC), now).describe()
        == "expired 3 days ago (2026-11-23 10:00 UTC)"
    )
    assert (
        expiry_status(datetime(2026, 11, 26, 16, 10, tzinfo=UTC), NOW).describe()
        == "live for 5 h 12 min more (until 2026-11-26 16:10 UTC)"
    )


def test_expiry_unknown() -> None:
    status = expiry_status(None, NOW)
    assert status.state == "unknown"
    assert status.seconds_left is None
    assert status.expires_at is None
    assert status.describe() == "expiry unknown; ECR tokens last at most 12 h"


def test_expiry_mixed_timezones_and_naive() -> None:
    plus_five = timezone(timedelta(hours=5))
    expires = datetime(2026, 11, 26, 16, 0, tzinfo=plus_five)  # 11:00 UTC
    status = expiry_status(expires, NOW)
    assert status.state == "live"
    assert status.seconds_left == 120
    assert status.describe() == "live for 2 min more (until 2026-11-26 11:00 UTC)"
    naive_now = NOW.replace(tzinfo=None)
    assert expiry_status(expires, naive_now) == status


@settings(max_examples=2000, deadline=None)
@given(st.one_of(
    st.binary(max_size=64).map(lambda b: base64.b64encode(b)),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\n\r",
            max_size=40).map(str.encode)))
def test_the_fast_base64_path_decodes_as_the_go_port(src: bytes) -> None:
    # binascii serves canonical input; the Go port must agree on it, and on everything else
    # the port alone decides (its errors carry Go's offsets).
    from ecr_doctor.core.tokens import (
        _CANONICAL_B64,
        _CorruptInput,
        _go_std_b64decode,
        _go_std_b64decode_port,
    )

    try:
        slow: bytes | None = _go_std_b64decode_port(src)
    except _CorruptInput:
        slow = None
    if len(src) % 4 == 0 and _CANONICAL_B64.fullmatch(src):
        assert _go_std_b64decode(src) == slow
    else:
        try:
            fast: bytes | None = _go_std_b64decode(src)
        except _CorruptInput:
            fast = None
        assert fast == slow


# --- jwt_expiry: a stored JSON Web Token's `exp`, offline -----------------------------------


@given(st.text(max_size=300))
def test_jwt_expiry_never_raises(text: str) -> None:
    from ecr_doctor.core.tokens import jwt_expiry

    found = jwt_expiry(text)
    assert found is None or found.tzinfo is not None


@pytest.mark.parametrize(("claims", "expected"), [
    ({"exp": 1_800_000_000}, datetime(2027, 1, 15, 8, 0, tzinfo=UTC)),
    ({"exp": True}, None), ({"exp": "1800000000"}, None), ({"exp": 1e30}, None),
    ({"nbf": 1}, None), ([1, 2], None),
])
def test_jwt_expiry_reads_only_a_plausible_exp(claims: object, expected: object) -> None:
    from ecr_doctor.core.tokens import jwt_expiry

    middle = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    assert jwt_expiry(f"e30.{middle}.sig") == expected
    assert jwt_expiry("e30." + "A" * 20_000 + ".sig") is None  # bounded: not decoded at all
