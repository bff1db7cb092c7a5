"""Validate `--format json` output against the published schemas: the envelope, and through it
the command's result schema (src/ecr_doctor/schemas/)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource

SCHEMAS = Path(__file__).parent.parent / "src" / "ecr_doctor" / "schemas"


@cache
def _validator() -> jsonschema.Draft202012Validator:
    resources = []
    for path in sorted(SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        resources.append((schema["$id"], Resource.from_contents(schema)))
    registry: Registry[Any] = Registry().with_resources(resources)
    envelope = json.loads((SCHEMAS / "envelope.json").read_text())
    return jsonschema.Draft202012Validator(envelope, registry=registry)


def validated(text: str, command: str) -> dict[str, Any]:
    """The `result` of one command's JSON output, after validating the whole document."""
    document = json.loads(text)
    _validator().validate(document)
    assert document["command"] == command
    result: dict[str, Any] = document["result"]
    return result
