"""The Markdown of a run, one section per part of the benchmark it measured (backupd on SQLite, the
references, PostgreSQL, policies and the clock, reads while writing, bulk loads), each complete by itself: the command, date and commit of its run, the machine,
the figures, the targets, the phases and the notes of that part. results_file puts the sections into
RESULTS.md, where each stays until a later run measures its part again."""

from .checks import WRITES_ENGINES, failed_runs, notes
from .parameters import CATALOG_LABEL, MB, PG_TARGET, TARGET_NAMES

# The parts of a run, in the order of RESULTS.md, and their sections' titles.
PARTS = ("sqlite", "references", "postgres", "lifecycle", "writes", "loads")
TITLES = {"sqlite": "backupd on SQLite (issues 5 and 13)", "references": "References: nginx and moto",
          "postgres": "PostgreSQL (issues 6 and 13)", "lifecycle": "Policies and the clock (issue 12)",
          "writes": "Reads while writing (issue 13)", "loads": "Bulk loads (issue 13)"}
# The steps of the bulk-loads part, in order, as its table names them.
LOAD_STEPS = {"sqlite_generate": ("SQLite", "`backupd generate`, into an empty store"),
              "sqlite_export": ("SQLite", "`backupd export` of that store, as a seed file"),
              "sqlite_seed": ("SQLite", "`backupd seed` of that file, into an empty store"),
              "sqlite_generate_on_top": ("SQLite", "`backupd generate`, another random seed, on top of the first store"),
              "postgres_generate": ("PostgreSQL", "`backupd generate`, into an empty schema")}


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
    if results.get("lifecycle"):
        parts.append("lifecycle")
    if results.get("writes"):
        parts.append("writes")
    if results.get("loads"):
        parts.append("loads")
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
    lines = [f"## {TITLES[part]}", ""] + run_header(results, command, part)
    bad = failed_runs(results, groups)
    if bad:
        lines += ["", "**Failed runs** (errors under load; these are not figures):", ""] + [f"- {b}" for b in bad]
    rows = [c for c in checks_rows if c["part"] == part]
    if part == "sqlite":
        lines += sqlite_body(results, rows)
    elif part == "references":
        lines += references_body(results)
    elif part == "lifecycle":
        lines += lifecycle_body(results, rows)
    elif part == "writes":
        lines += writes_body(results, rows)
    elif part == "loads":
        lines += loads_body(results, rows)
    else:
        lines += postgres_body(results, rows)
    lines += phases_table(results, groups)
    part_notes = notes(results, groups)
    if part_notes:
        lines += ["", "### Notes", ""] + [f"- {n}" for n in part_notes]
    return "\n".join(lines) + "\n"


def run_header(results, command, part=None):
    m, v = results["machine"], results["versions"]
    if part == "loads":
        load = ""
    elif part in ("lifecycle", "writes"):
        load = (f"wrk runs {results['options']['duration']} s per figure with 1 thread at 32 connections, pinned to one "
                f"core and the server to the other, after a {results['options']['warmup']} s warm-up.")
    else:
        load = (f"wrk runs {results['options']['duration']} s per figure with 2 threads at 32 connections and 1 thread "
                f"at 1 connection, after a {results['options']['warmup']} s warm-up at 32 connections.")
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
            (f"Every load is timed from the command's start to its exit (wall clock). A command that fails is reported "
             f"as FAILED, not as a figure. *Other work* is the share of the whole machine ({m['nproc']} cores = 100%) "
             "that processes outside the benchmark used meanwhile (other users of a shared machine): above a few percent, "
             "the rate of that load is lower than the machine can do." if part == "loads" else
             f"Every request to backupd is signed with SDK-HMAC-SHA256 as the official SDK signs it "
             f"(headers computed once per target at the start of each {'run' if part == 'lifecycle' else 'engine' + chr(39) + 's phase' if part == 'writes' else 'catalog' + chr(39) + 's phase'})"
             + (", except the token runs of the signed-against-token comparison" if part == "sqlite" else "") + ". "
             f"{load} Latencies are milliseconds. A run with any error or non-2xx answer is reported as FAILED, not as a figure. "
             f"*Server CPU* is the share of the whole machine ({m['nproc']} cores = 100%) the measured server used during "
             f"the run; *Other work* the share used by processes outside the benchmark (other users of a shared machine): "
             f"above a few percent, the figures of that run are lower than the machine can do.")]


