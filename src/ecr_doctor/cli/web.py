"""`ecr-doctor web`: serve the offline page on 127.0.0.1, or build it into a folder."""

from __future__ import annotations

import argparse

from ecr_doctor.cli.exits import UsageError
from ecr_doctor.cli.streams import Streams

SUMMARY = "serve the offline web page on 127.0.0.1, or build it"
DESCRIPTION = (
    "Serve the offline page on 127.0.0.1: paste a config and get the findings, the "
    "corrected config and a redacted copy, computed in the browser by this same core "
    "(Pyodide). The page loads nothing from another origin and sends nothing anywhere."
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8765,
                        help="port on 127.0.0.1 (default: 8765; 0 picks a free one)")
    parser.add_argument("--build", metavar="DIR",
                        help="only build the static page into DIR (any static host can serve it)")
    parser.add_argument("--serve", metavar="DIR", help="serve an already built DIR")
    parser.add_argument("--pyodide", metavar="DIR",
                        help="the pyodide npm package (default: web/node_modules/pyodide)")


def run(args: argparse.Namespace, streams: Streams) -> int:
    from ecr_doctor.web.build import BuildError
    from ecr_doctor.web.serve import ServeError, run_web

    try:
        return run_web(port=args.port, build_dir=args.build, serve_dir=args.serve,
                       pyodide_dir=args.pyodide, out=streams.out)
    except (BuildError, ServeError) as exc:
        raise UsageError(str(exc)) from exc
