"""What the machine is and what it is doing, from /proc and the tools' own version output: the CPU the
servers, the database and other work use during a wrk run (so that figures taken on a busy, shared
machine can be told apart), the servers' RSS, the page cache of a store, and the machine and versions
every section of RESULTS.md names."""

import datetime
import hashlib
import os
import platform
import resource
import shutil
import threading
import time
from pathlib import Path

from .parameters import ROOT
from .processes import run_text

HZ = os.sysconf("SC_CLK_TCK")


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_kb(pid, field):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def io_read_bytes(pid):
    try:
        for line in Path(f"/proc/{pid}/io").read_text().splitlines():
            if line.startswith("read_bytes:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def evict_page_cache(paths):
    """Drops the pages of these files (only these) from the page cache; True when it could."""
    done = False
    for p in paths:
        try:
            fd = os.open(p, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            done = True
        except OSError:
            pass
        finally:
            os.close(fd)
    return done


def process_ticks(pgids, db_pid=None):
    """CPU time (user + system, clock ticks) of the live processes of these process groups, and of a
    PostgreSQL postmaster and its children: each backend leads a session of its own, so it is found
    by its parent, not by its group."""
    server = db = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # After the command: state ppid pgrp session ... utime (14th field overall) stime (15th).
        ticks = int(fields[11]) + int(fields[12])
        if int(fields[2]) in pgids:
            server += ticks
        elif db_pid and db_pid in (int(entry.name), int(fields[1])):
            db += ticks
    return server, db


def cpu_snapshot(pgids, db_pid=None):
    """What the other work on the machine used is the machine's user+system time less the servers'
    groups, the database's processes, this process and its reaped children (wrk). irq/softirq time
    (loopback traffic) is left out."""
    try:
        cpu = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        busy = int(cpu[0]) + int(cpu[1]) + int(cpu[2])
    except (OSError, IndexError, ValueError):
        return None
    ours = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = (ours.ru_utime + ours.ru_stime + kids.ru_utime + kids.ru_stime) * HZ
    server, db = process_ticks(pgids, db_pid) if pgids or db_pid else (0, 0)
    return {"t": time.monotonic(), "busy": busy, "server": server, "db": db, "own": own}


def machine_pct(before, after, ticks):
    """`ticks` of CPU between two snapshots as a share of the whole machine (all cores), in %."""
    capacity = (after["t"] - before["t"]) * HZ * (os.cpu_count() or 1)
    return round(max(ticks, 0) / capacity * 100, 1) if capacity > 0 else None


def other_cpu_pct(before, after):
    """The share of the machine (all cores) that other work used between two snapshots, in %."""
    if not before or not after:
        return None
    ours = sum(after[k] - before[k] for k in ("server", "db", "own"))
    return machine_pct(before, after, after["busy"] - before["busy"] - ours)


class RSSSampler(threading.Thread):
    """Samples VmRSS and VmHWM of a process every `interval` seconds."""

    def __init__(self, pid, interval=0.25):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss_kb = 0
        self.hwm_kb = 0
        self.samples = 0
        self.halt = threading.Event()

    def run(self):
        while not self.halt.is_set():
            self.sample()
            self.halt.wait(self.interval)

    def sample(self):
        rss, hwm = status_kb(self.pid, "VmRSS"), status_kb(self.pid, "VmHWM")
        if rss is not None:
            self.peak_rss_kb = max(self.peak_rss_kb, rss)
            self.samples += 1
        if hwm is not None:
            self.hwm_kb = max(self.hwm_kb, hwm)
        return hwm

    def stop(self):
        self.halt.set()
        self.join(2)
        self.sample()


def machine():
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = status_line("/proc/meminfo", "MemTotal")
    return {"nproc": os.cpu_count(), "affinity": len(os.sched_getaffinity(0)), "cpu": cpu,
            "memory_gib": round(int(mem.split()[0]) / 1024 / 1024, 1) if mem else None,
            "kernel": platform.release(), "os": os_name()}


def status_line(path, key):
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key + ":"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def os_name():
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.platform()


def versions(bin_path):
    commit = run_text(["git", "-C", str(ROOT), "rev-parse", "--short=12", "HEAD"])
    source = os.environ.get("BENCH_SOURCE", "tree")
    # A binary built in an export of a commit (`--source head`, or `--bin` pointing into one) is that
    # commit's, whatever HEAD is now.
    export = next((p for p in Path(bin_path).resolve().parents if (p / ".bench-commit").is_file()), None)
    if export is not None and source in ("head", "prebuilt"):
        commit = (export / ".bench-commit").read_text().strip()[:12]
        source = "head"
    dirty = ""
    if source == "tree":
        dirty = run_text(["git", "-C", str(ROOT), "status", "--porcelain", "--", "Sources", "Package.swift"])
    from importlib.metadata import version
    wrk_v = run_text(["wrk", "-v"]).splitlines()[0]
    return {"backupd_commit": commit, "built_from": {"tree": "the work tree", "head": "an export of the committed HEAD",
                                                     "prebuilt": "a prebuilt binary (--bin)"}.get(source, source),
            # `XY path` lines; run_text strips the output, and with it the first line's leading blank.
            "backupd_sources_dirty": [l.split(None, 1)[1] for l in dirty.splitlines() if len(l.split(None, 1)) == 2],
            "swift": run_text(["swift", "--version"]).splitlines()[0] if shutil.which("swift") else "unavailable",
            "wrk": wrk_v.split(" Copyright")[0], "nginx": run_text(["nginx", "-v"]).replace("nginx version: ", ""),
            "moto": version("moto"), "python": platform.python_version(),
            "binary_sha256": hashlib.sha256(Path(bin_path).read_bytes()).hexdigest()[:16]}
