"""`ecr-doctor kube`: the kubelet's image credential provider for ECR.

`kube check FILE` lints a CredentialProviderConfig offline, as the kubelet would decode,
validate and match it; `kube provider-config` prints one that covers every ECR host family.
"""

from __future__ import annotations

import argparse

from ecr_doctor.cli.exits import EXIT_FINDINGS, EXIT_OK, UsageError, use_color
from ecr_doctor.cli.options import parse_fail_on
from ecr_doctor.cli.streams import Streams
from ecr_doctor.core.kube.hosts import DEFAULT_CACHE_DURATION, PARTITIONS

SUMMARY = "check a kubelet CredentialProviderConfig (check) or print one for ECR (provider-config)"
DESCRIPTION = (
    "Kubernetes nodes get ECR credentials from the kubelet's image credential provider "
    "(ecr-credential-provider), configured by a CredentialProviderConfig. `kube check FILE` "
    "lints that file as the kubelet reads it: strict decoding, validation, and its own "
    "matchImages matching (each * matches one DNS label). `kube provider-config` prints a "
    "config covering every ECR host family. Offline; nothing is sent."
)


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="kube_command", metavar="SUBCOMMAND", required=True)
    check = sub.add_parser(
        "check", help="lint a CredentialProviderConfig (YAML or JSON; - for stdin)",
        description="Lint a kubelet CredentialProviderConfig offline: what would stop the "
        "kubelet from starting (unknown fields, duplicate keys, missing defaultCacheDuration, "
        "bad apiVersions, tokenAttributes), and which ECR images would get no credentials "
        "(matchImages that cannot match). Exit 0 clean, 1 findings at or above --fail-on, "
        "2 unreadable or unparseable input.")
    check.add_argument("file", metavar="FILE", help="the config file (- reads stdin)")
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help="output format")
    check.add_argument("--fail-on", metavar="SEVERITY", default="low",
                       help="exit 1 if a finding is at or above this severity: info, low, "
                       "medium, high, critical (default: low)")
    check.add_argument("--bin-dir", metavar="DIR",
                       help="the kubelet's --image-credential-provider-bin-dir: check each "
                       "provider's binary is there and executable")
    check.add_argument("--registry", metavar="HOST", action="append", default=[],
                       help="an ECR registry whose images must be matched (repeatable)")
    config = sub.add_parser(
        "provider-config", help="print a CredentialProviderConfig for ecr-credential-provider",
        description="Print a kubelet CredentialProviderConfig for ecr-credential-provider "
        "whose matchImages cover every ECR host family (private, FIPS, dual-stack, ECR "
        "Public) of the partitions asked for. Redirect it to a file: "
        "ecr-doctor kube provider-config > /etc/kubernetes/ecr-credential-provider.yaml")
    config.add_argument("--partition", metavar="P", action="append", default=[],
                        choices=PARTITIONS,
                        help=f"restrict to these partitions (repeatable): {', '.join(PARTITIONS)}"
                        " (default: all)")
    config.add_argument("--output", choices=("yaml", "json"), default="yaml",
                        help="the file's syntax (default: yaml)")
    config.add_argument("--format", choices=("text", "json"), default="text",
                        help="text: the file itself; json: in ecr-doctor's envelope")
    config.add_argument("--cache-duration", metavar="D", default=DEFAULT_CACHE_DURATION,
                        help="defaultCacheDuration, a Go duration (default: 12h, as EKS writes; "
                        "the provider itself asks for half the token's remaining life)")
    config.add_argument("--kubelet-version", metavar="X.Y",
                        help="the kubelet's version: before 1.27, the v1alpha1 apiVersions "
                        "(as EKS wrote them)")


def run(args: argparse.Namespace, streams: Streams) -> int:
    if args.kube_command == "provider-config":
        return _provider_config(args, streams)
    return _check(args, streams)


def _check(args: argparse.Namespace, streams: Streams) -> int:
    from ecr_doctor.cli.loading import check_registries
    from ecr_doctor.core.kube.check import check_config, provider_names
    from ecr_doctor.core.kube.document import DocumentError, looks_like_json
    from ecr_doctor.machine.kubefile import bin_dir_states, parse_document, read_source

    threshold = parse_fail_on(args.fail_on)
    check_registries(args.registry)
    path = args.file
    shown = "<stdin>" if path == "-" else path
    try:
        data = read_source(path, streams.stdin.buffer)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UsageError(f"cannot read {shown}: {reason}") from None
    try:
        root = parse_document(data)
    except DocumentError as exc:
        from ecr_doctor.core.secrets import mask

        where = f"{shown}:" if exc.line is not None else f"{shown}: "
        raise UsageError(mask(f"{where}{exc} (the kubelet cannot decode this file either)")
                         ) from None
    bin_dir = None
    if args.bin_dir is not None:
        try:
            bin_dir = bin_dir_states(args.bin_dir, provider_names(root))
        except OSError as exc:
            raise UsageError(f"--bin-dir {args.bin_dir}: {exc.strerror or exc} (the kubelet "
                             "refuses to start without its plugin directory)") from None
    check = check_config(root, shown, registries=tuple(args.registry), bin_dir=bin_dir)
    syntax = "json" if looks_like_json(data.decode("utf-8").removeprefix("\ufeff")) else "yaml"
    code = EXIT_FINDINGS if any(f.severity >= threshold for f in check.findings) else EXIT_OK
    if args.format == "json":
        from ecr_doctor.render.jsonout import dumps, envelope
        from ecr_doctor.render.kube import check_result

        streams.out.write(dumps(envelope("kube", check_result(check, syntax=syntax),
                                         exit_code=code)))
        return code
    from ecr_doctor.render.kube import check_text
    from ecr_doctor.render.style import Style

    streams.out.write(check_text(check, Style(use_color(streams.out)), syntax=syntax))
    return code


def _provider_config(args: argparse.Namespace, streams: Streams) -> int:
    from ecr_doctor.core.kube.check import parse_go_duration
    from ecr_doctor.core.kube.hosts import provider_config
    from ecr_doctor.render.kube import config_file, provider_config_result

    seconds = parse_go_duration(args.cache_duration)
    if seconds is None or seconds < 0:
        raise UsageError(f"--cache-duration {args.cache_duration!r} is not a Go duration of "
                         "zero or more (e.g. 12h, 30m, 0)")
    try:
        config = provider_config(args.partition, cache_duration=args.cache_duration,
                                 kubelet_version=args.kubelet_version)
    except ValueError as exc:
        raise UsageError(f"--kubelet-version: {exc}") from None
    text = config_file(config, args.output)
    if args.format == "json":
        from ecr_doctor.render.jsonout import dumps, envelope

        result = provider_config_result(config, output=args.output,
                                        partitions=list(args.partition), text=text)
        streams.out.write(dumps(envelope("kube", result, exit_code=EXIT_OK)))
    else:
        streams.out.write(text)
    return EXIT_OK
