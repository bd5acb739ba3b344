#!/usr/bin/env python3
"""Builds every test of the workspace and runs them on a pool of `--jobs` processes.

`cargo test` runs its test binaries one after another, so a binary holding one long test
(a block of 100 transfers, a three-validator net) leaves the second core idle for minutes.
This runner builds what `cargo test --release --locked --workspace` builds (the same package
selection, so the same features, and nothing is compiled twice: docs/BUILD.md), then runs:

- every test of the node's integration binaries (`--split`, node/tests/*.rs) as a process
  of its own (`<binary> --exact <name>`), since each starts real nodes and runs for a minute
  or more;
- every other test binary whole, with one test thread.

Jobs run `--jobs` at a time, the longest first by the durations of the previous run (kept in
the target directory; on a fresh machine the split tests go first, in listing order). Each
job's output, libtest's `test result:` line included, is printed whole when it ends, so jobs
never interleave. Ignored tests stay ignored, except those of the `--alone` binaries, which
run afterwards, one at a time, with nothing beside them (the flood measures block production
under load). A job still running after `--timeout` seconds fails, and its process group, the
nodes it started among them, is killed. Exits 1 if any job failed.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUILD = ["cargo", "test", "--release", "--locked", "--workspace", "--no-run",
         "--message-format=json-render-diagnostics"]


@dataclass(frozen=True)
class Binary:
    """A test executable cargo built: target `name` (of `kind`: lib, bin, test) of the
    package in `package_dir`."""
    name: str
    kind: str
    executable: Path
    package_dir: Path

    @property
    def key(self) -> str:
        """How the output and the durations name it: `node:wallet_cli(test)`."""
        return f"{self.package_dir.relative_to(REPO)}:{self.name}({self.kind})"

    def tests(self, *flags: str) -> list[str]:
        """The names of the tests the binary lists with `flags` (`--ignored`: only those)."""
        output = subprocess.run([self.executable, "--list", "--format", "terse", *flags],
                                stdout=subprocess.PIPE, text=True, check=True)
        suffix = ": test"
        return [line[: -len(suffix)] for line in output.stdout.splitlines()
                if line.endswith(suffix)]


@dataclass(frozen=True)
class Job:
    """One process: `binary` with `args`, named `key` in the output and the durations."""
    key: str
    binary: Binary
    args: tuple[str, ...]


def build() -> list[Binary]:
    """Builds the workspace's tests; returns every test executable."""
    output = subprocess.run(BUILD, cwd=REPO, stdout=subprocess.PIPE, text=True, check=True)
    binaries = []
    for line in output.stdout.splitlines():
        message = json.loads(line)
        if (message.get("reason") == "compiler-artifact" and message.get("executable")
                and message["profile"]["test"]):
            binaries.append(Binary(
                name=message["target"]["name"], kind=message["target"]["kind"][0],
                executable=Path(message["executable"]),
                package_dir=Path(message["manifest_path"]).parent))
    return binaries


class Runner:
    def __init__(self, timeout: float):
        self.timeout = timeout
        self.lock = threading.Lock()
        self.failed: list[str] = []
        self.durations: dict[str, float] = {}

    def run(self, job: Job) -> None:
        binary = job.binary
        # As cargo runs a test: from its package's directory, with the manifest path set.
        env = dict(os.environ, CARGO_MANIFEST_DIR=str(binary.package_dir))
        start = time.monotonic()
        process = subprocess.Popen(
            [binary.executable, *job.args], cwd=binary.package_dir, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)
        try:
            output, _ = process.communicate(timeout=self.timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            timed_out = True
        took = time.monotonic() - start
        ok = process.returncode == 0 and not timed_out
        with self.lock:
            self.durations[job.key] = round(took, 1)
            print(f"--- {job.key}: {'ok' if ok else 'FAILED'} in {took:.1f} s ---")
            print(output, end="" if output.endswith("\n") else "\n")
            if timed_out:
                print(f"{job.key}: killed after {self.timeout:.0f} s")
            if not ok:
                self.failed.append(job.key)
            sys.stdout.flush()

    def run_all(self, jobs: list[Job], at_once: int) -> None:
        with ThreadPoolExecutor(max_workers=at_once) as pool:
            list(pool.map(self.run, jobs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="processes at once")
    parser.add_argument("--split", action="append", default=[], metavar="DIR",
                        help="a package directory whose integration tests run one per process")
    parser.add_argument("--alone", action="append", default=[], metavar="TARGET",
                        help="an integration test binary whose ignored tests run alone, last")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds a job may take")
    args = parser.parse_args()
    split_dirs = {(REPO / d).resolve() for d in args.split}

    target_dir = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    durations_file = target_dir / "test-durations.json"
    try:
        previous = json.loads(durations_file.read_text())
    except (OSError, ValueError):
        previous = {}

    pooled, alone = [], []
    for binary in build():
        if binary.kind == "test" and binary.package_dir in split_dirs:
            ignored = set(binary.tests("--ignored"))
            pooled += [Job(f"{binary.key}::{test}", binary, ("--exact", test))
                       for test in binary.tests() if test not in ignored]
            if binary.name in args.alone:
                alone += [Job(f"{binary.key}::{test}", binary, ("--exact", test, "--ignored"))
                          for test in sorted(ignored)]
        else:
            pooled.append(Job(binary.key, binary, ("--test-threads=1",)))
    # Longest first; jobs without a previous duration first of all, split ones before others.
    pooled.sort(key=lambda job: (-previous.get(job.key, float("inf")), "::" not in job.key))

    runner = Runner(args.timeout)
    start = time.monotonic()
    runner.run_all(pooled, args.jobs)
    pooled_wall = time.monotonic() - start
    runner.run_all(alone, 1)
    wall = time.monotonic() - start

    durations_file.parent.mkdir(parents=True, exist_ok=True)
    durations_file.write_text(json.dumps(runner.durations, indent=1, sort_keys=True) + "\n")
    jobs = len(pooled) + len(alone)
    print(f"run-tests: {jobs - len(runner.failed)} of {jobs} jobs passed in {wall:.0f} s "
          f"({pooled_wall:.0f} s {args.jobs} at a time, then {wall - pooled_wall:.0f} s alone; "
          f"{sum(runner.durations.values()):.0f} s of jobs)")
    for key in runner.failed:
        print(f"FAILED: {key}")
    return 1 if runner.failed else 0


if __name__ == "__main__":
    sys.exit(main())
