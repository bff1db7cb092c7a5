"""`ecr-doctor fix`: one plan for the config (and any wrapper helpers), shown as a diff,
checked, or written atomically with a backup."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, TextIO

from ecr_doctor.cli.exits import EXIT_FINDINGS, EXIT_OK, UsageError, WriteFailed, use_color
from ecr_doctor.cli.loading import Loaded, check_registries, load
from ecr_doctor.cli.options import NETWORK_NOTE, add_config_options, parse_fail_on
from ecr_doctor.cli.streams import Streams
from ecr_doctor.core.dockerconfig import parse_config
from ecr_doctor.core.engine import fix_text
from ecr_doctor.render.style import Style

if TYPE_CHECKING:
    from ecr_doctor.core.environment import Environment
    from ecr_doctor.core.fixer import FixPlan
    from ecr_doctor.core.profiles import Assignment
    from ecr_doctor.machine.wrappers import WrapperPlan

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


def run(args: argparse.Namespace, streams: Streams) -> int:
    out = streams.out
    parse_fail_on(args.fail_on)
    extras = fix_extras(args)  # --profile / --account x --region hosts join --registry
    check_registries(args.registry)
    mode = args.mode or "diff"
    loaded = load(args.config, args.registry)
    text = _decoded(loaded)
    plan = fix_text(text, loaded.location.path, loaded.env, extra_registries=args.registry,
                    unsafe=args.unsafe_fixes, file_mode=loaded.file.mode,
                    location=loaded.location)
    plan = extras.apply(plan, loaded.env, loaded.env.home)
    # The fixed text must itself be a config Docker can read; if not, write nothing.
    parse_config(plan.after, loaded.location.path)
    written, backup = False, None
    if mode == "write":
        extras.install()  # wrappers first: the config must never name a missing helper
    if mode == "write" and plan.changed:
        from ecr_doctor.machine.files import WriteError, write_atomic

        try:
            backup = write_atomic(loaded.location.path, plan.after.encode("utf-8"),
                                  backup=loaded.file.exists)
        except WriteError as exc:
            raise WriteFailed(f"{exc} (the original is untouched)") from exc
        written = True
    if args.format == "json":
        from ecr_doctor.render.jsonout import dumps, envelope, fix_result

        code = _exit_code(mode, plan, extras)
        out.write(dumps(envelope("fix", fix_result(plan, mode=mode, written=written,
                                                   backup=backup),
                                 exit_code=code)))
        return code
    else:
        _render_fix_text(out, plan, mode, written, backup, args)
        extras.report(out, mode)
    return _exit_code(mode, plan, extras)


def _exit_code(mode: str, plan: FixPlan, extras: FixExtras) -> int:
    if mode == "check":
        return EXIT_FINDINGS if plan.changed or extras.wrappers_pending else EXIT_OK
    return EXIT_OK


def _decoded(loaded: Loaded) -> str:
    return loaded.config.text if not loaded.config.has_bom else "\ufeff" + loaded.config.text


def _render_fix_text(out: TextIO, plan: object, mode: str, written: bool, backup: str | None,
                     args: argparse.Namespace) -> None:
    from ecr_doctor.core.fixer import FixPlan
    from ecr_doctor.render.text import finding_line

    assert isinstance(plan, FixPlan)
    style = Style(use_color(out))
    if not plan.changed:
        out.write(f"{plan.path}: nothing to fix.\n")
    else:
        if mode != "check":
            for line in plan.diff().splitlines():
                out.write(style.diff_line(line) + "\n")
            if plan.mode is not None:
                out.write(f"mode {plan.mode:04o} will be set on {plan.path}\n")
        for finding in plan.applied:
            out.write(f"fix: {finding_line(finding, style)}\n")
        if written:
            out.write(f"Wrote {plan.path}" + (f" (backup: {backup})" if backup else "") + "\n")
        elif mode == "diff":
            out.write("Nothing written. Apply with: ecr-doctor fix --write"
                      + (f" --config {args.config}" if args.config else "") + "\n")
        elif mode == "check":
            out.write(f"{plan.path}: would change ({len(plan.applied)} fixes).\n")
    if plan.unsafe_skipped:
        out.write(f"{len(plan.unsafe_skipped)} unsafe fix(es) not applied; add --unsafe-fixes:\n")
        for finding in plan.unsafe_skipped:
            out.write(f"  {finding_line(finding, style)}\n")


# --- --profile / --account / --region --------------------------------------------------------


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


class FixExtras:
    """What the enterprise flags add to one `fix` run."""

    def __init__(self, args: argparse.Namespace) -> None:
        from ecr_doctor.core.profiles import (
            ProfileError,
            check_assignments,
            ecr_hosts,
            parse_assignment,
        )
        from ecr_doctor.core.profiles import parse_profile_map as parse_map

        self.args = args
        self.plans: list[WrapperPlan] = []
        self.helper_dir = ""
        try:
            self.hosts = ecr_hosts(getattr(args, "account", []), getattr(args, "regions", []),
                                   public=getattr(args, "public", False))
            found = [parse_assignment(v) for v in getattr(args, "profiles", [])]
            map_path = getattr(args, "profile_map", None)
            if map_path:
                try:
                    with open(map_path, encoding="utf-8") as handle:
                        found += parse_map(handle.read(), map_path)
                except OSError as exc:
                    raise UsageError(f"--profile-map {map_path}: {exc.strerror}") from None
            self.assignments: list[Assignment] = check_assignments(found)
        except ProfileError as exc:
            raise UsageError(str(exc)) from None

    @property
    def active(self) -> bool:
        return bool(self.hosts or self.assignments or getattr(self.args, "pull_through", False))

    def registries(self) -> list[str]:
        """Hosts to add to --registry: every account x region (and ECR Public).

        Profile hosts are not added: their CFG020 fix names the wrapper directly, rather than
        CFG002 adding "ecr-login" first and CFG020 replacing it.
        """
        return list(self.hosts)

    def apply(self, plan: FixPlan, env: Environment, home: str) -> FixPlan:
        """Point each profile's host at its wrapper, through the ordinary fixer edits."""
        if not self.assignments:
            return plan
        from ecr_doctor.core.dockerconfig import parse_config
        from ecr_doctor.core.fixer import FixPlan as Plan
        from ecr_doctor.core.fixer import plan_fix
        from ecr_doctor.core.profiles import profile_findings
        from ecr_doctor.machine.wrappers import default_helper_dir, plan_wrappers

        findings = profile_findings(parse_config(plan.after, plan.path), self.assignments)
        extra = plan_fix(plan.path, plan.after, findings)
        self.helper_dir = os.path.abspath(
            getattr(self.args, "helper_dir", None) or default_helper_dir(home))
        self.plans = plan_wrappers(self.helper_dir, [a.profile for a in self.assignments])
        return Plan(plan.path, plan.before, extra.after, plan.mode,
                    plan.applied + extra.applied, plan.unsafe_skipped)

    @property
    def wrappers_pending(self) -> bool:
        """For --check: a wrapper is missing, outdated, or blocked by a foreign file."""
        return any(p.action != "ok" for p in self.plans)

    def install(self) -> None:
        """Before the config is written: a config must never name a wrapper that is absent."""
        conflicts = [p for p in self.plans if p.action == "conflict"]
        if conflicts:
            raise UsageError(f"{conflicts[0].path} exists and is not an ecr-doctor wrapper; "
                             "refusing to overwrite it (choose another --helper-dir)")
        from ecr_doctor.machine.wrappers import install_wrappers

        try:
            install_wrappers(self.plans)
        except OSError as exc:
            raise WriteFailed(f"cannot install wrapper helpers in {self.helper_dir}: "
                              f"{exc.strerror or exc} (the config is untouched)") from exc

    def report(self, out: TextIO, mode: str) -> None:
        from ecr_doctor.machine.wrappers import on_path

        for p in self.plans:
            if p.action == "ok":
                out.write(f"wrapper {p.path}: up to date (AWS profile {p.profile!r})\n")
            elif p.action == "conflict":
                out.write(f"wrapper {p.path}: a different file is there; not overwritten\n")
            elif mode == "write":
                out.write(f"wrapper {p.path}: installed (AWS profile {p.profile!r})\n")
            else:
                out.write(f"wrapper {p.path}: would {p.action} (AWS profile {p.profile!r})\n")
        if self.plans and not on_path(self.helper_dir, os.environ.get("PATH", "")):
            out.write(f"note: {self.helper_dir} is not on PATH: Docker will not find the "
                      "wrappers until it is (add it to PATH for the process that runs docker)\n")
        if getattr(self.args, "pull_through", False):
            from ecr_doctor.core.profiles import pull_through_notes

            hosts = [*self.args.registry, *(a.host for a in self.assignments)]
            notes = pull_through_notes(hosts)
            if notes:
                out.write("Pull-through cache: with a cache rule per upstream, images are "
                          "pulled through the same hosts (no extra credHelpers entry):\n")
                out.writelines(f"  {line}\n" for line in notes)


def fix_extras(args: argparse.Namespace) -> FixExtras:
    """Parse the enterprise flags and add their hosts to args.registry (the existing path)."""
    extras = FixExtras(args)
    args.registry = list(dict.fromkeys([*args.registry, *extras.registries()]))
    return extras

