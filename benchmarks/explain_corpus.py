#!/usr/bin/env python3
"""How well `explain` does on real error messages from public threads.

    python benchmarks/explain_corpus.py [--corpus tests/data/explain_corpus.yaml] [-v]

For every confirmed message of the corpus (each with the runtime that printed it and the cause
its thread confirmed) it runs the explain engine and prints:
  - runtime named: the runtime's name is in the first line of `explain`'s text output
    (`printed_by`, when the thread's runtime only ran the program that printed the text);
  - rule exists: the confirmed cause is in the catalogue with a rule (`explain RULE-ID`);
  - top 3 / first: where the confirmed cause ranks, over the messages whose cause has a rule.
-v lists every miss. No timing is measured.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from ecr_doctor.core.causes.catalogue import BY_ID  # noqa: E402
from ecr_doctor.core.explain import explain_error  # noqa: E402
from ecr_doctor.core.explain.runtimes import runtime_labels  # noqa: E402
from ecr_doctor.render.pages import explanation_text  # noqa: E402
from ecr_doctor.render.style import Style  # noqa: E402


def measure(corpus: Path, verbose: bool) -> dict[str, float]:
    data = yaml.safe_load(corpus.read_text(encoding="utf-8"))
    labels = runtime_labels()
    messages = data["messages"]
    named = with_rule = top3 = first = 0
    causes_total: set[str] = set()
    causes_ruled: set[str] = set()
    for entry in messages:
        explanation = explain_error(entry["message"])
        head = explanation_text(explanation, Style(False)).splitlines()[0]
        accepted = [entry["runtime"], *entry.get("printed_by", [])]
        hit = any(labels.get(r, r) in head for r in accepted)
        named += hit
        if verbose and not hit:
            print(f"runtime miss  {entry['id']}: wanted {accepted}, got {head!r}")
        cause = entry["cause"]
        causes_total.add(cause)
        known = BY_ID.get(cause)
        if known is None or not known.rule_ids:
            if verbose:
                print(f"no rule       {entry['id']}: {cause}")
            continue
        causes_ruled.add(cause)
        with_rule += 1
        ranked = [c.id for c in explanation.causes]
        rank = ranked.index(cause) + 1 if cause in ranked else None
        top3 += rank is not None and rank <= 3
        first += rank == 1
        if verbose and rank != 1:
            print(f"rank {rank}      {entry['id']}: {cause}; got {ranked[:3]}")
    total = len(messages)
    runtimes = {m["runtime"] for m in messages}
    figures = {
        "messages": total,
        "runtimes": len(runtimes),
        "runtime_named": named / total,
        "rule_exists_causes": len(causes_ruled) / len(causes_total),
        "rule_exists_messages": with_rule / total,
        "top3": top3 / with_rule if with_rule else 0.0,
        "first": first / with_rule if with_rule else 0.0,
    }
    print(f"{total} confirmed messages from {len(runtimes)} runtimes")
    print(f"runtime named in the first line: {named}/{total} = {figures['runtime_named']:.1%}")
    print(f"confirmed cause has a rule: {len(causes_ruled)}/{len(causes_total)} causes = "
          f"{figures['rule_exists_causes']:.1%} ({with_rule}/{total} messages)")
    print(f"confirmed cause in the top 3: {top3}/{with_rule} = {figures['top3']:.1%}")
    print(f"confirmed cause first: {first}/{with_rule} = {figures['first']:.1%}")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests/data/explain_corpus.yaml")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    measure(args.corpus, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
