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


def part_switches(parser, part, skip_help, only_help):
    """`--no-PART` and `--PART-only`, which exclude each other."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(f"--no-{part}", action="store_true", help=skip_help)
    group.add_argument(f"--{part}-only", action="store_true", help=only_help)


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
    part_switches(parser, "postgres", "skip the PostgreSQL part",
                  "the PostgreSQL part and the SQLite page of 100 it compares against: no other API target, "
                  "no references; catalogs 10k,1m unless --catalogs says otherwise (--quick: 10k)")
    part_switches(parser, "lifecycle", "skip the policies-and-clock part (issue 12)",
                  "only the policies-and-clock part (issue 12): the catch-up and the throughput with and "
                  "without a policy; no catalog, no reference, no PostgreSQL")
    parser.add_argument("--lifecycle-instances", type=int,
                        help="RDS instances with a policy in that part's seed (default 10000; --quick 1000)")
    parser.add_argument("--lifecycle-repeats", type=int, help="catch-ups timed, each from a fresh store (default 3; --quick 1)")
    parser.add_argument("--lifecycle-rounds", type=int,
                        help="rounds of the throughput phase, each a wrk run per target (default 5; --quick 2)")
    part_switches(parser, "writes", "skip the reads-while-writing part (issue 13)",
                  "only the reads-while-writing part (issue 13): SQLite and PostgreSQL (unless --no-postgres), "
                  "two nodes each; no catalog, no reference, no lifecycle part")
    parser.add_argument("--writes-rounds", type=int,
                        help="rounds of that part, each a read-only and a writing wrk run per engine (default 5; --quick 2)")
    part_switches(parser, "loads", "skip the bulk-loads part (issue 13)",
                  "only the bulk-loads part (issue 13): backupd generate and seed into empty SQLite stores, "
                  "generate into PostgreSQL (unless --no-postgres); no catalog, no reference")
    parser.add_argument("--auth-rounds", type=int,
                        help="rounds of the signed-against-token runs of the page of 100 on the ratio catalog, "
                             "each a signed and a token run (default 3; --quick 2; 0: none)")
    parser.add_argument("--reuse-catalogs", action="store_true",
                        help="reuse a stored catalog of the same parameters even if the store or generator sources changed")
    parser.add_argument("--log-level", help="LOG_LEVEL for backupd serve (default: backupd's own, info)")
    parser.add_argument("--results", help="where to write the Markdown results")
    parser.add_argument("--strict", action="store_true", help="exit 3 when a target fails")
    opts = parser.parse_args(argv)
    # As given, for the command RESULTS.md names (the defaults below fill these in).
    opts.given = {"duration": opts.duration, "warmup": opts.warmup, "targets": opts.targets,
                  "no_references": opts.no_references, "lifecycle_instances": opts.lifecycle_instances,
                  "lifecycle_repeats": opts.lifecycle_repeats, "lifecycle_rounds": opts.lifecycle_rounds,
                  "writes_rounds": opts.writes_rounds, "no_postgres": opts.no_postgres,
                  "auth_rounds": opts.auth_rounds}
    if opts.lifecycle_only and opts.postgres_only:
        parser.error("--lifecycle-only and --postgres-only exclude each other")
    if opts.writes_only and (opts.lifecycle_only or opts.postgres_only):
        parser.error(f"--writes-only and --{'lifecycle' if opts.lifecycle_only else 'postgres'}-only exclude each other")
    if opts.loads_only and (opts.lifecycle_only or opts.postgres_only or opts.writes_only):
        other = "lifecycle" if opts.lifecycle_only else "postgres" if opts.postgres_only else "writes"
        parser.error(f"--loads-only and --{other}-only exclude each other")
    if opts.auth_rounds is None:
        opts.auth_rounds = 2 if opts.quick else 3
    if opts.auth_rounds < 0:
        parser.error("--auth-rounds must be at least 0")
    if opts.lifecycle_instances is None:
        opts.lifecycle_instances = 1_000 if opts.quick else 10_000
    if opts.lifecycle_repeats is None:
        opts.lifecycle_repeats = 1 if opts.quick else 3
    if opts.lifecycle_rounds is None:
        opts.lifecycle_rounds = 2 if opts.quick else 5
    if opts.writes_rounds is None:
        opts.writes_rounds = 2 if opts.quick else 5
    for name in ("lifecycle_instances", "lifecycle_repeats", "lifecycle_rounds", "writes_rounds"):
        if getattr(opts, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if opts.postgres_only:
        opts.no_lifecycle = opts.no_writes = opts.no_loads = True
    if opts.lifecycle_only:
        opts.no_references = opts.no_postgres = opts.no_writes = opts.no_loads = True
    if opts.writes_only:
        # The part's PostgreSQL half still runs unless --no-postgres: only the PostgreSQL part (issue 6)
        # goes, with the catalogs it measures.
        opts.no_references = opts.no_lifecycle = opts.no_loads = True
    if opts.loads_only:
        # As --writes-only: its PostgreSQL half runs unless --no-postgres.
        opts.no_references = opts.no_lifecycle = opts.no_writes = True
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
    if opts.lifecycle_only or opts.writes_only or opts.loads_only:
        if opts.catalogs:
            only = "lifecycle" if opts.lifecycle_only else "writes" if opts.writes_only else "loads"
            parser.error(f"--{only}-only measures no catalog: leave --catalogs out")
        names = []
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
            + (" --postgres-only" if opts.postgres_only else " --lifecycle-only" if opts.lifecycle_only
               else " --writes-only" if opts.writes_only else " --loads-only" if opts.loads_only else "")
            + (" --no-postgres" if given["no_postgres"] and not (opts.postgres_only or opts.lifecycle_only) else "")
            + (" --no-lifecycle" if opts.no_lifecycle and not (opts.postgres_only or opts.writes_only or opts.loads_only)
               else "")
            + (" --no-writes" if opts.no_writes and not (opts.postgres_only or opts.lifecycle_only or opts.loads_only)
               else "")
            + (" --no-loads" if opts.no_loads and not (opts.postgres_only or opts.lifecycle_only or opts.writes_only)
               else "")
            + (f" --auth-rounds {given['auth_rounds']}" if given.get("auth_rounds") is not None else "")
            + (f" --lifecycle-instances {given['lifecycle_instances']}" if given.get("lifecycle_instances") else "")
            + (f" --lifecycle-repeats {given['lifecycle_repeats']}" if given.get("lifecycle_repeats") else "")
            + (f" --lifecycle-rounds {given['lifecycle_rounds']}" if given.get("lifecycle_rounds") else "")
            + (f" --writes-rounds {given['writes_rounds']}" if given.get("writes_rounds") else "")
            + (" --reuse-catalogs" if opts.reuse_catalogs else "")
            + (" --no-references" if given["no_references"] and not (opts.lifecycle_only or opts.writes_only
                                                                      or opts.loads_only) else "")
            + (f" --targets {given['targets']}" if given["targets"] else "")
            + (f" --duration {given['duration']}" if given["duration"] is not None else "")
            + (f" --warmup {given['warmup']}" if given["warmup"] is not None else "")
            + (f" --log-level {opts.log_level}" if opts.log_level else "")
            + (" --source head" if os.environ.get("BENCH_SOURCE") == "head" else ""))
