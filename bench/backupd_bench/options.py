"""The command line of bench.py (bench/run passes every option it does not handle itself), its defaults,
and the command a section of RESULTS.md names as the run it came from."""

import argparse
import os

from .parameters import BENCH, CATALOGS, PG_TARGET, TARGET_NAMES

RUN_EPILOG = ("options of bench/run itself:\n"
              "  --source tree|head    build the work tree (default) or an export of the committed HEAD\n"
              "                        (in $BENCH_SRC, default bench/.work/src): uncommitted changes stay out\n"
              "  --bin PATH            measure this binary; no build\n"
              "environment: BENCH_WORK, BENCH_SRC, BENCH_VENV, BENCH_TIME_LIMIT (s, default 1800), PYTHON")


def parse(argv, description):
    """The options, with their defaults filled in, and the catalogs to measure."""
    parser = argparse.ArgumentParser(
        prog="bench/run", description=description, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=RUN_EPILOG)
    parser.add_argument("--bin", required=True, help=argparse.SUPPRESS)
    parser.add_argument("--work", default=str(BENCH / ".work"), help="work directory (default bench/.work)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: the 10k catalog only, 2 s per figure, one unfiltered moto call; "
                             "writes bench/.work/RESULTS-quick.md instead of bench/RESULTS.md")
    parser.add_argument("--catalogs", help="comma-separated subset of 10k,1m,10m (default: all; --quick: 10k)")
    parser.add_argument("--duration", type=int, help="whole seconds per wrk figure (default 5; --quick 2)")
    parser.add_argument("--warmup", type=int, help="whole seconds of warm-up per target at 32 connections (default 1; 0: none)")
    parser.add_argument("--targets", help="comma-separated subset of the API targets (development): " + ",".join(TARGET_NAMES))
    parser.add_argument("--no-references", action="store_true", help="skip nginx and moto")
    pg = parser.add_mutually_exclusive_group()
    pg.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL part")
    pg.add_argument("--postgres-only", action="store_true",
                    help="the PostgreSQL part and the SQLite page of 100 it compares against: no other API target, "
                         "no references; catalogs 10k,1m unless --catalogs says otherwise (--quick: 10k)")
    parser.add_argument("--reuse-catalogs", action="store_true",
                        help="reuse a stored catalog of the same parameters even if the store or generator sources changed")
    parser.add_argument("--log-level", help="LOG_LEVEL for backupd serve (default: backupd's own, info)")
    parser.add_argument("--results", help="where to write the Markdown results")
    parser.add_argument("--strict", action="store_true", help="exit 3 when a target fails")
    opts = parser.parse_args(argv)
    # As given, for the command RESULTS.md names (the defaults below fill these in).
    opts.given = {"duration": opts.duration, "warmup": opts.warmup, "targets": opts.targets,
                  "no_references": opts.no_references}
    opts.connections = [1, 32]
    if opts.duration is None:
        opts.duration = 2 if opts.quick else 5
    if opts.warmup is None:
        opts.warmup = 1
    opts.moto_duration = max(opts.duration, 3 if opts.quick else 10)
    opts.moto_unfiltered_calls = 1 if opts.quick else 2
    if opts.postgres_only:
        opts.no_references = True
        opts.targets = opts.targets or PG_TARGET
    names = (opts.catalogs or ("10k" if opts.quick else "10k,1m" if opts.postgres_only else "10k,1m,10m")).split(",")
    for n in names:
        if n not in CATALOGS:
            parser.error(f"unknown catalog {n} (10k, 1m, 10m)")
    if opts.targets:
        opts.targets = opts.targets.split(",")
        for t in opts.targets:
            if t not in TARGET_NAMES:
                parser.error(f"unknown target {t}")
    return opts, names


def command_line(opts):
    """The bench/run command of this run, with every option that changes what it measured."""
    given = opts.given
    return ("bench/run" + (" --quick" if opts.quick else "") + (f" --catalogs {opts.catalogs}" if opts.catalogs else "")
            + (" --postgres-only" if opts.postgres_only else " --no-postgres" if opts.no_postgres else "")
            + (" --reuse-catalogs" if opts.reuse_catalogs else "")
            + (" --no-references" if given["no_references"] else "")
            + (f" --targets {given['targets']}" if given["targets"] else "")
            + (f" --duration {given['duration']}" if given["duration"] is not None else "")
            + (f" --warmup {given['warmup']}" if given["warmup"] is not None else "")
            + (f" --log-level {opts.log_level}" if opts.log_level else "")
            + (" --source head" if os.environ.get("BENCH_SOURCE") == "head" else ""))
