"""`ecr-doctor explain`: from a pasted Docker/ECR error to ranked causes and the check for each.

Standard library only: this module runs unchanged in Pyodide.

The catalogue is built from what the upstream code does, not from folklore. The central
fact: docker-credential-ecr-login reports *every* failure as "credentials not found in
native keychain" (awslabs/amazon-ecr-credential-helper · ecr-login/ecr.go · ECRHelper.Get),
docker/cli then sends an anonymous request (cli/config/credentials/native_store.go ·
getCredentialsFromStore), and the user only ever sees the registry's answer to that. So one
message has many causes, and the diagnosis findings of this machine decide which come first.

Pasted text is untrusted and often holds secrets (a `docker login -p <token>` line, an
`Authorization: Basic …` header, a base64 `auth`). Nothing from it reaches an Explanation
except redacted excerpts and values checked against strict patterns.

The package: `values` (what an explanation is), `catalogue` (the causes, as data),
`signatures` (the messages, as data), `excerpts` (what may be shown of a paste), `matcher`
(paste → ranked causes).
"""

from __future__ import annotations

from ecr_doctor.core.explain.excerpts import ELLIPSIS, EXCERPT_LIMIT, redact_text
from ecr_doctor.core.explain.matcher import explain_error
from ecr_doctor.core.explain.signatures import causes_catalogue, signature_ids
from ecr_doctor.core.explain.values import Cause, Explanation, Signature

__all__ = [
    "ELLIPSIS",
    "EXCERPT_LIMIT",
    "Cause",
    "Explanation",
    "Signature",
    "causes_catalogue",
    "explain_error",
    "redact_text",
    "signature_ids",
]
