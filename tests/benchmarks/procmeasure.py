"""Run a command as a whole separate process and measure it: wall time and peak RSS.

Uses ``/usr/bin/time -v`` when present (its report goes to a file, so the command's
own stderr stays intact); otherwise ``os.wait4`` on the child, whose rusage covers the
child and the descendants it waited for. All output of the command goes to a log file.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

GNU_TIME = "/usr/bin/time"


@dataclass
class Measured:
    returncode: int
    wall_s: float
    peak_rss_mib: float | None
    log: Path

    def tail(self, n: int = 30) -> str:
        try:
            lines = self.log.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-n:])


def _parse_gnu_time(text: str) -> float | None:
    m = re.search(r"Maximum resident set size \(kbytes\):\s*(\d+)", text)
    return int(m.group(1)) / 1024 if m else None


def run_measured(cmd: list[str], log: Path | str, cwd: Path | str | None = None,
                 env: dict | None = None, timeout: float | None = None) -> Measured:
    """Run ``cmd`` to completion; stdout and stderr go to ``log``."""
    log = Path(log)
    log.parent.mkdir(parents=True, exist_ok=True)
    use_time = os.access(GNU_TIME, os.X_OK) and shutil.which(GNU_TIME) is not None
    time_file = log.with_suffix(".time")
    full = [GNU_TIME, "-v", "-o", str(time_file)] + list(cmd) if use_time else list(cmd)
    with open(log, "wb") as out:
        t0 = time.perf_counter()
        p = subprocess.Popen(full, stdout=out, stderr=subprocess.STDOUT, cwd=cwd, env=env)
        rss = None
        try:
            if use_time:
                rc = p.wait(timeout=timeout)
            else:
                _, status, usage = os.wait4(p.pid, 0)
                rc = os.waitstatus_to_exitcode(status)
                p.returncode = rc
                rss = usage.ru_maxrss / 1024  # Linux: kilobytes
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            rc = -9
        wall = time.perf_counter() - t0
    if use_time and time_file.exists():
        rss = _parse_gnu_time(time_file.read_text(errors="replace"))
    return Measured(rc, wall, rss, log)
