"""The token decoders: tokens.decode_auth (docker/cli's decodeAuth) and decode_ecr_password.

Input: raw bytes, used three ways. Allowed: AuthDecodeError from decode_auth; nothing from
decode_ecr_password (documented: "nothing here raises"). Properties:
* what Python's strict base64 decoder accepts (after dropping CR/LF, which Go skips), decode_auth
  accepts too or rejects only for the documented ':'/username reasons, and then agrees on the
  bytes: username (U+FFFD for bad UTF-8) and password (NUL-trimmed, every byte kept);
* base64 of `user:password` built from the input decodes back to exactly those parts;
* a password minted by make_ecr_password for an expiry the input picks decodes to that expiry.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime

from _common import instrumented, main

with instrumented():
    from ecr_doctor.core.secrets import Secret
    from ecr_doctor.core.tokens import (
        AuthDecodeError,
        decode_auth,
        decode_ecr_password,
        make_ecr_password,
    )


def _check_auth(value: str) -> None:
    raw = value.replace("\r", "").replace("\n", "").encode("utf-8", "surrogatepass")
    expected: bytes | None = None
    # Python's strict mode still takes padding after a full quantum ("QUJD=", "QUJD===="),
    # which Go rejects: only whole quanta with at most "==" are a fair comparison.
    if len(raw) % 4 == 0 and len(raw) - len(raw.rstrip(b"=")) <= 2:
        try:
            expected = binascii.a2b_base64(raw, strict_mode=True)
        except (binascii.Error, ValueError):
            expected = None
    try:
        auth = decode_auth(value)
    except AuthDecodeError as exc:
        if expected is not None:
            user, sep, _ = expected.partition(b":")
            assert not sep or not user, f"valid base64 rejected: {exc}"
        return
    if value == "" or expected is None:
        return
    user, _, password = expected.partition(b":")
    assert auth.username == user.decode("utf-8", "replace")
    assert auth.password.reveal().encode("utf-8", "surrogateescape") == password.strip(b"\0")


def test_one_input(data: bytes) -> None:
    text = data.decode("utf-8", "surrogateescape")
    _check_auth(text)
    decode_ecr_password(Secret(text))
    # Round trip through base64: the first ':' splits; the username must be non-empty.
    user, _, password = data.partition(b":")
    user = user.replace(b":", b"") or b"AWS"
    auth = decode_auth(base64.b64encode(user + b":" + password).decode("ascii"))
    assert auth.username == user.decode("utf-8", "replace")
    assert auth.password.reveal().encode("utf-8", "surrogateescape") == password.strip(b"\0")
    # A minted ECR password carries its expiry.
    seconds = int.from_bytes(data[:5].ljust(5, b"\0"), "little") % 4_102_444_800  # up to 2100
    expires = datetime.fromtimestamp(seconds, tz=UTC)
    token = decode_ecr_password(Secret(make_ecr_password(expires, seed=len(data))))
    assert token is not None and token.expires_at == expires, (token, expires)
    decode_ecr_password(Secret(base64.b64encode(data).decode("ascii")))


if __name__ == "__main__":
    main(test_one_input)
