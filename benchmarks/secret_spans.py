"""How secret-finding time grows with its input: linear, or a hang waiting to happen.

1. The one secret detector on a hostile line (one form repeated): `find_secret_spans` on a
   100 KB and a 400 KB line; linear time gives a ratio near 4, quadratic near 16. Beside it,
   the same lines through `json.dumps` (a linear pass of the standard library) as the peer.
2. `redact` on a CI log of 4,000 and of 16,000 lines, each with a `-p` password, a token and
   a Bearer header (32,000 such lines once took minutes: placeholder checks and the map's
   inverse were quadratic); `str.replace` over the same text is the peer.

    .venv/bin/python benchmarks/secret_spans.py
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from ecr_doctor.core.redaction import redact
from ecr_doctor.core.secrets import find_secret_spans

UNITS = ("token=", "cookie:", "password:\n", "--password-stdin ", "-p 1:1 ", '-p "',
         '"auth": "', "-----BEGIN PRIVATE KEY-----", "echo a | ", "://a:", "Bearer ")


def seconds(work: Callable[[str], object], text: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        work(text)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    print(f"{'form':32} {'100 KB ms':>10} {'400 KB ms':>10} {'growth':>7} {'peer growth':>12}")
    worst = 0.0
    for unit in UNITS:
        small, large = unit * (100_000 // len(unit)), unit * (400_000 // len(unit))
        t_small, t_large = seconds(find_secret_spans, small), seconds(find_secret_spans, large)
        peer = seconds(json.dumps, large) / max(seconds(json.dumps, small), 1e-9)
        growth = t_large / max(t_small, 1e-9)
        worst = max(worst, growth)
        print(f"{unit!r:32} {t_small * 1000:10.1f} {t_large * 1000:10.1f} {growth:7.1f} "
              f"{peer:12.1f}")
    print(f"worst growth for 4x the text: {worst:.1f} (linear ~4, quadratic ~16)")
    logs = {n: "\n".join(f"step {i}: docker login -u AWS -p pw{i:06d}secret host{i}.example.com "
                          f"token=abc{i:06d} Authorization: Bearer xyz{i:06d}abcdef"
                          for i in range(n)) for n in (4000, 16000)}
    t_small = seconds(lambda t: redact(t, kind="text"), logs[4000])
    t_large = seconds(lambda t: redact(t, kind="text"), logs[16000])
    peer = (seconds(lambda t: t.replace("token", "TOKEN"), logs[16000])
            / max(seconds(lambda t: t.replace("token", "TOKEN"), logs[4000]), 1e-9))
    growth = t_large / max(t_small, 1e-9)
    print(f"redact, 4,000 -> 16,000 log lines: {t_small:.2f} s -> {t_large:.2f} s, growth "
          f"{growth:.1f} (peer {peer:.1f})")
    return 0 if worst < 10 and growth < 10 else 1


if __name__ == "__main__":
    raise SystemExit(main())
