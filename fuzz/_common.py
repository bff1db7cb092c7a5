"""Shared by every harness: the instrumented import, fixed clocks and machines, the entry point.

Each harness is a script `fuzz/fuzz_<name>.py` defining `test_one_input(data: bytes)`; run it
directly for libFuzzer's own flags (`python fuzz/fuzz_parser.py -runs=1000 DIR`), or through
`fuzz/run.py`. Given files instead of directories it replays them (how a crash reproduces).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

import atheris

#: One clock for every harness, so a crash reproduces whatever day it is replayed on.
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com"


def instrumented() -> AbstractContextManager[Any]:
    """`with instrumented(): import ...`: coverage feedback from ecr_doctor's code only."""
    hook: AbstractContextManager[Any] = atheris.instrument_imports(include=["ecr_doctor"])
    return hook


def selector(data: bytes, choices: int) -> tuple[int, bytes]:
    """Harnesses with several modes read the mode from the first byte, the input from the rest.

    The seed files under fuzz/corpus/<harness>/ start with that byte (fuzz/make_corpus.py).
    """
    if not data:
        return 0, b""
    return data[0] % choices, data[1:]


#: Set ECR_DOCTOR_FUZZ_STRICT=1 to fail on the known bugs too (to check a fix in src/); by
#: default a harness lets them pass so the fuzzer and the test suite look for new ones.
STRICT = os.environ.get("ECR_DOCTOR_FUZZ_STRICT", "") == "1"


def known_bug(name: str) -> bool:
    """True when a known, reported bug (fuzz/crashes/README.md) may be let through."""
    assert name in KNOWN_BUGS, name
    return not STRICT


#: Reported bugs in src/ a harness tolerates, by name; each has an input in fuzz/crashes/.
KNOWN_BUGS: dict[str, str] = {}


def main(test_one_input: Callable[[bytes], None]) -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
