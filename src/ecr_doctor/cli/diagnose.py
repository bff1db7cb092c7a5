"""`ecr-doctor diagnose` (also a bare `ecr-doctor`): which credential source Docker uses for
each registry, and what is wrong."""

from __future__ import annotations

import argparse
import os

from ecr_doctor.cli.exits import EXIT_FINDINGS, EXIT_OK, use_color
from ecr_doctor.cli.loading import (
    Loaded,
    check_registries,
    config_dict,
    diagnose,
    header,
    load,
)
from ecr_doctor.cli.options import (
    NETWORK_NOTE,
    add_config_options,
    client_choice,
    parse_fail_on,
)
from ecr_doctor.cli.streams import Streams
from ecr_doctor.core.model import Finding
from ecr_doctor.render.style import Style

SUMMARY = "diagnose the config Docker would use (default)"
DESCRIPTION = (
    "Diagnose a Docker config and the machine around it, and say which credential source "
    "Docker uses for each registry. "
    + NETWORK_NOTE
)


def configure(parser: argparse.ArgumentParser) -> None:
    add_config_options(parser, formats=("text", "json"))


def backup_findings(loaded: Loaded) -> tuple[Finding, ...]:
    """SCN001 for each static credential in the backups `fix --write` kept beside the config:
    a backup of a `docker login` config is a copy of its token, under a name no scanner of
    Docker configs looks at."""
    if not loaded.file.exists:
        return ()
    from ecr_doctor.machine.backups import backups_beside

    found: list[Finding] = []
    for backup in backups_beside(loaded.location.path).found:
        # The scanner loads only when there is a backup: a bare diagnose stays light.
        from ecr_doctor.scan.files import scan_config_backup

        found.extend(scan_config_backup(backup.path, backup.data, now=loaded.env.now))
    return tuple(found)


def legacy_file_findings(loaded: Loaded) -> tuple[Finding, ...]:
    """CFG035 for a legacy ~/.dockercfg where Docker would look for ~/.docker/config.json and
    finds none: Docker 20.10 to 22.x fell back to it, 23.0 and later never read it. The
    containers/image clients still read it (their last fallback), so not for podman."""
    if loaded.file.exists or loaded.client == "podman" or loaded.location.source != "home":
        return ()
    from ecr_doctor.core.dockerconfig import ConfigError
    from ecr_doctor.core.engine import diagnose_text
    from ecr_doctor.machine.configfile import read_config

    legacy = os.path.join(os.path.dirname(os.path.dirname(loaded.location.path)), ".dockercfg")
    try:
        file = read_config(legacy)
        if not file.exists:
            return ()
        found = diagnose_text(file.raw.decode("utf-8", "replace"), legacy, loaded.env).findings
    except ConfigError:
        return ()  # unreadable or not JSON: no Docker reads it either
    return tuple(f for f in found if f.rule_id == "CFG035")


def run(args: argparse.Namespace, streams: Streams) -> int:
    out = streams.out
    threshold = parse_fail_on(args.fail_on)
    check_registries(args.registry)
    loaded = load(args.config, args.registry, client_choice(args))
    diagnosis = diagnose(loaded, args.registry)
    diagnosis = diagnosis._replace(findings=diagnosis.findings + backup_findings(loaded)
                                   + legacy_file_findings(loaded))
    code = EXIT_FINDINGS if any(f.severity >= threshold for f in diagnosis.findings) else EXIT_OK
    if args.format == "json":
        from ecr_doctor.render.jsonout import diagnosis_result, dumps, envelope

        out.write(dumps(envelope("diagnose", diagnosis_result(diagnosis,
                                                              config=config_dict(loaded)),
                                 exit_code=code)))
        return code
    from ecr_doctor.render.text import render_diagnosis

    style = Style(use_color(out))
    if (not loaded.file.exists and args.config is None and not args.registry
            and not diagnosis.findings):
        # The greeting is for a clean machine only: DOCKER_AUTH_CONFIG or the helper set-up
        # can be broken without any config file, and then the findings are the answer.
        out.write(f"{header(loaded)}\n\nNo Docker config on this machine, so nothing is "
                  "misconfigured yet.\nTo see what ecr-doctor finds and fixes, run: "
                  "ecr-doctor demo\nTo set up ECR registries now: ecr-doctor fix --write "
                  "--registry <account>.dkr.ecr.<region>.amazonaws.com\n")
        return code
    out.write(render_diagnosis(diagnosis, loaded.env, style, header=header(loaded),
                               config_arg=args.config, registries=args.registry))
    return code