def sqlite_body(results, checks_rows):
    lines = ["", targets_heading(checks_rows), ""] + target_table(checks_rows)
    r = results.get("ratios", {})
    if r:
        lines += ["", f"### Ratios (catalog {results['ratio_catalog']}, 32 connections)", "",
                  "| Ratio | Value |", "|---|---|"]
        names = {"page100_rps_vs_nginx": "backupd/nginx requests/s, page of 100",
                 "page100_p99_vs_nginx": "backupd/nginx p99, page of 100",
                 "page10_rps_vs_nginx": "backupd/nginx requests/s, page of 10",
                 "page10_p99_vs_nginx": "backupd/nginx p99, page of 10",
                 "page100_rps_vs_moto": "backupd/moto requests/s, page of 100",
                 "page100_rps_vs_moto_c1": "backupd/moto requests/s, page of 100, 1 connection",
                 "page100_signed_vs_token": "signed/token requests/s, page of 100 (medians)"}
        names.update({f"{t}_rps_vs_nginx": f"backupd/nginx requests/s, {t}" for t in TARGET_NAMES})
        for k, val in r.items():
            lines.append(f"| {names.get(k, k)} | {val:,.3f} |")
    lines += auth_table(results)
    lines += ["", "### Catalogs", ""] + catalogs_table(results)
    lines += ["", "### backupd, per API", ""] + per_api_table(results)
    return lines


def auth_table(results):
    """The signed-against-token runs (issue 13): the medians, then every run in order."""
    cat, auth = next(((n, c["auth"]) for n, c in results["catalogs"].items() if c.get("auth")), (None, None))
    if not auth:
        return []
    lines = ["", f"### Signed and token requests, page of 100 ({CATALOG_LABEL[cat]} backups, "
                 f"{auth['connections']} connections)", "",
             "The same request to the same server, SDK-signed (`Authorization: SDK-HMAC-SHA256 …` and `X-Sdk-Date`, the "
             "request every other figure replays) or with an IAM token of the catalog's RDS sample user in their place "
             "(`X-Auth-Token`, from `POST /v3/auth/tokens`; the other headers the same), in alternated runs: "
             f"{auth['rounds']} rounds, each a signed and a token run, the order swapped every round. Both answers "
             + ("are the same bytes." if auth.get("same_bytes") else "**differ**.")]
    if auth.get("failed"):
        return lines + ["", f"FAILED: {auth['failed']}"]
    lines += ["", "| Request | Runs | Requests/s (median) | Range | p50 | p99 | Server CPU (median) | Other work (max) |",
              "|---|---|---|---|---|---|---|---|"]
    for kind in ("signed", "token"):
        x = auth.get(kind)
        if not x:
            lines.append(f"| {kind} | 0 | FAILED | | | | | |")
            continue
        lines.append(f"| {kind} | {x['runs']} | {x['median_rps']:,.0f} | {x['min_rps']:,.0f}–{x['max_rps']:,.0f} | "
                     f"{ms(x['median_p50_us'])} | {ms(x['median_p99_us'])} | {pct(x.get('median_server_cpu_pct'))} | "
                     f"{pct(x.get('max_other_cpu_pct'))} |")
    lines += ["", "| Round | Request | Requests/s | p50 | p99 | Server CPU | Other work |", "|---|---|---|---|---|---|---|"]
    for run in auth.get("runs", []):
        if run.get("failed"):
            lines.append(f"| {run['round']} | {run['kind']} | FAILED: {run['failed']} | | | | |")
            continue
        lines.append(f"| {run['round']} | {run['kind']} | {run['rps']:,.0f} | {ms(run['p50_us'])} | {ms(run['p99_us'])} | "
                     f"{pct(run.get('server_cpu_pct'))} | {pct(run.get('other_cpu_pct'))} |")
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
        types = sorted({t.get("content_type") for t in ng.get("targets", {}).values()} - {None})
        lines += ["", f"nginx serves, as static files, the exact bytes backupd answered for each API target on the "
                      f"{CATALOG_LABEL[ng['catalog']]}-backup catalog in the same run"
                      + (f", with backupd's Content-Type ({', '.join(f'`{t}`' for t in types)})" if types else "")
                      + ". The pages of 100 and of 10 are measured at 1 and 32 connections, the other targets at 32 "
                        "(the figure their targets compare)."]
    lines += ["", "| Server | Response | Items | Bytes | Conn. | Requests/s | p50 | p99 | p99.9 | Errors | Server CPU | Other work |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    if ng:
        for k, run in ng["runs"].items():
            f, c = k.split("/")
            t = ng.get("targets", {}).get(f, {})
            label = t.get("label") or {"rds_page100": "RDS list, first page of 100",
                                       "rds_page10": "RDS list, first page of 10"}.get(f, f)
            items = t.get("items", "100" if f.endswith("100") else "10" if f.endswith("10") else "")
            lines.append(row(f"nginx {ng['version'].replace('nginx version: nginx/', '')}",
                             f"static file, the bytes of backupd's {label} (`{f}`)", items, ng["body_bytes"][f], c, run))
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
             "Before each catalog the cluster is restarted (a fast shutdown and a start: its shared buffers are empty), "
             "so that the first node's first request finds a cold database. Each node's *first request* is the SDK-signed "
             "page of 100, sent right after its `/health` answered 200, whatever it answers.", "",
             targets_heading(checks_rows), ""] + target_table(checks_rows)
    lines += ["", "### Catalogs", "",
              "| Catalog | Generation into SQLite | Generation into PostgreSQL | PostgreSQL schema (tables, indexes, TOAST) | Largest RDS instance | Same bytes as SQLite | /health after start, per node | First request, per node | Peak RSS (VmHWM), per node | Server logs |",
              "|---|---|---|---|---|---|---|---|---|---|"]
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
                     + " | " + " / ".join(first_request_cell(n["first_request"]) for n in nodes if n.get("first_request"))
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


