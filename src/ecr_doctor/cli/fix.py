"""`ecr-doctor fix`: one plan for the config (and any wrapper helpers), shown as a diff,
checked, or written atomically with a backup."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

from ecr_doctor.cli.exits import EXIT_FINDINGS, EXIT_OK, UsageError, WriteFailed, use_color
from ecr_doctor.cli.loading import Loaded, check_registries, load, options
from ecr_doctor.cli.options import (
    NETWORK_NOTE,
    NO_CHOICE,
    ClientChoice,
    add_config_options,
    client_choice,
    parse_fail_on,
)
from ecr_doctor.cli.streams import Streams
from ecr_doctor.core.dockerconfig import ConfigError, parse_config
from ecr_doctor.core.engine import fix_text
from ecr_doctor.core.fixer import FixPlan
from ecr_doctor.core.profiles import Assignment
from ecr_doctor.machine.wrappers import WrapperPlan
from ecr_doctor.render.style import Style

# A profile map is a short list of host=profile lines; anything bigger is not one.
MAX_PROFILE_MAP_BYTES = 1 << 20
# How often `fix --write` re-reads and re-plans a config another program keeps rewriting.
MAX_WRITE_ATTEMPTS = 5

SUMMARY = "fix the config: show a diff, check, or write"
DESCRIPTION = (
    "Fix the config. Default --diff shows the change and writes nothing; --write keeps a "
    "timestamped backup, writes atomically and leaves mode 0600. "
    + NETWORK_NOTE
)


def configure(parser: argparse.ArgumentParser) -> None:
    add_config_options(parser, formats=("text", "json"))
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--diff", dest="mode", action="store_const", const="diff",
                      help="show the change, write nothing (default)")
    mode.add_argument("--check", dest="mode", action="store_const", const="check",
                      help="exit 1 if a change is needed, else 0; write nothing")
    mode.add_argument("--write", dest="mode", action="store_const", const="write",
                      help="apply the change")
    parser.add_argument("--unsafe-fixes", action="store_true",
                        help="also apply fixes that change behaviour beyond the defect")
    add_fix_flags(parser)


@dataclass(frozen=True)
class FixRequest:
    """What the command line asks of one `fix` run, read once from its arguments."""

    mode: str                            # diff, check or write
    #: --registry, then every --account x --region host (and ECR Public with --public).
    registries: tuple[str, ...]
    #: --profile and --profile-map: each host's AWS profile, through a wrapper helper.
    assignments: tuple[Assignment, ...]
    helper_dir: str | None
    pull_through: bool
    unsafe_fixes: bool
    config_arg: str | None
    clients: ClientChoice = NO_CHOICE


@dataclass(frozen=True)
class FixRun:
    """The one plan: the config's edits and the wrapper helpers those edits name."""

    config: FixPlan
    wrappers: tuple[WrapperPlan, ...]
    helper_dir: str

    @property
    def wrappers_pending(self) -> bool:
        """For --check: a wrapper is missing, outdated, or blocked by a foreign file."""
        return any(w.action != "ok" for w in self.wrappers)


def run(args: argparse.Namespace, streams: Streams) -> int:
    parse_fail_on(args.fail_on)
    request = fix_request(args)
    check_registries(list(request.registries))
    loaded = load(request.config_arg, list(request.registries), request.clients)
    fix_run = plan_run(request, loaded)
    written, backup = False, None
    live: tuple[tuple[str, str], ...] = ()
    if request.mode == "write":
        loaded, fix_run, written, backup = write_run(request, loaded, fix_run)
        live = live_tokens(loaded) if backup else ()
    code = EXIT_OK
    if request.mode == "check" and (fix_run.config.changed or fix_run.wrappers_pending):
        code = EXIT_FINDINGS
    out = streams.out
    if args.format == "json":
        from ecr_doctor.render.jsonout import dumps, envelope, fix_result

        wrappers = [{"path": w.path, "profile": w.profile,
                     "action": "installed" if written_wrapper(w, request) else w.action}
                    for w in fix_run.wrappers]
        out.write(dumps(envelope("fix", fix_result(fix_run.config, mode=request.mode,
                                                   written=written, backup=backup,
                                                   wrappers=wrappers, backup_tokens=live),
                                 exit_code=code)))
    else:
        from ecr_doctor.machine.wrappers import on_path
        from ecr_doctor.render.text import fix_report

        out.write(fix_report(
            fix_run.config, Style(use_color(out)), mode=request.mode, written=written,
            backup=backup, backup_tokens=live, write_command=write_command(request),
            wrappers=fix_run.wrappers,
            helper_dir_on_path=on_path(fix_run.helper_dir, os.environ.get("PATH", "")),
            pull_through_hosts=(
                [*request.registries, *(a.host for a in request.assignments)]
                if request.pull_through else None)))
    return code


