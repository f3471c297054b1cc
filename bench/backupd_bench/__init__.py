"""The benchmark's code, split along the parts of a run; bench/bench.py runs them in order.

    parameters     the fixed parameters: catalog sizes, API target names, paths
    options        the command line (bench/run passes its own options on) and the command a report names
    processes      children in process groups of their own, killed however the run ends; phases; HTTP on loopback
    machine        what /proc says: CPU shares, RSS, the machine and the versions measured
    loadgen        wrk runs, split runs against several nodes, their histograms merged
    catalogs       generated catalogs, cached by parameters and by the sources that shape them
    api_targets    the SDK-signed requests of each API target, from a catalog's credentials; its IAM token
    sqlite_part    backupd on each SQLite catalog: start-up, the API targets under wrk, RSS, its log; signed
                   requests against tokens on one catalog (issue 13)
    postgres_part  the PostgreSQL part (issues 6 and 13): the cluster, its catalogs, each node's first request on
                   a cold database, one node and two
    references     nginx serving the bytes of every API target, and moto: the references of issues 5 and 13
    lifecycle_part policies and the clock (issue 12): the catch-up of 30 days, lists with and without a policy
    writes_part    reads while writing (issue 13): cached reads of one instance while others are written through
                   two nodes, on SQLite and PostgreSQL; every answer about a written instance fresh
    loads_part     bulk loads (issue 13): generate, export and seed into empty SQLite stores, generate into
                   PostgreSQL, each timed from start to exit
    checks         the targets of issues 5, 6, 12 and 13 (PASS/FAIL), the ratios, failed and busy runs
    report         the Markdown section of each part of a run
    results_file   RESULTS.md: one section per part, a run rewrites only the sections of its parts
"""