def lifecycle_body(results, checks_rows):
    part = results["lifecycle"]
    p = part["params"]
    pol = p["policy"]
    cu = part.get("catchup", {})
    tp = part.get("throughput") or {}
    lines = ["",
             f"A seed of {p['instances']:,} RDS MySQL instances, each with the backup policy `keep_days` {pol['keep_days']}, "
             f"`start_time` `{pol['start_time']}`, `period` `{pol['period']}` (a daily full backup at "
             f"{pol['start_time'][:5]} UTC and incrementals every 5 minutes), over two projects of one domain, plus one "
             f"instance without a policy; that one and the first policy instance hold the same {p['seeded_backups']:,} "
             f"seeded manual backups, the others none ({p['seed_bytes'] / MB:,.1f} MB of JSON). Each catch-up starts from a "
             f"fresh SQLite store: `backupd clock set {p['t0']}` and `clock freeze`, `backupd seed` (the policies take "
             "effect at that instant), `backupd serve` and one request, then `backupd clock advance "
             f"{p['catch_up']}` on the command line while the server runs, and the **first API request after it** (an "
             "SDK-signed RDS list of one instance, page of 100), which writes down the 30 skipped days of every "
             "instance before it answers: its time from sending to the last byte is the catch-up. The lists of three "
             "instances and the store's rows are then checked against `docs/lifecycle.md` §8.1–§8.2.", ""]
    lines += [targets_heading(checks_rows), ""] + target_table(checks_rows)
    runs = cu.get("runs", [])
    if runs:
        lines += ["", f"### Catch-up of {p['catch_up'][1:-1]} days", "",
                  "| Run | Seed load (`backupd seed`) | `clock advance` (CLI) | First request: the catch-up | Server CPU during it | "
                  "Other work during it | Next request | Store before → after (file + wal) | "
                  "Rows after: automated full / tracks / policies | Server log |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for i, r in enumerate(runs, 1):
            b, a, rows = r["store_bytes_before"], r["store_bytes_after"], r.get("rows", {})
            statuses = r.get("log", {}).get("statuses", {})
            first = f"FAILED: {r['failed']}" if r.get("failed") else f"**{r['first_request_s']:.2f} s**"
            cpu = r.get("first_request_server_cpu_s")
            lines.append(f"| {i} | {r['seed_s']:.1f} s | {r['advance_cli_s'] * 1000:,.0f} ms | {first} | "
                         f"{'' if cpu is None else f'{cpu:.1f} s'} | {pct(r.get('first_request_other_cpu_pct'))} | "
                         f"{r['second_request_s'] * 1000:.1f} ms | {b['total'] / MB:,.1f} MB → {a['total'] / MB:,.1f} MB "
                         f"({a['db'] / MB:,.1f} + {a['wal'] / MB:,.1f}) | {rows.get('auto_rows', 0):,} / "
                         f"{rows.get('tracks', 0):,} / {rows.get('policies', 0):,} | "
                         f"{', '.join(f'{k}: {n:,}' for k, n in sorted(statuses.items()))} |")
        if "median_s" in cu:
            lines += ["", f"Median {cu['median_s']:.2f} s, range {cu['min_s']:.2f}–{cu['max_s']:.2f} s over "
                          f"{len(runs)} fresh stores. The clock read {runs[-1].get('clock_after')} after the jump. "
                          "*Server CPU* is the CPU time the server process used during the request (one core at most does "
                          "the work: the catch-up is one write transaction); *other work* the share of the machine "
                          "processes outside the benchmark used meanwhile."]
    targets = tp.get("targets", {})
    if targets:
        lines += ["", "### RDS list with and without a policy, the clock running and advancing", "",
                  f"On the last catch-up's store (its {p['instances']:,} policy instances included), the clock unfrozen, "
                  "one server "
                  + ("pinned to CPU 0 and wrk (1 thread, 32 connections) to CPU 1" if tp.get("pinned") else
                     "and wrk (1 thread, 32 connections) unpinned (fewer than 2 cores)")
                  + f", as `bench/compare.py` runs them. {tp['rounds']} rounds; each runs every request once, in "
                  f"alternating order: the clock advanced {tp['advance']} through the control API, a pre-flight request "
                  "(it settles what that made due: the incrementals, and every instance's daily full backup and "
                  f"retention when it crosses {pol['start_time'][:5]}), a {tp['warmup']} s warm-up, then {tp['duration']} s "
                  f"of wrk, during which the clock is advanced {tp['nudge']} once more halfway through (a settle under "
                  "load, and every cache dropped). The instance with a policy lists its seeded backups, its automated "
                  "full backups and the incrementals computed for the moment (newest first, so the first page is "
                  "computed records and the deep page, 100 before the end, lies past the whole chain); the one without "
                  "lists the same seeded backups only. The first page and the deep page are the same SDK-signed request "
                  "every time, answered from the response cache between settles; *every page in turn* carries an IAM "
                  "token and a different offset each request (0, 7,919, 2 × 7,919, … modulo the last), which the "
                  "response cache never answers: the cost of the list itself. Figures are medians over the rounds.", "",
                  "| Instance | Request | Items / total | Bytes | Requests/s (median) | Range | p50 | p99 | "
                  "Server CPU / request | Other work (max) |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for name, e in targets.items():
            good = [r for r in e["runs"] if not r.get("failed")]
            if not good:
                lines.append(f"| {e['label']} | | | | FAILED | | | | | |")
                continue
            totals = e.get("totals", [])
            tot = f"{totals[0]:,}" if len(totals) == 1 else f"{totals[0]:,}–{totals[-1]:,}"
            rps = [r["rps"] for r in good]
            what = {"page100": "first page of 100, cached", "deep": f"deep page (offset {e['offset']:,}), cached",
                    "pages": f"every page in turn (offsets 0–{e.get('offset_max') or 0:,}), never cached"}[e["page"]]
            lines.append(f"| {'with a policy' if e['instance'] == 'policy' else 'without a policy'} | {what} | "
                         f"{e['items']} / {tot} | {e['body_bytes']:,} | {e['median_rps']:,.0f} | "
                         f"{min(rps):,.0f}–{max(rps):,.0f} | {ms(e['median_p50_us'])} | {ms(e['median_p99_us'])} | "
                         f"{e['median_cpu_us']} µs | {e['max_other_cpu_pct']:.0f}% |")
        ratios = []
        for page, what in (("page100", "first page of 100, cached"), ("deep", "deep page, cached"),
                           ("pages", "every page in turn, never cached")):
            a, b = targets.get(f"policy_{page}", {}), targets.get(f"plain_{page}", {})
            paired = tp.get("paired", {}).get(page, {})
            if a.get("median_rps") and b.get("median_rps"):
                ratios.append(f"| {what} | {a['median_rps'] / b['median_rps']:.3f} | "
                              f"{paired.get('median_rps_ratio') or ''} | "
                              + (f"{a['median_cpu_us'] / b['median_cpu_us']:.3f}" if a.get("median_cpu_us") and b.get("median_cpu_us") else "")
                              + f" | {paired.get('median_cpu_ratio') or ''} |")
        if ratios:
            lines += ["", "| With a policy / without | Requests/s (ratio of the medians) | Requests/s (median of the rounds' "
                          "ratios) | Server CPU per request (ratio of the medians) | Server CPU per request (median of the "
                          "rounds' ratios) |", "|---|---|---|---|---|"] + ratios
        ss = tp.get("settle_summary") or {}
        if ss:
            cross = ss.get("crossings") or []
            lines += ["", f"Settles during the phase: {len(cross)} pre-flight requests crossed {pol['start_time'][:5]}, each "
                          f"writing a day's full backup of all {p['instances']:,} instances and their retention: "
                          + (", ".join(f"{x:.2f}" for x in cross) + " s" if cross else "none")
                          + (f"; the other {ss['others']} (incrementals only) took {ss['others_median_s'] * 1000:.1f} ms "
                             f"(median), {ss['others_max_s'] * 1000:.1f} ms at most." if ss.get("others") else ".")]
        lines += ["", "Every run, in order:", "",
                  "| Round | Request | Clock after the advance | Total | Pre-flight (settle) | Requests/s | p50 | p99 | "
                  "Server CPU / request | Other work |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        every = sorted(((r["round"], r.get("clock", ""), name, r) for name, e in targets.items() for r in e["runs"]),
                       key=lambda x: (x[0], x[1]))
        for rnd, clock, name, r in every:
            if r.get("failed"):
                lines.append(f"| {rnd} | {name} | {clock} | | | FAILED: {r['failed']} | | | | |")
                continue
            lines.append(f"| {rnd} | {name} | {clock} | {r['total']:,} | {r['preflight_s'] * 1000:,.1f} ms"
                         f"{' (crossed ' + pol['start_time'][:5] + ')' if r.get('crosses_window') else ''} | "
                         f"{r['rps']:,.0f} | {ms(r['p50_us'])} | {ms(r['p99_us'])} | {r.get('cpu_us_per_request', '')} µs | "
                         f"{pct(r.get('other_cpu_pct'))} |")
        exp = tp.get("expected_after")
        if exp:
            lines += ["", f"After the phase (clock frozen at {tp.get('clock_end')}), the instance with a policy lists "
                          f"{exp['autos']} automated full backups and {exp['incrementals']:,} incrementals "
                          f"({exp['total']:,} in all), as §8.1–§8.2 give"
                          + ((": checked, and every page of 100 of its list in turn (uncached) holds exactly those "
                              "records, each once, in `api.md` §1.9's order." if tp.get("walked_pages") else ": checked.")
                             if not tp.get("check_problems") else
                             f"; **the server disagrees**: {'; '.join(tp['check_problems'])}.")]
    return lines


def writes_body(results, checks_rows):
    part = results["writes"]
    p = part["params"]
    engines = part.get("engines", {})
    first = next(iter(engines.values()), {})
    pinned = first.get("pinned", True)
    lines = ["",
             f"A seed of its own: one domain, user and access key, one project; the read instance (RDS MySQL) with "
             f"{p['seeded_read']:,} seeded manual backups and {p['write_instances']:,} other RDS MySQL instances with "
             f"{p['seeded_per_written']} each ({p['seed_bytes'] / MB:,.1f} MB of JSON), loaded by `backupd seed` into a "
             "fresh store per engine: SQLite (two `backupd serve` processes on one file) and PostgreSQL (two nodes on "
             "one schema of the benchmark's cluster, `scripts/pg-cluster`). The RDS building time is set to 0 through "
             "the control API (`PUT /_backupd/v1/timings`), so that a create (W1) never finds one BUILDING on its "
             "instance. Node A "
             + ("is pinned to CPU 0; wrk (1 thread, 32 connections), node B and the writer thread to CPU 1"
                if pinned else "and node B, wrk (1 thread, 32 connections) and the writer are unpinned (fewer than 2 cores)")
             + " (PostgreSQL's processes are not pinned). wrk reads the first page of 100 of the read instance on node A "
             "(`GET /v3/{project_id}/backups?instance_id=X&offset=0&limit=100`, the same SDK-signed request every time: "
             f"answered from the response cache while it is valid). {p['rounds']} rounds per engine; each runs it "
             "read-only and while writing, in alternating order, each time after a "
             f"{first.get('warmup', results['options']['warmup'])} s warm-up. While writing, the writer sends "
             f"{p['write_rate']} SDK-signed W1 creates a second (`POST /v3/{{project_id}}/backups` with the instance and "
             "a unique name), round-robin over the other instances, half through node A and half through node B, from "
             f"{first.get('writer_threads_per_node', 16)} threads per node, each on a fixed grid, the grids evenly "
             "interleaved (each thread on a kept-alive connection, as an SDK client keeps one), from the start of the "
             "warm-up to the end of the run. After each write through node B its thread reads that "
             "instance's first page on node A at once: the new backup must be in it and `total_count` must count every "
             "write to the instance made before the read, or the answer is *stale*. After the rounds every written instance is read on "
             "both nodes once more (the *sweep*). *Node A CPU / request* is node A's CPU time during the run over the "
             "reads wrk completed (while writing it includes the writes and checks node A served). A write answered "
             "other than 200 fails the run.", ""]
    st = engines.get("postgres", {}).get("settings")
    if st:
        lines[-2] += (f" PostgreSQL {st.get('server_version')} with fsync {st.get('fsync')}, synchronous_commit "
                      f"{st.get('synchronous_commit')}: a bench/test cluster, not a durable configuration (it flatters "
                      "the writes, not the reads).")
    lines += [targets_heading(checks_rows), ""] + target_table(checks_rows)
    if part.get("postgres_skipped"):
        lines += ["", f"The PostgreSQL half was not run ({part['postgres_skipped']})."]
    if engines:
        lines += ["", "### Reads of the unwritten instance, read-only and while writing", "",
                  "| Engine | Runs | Requests/s (median) | Range | p50 | p99 | Node A CPU / request | Other work (max) | "
                  "Writes/s (median; lowest) | Through A / B | Non-2xx writes | Stale / checked, then in the sweep |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for key, e in engines.items():
            w, sweep = e.get("writer", {}), e.get("sweep", {})
            for kind in ("read_only", "writing"):
                x = e.get(kind, {})
                label = f"{WRITES_ENGINES.get(key, key)}, {kind.replace('_', '-')}"
                if not x.get("median_rps"):
                    lines.append(f"| {label} | 0 | FAILED | | | | | | | | | |")
                    continue
                writes = ("| | | | |" if kind == "read_only" else
                          f"| {w.get('median_rate')}; {w.get('min_rate')} | {w.get('through_a', 0):,} / "
                          f"{w.get('through_b', 0):,} | {w.get('errors', 0)} | {w.get('stale', 0)} / "
                          f"{w.get('checked', 0):,}, then {sweep.get('stale', 0)} / {sweep.get('reads', 0):,} |")
                lines.append(f"| {label} | {x['runs']} | {x['median_rps']:,.0f} | {x['min_rps']:,.0f}–{x['max_rps']:,.0f} | "
                             f"{ms(x['median_p50_us'])} | {ms(x['median_p99_us'])} | {x.get('median_cpu_us')} µs | "
                             f"{x.get('max_other_cpu_pct', 0):.0f}% " + writes)
        ratios = []
        for key, e in engines.items():
            ro, wr, paired = e.get("read_only", {}), e.get("writing", {}), e.get("paired", {})
            if ro.get("median_rps") and wr.get("median_rps"):
                ratios.append(f"| {WRITES_ENGINES.get(key, key)} | {wr['median_rps'] / ro['median_rps']:.3f} | "
                              f"{paired.get('median_rps_ratio') or ''} | "
                              + (f"{wr['median_cpu_us'] / ro['median_cpu_us']:.3f}"
                                 if wr.get("median_cpu_us") and ro.get("median_cpu_us") else "")
                              + f" | {paired.get('median_cpu_ratio') or ''} |")
        if ratios:
            lines += ["", "| Writing / read-only | Requests/s (ratio of the medians) | Requests/s (median of the rounds' "
                          "ratios) | Node A CPU per request (ratio of the medians) | Node A CPU per request (median of "
                          "the rounds' ratios) |", "|---|---|---|---|---|"] + ratios
        lines += ["", "| Engine | Seed load | /health after start, A / B | Store after | Writes | The read instance "
                      "after | Server logs |", "|---|---|---|---|---|---|---|"]
        for key, e in engines.items():
            st = e.get("startup_s", {})
            lines.append(f"| {WRITES_ENGINES.get(key, key)} | {e.get('seed_s', 0):.1f} s | "
                         f"{st.get('A', 0) * 1000:,.0f} / {st.get('B', 0) * 1000:,.0f} ms | "
                         f"{e.get('store_bytes', 0) / MB:,.1f} MB | {e.get('writes_total', 0):,} | "
                         f"{e.get('read_total_after') or 0:,} backups (seeded {p['seeded_read']:,}) | "
                         + ", ".join(f"{k}: {n:,}" for k, n in sorted(e.get("log", {}).get("statuses", {}).items()))
                         + " |")
        lines += ["", "Every run, in order:", "",
                  "| Engine | Round | Run | Requests/s | p50 | p99 | Node A CPU / request | Node B CPU | Other work | "
                  "Writes/s (during the run) | Write p50 / p99 | Check p50 / p99 | Stale / checked |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for key, e in engines.items():
            for r in e.get("runs", []):
                head = f"| {WRITES_ENGINES.get(key, key)} | {r['round']} | {r['kind']} |"
                if r.get("failed"):
                    lines.append(f"{head} FAILED: {r['failed']} | | | | | | | | | |")
                    continue
                w = r.get("writer")
                tail = ("| | | | |" if not w else
                        f"| {w['rate']} ({w.get('rate_during_run')}) | {w.get('write_p50_ms')} / {w.get('write_p99_ms')} ms | "
                        f"{w.get('check_p50_ms')} / {w.get('check_p99_ms')} ms | {w['stale']} / {w['checked']} |")
                nb = r.get("node_b_cpu_s")
                lines.append(f"{head} {r['rps']:,.0f} | {ms(r['p50_us'])} | {ms(r['p99_us'])} | "
                             f"{r.get('cpu_us_per_request', '')} µs | {'' if nb is None else f'{nb:.2f} s'} | "
                             f"{pct(r.get('other_cpu_pct'))} " + tail)
    return lines


def loads_body(results, checks_rows):
    part = results["loads"]
    p, steps = part["params"], part.get("steps", {})
    st = part.get("postgres_settings") or {}
    lines = ["",
             f"Every run loads afresh (the catalogs of the other parts are cached): the {CATALOG_LABEL[p['catalog']]}-backup "
             f"catalog ({p['instances']:,} instances, random seed {p['random_seed']}) by `backupd generate --instances "
             f"{p['instances']} --backups {p['backups']} --random-seed {p['random_seed']}` into a new, empty SQLite store; "
             "that store written out by `backupd export` (a seed file without passwords or secret keys: its users and "
             "keys load without them, and the load hashes no password) and the file loaded by `backupd seed` into another "
             f"empty store; then the same counts with random seed {p['on_top_random_seed']} (other accounts) generated on "
             "top of the first store, which holds the first catalog (a figure, no target); and the first catalog generated "
             "into an empty schema of the benchmark's PostgreSQL cluster"
             + (f" (PostgreSQL {st.get('server_version')}, fsync {st.get('fsync')}, synchronous_commit "
                f"{st.get('synchronous_commit')}: a bench/test cluster, not a durable configuration; it flatters the "
                "load)" if st else "")
             + ". Each is timed from the command's start to its exit, on this machine's "
             f"{results['machine']['nproc']} cores; the stores are under `bench/.work/loads/` and removed afterwards.", "",
             targets_heading(checks_rows), ""] + target_table(checks_rows)
    if part.get("postgres_skipped"):
        lines += ["", f"The PostgreSQL load was not run ({part['postgres_skipped']})."]
    lines += ["", "### Loads", "",
              "| Store | Command | Backups | Wall clock | Backups/s | backupd's own count | Loader CPU | Store after | Other work |",
              "|---|---|---|---|---|---|---|---|---|"]
    for key, (store, what) in LOAD_STEPS.items():
        x = steps.get(key)
        if x is None:
            continue
        if x.get("failed"):
            lines.append(f"| {store} | {what} | | FAILED: {x['failed'][:200]} | | | | | |")
            continue
        size = x.get("store_bytes") or x.get("file_bytes")
        lines.append(f"| {store} | {what} | {x['backups']:,} | " if "backups" in x else f"| {store} | {what} | | ")
        rate = f"{x['rate']:,}" if x.get("rate") else ""
        lines[-1] += (f"{x['seconds']:.2f} s | {rate} | "
                      + (f"{x['reported_seconds']:.2f} s, {x['reported_rate']:,}/s" if x.get("reported_rate") else "")
                      + f" | {x['cpu_s']:.1f} s | "
                      + (f"{size / MB:,.1f} MB{' (seed file)' if key == 'sqlite_export' else ''}" if size else "")
                      + f" | {pct(x.get('other_cpu_pct')) or 'n/a'} |")
    lines += ["", "*Loader CPU* is the CPU time of the `backupd` process (user and system); PostgreSQL's own work is "
                  "not in it, and *other work* is not given for the PostgreSQL load (a backend's CPU leaves with it when "
                  "the loader disconnects)."]
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


def targets_heading(rows):
    """"### Targets (issue 5)", or "(issues 5 and 13)" when the section's rows come from several issues."""
    issues = sorted({c["issue"] for c in rows})
    if not issues:
        return "### Targets"
    if len(issues) == 1:
        return f"### Targets (issue {issues[0]})"
    return f"### Targets (issues {', '.join(map(str, issues[:-1]))} and {issues[-1]})"


def target_table(rows):
    lines = ["| Result | Target | Value | Limit | Detail |", "|---|---|---|---|---|"]
    for c in rows:
        lines.append(f"| **{c['result']}** | {c['target']} | {number(c['value'])} | {number(c['limit'])} | {c['detail']} |")
    return lines


def number(v):
    """A value or limit of a target: as it is, but thousands separated in whole numbers of 10,000 and more
    (backups/s), so that the smaller counts and the ratios read as they always have."""
    if v is None:
        return ""
    return f"{v:,}" if isinstance(v, int) and abs(v) >= 10_000 else f"{v}"


def first_request_cell(f):
    """A node's first request: its status (or why there was none) and time."""
    status = f.get("status") or f.get("answer", "no answer")
    return f"{'**' if f.get('status') != 200 else ''}{status}{'**' if f.get('status') != 200 else ''} in " \
           f"{f['seconds'] * 1000:,.0f} ms" + (" (cold)" if f.get("cold_database") else "")


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
