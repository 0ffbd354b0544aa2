#!/usr/bin/env python3
"""Writes WORKDIR/meta.json, the run parameters of a scripts/bench run, for report.py.

    meta.py WORKDIR

The parameters come from the environment scripts/bench sets (B_STAMP, B_COMMIT, B_DATA, ...);
WORKDIR/problems.txt holds the problems the run found, one per line. The load average after
the run is read here.
"""
import json
import os
import sys


def main():
    e = os.environ
    c, v, s, l, b, o = (int(x) for x in e["B_DATA"].split())
    with open(os.path.join(sys.argv[1], "problems.txt")) as f:
        problems = [line.strip() for line in f if line.strip()]
    with open("/proc/loadavg") as f:
        load_after = " ".join(f.read().split()[:3])
    meta = {
        "timestamp": e["B_STAMP"], "commit": e["B_COMMIT"], "dirty": e["B_DIRTY"] == "true",
        "engine": e.get("B_ENGINE", "sqlite"), "quick": e["B_QUICK"] == "1", "seed": int(e["B_SEED"]), "tag": e["B_TAG"],
        "data": {"counties": c, "villages": v, "shops": s, "listings": l, "buyers": b, "orders": o, "days": 730,
                 "file": e["B_DB"]},
        "generation": e["B_GENERATION"].strip(), "duration": e["B_DURATION"], "flash_duration": e["B_FLASH_DURATION"],
        "cpus": os.cpu_count(), "server_threads": int(e["B_THREADS"]), "synchronous": "FULL" if e.get("B_ENGINE", "sqlite") == "sqlite" else "synchronous_commit=on", "wrk_threads": 2,
        "wrk": e["B_WRK"], "build": "build/ (Release, as scripts/test)", "loadavg_before": e["B_LOAD_BEFORE"],
        "loadavg_after": load_after, "hwm_reset": e["B_HWM_RESET"] == "1", "problems": problems,
    }
    with open(os.path.join(sys.argv[1], "meta.json"), "w") as f:
        json.dump(meta, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
