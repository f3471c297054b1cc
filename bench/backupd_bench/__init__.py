"""The benchmark's code, split along the parts of a run; bench/bench.py runs them in order.

    parameters     the fixed parameters: catalog sizes, API target names, paths
    options        the command line (bench/run passes its own options on) and the command a report names
    processes      children in process groups of their own, killed however the run ends; phases; HTTP on loopback
    machine        what /proc says: CPU shares, RSS, the machine and the versions measured
    loadgen        wrk runs, split runs against several nodes, their histograms merged
    catalogs       generated catalogs, cached by parameters and by the sources that shape them
    api_targets    the SDK-signed requests of each API target, from a catalog's credentials
    sqlite_part    backupd on each SQLite catalog: start-up, the API targets under wrk, RSS, its log
    postgres_part  the PostgreSQL part (issue 6): the cluster, its catalogs, one node and two
    references     nginx and moto, the references of issue 5
    lifecycle_part policies and the clock (issue 12): the catch-up of 30 days, lists with and without a policy
    writes_part    reads while writing (issue 13): cached reads of one instance while others are written through
                   two nodes, on SQLite and PostgreSQL; every answer about a written instance fresh
    checks         the targets of issues 5, 6, 12 and 13 (PASS/FAIL), the ratios, failed and busy runs
    report         the Markdown section of each part of a run
    results_file   RESULTS.md: one section per part, a run rewrites only the sections of its parts
"""
