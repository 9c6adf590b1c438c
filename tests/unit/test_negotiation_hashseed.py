"""A forecast does not depend on Python's string-hash seed.

Found on 4 Dec 2026: ``negotiate TWN --as-of 2026-01-12 --json`` gave agreement probability
0.0145, 0.0155 or 0.016 depending on ``PYTHONHASHSEED``: the no-deal channels of a block were
summed in the iteration order of a ``set`` of channel names, so the floating-point sums, and with
them ties between packages, changed from run to run. Expected value: the tables of two interpreters
with different hash seeds are bit-identical (a reference implementation: the same code, run twice).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

_PROBE = """
import datetime as dt, hashlib, json
import numpy as np
from tariffsim.negotiation.forecast import prepare
t = prepare("TWN", dt.date(2026, 1, 12), draws=300, seed=0).tables
def h(a):
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()
print(json.dumps({
    "no_deal": {c: h(a) for c, a in sorted(t.no_deal.items())},
    "reservation": {p: h(a) for p, a in sorted(t.reservation.items())},
}))
"""


def _tables(hash_seed: str) -> dict[str, dict[str, str]]:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, env=env
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_no_deal_tables_do_not_depend_on_the_hash_seed() -> None:
    a, b, c = _tables("0"), _tables("1"), _tables("4")
    assert a == b == c
