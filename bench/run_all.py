"""Run every benchmark and write bench/RESULTS.md: date, machine, exact commands, every figure.

Usage: ``.venv/bin/python bench/run_all.py [--quick] [--out bench/RESULTS.md] [--only NAME ...]``

Default: about 10 minutes; ``--quick``: about 2 (fewer runs, 10-second loads). Each
benchmark runs as its own process, with a time limit, so one that fails or hangs is
reported in RESULTS.md and the others still run. bench_exports.py, bench_images.py and
any other ``bench_*.py`` (other people's) are included when present, with their defaults. The partial plotly.js bundle is built
first (deploy/plotly-bundle/build.sh, npm) when missing and npm is available, so
bench_browser.py can compare with and without it.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
sys.path.insert(0, str(BENCH))

from _harness import built_data  # noqa: E402


@dataclass(frozen=True)
class Step:
    name: str
    args: tuple[str, ...]
    quick: tuple[str, ...]
    limit: int  # seconds
    needs_data_env: bool = False


STEPS = (
    Step("bench_start.py", ("--runs", "3"), ("--runs", "1"), 300),
    Step("bench_callbacks.py", ("--runs", "30", "--precomputed"), ("--runs", "8", "--precomputed"), 1500),
    Step("bench_api.py", ("--runs", "30"), ("--runs", "8"), 200),
    Step("bench_ahead.py", ("--visitors", "6"), ("--visitors", "2", "--think", "1", "3"), 1200),
    Step("bench_browser.py", ("--runs", "3"), ("--runs", "1"), 1200),
    Step("bench_load.py", ("--duration", "60", "--baseline-duration", "10"), ("--duration", "6", "--baseline-duration", "2"), 400),
    Step("bench_replicas.py", ("--duration", "10", "--failover-seconds", "10"), ("--duration", "5", "--failover-seconds", "6"), 300),
    Step("bench_exports.py", (), (), 200, needs_data_env=True),
    Step("bench_images.py", ("--runs", "3"), ("--runs", "1"), 300, needs_data_env=True),
    Step("bench_scaling.py", ("--runs", "3"), ("--runs", "1"), 600),
)


def versions() -> str:
    names = ("dash", "plotly", "pandas", "flask", "gunicorn", "flask-compress", "brotli", "playwright")
    found = []
    for name in names:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} (missing)")
    for tool, flag in (("nginx", "-v"), ("wrk", "--version"), ("/usr/bin/chromium", "--version")):
        path = shutil.which(tool)
        if path:
            out = subprocess.run([path, flag], capture_output=True, text=True, timeout=30)
            text = (out.stdout + out.stderr).strip().splitlines()
            found.append(text[0] if text else tool)
    return ", ".join(found)


def ensure_bundle() -> str:
    dist = PROJECT / "deploy" / "plotly-bundle" / "dist"
    if sorted(dist.glob("plotly-*-essa.min.js")):
        return "partial plotly.js bundle: already built"
    if not shutil.which("npm"):
        return "partial plotly.js bundle: npm missing, not built (bench_browser.py compares without it)"
    out = subprocess.run(["sh", str(PROJECT / "deploy" / "plotly-bundle" / "build.sh")], capture_output=True, text=True, timeout=600)
    if out.returncode:
        return f"partial plotly.js bundle: build failed: {out.stderr.strip()[-500:]}"
    return f"partial plotly.js bundle: built: {out.stdout.strip()}"


def run(step: Step, quick: bool, env: dict[str, str]) -> tuple[str, str, float, bool]:
    """(command as typed, output, seconds, ok)."""
    args = step.quick if quick else step.args
    command = [sys.executable, str(BENCH / step.name), *args]
    shown = " ".join([".venv/bin/python", f"bench/{step.name}", *args])
    start = time.perf_counter()
    try:
        out = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=step.limit)
        ok = out.returncode == 0
        text = out.stdout if ok else f"{out.stdout}\nFAILED (exit {out.returncode}):\n{out.stderr[-3000:]}"
    except subprocess.TimeoutExpired as err:
        ok = False
        partial = err.stdout.decode(errors="replace") if isinstance(err.stdout, bytes) else (err.stdout or "")
        text = f"{partial}\nSTOPPED after the {step.limit} s limit"
    return shown, text.strip(), time.perf_counter() - start, ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and 10-second loads (about 2 minutes)")
    parser.add_argument("--out", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument("--only", nargs="+", help="run only these benchmarks (file names)")
    parser.add_argument("--no-bundle-build", action="store_true", help="do not build the partial plotly.js bundle")
    args = parser.parse_args()

    known = {s.name for s in STEPS}
    # benchmarks others add later run with their own defaults, on the private data build
    others = [Step(p.name, (), (), 300, needs_data_env=True) for p in sorted(BENCH.glob("bench_*.py")) if p.name not in known]
    steps = [s for s in (*STEPS, *others) if (BENCH / s.name).exists() and (not args.only or s.name in args.only)]
    started = time.strftime("%Y-%m-%d %H:%M %Z")
    load_before = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    notes = ["partial plotly.js bundle: not built (--no-bundle-build)"] if args.no_bundle_build else [ensure_bundle()]
    sections = []
    total = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="essa-run-all-") as tmp:
        data = built_data(Path(tmp) / "data")
        for step in steps:
            env = {**os.environ, "PYTHONUNBUFFERED": "1"}
            if step.needs_data_env:
                env["ESSA_DATA_DIR"] = str(data)  # these read the built tables: a private build, not the checkout's data/
            print(f"running {step.name} ...", flush=True)
            shown, text, seconds, ok = run(step, args.quick, env)
            print(f"  {'ok' if ok else 'FAILED'} in {seconds:.0f} s", flush=True)
            sections.append(f"### `{shown}`\n\n{seconds:.0f} s{'' if ok else ' (failed)'}\n\n{text}\n")
    elapsed = time.perf_counter() - total
    load_after = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    head = [
        "# Benchmark results",
        "",
        f"Written by `.venv/bin/python bench/run_all.py{' --quick' if args.quick else ''}` on {started}, "
        f"in {elapsed / 60:.1f} minutes. Speed is measured here, never asserted in tests.",
        "",
        f"- machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, {platform.platform()}",
        f"- load average (1, 5, 15 min) before: {load_before}; after: {load_after}. Other work on the machine during the run "
        "(a shared 2-core box) makes single numbers noisy: compare ratios within one run, not figures across runs.",
        f"- versions: {versions()}",
        *[f"- {note}" for note in notes],
        "",
        "Every figure is a median unless named otherwise; each ratio is against a baseline measured in the same run.",
        "",
        "## Commands",
        "",
        *[f"- `.venv/bin/python bench/{s.name} {' '.join(s.quick if args.quick else s.args)}`" for s in steps],
        "",
        "## Results",
        "",
    ]
    args.out.write_text("\n".join(head) + "\n" + "\n".join(sections))
    print(f"wrote {args.out} ({elapsed / 60:.1f} minutes)")


if __name__ == "__main__":
    main()
