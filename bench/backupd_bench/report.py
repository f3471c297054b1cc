"""The Markdown of a run, one section per part of the benchmark it measured (backupd on SQLite, the
references, PostgreSQL), each complete by itself: the command, date and commit of its run, the machine,
the figures, the targets, the phases and the notes of that part. results_file puts the sections into
RESULTS.md, where each stays until a later run measures its part again."""

from .checks import failed_runs, notes
from .parameters import CATALOG_LABEL, MB, PG_TARGET

# The parts of a run, in the order of RESULTS.md, and their sections' titles.
PARTS = ("sqlite", "references", "postgres")
TITLES = {"sqlite": "backupd on SQLite (issue 5)", "references": "References: nginx and moto",
          "postgres": "PostgreSQL (issue 6)"}


def measured_parts(results):
    """The parts this run measured, whose sections it rewrites. The SQLite figures of a --postgres-only
    run (the page of 100 on 10k and 1m) are the baseline of its PostgreSQL section, not the SQLite part."""
    parts = []
    if results["catalogs"] and not results["options"]["postgres_only"]:
        parts.append("sqlite")
    if results.get("references"):
        parts.append("references")
    if results.get("postgres", {}).get("catalogs"):
        parts.append("postgres")
    return parts


def groups_of(part, results):
    """The groups of figures (checks.GROUPS, and the phases' parts) that a part's section shows."""
    if part == "postgres" and results["options"]["postgres_only"]:
        return ("sqlite", "postgres")
    return (part,)


def render_sections(results, checks_rows, command):
    """{part: Markdown} for every part this run measured."""
    return {part: render_section(part, results, checks_rows, command) for part in measured_parts(results)}


def render_section(part, results, checks_rows, command):
    groups = groups_of(part, results)
    lines = [f"## {TITLES[part]}", ""] + run_header(results, command)
    bad = failed_runs(results, groups)
    if bad:
        lines += ["", "**Failed runs** (errors under load; these are not figures):", ""] + [f"- {b}" for b in bad]
    if part == "sqlite":
        lines += sqlite_body(results, [c for c in checks_rows if c["issue"] == 5])
    elif part == "references":
        lines += references_body(results)
    else:
        lines += postgres_body(results, [c for c in checks_rows if c["issue"] == 6])
    lines += phases_table(results, groups)
    part_notes = notes(results, groups)
    if part_notes:
        lines += ["", "### Notes", ""] + [f"- {n}" for n in part_notes]
    return "\n".join(lines) + "\n"


def run_header(results, command):
    m, v = results["machine"], results["versions"]
    return [f"Produced by `{command}` (see `bench/README.md`) on {results['finished'][:10]}, against backupd commit "
            f"`{v['backupd_commit']}`, in {results['elapsed_s'] / 60:.1f} minutes. The raw figures of this run are in "
            f"`bench/.work/results/{results['run_id']}.json` on the machine that ran it.", "",
            "### Machine and versions", "",
            "| | |", "|---|---|",
            f"| CPU | {m['cpu']}, {m['nproc']} cores (nproc) |",
            f"| Memory | {m['memory_gib']} GiB |",
            f"| Kernel / OS | {m['kernel']} / {m['os']} |",
            f"| backupd | commit `{v['backupd_commit']}`"
            + (f" with uncommitted changes in {', '.join(v['backupd_sources_dirty'])}" if v["backupd_sources_dirty"] else "")
            + f", release build of {v['built_from']} (binary sha256 `{v['binary_sha256']}…`) |",
            f"| Swift | {v['swift']} |",
            f"| wrk | {v['wrk']} |", f"| nginx | {v['nginx']} |", f"| moto | {v['moto']} (Python {v['python']}) |",
            "",
            f"Every request to backupd is signed with SDK-HMAC-SHA256 as the official SDK signs it "
            f"(headers computed once per target at the start of each catalog's phase). wrk runs "
            f"{results['options']['duration']} s per figure with 2 threads at 32 connections and 1 thread at 1 "
            f"connection, after a {results['options']['warmup']} s warm-up at 32 connections. "
            f"Latencies are milliseconds. A run with any error or non-2xx answer is reported as FAILED, not as a figure. "
            f"*Server CPU* is the share of the whole machine ({m['nproc']} cores = 100%) the measured server used during "
            f"the run; *Other work* the share used by processes outside the benchmark (other users of a shared machine): "
            f"above a few percent, the figures of that run are lower than the machine can do."]


