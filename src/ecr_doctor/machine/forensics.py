"""Read the evidence `ecr_doctor.core.forensics` parses: the SSO token cache, the ECR
helper's cache and its log (all of it, at start-up; or only what one helper run added, for
`verify`). Every read is bounded in size and never fatal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecr_doctor.core.forensics import (
    Forensics,
    HelperCache,
    HelperLog,
    SsoToken,
    parse_helper_cache,
    parse_helper_log,
    parse_sso_token,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from datetime import datetime

    from ecr_doctor.core.forensics import AwsChainLink

_MAX_FILE = 1 << 20
_LOG_TAIL = 256 * 1024
_MAX_SSO_FILES = 200


def _read_text(path: str, limit: int = _MAX_FILE, *, tail: bool = False) -> str | None:
    import os

    try:
        with open(path, "rb") as handle:
            if tail:
                size = os.fstat(handle.fileno()).st_size
                if size > limit:
                    handle.seek(size - limit)
            raw = handle.read(limit)
    except (OSError, ValueError):
        return None
    return raw.decode("utf-8", "replace")


def read(
    get: Callable[[str], str],
    home: str,
    now: datetime,
    *,
    profile: Mapping[str, str] | None,
    sso_sessions: frozenset[str],
    env_chain: tuple[AwsChainLink, ...],
) -> Forensics:
    """Read the SSO token cache, the helper cache and the helper log. Never raises."""
    import os

    # Which SSO token file belongs to the selected profile (ssocreds · StandardCachedTokenFilepath).
    profile_sso_state: str | None = None
    missing_session: str | None = None
    own_file: str | None = None
    if profile is not None and ("sso_session" in profile or "sso_start_url" in profile):
        import hashlib  # only for SSO profiles: it costs start-up time

        session = profile.get("sso_session", "").strip()
        start_url = profile.get("sso_start_url", "").strip()
        if session:
            own_file = hashlib.sha1(session.encode()).hexdigest() + ".json"
            if session not in sso_sessions:
                missing_session = session
        elif start_url:
            own_file = hashlib.sha1(start_url.encode()).hexdigest() + ".json"

    tokens: list[SsoToken] = []
    sso_dir = os.path.join(home, ".aws", "sso", "cache") if home else ""
    try:
        names = sorted(os.listdir(sso_dir))[:_MAX_SSO_FILES] if sso_dir else []
    except OSError:
        names = []
    for name in names:
        if not name.endswith(".json"):
            continue
        text = _read_text(os.path.join(sso_dir, name), 65536)
        if text is None:
            continue
        token = parse_sso_token(name, text, now, profile_token=name == own_file)
        # botocore-client-* files cache the OIDC client registration, not a session token.
        if name.startswith("botocore-client-") and not token.profile_token:
            continue
        tokens.append(token)
    if own_file is not None:
        own = [t for t in tokens if t.profile_token]
        profile_sso_state = own[0].state if own else "missing"

    cache_dir = get("AWS_ECR_CACHE_DIR") or (os.path.join(home, ".ecr") if home else "")
    if cache_dir.startswith("~"):
        cache_dir = home + cache_dir[1:]
    helper_cache = helper_log = None
    if cache_dir:
        cache_path = os.path.join(cache_dir, "cache.json")
        text = _read_text(cache_path)
        helper_cache = (HelperCache(cache_path, False) if text is None
                        else parse_helper_cache(cache_path, text, now))
        log_path = os.path.join(cache_dir, "log", "ecr-login.log")
        text = _read_text(log_path, _LOG_TAIL, tail=True)
        helper_log = HelperLog(log_path, False) if text is None else parse_helper_log(log_path,
                                                                                      text)
    return Forensics(env_chain, tuple(tokens), profile_sso_state, missing_session, helper_cache,
                     helper_log)


def helper_log_size(path: str) -> int:
    """The log's size now: where what the next helper run writes will start (0 if unreadable)."""
    import os

    try:
        return os.path.getsize(path)
    except (OSError, ValueError):
        return 0


def read_helper_log_since(path: str, offset: int) -> HelperLog | None:
    """What the helper wrote to its log after `offset` (helper_log_size before the run), at
    most `_LOG_TAIL` bytes of it, parsed; None when the log cannot be read.

    The log is appended to forever, so only this run's lines say why this run failed. A log now
    shorter than `offset` was rotated or truncated: it is read from its start. Only a regular
    file is read, and opening cannot block (a FIFO in its place is refused, not waited on).
    """
    import os
    import stat

    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except (OSError, ValueError):
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None
        os.lseek(fd, offset if 0 <= offset <= st.st_size else 0, os.SEEK_SET)
        chunks: list[bytes] = []
        remaining = _LOG_TAIL
        while remaining > 0:
            chunk = os.read(fd, remaining)
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError:
        return None
    finally:
        os.close(fd)
    return parse_helper_log(path, b"".join(chunks).decode("utf-8", "replace"))
