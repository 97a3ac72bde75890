"""Verification speed on real files: ``sohoa verify`` over both shared folders in one process, beside ``pdfsig``.

Usage: ``.venv/bin/python bench/verify.py [--rounds 3] [--files GLOB ...]``

Prints, in one run, for the EU DSS validation files (``../shared/pades-interop``) and
Quảng Ngãi's signed documents (``../shared/realdocs/quangngai-*.pdf``):

1. ours in one process: ``verify_pdf`` called file after file (imports done once),
   total and per-file median, wall and CPU, and the slowest file;
2. ours as a user runs it: one ``sohoa verify --json FILE...`` process over every file,
   start-up and imports included, total wall and CPU;
3. the anchor: ``pdfsig FILE`` once per file (poppler, with its certificate checks, as a
   user runs it) and ``pdfsig -nocert FILE``, total and per-file median, wall and CPU;
4. the ratio of our totals to pdfsig's (the target: at most 10×), and how many files
   ended in an error code, a time-out or a traceback (the target: no time-out, no traceback).

Each figure is the best of ``--rounds`` rounds (the machine is shared; the best round is
the least disturbed). Nothing is fetched: verification runs offline, as by default.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT / ".." / "shared"


@dataclass(frozen=True)
class Run:
    """One pass over every file: total wall and CPU seconds, per-file wall seconds."""

    wall: float
    cpu: float
    per_file: dict[str, float]

    @property
    def median(self) -> float:
        return statistics.median(self.per_file.values()) if self.per_file else 0.0


def files_to_check(patterns: list[str] | None) -> list[Path]:
    files = sorted((SHARED / "pades-interop").glob("*.pdf")) + sorted((SHARED / "realdocs").glob("quangngai-*.pdf"))
    if patterns:
        files = [f for f in files if any(f.match(p) for p in patterns)]
    if not files:
        raise SystemExit(f"no PDFs under {SHARED}")
    return files


def ours_in_process(files: list[Path]) -> tuple[Run, dict[str, str]]:
    """``verify_pdf`` on each file in this process; the outcome of each (indication or error code)."""
    from pipeline.verify import verify_pdf
    from schemas.errors import SohoaError
    from schemas.settings import VerifySettings

    cfg = VerifySettings()
    per_file: dict[str, float] = {}
    outcome: dict[str, str] = {}
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for path in files:
        data = path.read_bytes()
        start = time.perf_counter()
        try:
            outcome[path.name] = verify_pdf(data, cfg=cfg).indication
        except SohoaError as e:
            outcome[path.name] = f"error:{e.code}"
        except Exception as e:  # counted: the target is none
            outcome[path.name] = f"traceback:{type(e).__name__}"
        per_file[path.name] = time.perf_counter() - start
    return Run(time.perf_counter() - wall0, time.process_time() - cpu0, per_file), outcome


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ours_cli(files: list[Path]) -> tuple[Run, int, bool]:
    """One ``sohoa verify --json`` process over every file: (run, JSON lines printed, stderr silent)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    cpu0, wall0 = _children_cpu(), time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "cli.main", "verify", "--json", *map(str, files)], cwd=ROOT,
                         env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - wall0
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    return Run(wall, _children_cpu() - cpu0, {}), len(lines), run.stderr == ""


def pdfsig(files: list[Path], *extra: str) -> Run:
    """``pdfsig [extra] FILE`` once per file."""
    exe = shutil.which("pdfsig")
    if exe is None:
        raise SystemExit("pdfsig (poppler-utils) is not installed")
    per_file: dict[str, float] = {}
    cpu0, wall0 = _children_cpu(), time.perf_counter()
    for path in files:
        start = time.perf_counter()
        subprocess.run([exe, *extra, str(path)], capture_output=True, check=False, timeout=120)
        per_file[path.name] = time.perf_counter() - start
    return Run(time.perf_counter() - wall0, _children_cpu() - cpu0, per_file)


def best(runs: list[Run]) -> Run:
    return min(runs, key=lambda r: r.wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--files", nargs="*", help="only files whose name matches these globs")
    args = parser.parse_args()
    files = files_to_check(args.files)

    import warnings

    warnings.simplefilter("ignore")  # library deprecation notes at import
    import pipeline.verify  # imports once, outside the timed loop (the CLI row below includes them)

    pipeline.verify.quiet_library_logs()
    mine: list[Run] = []
    outcome: dict[str, str] = {}
    cli: list[Run] = []
    lines, silent = 0, True
    theirs: list[Run] = []
    theirs_nocert: list[Run] = []
    for _ in range(args.rounds):
        run, outcome = ours_in_process(files)
        mine.append(run)
        run_cli, lines, silent = ours_cli(files)
        cli.append(run_cli)
        theirs.append(pdfsig(files))
        theirs_nocert.append(pdfsig(files, "-nocert"))
    ours, ours_cli_run, anchor, anchor_nocert = best(mine), best(cli), best(theirs), best(theirs_nocert)

    slow_name, slow = max(ours.per_file.items(), key=lambda kv: kv[1])
    print(f"{len(files)} files (DSS validation set and Quảng Ngãi documents), best of {args.rounds} rounds\n")
    print(f"{'':34} {'total wall':>11} {'total CPU':>10} {'median/file':>12}")
    print(f"{'ours, verify_pdf in one process':34} {ours.wall:10.2f}s {ours.cpu:9.2f}s {ours.median * 1000:10.1f}ms")
    print(f"{'ours, one `sohoa verify` process':34} {ours_cli_run.wall:10.2f}s {ours_cli_run.cpu:9.2f}s "
          f"{'':>12}")
    print(f"{'pdfsig per file (anchor)':34} {anchor.wall:10.2f}s {anchor.cpu:9.2f}s {anchor.median * 1000:10.1f}ms")
    print(f"{'pdfsig -nocert per file':34} {anchor_nocert.wall:10.2f}s {anchor_nocert.cpu:9.2f}s "
          f"{anchor_nocert.median * 1000:10.1f}ms")
    print(f"\nratio ours/pdfsig, total wall: in process {ours.wall / anchor.wall:.1f}x, "
          f"CLI {ours_cli_run.wall / anchor.wall:.1f}x (target <= 10x)")
    print(f"slowest file: {slow_name} {slow * 1000:.0f} ms")
    kinds: dict[str, int] = {}
    for value in outcome.values():
        key = value.split(":")[0] if ":" in value else value
        kinds[key] = kinds.get(key, 0) + 1
    print(f"outcomes: {dict(sorted(kinds.items()))}")
    errors = sorted(f"{name}={v}" for name, v in outcome.items() if v.startswith(("error", "traceback")))
    print(f"errors: {errors or 'none'}")
    print(f"CLI: {lines} JSON lines for {len(files)} files, stderr {'silent' if silent else 'NOT silent'}")


if __name__ == "__main__":
    main()