def sqlite_body(results, checks_rows):
    lines = ["", "### Targets (issue 5)", ""] + target_table(checks_rows)
    r = results.get("ratios", {})
    if r:
        lines += ["", f"### Ratios (catalog {results['ratio_catalog']}, 32 connections)", "",
                  "| Ratio | Value |", "|---|---|"]
        names = {"page100_rps_vs_nginx": "backupd/nginx requests/s, page of 100",
                 "page100_p99_vs_nginx": "backupd/nginx p99, page of 100",
                 "page10_rps_vs_nginx": "backupd/nginx requests/s, page of 10",
                 "page10_p99_vs_nginx": "backupd/nginx p99, page of 10",
                 "page100_rps_vs_moto": "backupd/moto requests/s, page of 100",
                 "page100_rps_vs_moto_c1": "backupd/moto requests/s, page of 100, 1 connection"}
        for k, val in r.items():
            lines.append(f"| {names.get(k, k)} | {val:,.3f} |")
    lines += ["", "### Catalogs", ""] + catalogs_table(results)
    lines += ["", "### backupd, per API", ""] + per_api_table(results)
    return lines


def catalogs_table(results):
    lines = ["| Catalog | Instances | Generation | Store on disk (file + wal) | Largest RDS instance | /health after start: cold cache (read from disk) / warm | Peak RSS (VmHWM) | Server log |",
             "|---|---|---|---|---|---|---|---|"]
    for name, c in results["catalogs"].items():
        gen = generation_cell(c["generation"])
        sb = c["store_bytes"]
        statuses = c.get("log", {}).get("statuses", {})
        lines.append(f"| {CATALOG_LABEL[name]} | {c['params']['instances']:,} | {gen} | "
                     f"{sb['total'] / MB:,.1f} MB ({sb['db'] / MB:,.1f} + {sb['wal'] / MB:,.1f}) | "
                     f"{c.get('largest_rds_instance_backups', 0):,} backups | "
                     f"{c.get('startup_cold_s', 0) * 1000:,.0f} ms"
                     + (f" ({c['startup_cold_read_bytes'] / MB:,.1f} MB)" if c.get("startup_cold_read_bytes") is not None else "")
                     + f" / {c.get('startup_s', 0) * 1000:,.0f} ms | {c.get('peak_rss_kb', 0) * 1024 / MB:,.1f} MB | "
                     f"{', '.join(f'{k}: {n:,}' for k, n in sorted(statuses.items()))} |")
    return lines


