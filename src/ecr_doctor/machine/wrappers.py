"""The edge that installs and reads profile wrapper helpers (see `profiles`)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from ecr_doctor.core.profiles import parse_wrapper, wrapper_filename, wrapper_script

# Wrappers are a few hundred bytes; anything bigger is not one of ours.
_MAX_WRAPPER_BYTES = 64 * 1024


class WrapperPlan(NamedTuple):
    profile: str
    path: str
    # "ok" (already identical), "create", "update" (our own older text), "conflict" (a file
    # we did not write: never overwritten)
    action: str
    #: What `path` held when planned (None: nothing): an update is written only over exactly
    #: that (compare-and-swap, machine.files).
    current: bytes | None = None


def default_helper_dir(home: str) -> str:
    # ~/.local/bin: the XDG user executable directory that systemd's file-hierarchy(7)
    # names and most distributions put on a login shell's PATH.
    return os.path.join(home, ".local", "bin")


def on_path(directory: str, path_value: str) -> bool:
    real = os.path.realpath(directory)
    return any(d and os.path.isabs(d) and os.path.realpath(d) == real
               for d in path_value.split(os.pathsep))


def read_wrapper_profile(path: str) -> str | None:
    """The profile an ecr-doctor wrapper at `path` selects; None if it is not one."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(_MAX_WRAPPER_BYTES + 1)
    except OSError:
        return None
    if len(raw) > _MAX_WRAPPER_BYTES:
        return None
    return parse_wrapper(raw.decode("utf-8", "replace"))


def plan_wrappers(directory: str, profiles: Iterable[str]) -> list[WrapperPlan]:
    plans = []
    for profile in sorted(set(profiles)):
        path = os.path.join(directory, wrapper_filename(profile))
        want = wrapper_script(profile).encode("utf-8")
        try:
            with open(path, "rb") as handle:
                have: bytes | None = handle.read(_MAX_WRAPPER_BYTES + 1)
        except FileNotFoundError:
            have = None
        except OSError:
            have = b""
        if have is None:
            action = "create"
        elif have == want and os.access(path, os.X_OK):
            action = "ok"
        elif read_wrapper_profile(path) is not None:
            action = "update"
        else:
            action = "conflict"
        plans.append(WrapperPlan(profile, path, action, have))
    return plans


def install_wrappers(plans: Sequence[WrapperPlan]) -> None:
    """Write every create/update plan atomically with mode 0755, only over what was planned
    from (a file that appeared or changed since raises `Changed`). Raises OSError."""
    from ecr_doctor.machine.files import write_atomic

    for plan in plans:
        if plan.action not in ("create", "update"):
            continue
        os.makedirs(os.path.dirname(plan.path), mode=0o755, exist_ok=True)
        # 0755 whatever the umask: the execute bits must survive.
        write_atomic(plan.path, wrapper_script(plan.profile).encode("utf-8"), backup=False,
                     mode=0o755, expected=plan.current if plan.action == "update" else None)