def write_command(request: FixRequest) -> str:
    """The command that writes what this run showed: the same registries, profiles and options."""
    from ecr_doctor.render.text import fix_command

    extra: list[str] = []
    for assignment in request.assignments:
        extra += ["--profile", f"{assignment.host}={assignment.profile}"]
    if request.helper_dir:
        extra += ["--helper-dir", request.helper_dir]
    if request.pull_through:
        extra.append("--pull-through")
    return fix_command(request.config_arg, request.registries, request.unsafe_fixes, extra)


def written_wrapper(wrapper: WrapperPlan, request: FixRequest) -> bool:
    return request.mode == "write" and wrapper.action in ("create", "update")


def fix_request(args: argparse.Namespace) -> FixRequest:
    from ecr_doctor.core.profiles import (
        ProfileError,
        check_assignments,
        ecr_hosts,
        parse_assignment,
        parse_profile_map,
    )

    try:
        hosts = ecr_hosts(args.account, args.regions, public=args.public)
        found = [parse_assignment(v) for v in args.profiles]
        if args.profile_map:
            found += parse_profile_map(_read_profile_map(args.profile_map), args.profile_map)
        assignments = check_assignments(found)
    except ProfileError as exc:
        raise UsageError(str(exc)) from None
    # Profile hosts are not added to the registries: their CFG020 fix names the wrapper
    # directly, rather than CFG002 adding "ecr-login" first and CFG020 replacing it.
    return FixRequest(
        clients=client_choice(args),
        mode=args.mode or "diff",
        registries=tuple(dict.fromkeys([*args.registry, *hosts])),
        assignments=tuple(assignments),
        helper_dir=args.helper_dir,
        pull_through=args.pull_through,
        unsafe_fixes=args.unsafe_fixes,
        config_arg=args.config,
    )


