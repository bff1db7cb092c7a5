"""Pasted text is untrusted and often holds secrets: what may be shown of it, and how.

Nothing from the paste reaches an Explanation except these redacted excerpts and values
checked against strict patterns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ecr_doctor.core.secrets import SecretSpan, find_secret_spans

EXCERPT_LIMIT = 120
ELLIPSIS = "…"
# Pastes can be whole CI logs; the errors we look for sit in the first few hundred KiB.
_MAX_INPUT = 400_000

# Known ECR API action names: only these are ever echoed back from an IAM message (in the
# signature label and the check), so a token can never pass for an "action". Excerpts still
# redact the longer ones: a token equal to a public word would otherwise be let through.
_ECR_ACTIONS = frozenset(
    {
        "BatchCheckLayerAvailability", "BatchDeleteImage", "BatchGetImage",
        "BatchGetRepositoryScanningConfiguration", "BatchImportUpstreamImage",
        "CompleteLayerUpload", "CreatePullThroughCacheRule", "CreateRepository",
        "CreateRepositoryCreationTemplate", "DeleteLifecyclePolicy",
        "DeletePullThroughCacheRule", "DeleteRegistryPolicy", "DeleteRepository",
        "DeleteRepositoryCreationTemplate", "DeleteRepositoryPolicy",
        "DescribeImageReplicationStatus", "DescribeImageScanFindings", "DescribeImages",
        "DescribePullThroughCacheRules", "DescribeRegistry", "DescribeRepositories",
        "DescribeRepositoryCreationTemplates", "GetAccountSetting", "GetAuthorizationToken",
        "GetDownloadUrlForLayer", "GetLifecyclePolicy", "GetLifecyclePolicyPreview",
        "GetRegistryCatalogData", "GetRegistryPolicy", "GetRegistryScanningConfiguration",
        "GetRepositoryCatalogData", "GetRepositoryPolicy", "GetServiceBearerToken",
        "InitiateLayerUpload", "ListImages", "ListTagsForResource", "PutAccountSetting",
        "PutImage", "PutImageScanningConfiguration", "PutImageTagMutability",
        "PutLifecyclePolicy", "PutRegistryPolicy", "PutRegistryScanningConfiguration",
        "PutReplicationConfiguration", "PutRepositoryCatalogData", "ReplicateImage",
        "SetRepositoryPolicy", "StartImageScan", "StartLifecyclePolicyPreview", "TagResource",
        "UntagResource", "UpdatePullThroughCacheRule", "UpdateRepositoryCreationTemplate",
        "UploadLayerPart", "ValidatePullThroughCacheRule",
    }
)  # fmt: skip
# A quoted shell or YAML value (`-p "x"`, `password: 'x'`) is shown as one ellipsis, quotes
# and all; a JSON string keeps its quotes (`"auth": "…"`) so the excerpt still reads as JSON.
_UNQUOTED_KEY = re.compile(r"""[^"'\s]\s*[=:]\s*$""")
# A base64/hex run, allowed to continue across a line break because terminals wrap long
# tokens; each segment needs a newline, so matching stays linear.
_B64_RUN = re.compile(r"[A-Za-z0-9+/]+(?:[ \t]*\n[ \t]*[A-Za-z0-9+/]+)*={0,2}")
# base64url (JWT segments, some tokens): '-' and '_' would split a std run into short
# pieces, so such runs are caught separately when they mix cases and digits like a token.
_B64URL_RUN = re.compile(r"[A-Za-z0-9_+/-]{20,}={0,2}")
_MIN_RUN = 20


def _with_quotes(text: str, span: SecretSpan) -> tuple[int, int]:
    start, end = span.start, span.end
    if not (start > 0 and end < len(text) and text[start - 1] in "\"'"
            and text[end] == text[start - 1]):
        return start, end
    # An assignment's key decides: `password="x"` is shell quoting, `"password": "x"` JSON.
    shell = span.kind == "password-arg" or (
        span.kind == "assignment"
        and _UNQUOTED_KEY.search(text, max(0, start - 41), start - 1) is not None)
    return (start - 1, end + 1) if shell else (start, end)


def _secret_spans(text: str) -> list[tuple[int, int]]:
    spans = [_with_quotes(text, span) for span in find_secret_spans(text)]
    # Unlabelled runs: a token pasted on its own, without a flag or key that names it.
    for m in _B64_RUN.finditer(text):
        run = re.sub(r"\s+", "", m.group())
        if len(run.rstrip("=")) >= _MIN_RUN:
            spans.append(m.span())
    for m in _B64URL_RUN.finditer(text):
        run = m.group()
        if re.search(r"[a-z]", run) and re.search(r"[A-Z]", run) and re.search(r"[0-9]", run):
            spans.append(m.span())
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _apply_spans(text: str, spans: Iterable[tuple[int, int]], lo: int, hi: int) -> str:
    """text[lo:hi] with every secret span touching the window replaced by one ellipsis.

    A span crossing the window edge is dropped whole, so a slice never shows half a token.
    """
    out: list[str] = []
    pos = lo
    for start, end in spans:
        if end <= lo or start >= hi:
            continue
        if start > pos:
            out.append(text[pos:start])
        if not out or out[-1] != ELLIPSIS:
            out.append(ELLIPSIS)
        pos = max(pos, end)
    if pos < hi:
        out.append(text[pos:hi])
    return "".join(out)


def redact_text(text: str) -> str:
    """Replace every secret (core.secrets) and token-like run in `text` by an ellipsis."""
    return _apply_spans(text, _secret_spans(text), 0, len(text))


def _excerpt(text: str, spans: Sequence[tuple[int, int]], start: int, end: int) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if line_end < 0:
        line_end = len(text)
    lo, hi = line_start, line_end
    if hi - lo > EXCERPT_LIMIT:
        if end - start >= EXCERPT_LIMIT:
            lo, hi = start, start + EXCERPT_LIMIT
        else:
            lo = max(line_start, start - (EXCERPT_LIMIT - (end - start)) // 2)
            hi = min(line_end, lo + EXCERPT_LIMIT)
            lo = max(line_start, hi - EXCERPT_LIMIT)
    body = _apply_spans(text, spans, lo, hi)
    body = re.sub(r"\s+", " ", body).strip()
    # A second pass over the finished excerpt costs nothing and catches a run that the
    # whitespace collapse above might have joined.
    body = redact_text(body)
    if len(body) > EXCERPT_LIMIT:
        body = body[: EXCERPT_LIMIT - 1].rstrip() + ELLIPSIS
    prefix = ELLIPSIS if lo > line_start and not body.startswith(ELLIPSIS) else ""
    suffix = ELLIPSIS if hi < line_end and not body.endswith(ELLIPSIS) else ""
    return prefix + body + suffix
