"""Benchmark what a user waits for on the bundled corpus: each command, start to finish.

    python examples/benchmark_latency.py [--runs N]

Runs each command N times (default 5) as a new process, as a user does, and prints the
median and fastest wall time beside its target. The endpoint against ``oxigraph serve``
is measured by ``examples/benchmark_endpoint.py``.
"""

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

CHECK = [
    "check", "--weapon", "rocket", "--supplier", "US", "--target-type", "massing troops",
    "--place", "Belgorod Oblast", "--date", "2024-06-05",
]  # fmt: skip
#: (what, arguments, target in seconds)
COMMANDS = [
    ("--help", ["--help"], 0.25),
    ("check", CHECK, 0.4),
    ("query cq1-permissions", ["query", "cq1-permissions"], 0.4),
    ("state --date 2024-06-05", ["state", "--date", "2024-06-05"], 0.4),
    ("build --out (PNG and SVG)", ["build", "--out", "{out}", "--quiet"], 3.0),
]


def timed(arguments: list[str], out: str) -> float:
    command = [sys.executable, "-m", "graph.cli", *(a.replace("{out}", out) for a in arguments)]
    started = time.perf_counter()
    environment = {**os.environ, "MPLBACKEND": "Agg"}
    done = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    took = time.perf_counter() - started
    if done.returncode not in (0, 10, 11, 12, 13, 14):
        sys.exit(f"{' '.join(arguments)} failed: {done.stderr.strip()}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    machine = f"Python {platform.python_version()}, {os.cpu_count()} cores"
    print(f"policygraph command latency, bundled corpus, {machine}")
    print(f"  {'command':28} {'median':>8} {'fastest':>8} {'target':>7}  ratio")
    work = tempfile.mkdtemp()
    try:
        for what, arguments, target in COMMANDS:
            times = [timed(arguments, os.path.join(work, f"out{n}")) for n in range(args.runs)]
            median = statistics.median(times)
            verdict = "met" if median <= target else f"missed by {median / target:.1f}x"
            figures = f"{median:7.2f}s {min(times):7.2f}s {target:6.2f}s  {median / target:4.2f}"
            print(f"  {what:28} {figures}  {verdict}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("latency done")


if __name__ == "__main__":
    main()