def _read_profile_map(path: str) -> str:
    from ecr_doctor.machine.reading import read_regular_file

    try:
        data = read_regular_file(path, MAX_PROFILE_MAP_BYTES).data
    except OSError as exc:
        raise UsageError(f"--profile-map {path}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"--profile-map {path}: not UTF-8 text") from None


def plan_run(request: FixRequest, loaded: Loaded, text: str | None = None) -> FixRun:
    """Config edits to a fixpoint, then each profile's host pointed at its wrapper. `text`:
    the config's text, if not as decoded (the replay of `planned_bytes`)."""
    from ecr_doctor.core.fixer import plan_fix
    from ecr_doctor.core.profiles import profile_findings
    from ecr_doctor.machine.wrappers import default_helper_dir, plan_wrappers

    path = loaded.location.path
    plan = fix_text(_decoded(loaded) if text is None else text, path, loaded.env,
                    options(loaded, list(request.registries),
                            unsafe_fixes=request.unsafe_fixes))
    helper_dir = os.path.abspath(request.helper_dir or default_helper_dir(loaded.env.home))
    wrappers: list[WrapperPlan] = []
    if request.assignments:
        findings = profile_findings(parse_config(plan.after, path), request.assignments)
        extra = plan_fix(path, plan.after, findings)
        plan = FixPlan(path, plan.before, extra.after, plan.mode,
                       plan.applied + extra.applied, plan.unsafe_skipped, plan.withheld)
        wrappers = plan_wrappers(helper_dir, [a.profile for a in request.assignments])
    # The fixed text must itself be a config Docker can read; if not, write nothing.
    parse_config(plan.after, path)
    return FixRun(plan, tuple(wrappers), helper_dir)


def write_run(request: FixRequest, loaded: Loaded,
              fix_run: FixRun) -> tuple[Loaded, FixRun, bool, str | None]:
    """Wrappers, then the config by compare-and-swap: when the config changed since it was
    read, read it again, diagnose and fix again, up to `MAX_WRITE_ATTEMPTS` times; a plan made
    from a stale read is never written. Returns the config and plan actually written."""
    from ecr_doctor.machine.files import Changed, remove_stale_temps

    # A killed earlier run may have left a temp file (with a secret in it) beside the config.
    target = os.path.realpath(loaded.location.path)
    remove_stale_temps(os.path.dirname(target), os.path.basename(target))
    install_run_wrappers(fix_run)
    for _ in range(MAX_WRITE_ATTEMPTS):
        try:
            written, backup = apply_config(fix_run, loaded, request)
        except Changed:
            loaded = reread(loaded)
            # The wrappers are in place now; keep the plan that says what this run installed.
            fix_run = FixRun(plan_run(request, loaded).config, fix_run.wrappers,
                             fix_run.helper_dir)
            continue
        return loaded, fix_run, written, backup
    raise WriteFailed(f"{loaded.location.path} changed while we were writing; nothing written "
                      f"(re-planned {MAX_WRITE_ATTEMPTS} times; another program keeps "
                      "rewriting it)")


def reread(loaded: Loaded) -> Loaded:
    """The config as it is now; the machine facts of the first read still hold."""
    from ecr_doctor.machine.configfile import read_config

    file = read_config(loaded.location.path)
    return loaded._replace(file=file, config=parse_config(file.raw, loaded.location.path))


def install_run_wrappers(fix_run: FixRun) -> None:
    from ecr_doctor.machine.wrappers import install_wrappers

    conflicts = [w for w in fix_run.wrappers if w.action == "conflict"]
    if conflicts:
        raise UsageError(f"{conflicts[0].path} exists and is not an ecr-doctor wrapper; "
                         "refusing to overwrite it (choose another --helper-dir)")
    try:
        install_wrappers(fix_run.wrappers)
    except OSError as exc:
        raise WriteFailed(f"cannot install wrapper helpers in {fix_run.helper_dir}: "
                          f"{exc.strerror or exc} (the config is untouched)") from exc


def apply_config(fix_run: FixRun, loaded: Loaded,
                 request: FixRequest) -> tuple[bool, str | None]:
    """Write the config's plan if the file still holds what it was planned from. Raises
    `Changed` when it does not (nothing written), WriteFailed when the write fails."""
    from ecr_doctor.machine.files import Changed, WriteError, write_atomic

    plan = fix_run.config
    if not plan.changed:
        return False, None
    data = planned_bytes(loaded, plan, request)
    try:
        backup = write_atomic(
            loaded.location.path, data, backup=loaded.file.exists,
            # A mode fix sets its mode; otherwise the file keeps its own, at most 0600.
            mode=plan.mode if plan.mode is not None else 0o600, keep_mode=plan.mode is None,
            expected=loaded.file.raw if loaded.file.exists else None)
    except Changed:
        raise
    except WriteError as exc:
        raise WriteFailed(f"{exc} (the original is untouched)") from exc
    return True, backup


def planned_bytes(loaded: Loaded, plan: FixPlan, request: FixRequest) -> bytes:
    """The plan's text as bytes, every byte it did not edit as read. A config with bytes that
    are not UTF-8 keeps them (core.rawedit: the same fix replayed over the raw bytes, else the
    edits transplanted onto them); an edit that would have to rewrite such a byte is refused:
    exit 2, nothing written."""
    from ecr_doctor.core.jsonspan import line_col
    from ecr_doctor.core.rawedit import UnsafeEdit, edited_bytes, escaped_text, is_utf8

    replay: str | None = None
    if not is_utf8(loaded.file.raw):
        try:
            replay = plan_run(request, loaded, escaped_text(loaded.file.raw)).config.after
        except (ConfigError, ValueError):  # a replay that fails is only not used
            replay = None
    try:
        return edited_bytes(loaded.file.raw, plan.before, plan.after, replay)
    except UnsafeEdit as exc:
        where = ""
        if exc.offset is not None:
            line, col = line_col(plan.before, exc.offset)
            where = f" (line {line}, column {col})"
        raise UsageError(
            f"{loaded.location.path}: {exc}{where}: it holds bytes that are not UTF-8, which "
            "Docker reads as U+FFFD; correct them by hand (save the file as UTF-8), then run "
            "fix again. Nothing written") from None


def live_tokens(loaded: Loaded) -> tuple[tuple[str, str], ...]:
    """(host, expiry) of every live ECR token in the config as read: what the backup holds."""
    from ecr_doctor.core.tokens import live_ecr_tokens

    return tuple((t.host, t.expires_at.strftime("%Y-%m-%d %H:%M UTC"))
                 for t in live_ecr_tokens(loaded.config.auths, loaded.env.now))


def _decoded(loaded: Loaded) -> str:
    return loaded.config.text if not loaded.config.has_bom else "\ufeff" + loaded.config.text


def add_fix_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("enterprise set-ups")
    group.add_argument("--profile", metavar="HOST=PROFILE", action="append", default=[],
                       dest="profiles",
                       help="use AWS profile PROFILE for registry HOST through a generated "
                       "wrapper helper docker-credential-ecr-login-<profile> (repeatable)")
    group.add_argument("--profile-map", metavar="FILE",
                       help="HOST=PROFILE lines (or a JSON object host: profile), as --profile")
    group.add_argument("--helper-dir", metavar="DIR",
                       help="where to install wrapper helpers (default: ~/.local/bin)")
    group.add_argument("--account", metavar="ID", action="append", default=[],
                       help="with --region: add credHelpers for every account x region "
                       "registry (repeatable)")
    group.add_argument("--region", metavar="REGION", action="append", default=[],
                       dest="regions", help="a region for --account (repeatable)")
    group.add_argument("--public", action="store_true",
                       help="also add ECR Public (public.ecr.aws)")
    group.add_argument("--pull-through", action="store_true",
                       help="print the image names that use the registries' pull-through "
                       "cache (they live under the same hosts, so need no extra entry)")