def per_api_table(results):
    lines = ["| Catalog | API | Items / total | Bytes | Conn. | Requests/s | p50 | p99 | p99.9 | Errors | Server CPU | Other work |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, c in results["catalogs"].items():
        for t, e in c["targets"].items():
            total = e.get("total")
            it = f"{e.get('items', '')}" + (f" / {total:,}" if total is not None else "")
            if e.get("failed"):
                lines.append(f"| {CATALOG_LABEL[name]} | {e['label']} | | | | FAILED: {e['failed']} | | | | |")
            for k, run in e["runs"].items():
                lines.append(row(CATALOG_LABEL[name], e["label"], it, e["body_bytes"], k, run))
    return lines


def references_body(results):
    refs = results["references"]
    lines = []
    ng = refs.get("nginx")
    if ng and ng.get("catalog"):
        lines += ["", f"nginx serves the bytes backupd answered on the {CATALOG_LABEL[ng['catalog']]}-backup catalog "
                      "in the same run."]
    lines += ["", "| Server | Response | Items | Bytes | Conn. | Requests/s | p50 | p99 | p99.9 | Errors | Server CPU | Other work |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    if ng:
        for k, run in ng["runs"].items():
            f, c = k.split("/")
            lines.append(row(f"nginx {ng['version'].replace('nginx version: nginx/', '')}",
                             f"static file, the bytes of backupd's {'page of 100' if f.endswith('100') else 'page of 10'}",
                             "100" if f.endswith("100") else "10", ng["body_bytes"][f], c, run))
    mo = refs.get("moto")
    if mo:
        for k, run in mo["runs"].items():
            lines.append(row(f"moto {mo['version']}", "DescribeDBSnapshots, MaxRecords=100, one instance's 100 of 10,000 snapshots",
                             mo["page_items"], mo["page_bytes"], k.split("/")[1], run))
        u = mo.get("unfiltered")
        if u:
            lines += ["", f"moto ignores `MaxRecords` for DescribeDBSnapshots: the same call without `DBInstanceIdentifier` "
                          f"returned all {u['items']:,} snapshots ({u['bytes'] / MB:.1f} MB) in "
                          f"{', '.join(f'{s:.2f}' for s in u['seconds'])} s per call. The moto figures above therefore "
                          f"ask for one instance's snapshots (100 of the 10,000), which is the page of 100 moto can answer."]
    return lines


def postgres_body(results, checks_rows):
    part = results["postgres"]
    cats = part["catalogs"]
    cluster = part.get("cluster", {})
    st = cluster.get("settings", {})
    lines = ["",
             f"backupd on PostgreSQL {st.get('server_version', '')}, in a cluster the benchmark runs on this machine "
             "(`scripts/pg-cluster` in `bench/.work/pg`, listening on 127.0.0.1), one schema per catalog in one database, "
             "generated by `backupd generate --store postgres://…` from the same parameters and seed as the SQLite stores. "
             f"Settings: shared_buffers {st.get('shared_buffers')}, work_mem {st.get('work_mem')}, effective_cache_size "
             f"{st.get('effective_cache_size')}, max_connections {st.get('max_connections')}, and **fsync "
             f"{st.get('fsync')}, synchronous_commit {st.get('synchronous_commit')}, full_page_writes "
             f"{st.get('full_page_writes')}: a bench/test cluster, not a durable configuration** (it flatters the "
             "generation rate, not the reads). Each node is `backupd serve --store postgres://…` with its defaults: a pool "
             f"of {cluster.get('pool_size')} connections and a {cluster.get('query_timeout_ms')} ms query timeout. The "
             f"database shares the machine's {results['machine']['nproc']} cores with backupd and wrk; *PostgreSQL CPU* is "
             "the share of the machine its processes used.", "",
             "Two nodes share the same schema, and the load is split between them by two wrk processes started together, one "
             "per node with half the connections and a thread each (one connection becomes one per node): requests/s are "
             "added, and the percentiles are those of the two latency histograms merged. An nginx balancing the two nodes "
             "would have put its own hop into the latencies and its own CPU on the same two cores.", "",
             "### Targets", ""] + target_table(checks_rows)
    lines += ["", "### Catalogs", "",
              "| Catalog | Generation into SQLite | Generation into PostgreSQL | PostgreSQL schema (tables, indexes, TOAST) | Largest RDS instance | Same bytes as SQLite | /health after start, per node | Peak RSS (VmHWM), per node | Server logs |",
              "|---|---|---|---|---|---|---|---|---|"]
    same = {True: "yes", False: "**no**", None: "not compared"}
    for name, c in cats.items():
        lite = results["catalogs"].get(name, {}).get("generation")
        compared = [e.get("same_bytes_as_sqlite") for e in c["setups"].values() if "failed" not in e]
        nodes = c.get("nodes", [])
        lines.append(f"| {CATALOG_LABEL[name]} | {generation_cell(lite) if lite else 'not in this run'} | "
                     f"{generation_cell(c['generation'])} | {c['store_bytes'] / MB:,.1f} MB | "
                     f"{c.get('largest_rds_instance_backups', 0):,} backups | "
                     f"{same[None if None in compared or not compared else all(compared)]} | "
                     + " / ".join(f"{n['startup_s'] * 1000:,.0f} ms" for n in nodes if n.get("startup_s") is not None)
                     + " | " + " / ".join(f"{n['peak_rss_kb'] * 1024 / MB:,.1f} MB" for n in nodes) + " | "
                     + ", ".join(f"{k}: {n:,}" for k, n in sorted(c.get("log", {}).get("statuses", {}).items())) + " |")
    lines += ["", "### RDS list, first page of 100", "",
              "| Catalog | Store | Nodes | Conn. | Requests/s | p50 | p99 | p99.9 | Errors | backupd CPU | PostgreSQL CPU | Other work |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, c in cats.items():
        lite = results["catalogs"].get(name, {}).get("targets", {}).get(PG_TARGET, {})
        for k, run in lite.get("runs", {}).items():
            lines.append(pg_row(name, "SQLite", 1, k, run))
        for setup, e in c["setups"].items():
            if e.get("failed"):
                lines.append(f"| {CATALOG_LABEL[name]} | PostgreSQL | {e['nodes']} | | FAILED: {e['failed']} | | | | | | | |")
            for k, run in e["runs"].items():
                conn = k if e["nodes"] == 1 else f"{k} ({run['per_node_connections']} per node)"
                lines.append(pg_row(name, "PostgreSQL", e["nodes"], conn, run))
    if "sqlite" in groups_of("postgres", results) and results["catalogs"]:
        lines += ["", "### SQLite, as this run measured it", "",
                  "The SQLite stores this run measured for the comparison (`--postgres-only`: the page of 100 only); "
                  "the SQLite part's own figures are in its section.", ""]
        lines += catalogs_table(results) + [""] + per_api_table(results)
    return lines


def phases_table(results, groups):
    """The run's phases of these groups, with the build and the whole run's time (both are the run's)."""
    lines = ["", "### Phases", "",
             f"Load average (1 min) when the run started: {results['loadavg_start']}; it is above 2 on two cores when "
             "other work shares the machine, and then every figure is lower than the machine can do.", "",
             "| Phase | Seconds | Load average (1 min) at its end |", "|---|---|---|"]
    for p in results["phases"]:
        if "part" not in p or p["part"] in groups:  # the build has no part: it is the run's
            lines.append(f"| {p['phase']} | {p['seconds']} | {p.get('loadavg_1m', '')} |")
    lines.append(f"| the whole run, build included | {results['elapsed_s']:.0f} | |")
    return lines


def target_table(rows):
    lines = ["| Result | Target | Value | Limit | Detail |", "|---|---|---|---|---|"]
    for c in rows:
        lines.append(f"| **{c['result']}** | {c['target']} | {'' if c['value'] is None else c['value']} | {c['limit']} | {c['detail']} |")
    return lines


def generation_cell(g):
    return f"{g['seconds']:.1f} s, {g['rate']:,.0f} backups/s" + (" (cached)" if g.get("cached") else "")


def ms(us):
    return f"{us / 1000:.3f}"


def pct(v):
    return "" if v is None else f"{v:.0f}%"


def row(a, b, items, size, conn, run):
    if run.get("failed"):
        return f"| {a} | {b} | {items} | {size:,} | {conn} | FAILED: {run['failed']} | | | | | | |"
    return (f"| {a} | {b} | {items} | {size:,} | {conn} | {run['rps']:,.0f} | {ms(run['p50_us'])} | "
            f"{ms(run['p99_us'])} | {ms(run['p999_us'])} | 0 | {pct(run.get('server_cpu_pct'))} | "
            f"{pct(run.get('other_cpu_pct'))} |")


def pg_row(catalog, store, nodes, conn, run):
    head = f"| {CATALOG_LABEL[catalog]} | {store} | {nodes} | {conn} |"
    if run.get("failed"):
        return f"{head} FAILED: {run['failed']} | | | | | | | |"
    return (f"{head} {run['rps']:,.0f} | {ms(run['p50_us'])} | {ms(run['p99_us'])} | {ms(run['p999_us'])} | 0 | "
            f"{pct(run.get('server_cpu_pct'))} | {pct(run.get('db_cpu_pct'))} | {pct(run.get('other_cpu_pct'))} |")
