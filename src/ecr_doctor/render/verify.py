"""`ecr-doctor verify`'s two reports of the same `Check` records: the text one and the JSON
`result` (which the CLI wraps in `render.jsonout.envelope`; described by schemas/verify.json).

Both formats live in this one module, not in render/text.py and render/jsonout.py: those two
hold what every command shares (finding lines, the envelope), while these views belong to the
verify record alone. Side by side, a field added to `Check` shows up in both or visibly in one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from ecr_doctor.core.forensics import AwsChainLink
    from ecr_doctor.core.verification import Check, LiveBackup, Probe

__all__ = ["result", "text"]


def result(header: str, checks: Sequence[Check], *,
           aws_chain: Sequence[AwsChainLink],
           backups: Sequence[LiveBackup] = ()) -> dict[str, Any]:
    """The verify `result` object (schema: ecr_doctor/schemas/verify.json)."""
    return {
        "config": header,
        "registries": [_check(c) for c in checks],
        "live_token_backups": [
            {"path": b.path, "hosts": list(b.hosts), "expires_at": b.expires_at.isoformat(),
             "removed": b.removed}
            for b in backups
        ],
        # Presence and kind only, in the AWS SDK's order; never a value.
        "aws_credential_chain": [
            {"detail": link.detail, "present": link.present, "source": link.source}
            for link in aws_chain
        ],
    }


def _check(c: Check) -> dict[str, Any]:
    return {
        "registry": c.registry,
        "source": c.source,
        "helper": c.helper,
        "helper_path": c.helper_path,
        "helper_found": c.helper_found,
        "ran": c.ran,
        "outcome": c.outcome,
        "exit_code": c.exit_code,
        "seconds": c.seconds,
        "username": c.username,
        "fingerprint": c.fingerprint,
        "token_state": c.token_state,
        "usable": c.usable,
        "reason": c.reason,
        "configured": c.configured,
        "helper_log_error": c.helper_log_error,
        "fell_back_to_cache": c.fell_back_to_cache,
        "cache_state": c.cache_state,
        "token_expires_at": c.token_expires_at.isoformat() if c.token_expires_at else None,
        "probe": _probe(c.probe) if c.probe else None,
    }


def _probe(p: Probe) -> dict[str, Any]:
    return {"url": p.url, "status": p.status, "message": p.message}


def text(header: str, checks: Sequence[Check], *, now: datetime,
         aws_chain: Sequence[AwsChainLink], backups: Sequence[LiveBackup] = (),
         verified: bool = False, asked_removal: bool = False) -> str:
    lines = [header]
    if not checks:
        lines.append("No ECR registry in the config; name one with --registry HOST.")
    for c in checks:
        verdict = "OK  " if c.usable else "FAIL"
        lines.append(f"\n{verdict} {c.registry}")
        if c.helper is not None:
            where = c.helper_path or "not found"
            setup = "" if c.configured else " (not configured; the helper `fix` would set up)"
            lines.append(f"  source:  {c.source} → docker-credential-{c.helper} ({where}){setup}")
        else:
            lines.append(f"  source:  {c.source}")
        if c.ran:
            got = (f"credentials for user {c.username!r}, secret {c.fingerprint}"
                   if c.fingerprint else c.outcome or "")
            lines.append(f"  helper:  ran in {c.seconds} s, exit {c.exit_code}: {got}")
        if c.token_state is not None:
            from ecr_doctor.core.tokens import expiry_status

            if c.token_state == "unknown":
                lines.append("  token:   expiry not carried by the token")
            else:
                status = expiry_status(c.token_expires_at, now)
                lines.append(f"  token:   {status.describe()}")
        if c.cache_state is not None:
            lines.append(f"  cache:   helper cache entry is {c.cache_state} (before this run)")
        if c.fell_back_to_cache:
            lines.append("  cache:   the helper fell back to its cached token (API call failed)")
        if c.probe is not None:
            extra = f" — {c.probe.message}" if c.probe.message else ""
            lines.append(f"  probe:   GET {c.probe.url} → {c.probe.status or 'no answer'}{extra}")
        lines.append(f"  result:  {c.reason}")
    if aws_chain:
        lines.append("\nAWS credentials the helper's SDK would try, in order (values never shown):")
        for link in aws_chain:
            mark = "yes" if link.present else "no "
            lines.append(f"  {mark} {link.source:<18} {link.detail}")
    lines += _backup_lines(backups, verified=verified, asked_removal=asked_removal)
    return "\n".join(lines) + "\n"


def _backup_lines(backups: Sequence[LiveBackup], *, verified: bool,
                  asked_removal: bool) -> list[str]:
    import shlex

    if not backups:
        return []
    removed = [b for b in backups if b.removed]
    kept = [b for b in backups if not b.removed]
    lines: list[str] = []
    if removed:
        lines.append("\nRemoved config backups that held a live ECR token:")
        lines += [f"  {b.path}" for b in removed]
    if not kept:
        return lines
    lines.append("\nConfig backups that still hold a live ECR token (a copy of the credential "
                 "until it expires):")
    for b in kept:
        until = b.expires_at.strftime("%Y-%m-%d %H:%M UTC")
        lines.append(f"  {b.path}  ({', '.join(b.hosts)}; live until {until})")
    if not verified:
        lines.append("Kept: verify did not pass, and a backup is the way back to the old "
                     "set-up.")
    elif asked_removal:
        lines.append("Not removed: each changed or could not be read again since it was "
                     "checked; look at it, then remove it by hand.")
    else:
        paths = " ".join(shlex.quote(b.path) for b in kept)
        lines.append("Every registry verified OK, so they are no longer needed. Remove them "
                     "with: ecr-doctor verify --remove-live-backups")
        lines.append(f"  (or: rm -- {paths})")
    return lines
