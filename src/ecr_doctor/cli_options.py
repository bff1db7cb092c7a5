"""What the bare fast path (cli) and the argparse set-up (cli_parsers) share: the command
names and the common options' defaults. Its own module so neither imports the other."""

from __future__ import annotations

# The options every config-reading command shares, with their defaults: also what a bare
# `ecr-doctor` (or `ecr-doctor diagnose`) runs with, without loading argparse at all.
COMMON_DEFAULTS: dict[str, object] = {"config": None, "registry": (), "format": "text",
                                      "fail_on": "low"}

# Every command; cli_parsers defines their parsers (a test holds the two lists equal).
COMMAND_NAMES = ("diagnose", "fix", "explain", "verify", "rules", "policy", "ci", "redact",
                 "unredact", "scan", "audit", "demo", "web")
