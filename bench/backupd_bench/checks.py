"""What a run's figures say against the issues: the targets of issue 5 (backupd against moto, flat latency
from 10k to 10M backups, deep pages, RSS, start-up), of issue 6 (PostgreSQL's flat latency), of issue 12
(the catch-up of 30 days, reads with policies against reads without) and of issue 13 (cached reads
against nginx serving the same bytes, signed requests against tokens, PostgreSQL at 1 connection
against SQLite and its first request on a cold database, reads of an unwritten instance while others are
written and fresh answers about the written ones, bulk loads), the ratios, and the runs that failed or
were taken while other work used the machine. Every comparison uses figures of the same run only.

Each target row names its issue and the part of the run (the section of RESULTS.md) it belongs to."""

from .parameters import (CATALOG_LABEL, CATALOGS, CATCH_UP_LIMIT_S, LOAD_PG_LIMIT, LOAD_SQLITE_LIMIT, LOADS_CATALOG,
                         MB, NGINX_OTHER_RPS_LIMIT, NGINX_PAGE_P99_LIMIT, NGINX_PAGE_RPS_LIMIT, NGINX_PAGES,
                         PG_C1_RATIO_LIMIT, PG_CATALOGS, PG_LISTENING, PG_TARGET, RATIO_CATALOG, SIGNED_TOKEN_LIMIT, TARGET_NAMES,
                         THROUGHPUT_RATIO_LIMIT, WRITE_RATE, WRITES_RATIO_LIMIT)

# The groups of figures of a run, in the order they are listed: backupd on the SQLite catalogs, the
# references (nginx, moto), the PostgreSQL part, the policies-and-clock part, reads while writing, bulk loads.
GROUPS = ("sqlite", "references", "postgres", "lifecycle", "writes", "loads")
# The engines of the reads-while-writing part, in their order, with their labels.
WRITES_ENGINES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
# A writing round whose writer reached less than this share of WRITE_RATE did not measure the scenario.
WRITER_SHORTFALL = 0.9
# The pages of issue 13's first target, as its rows name them and as the ratios' keys do.
PAGE_NAMES = {"rds_page100": "RDS page of 100", "rds_page10": "RDS page of 10"}
PAGE_KEYS = {"rds_page100": "page100", "rds_page10": "page10"}
# The bulk loads with a target: (step, what is loaded, into what, limit).
LOAD_TARGETS = (("sqlite_generate", "`backupd generate` of {n} backups", "an empty SQLite store", LOAD_SQLITE_LIMIT),
                ("sqlite_seed", "`backupd seed` of a {n}-backup seed file", "an empty SQLite store", LOAD_SQLITE_LIMIT),
                ("postgres_generate", "`backupd generate` of {n} backups", "an empty PostgreSQL schema", LOAD_PG_LIMIT))


def run_of(results, catalog, target, c):
    run = results["catalogs"].get(catalog, {}).get("targets", {}).get(target, {}).get("runs", {}).get(f"c{c}")
    return None if run is None or run.get("failed") else run


def pg_run(results, catalog, setup, c):
    run = results.get("postgres", {}).get("catalogs", {}).get(catalog, {}).get("setups", {}).get(setup, {}) \
        .get("runs", {}).get(f"c{c}")
    return None if run is None or run.get("failed") else run


def target_row(name, value, limit, passed, detail, issue, part):
    if passed is False and value and limit:
        if "≥" in name:
            unit = "rate" if "backups/s" in name else "requests/s"
            detail += f"; short by {(1 - value / limit) * 100:.0f}% (needs {limit / value:.2f}× the {unit})"
        else:
            detail += f"; {value / limit:.2f}× the limit"
    return {"target": name, "value": value, "limit": limit, "issue": issue, "part": part,
            "result": "n/a" if passed is None else ("PASS" if passed else "FAIL"), "detail": detail}


def postgres_checks(results):
    """Issue 13: one node on PostgreSQL against one on SQLite at 1 connection (same run, same catalog,
    page of 100), and the first request of every freshly started node answered 200, the first node's on
    a cluster restarted just before; issue 6: the p50 from the 10k to the largest PostgreSQL catalog, by
    the criterion of the SQLite size rows."""
    pg = results.get("postgres", {}).get("catalogs", {})
    if not pg:
        return []
    out = []
    both = [n for n in pg if run_of(results, n, PG_TARGET, 1)]
    cat = max(both, key=lambda n: CATALOGS[n][1]) if both else None
    name = (f"PostgreSQL: page of 100 at 1 connection, one node: ≥ {PG_C1_RATIO_LIMIT:.0%} of SQLite's requests/s "
            "(same catalog)")
    one, lite = pg_run(results, cat, "1 node", 1), run_of(results, cat, PG_TARGET, 1)
    if one and lite:
        r = one["rps"] / lite["rps"]
        detail = (f"{CATALOG_LABEL[cat]} backups: PostgreSQL {one['rps']:,.0f} vs SQLite {lite['rps']:,.0f} req/s, p50 "
                  f"{one['p50_us'] / 1000:.3f} vs {lite['p50_us'] / 1000:.3f} ms")
        one32, lite32 = pg_run(results, cat, "1 node", 32), run_of(results, cat, PG_TARGET, 32)
        if one32 and lite32:
            detail += (f"; at 32 connections {one32['rps']:,.0f} vs {lite32['rps']:,.0f} = "
                       f"{one32['rps'] / lite32['rps']:.2f}")
        out.append(target_row(name, round(r, 3), PG_C1_RATIO_LIMIT, r >= PG_C1_RATIO_LIMIT, detail, 13, "postgres"))
    else:
        out.append(target_row(name, None, PG_C1_RATIO_LIMIT, None,
                              "needs the page of 100 on SQLite and PostgreSQL, one catalog", 13, "postgres"))
    listening = pg_run(results, cat, PG_LISTENING, 1)
    if listening and lite:
        r = listening["rps"] / lite["rps"]
        detail = (f"{CATALOG_LABEL[cat]} backups: PostgreSQL {listening['rps']:,.0f} vs SQLite {lite['rps']:,.0f} req/s, "
                  f"p50 {listening['p50_us'] / 1000:.3f} vs {lite['p50_us'] / 1000:.3f} ms")
        listening32, lite32 = pg_run(results, cat, PG_LISTENING, 32), run_of(results, cat, PG_TARGET, 32)
        if listening32 and lite32:
            detail += (f"; at 32 connections {listening32['rps']:,.0f} vs {lite32['rps']:,.0f} = "
                       f"{listening32['rps'] / lite32['rps']:.2f}")
        out.append(target_row("PostgreSQL, listening (serve --pg-revision-notifications): page of 100 at 1 connection, "
                              f"one node: ≥ {PG_C1_RATIO_LIMIT:.0%} of SQLite's requests/s (same catalog)",
                              round(r, 3), PG_C1_RATIO_LIMIT, r >= PG_C1_RATIO_LIMIT, detail, 13, "postgres"))
    name = "PostgreSQL: the first request of a freshly started node, on a cold database, is answered 200: 0 failures"
    firsts = [(n, i, node["first_request"]) for n, c in pg.items() for i, node in enumerate(c.get("nodes", []), 1)
              if node.get("first_request")]
    if firsts:
        bad = [f for _, _, f in firsts if f.get("status") != 200]
        detail = "; ".join(f"{CATALOG_LABEL[n]} backups, node {i}"
                           + (" (cluster restarted just before)" if f.get("cold_database") else "")
                           + f": {f.get('status') or ''}{' ' + f['answer'][:120] if f.get('answer') else ''} in "
                             f"{f['seconds'] * 1000:,.0f} ms" for n, i, f in firsts)
        out.append(target_row(name, len(bad), 0, not bad, detail, 13, "postgres"))
    else:
        out.append(target_row(name, None, 0, None, "not measured", 13, "postgres"))
    small, large = "10k", max(pg, key=lambda n: CATALOGS[n][1])
    name = (f"PostgreSQL: p50 at {CATALOG_LABEL[PG_CATALOGS[-1] if large == small else large]} backups "
            "≤ 1.5× p50 at 10,000, page of 100, one node")
    parts, passed, values = [], True, []
    for c in (1, 32):
        a, z = pg_run(results, small, "1 node", c), pg_run(results, large, "1 node", c)
        if large == small or not (a and z):
            passed = None
            break
        r = z["p50_us"] / max(a["p50_us"], 1)
        values.append(round(r, 2))
        parts.append(f"c{c}: {z['p50_us'] / 1000:.3f} / {a['p50_us'] / 1000:.3f} ms = {r:.2f}×")
        passed = passed and r <= 1.5
    out.append(target_row(name, max(values) if passed is not None else None, 1.5, passed,
                          "; ".join(parts) if passed is not None else "needs the 10k and a larger PostgreSQL catalog",
                          6, "postgres"))
    return out


def checks(results):
    out = []
    cats = results["catalogs"]
    ratio_cat = RATIO_CATALOG if RATIO_CATALOG in cats else (max(cats, key=lambda k: CATALOGS[k][1]) if cats else None)
    results["ratio_catalog"] = ratio_cat
    ref_note = "" if ratio_cat == RATIO_CATALOG else f" [on the {ratio_cat} catalog, not 1M]"
    nginx_ref = results.get("references", {}).get("nginx", {})
    nginx = nginx_ref.get("runs", {})
    moto = results.get("references", {}).get("moto", {}).get("runs", {})

    def add(name, value, limit, passed, detail, issue=5):
        out.append(target_row(name, value, limit, passed, detail, issue, "sqlite"))

    def ok(run):
        return run is not None and not run.get("failed")

    ratios = {}
    # Issue 13, cached reads: every API target against nginx serving the bytes backupd answered for it.
    for t in TARGET_NAMES:
        b, n = run_of(results, ratio_cat, t, 32), nginx.get(f"{t}/c32")
        page = t in NGINX_PAGES
        what, key = PAGE_NAMES.get(t, t), PAGE_KEYS.get(t, t)
        limit = NGINX_PAGE_RPS_LIMIT if page else NGINX_OTHER_RPS_LIMIT
        name = f"Cached reads, {what} at 32 connections: ≥ {limit:.0%} of nginx's requests/s for the same bytes"
        p99_name = f"Cached reads, {what} at 32 connections: p99 ≤ {NGINX_PAGE_P99_LIMIT:g}× nginx's"
        if ok(b) and ok(n):
            r, p = b["rps"] / n["rps"], b["p99_us"] / max(n["p99_us"], 1)
            ratios[f"{key}_rps_vs_nginx"] = r
            size = nginx_ref.get("body_bytes", {}).get(t)
            add(name, round(r, 3), limit, r >= limit,
                f"backupd {b['rps']:,.0f} vs nginx {n['rps']:,.0f} req/s" + (f", {size:,} bytes" if size else "")
                + ("" if page else f"; p99 {b['p99_us'] / 1000:.3f} vs {n['p99_us'] / 1000:.3f} ms") + ref_note, 13)
            if page:
                ratios[f"{key}_p99_vs_nginx"] = p
                add(p99_name, round(p, 2), NGINX_PAGE_P99_LIMIT, p <= NGINX_PAGE_P99_LIMIT,
                    f"backupd {b['p99_us'] / 1000:.3f} ms vs nginx {n['p99_us'] / 1000:.3f} ms{ref_note}", 13)
        else:
            missing = ([] if ok(b) else [f"backupd's on the {ratio_cat} catalog" if ratio_cat else "backupd's"]) \
                + ([] if ok(n) else ["nginx's"])
            why = f"not measured: no figure of {' or '.join(missing)} in this run"
            add(name, None, limit, None, why, 13)
            if page:
                add(p99_name, None, NGINX_PAGE_P99_LIMIT, None, why, 13)
    # Issue 13, signed as fast as tokens: the page of 100, alternated runs against the same server.
    auth = cats.get(ratio_cat, {}).get("auth") or {}
    name = (f"Signed as fast as tokens: RDS page of 100 at 32 connections, SDK-HMAC-SHA256 signed: "
            f"≥ {SIGNED_TOKEN_LIMIT:.0%} of the requests/s with an IAM token (X-Auth-Token)")
    signed, token = auth.get("signed") or {}, auth.get("token") or {}
    if signed.get("median_rps") and token.get("median_rps"):
        r = signed["median_rps"] / token["median_rps"]
        paired = auth.get("paired") or {}
        detail = (f"medians of {signed['runs']} and {token['runs']} alternated runs: signed {signed['median_rps']:,.0f} "
                  f"vs token {token['median_rps']:,.0f} req/s, p50 {signed['median_p50_us'] / 1000:.3f} vs "
                  f"{token['median_p50_us'] / 1000:.3f} ms, p99 {signed['median_p99_us'] / 1000:.3f} vs "
                  f"{token['median_p99_us'] / 1000:.3f} ms"
                  + (f"; round by round {paired['median_rps_ratio']:.3f} (median of "
                     f"{', '.join(f'{x:.2f}' for x in paired['rps_ratios'])})" if paired.get("median_rps_ratio") else "")
                  + ("" if auth.get("same_bytes", True) else "; **the signed and the token answers differ**")
                  + ref_note)
        add(name, round(r, 3), SIGNED_TOKEN_LIMIT, r >= SIGNED_TOKEN_LIMIT, detail, 13)
    else:
        add(name, None, SIGNED_TOKEN_LIMIT, None, auth.get("failed", "not measured")[:200], 13)
    b, m = run_of(results, ratio_cat, "rds_page100", 32), moto.get("page100/c32")
    if ok(b) and ok(m):
        r = b["rps"] / m["rps"]
        ratios["page100_rps_vs_moto"] = r
        add("Page of 100 at 32 connections: ≥ 500× moto's requests/s", round(r, 1), 500, r >= 500,
            f"backupd {b['rps']:,.0f} vs moto {m['rps']:,.1f} req/s{ref_note}")
    else:
        add("Page of 100 at 32 connections: ≥ 500× moto's requests/s", None, 500, None, "not measured")
    b1, m1 = run_of(results, ratio_cat, "rds_page100", 1), moto.get("page100/c1")
    if ok(b1) and ok(m1):
        ratios["page100_rps_vs_moto_c1"] = b1["rps"] / m1["rps"]
    if signed.get("median_rps") and token.get("median_rps"):
        ratios["page100_signed_vs_token"] = signed["median_rps"] / token["median_rps"]
    results["ratios"] = {k: round(v, 4) for k, v in ratios.items()}

    small, large = "10k", "10m"
    names = list(cats.get(small, {}).get("targets", {})) or list(cats.get(large, {}).get("targets", {})) or TARGET_NAMES
    for t in names:
        passed, values, parts = _p50_ratios(lambda c: (run_of(results, large, t, c), run_of(results, small, t, c)), 1.5)
        add(f"Size: p50 at 10M ≤ 1.5× p50 at 10k, {t}", max(values) if values and passed is not None else None, 1.5,
            passed, "; ".join(parts) if passed is not None else "needs the 10k and 10M catalogs")

    deep_cat = large if large in cats else None
    for t, what in (("rds_deep", "deep page (offset 200,000)"), ("rds_window", "window over most of the instance")):
        passed, values, parts = _p50_ratios(
            lambda c: (run_of(results, deep_cat, t, c), run_of(results, deep_cat, "rds_page100", c)), 3)
        add(f"Deep pages and totals: {what} p50 ≤ 3× the first page's (10M)",
            max(values) if values and passed is not None else None, 3, passed,
            "; ".join(parts) if passed is not None else "needs the 10M catalog")

    big = cats.get(large)
    if big and "peak_rss_kb" in big:
        mb = big["peak_rss_kb"] * 1024 / MB
        add("Peak RSS ≤ 200 MB serving the 10M catalog under load", round(mb, 1), 200, mb <= 200,
            f"VmHWM {big['peak_rss_kb']:,} kB")
    else:
        add("Peak RSS ≤ 200 MB serving the 10M catalog under load", None, 200, None, "needs the 10M catalog")
    if big and "startup_cold_s" in big:
        cold = big["startup_cold_s"]
        read = big.get("startup_cold_read_bytes")
        add("/health within 1 s of start on the 10M catalog (store not in the page cache)", cold, 1, cold <= 1,
            f"{cold * 1000:.0f} ms from process start to the first 200"
            + (f", {read / MB:,.1f} MB read from disk" if read is not None else "")
            + f"; {big['startup_s'] * 1000:.0f} ms with the store in the page cache")
    else:
        add("/health within 1 s of start on the 10M catalog (store not in the page cache)", None, 1, None,
            "needs the 10M catalog")
    return out + postgres_checks(results) + lifecycle_checks(results) + writes_checks(results) + loads_checks(results)


def loads_checks(results):
    """Issue 13, bulk loads: `backupd generate` and `backupd seed` (of `backupd export`'s seed file) of
    LOADS_CATALOG into an empty SQLite store, and `backupd generate` into an empty PostgreSQL schema,
    in backups per second from the command's start to its exit. A --quick run loads the 10k catalog:
    its rates are shown, with no verdict."""
    part = results.get("loads") or {}
    if not part:
        return []
    out = []
    p, steps = part["params"], part.get("steps", {})
    full = CATALOGS[LOADS_CATALOG][1]
    n = f"{full:,}"
    for key, what, into, limit in LOAD_TARGETS:
        name = f"Bulk load: {what.format(n=n)} into {into}: ≥ {limit:,} backups/s"
        s = steps.get(key) or {}
        if s.get("rate") and not s.get("failed"):
            detail = (f"{s['backups']:,} backups in {s['seconds']:.2f} s from the command's start to its exit"
                      + (f" (backupd's own count: {s['reported_seconds']:.2f} s, {s['reported_rate']:,}/s)"
                         if s.get("reported_rate") else "")
                      + (f"; the seed file: `backupd export` of the generated store, {s['file_bytes'] / MB:,.0f} MB"
                         if key == "sqlite_seed" and s.get("file_bytes") else "")
                      + (f"; store {s['store_bytes'] / MB:,.0f} MB" if s.get("store_bytes") else ""))
            if p["backups"] != full:
                detail += f"; this run loaded {p['backups']:,} backups, not {n}: no verdict"
            out.append(target_row(name, s["rate"], limit, (s["rate"] >= limit) if p["backups"] == full else None,
                                  detail, 13, "loads"))
        else:
            why = (s["failed"][:200] if s.get("failed") else
                   f"not measured ({part['postgres_skipped']})" if key.startswith("postgres") and part.get("postgres_skipped")
                   else "not measured")
            out.append(target_row(name, None, limit, None, why, 13, "loads"))
    return out


def lifecycle_checks(results):
    """Issue 12: the catch-up of 30 days for the seed's instances under 30 s on SQLite (median of the
    repeats), its result as the rules give it, and the RDS list of an instance with a policy within
    20% of the requests/s of one without (medians of alternated, pinned runs of the same run): the
    first page and a deep page from the response cache, and every page in turn, never cached."""
    part = results.get("lifecycle") or {}
    if not part:
        return []
    out = []
    n = part.get("params", {}).get("instances", 0)
    cu = part.get("catchup", {})
    runs = cu.get("runs", [])
    name = f"Catch-up of 30 days for {n:,} instances with policies, SQLite: < {CATCH_UP_LIMIT_S:.0f} s (median)"
    if "median_s" in cu:
        times = ", ".join(f"{r['first_request_s']:.2f}" for r in runs if not r.get("failed"))
        last = runs[-1]
        out.append(target_row(name, round(cu["median_s"], 2), CATCH_UP_LIMIT_S, cu["median_s"] < CATCH_UP_LIMIT_S,
                              f"first request after `backupd clock advance P30D`: {times} s; store after "
                              f"{last['store_bytes_after']['total'] / MB:,.1f} MB", 12, "lifecycle"))
    else:
        out.append(target_row(name, None, CATCH_UP_LIMIT_S, None, "not measured", 12, "lifecycle"))
    problems = [p for r in runs for p in r.get("check_problems", [])]
    problems += part.get("throughput", {}).get("check_problems", [])
    exp = runs[-1].get("expected", {}) if runs else {}
    out.append(target_row("Catch-up and the phase after it: every list checked as lifecycle.md §8.1–§8.2 give it",
                          len(problems), 0, (not problems) if runs else None,
                          ("; ".join(problems[:3]) + (f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""))
                          if problems else (f"after P30D: {exp.get('autos')} automated full backups (7 days and the base) and "
                                            f"{exp.get('incrementals', 0):,} incrementals per instance, "
                                            f"{n:,} × {exp.get('autos')} full backups in the store" if exp else "not measured"),
                          12, "lifecycle"))
    tp = part.get("throughput", {})
    targets = tp.get("targets", {})
    for page, what in (("page100", "first page of 100, cached"), ("deep", "deep page, cached"),
                       ("pages", "every page in turn, never cached")):
        with_, without = targets.get(f"policy_{page}", {}), targets.get(f"plain_{page}", {})
        name = (f"Policy on, clock advancing: RDS list, {what}: ≥ {THROUGHPUT_RATIO_LIMIT:.0%} of the requests/s "
                "without a policy")
        if with_.get("median_rps") and without.get("median_rps"):
            r = with_["median_rps"] / without["median_rps"]
            paired = tp.get("paired", {}).get(page, {})
            detail = (f"medians {with_['median_rps']:,.0f} vs {without['median_rps']:,.0f} req/s, p50 "
                      f"{with_['median_p50_us'] / 1000:.3f} vs {without['median_p50_us'] / 1000:.3f} ms, "
                      f"{with_.get('median_cpu_us')} vs {without.get('median_cpu_us')} µs server CPU/request"
                      + (f"; round by round {paired['median_rps_ratio']:.3f} (median of "
                         f"{', '.join(f'{x:.2f}' for x in paired['rps_ratios'])})" if paired.get("median_rps_ratio") else ""))
            out.append(target_row(name, round(r, 3), THROUGHPUT_RATIO_LIMIT, r >= THROUGHPUT_RATIO_LIMIT, detail, 12,
                                  "lifecycle"))
        else:
            out.append(target_row(name, None, THROUGHPUT_RATIO_LIMIT, None, "not measured", 12, "lifecycle"))
    return out


def writes_checks(results):
    """Issue 13, target 2, per engine: the cached page of 100 of an instance nobody writes to keeps
    80% of its read-only requests/s while WRITE_RATE creates a second go to other instances through
    two nodes (the ratio of the medians of alternated rounds, node A pinned to one core and wrk to the
    other), and every read of a written instance on node A right after a write through node B, and
    every instance on both nodes after the rounds, shows the writes: 0 stale answers."""
    part = results.get("writes") or {}
    if not part:
        return []
    out = []
    for key, engine in WRITES_ENGINES.items():
        e = part.get("engines", {}).get(key)
        skipped = "not measured" + (f" ({part['postgres_skipped']})" if key == "postgres" and part.get("postgres_skipped")
                                    else "")
        name = (f"Reads while writing, {engine}: page of 100 of an unwritten instance keeps "
                f"≥ {WRITES_RATIO_LIMIT:.0%} of its read-only requests/s")
        ro, wr = (e or {}).get("read_only", {}), (e or {}).get("writing", {})
        if ro.get("median_rps") and wr.get("median_rps"):
            r = wr["median_rps"] / ro["median_rps"]
            w, paired = e.get("writer", {}), e.get("paired", {})
            detail = (f"medians {wr['median_rps']:,.0f} writing vs {ro['median_rps']:,.0f} read-only req/s, p50 "
                      f"{wr['median_p50_us'] / 1000:.3f} vs {ro['median_p50_us'] / 1000:.3f} ms, p99 "
                      f"{wr['median_p99_us'] / 1000:.3f} vs {ro['median_p99_us'] / 1000:.3f} ms, "
                      f"{wr.get('median_cpu_us')} vs {ro.get('median_cpu_us')} µs node A CPU/request; writes "
                      f"{w.get('median_rate')}/s (target {WRITE_RATE}; {w.get('through_a', 0):,} through A, "
                      f"{w.get('through_b', 0):,} through B)"
                      + (f"; round by round {paired['median_rps_ratio']:.3f} (median of "
                         f"{', '.join(f'{x:.2f}' for x in paired['rps_ratios'])})" if paired.get("median_rps_ratio") else ""))
            out.append(target_row(name, round(r, 3), WRITES_RATIO_LIMIT, r >= WRITES_RATIO_LIMIT, detail, 13, "writes"))
        else:
            out.append(target_row(name, None, WRITES_RATIO_LIMIT, None, skipped, 13, "writes"))
        name = f"Reads while writing, {engine}: every answer about a written instance is fresh in the next read: 0 stale"
        w, sweep = (e or {}).get("writer", {}), (e or {}).get("sweep", {})
        if w.get("checked"):
            stale = w["stale"] + sweep.get("stale", 0)
            examples = (e.get("stale_examples") or []) + (sweep.get("examples") or [])
            detail = (f"{w['checked']:,} first pages read on node A right after a write through node B "
                      f"({w['stale']} stale), then {sweep.get('reads', 0):,} on both nodes after the rounds "
                      f"({sweep.get('stale', 0)} stale)" + (f": {'; '.join(examples[:3])}" if examples else ""))
            out.append(target_row(name, stale, 0, stale == 0, detail, 13, "writes"))
        else:
            out.append(target_row(name, None, 0, None, skipped, 13, "writes"))
    return out


def _p50_ratios(runs_at, limit):
    """p50 of one run over p50 of another at 1 and 32 connections (`runs_at(c)` gives the pair):
    whether every ratio is within `limit` (`None` when a run is missing), the ratios, their texts."""
    parts, passed, values = [], True, []
    for c in (1, 32):
        num, den = runs_at(c)
        if not (num and den):
            return None, values, parts
        r = num["p50_us"] / max(den["p50_us"], 1)
        values.append(round(r, 2))
        parts.append(f"c{c}: {num['p50_us'] / 1000:.3f} / {den['p50_us'] / 1000:.3f} ms = {r:.2f}×")
        passed = passed and r <= limit
    return passed, values, parts


def failed_runs(results, groups=GROUPS):
    """The runs of these groups with errors, a failed pre-flight or non-2xx statuses in a server's log."""
    bad = []
    if "sqlite" in groups:
        for cat, r in results["catalogs"].items():
            bad += _failures(f"{cat}/", r.get("targets", {}))
            auth = r.get("auth") or {}
            if auth.get("failed"):
                bad.append(f"{cat}/signed and token: {auth['failed']}")
            for run in auth.get("runs", []):
                if run.get("failed"):
                    bad.append(f"{cat}/{run['kind']}/round {run['round']}: {run['failed']}")
            if _non2xx(r):
                bad.append(f"{cat}: the server logged non-2xx answers {_non2xx(r)}")
    if "references" in groups:
        for ref, r in results.get("references", {}).items():
            for k, run in r.get("runs", {}).items():
                if run.get("failed"):
                    bad.append(f"{ref}/{k}: {run['failed']}")
    if "postgres" in groups:
        for cat, r in results.get("postgres", {}).get("catalogs", {}).items():
            bad += _failures(f"postgres/{cat}/", r.get("setups", {}))
            if _non2xx(r):
                bad.append(f"postgres/{cat}: the servers logged non-2xx answers {_non2xx(r)}")
    if "lifecycle" in groups:
        part = results.get("lifecycle") or {}
        for i, r in enumerate(part.get("catchup", {}).get("runs", []), 1):
            if r.get("failed"):
                bad.append(f"lifecycle/catch-up {i}: {r['failed']}")
            if _non2xx(r):
                bad.append(f"lifecycle/catch-up {i}: the server logged non-2xx answers {_non2xx(r)}")
        tp = part.get("throughput") or {}
        for name, e in tp.get("targets", {}).items():
            for run in e.get("runs", []):
                if run.get("failed"):
                    bad.append(f"lifecycle/{name}/round {run['round']}: {run['failed']}")
        if _non2xx(tp):
            bad.append(f"lifecycle/throughput: the server logged non-2xx answers {_non2xx(tp)}")
    if "writes" in groups:
        for key, e in ((results.get("writes") or {}).get("engines") or {}).items():
            for run in e.get("runs", []):
                where = f"writes/{key}/round {run['round']} {run['kind']}"
                if run.get("failed"):
                    bad.append(f"{where}: {run['failed']}")
                w = run.get("writer")
                if w and w["errors"]:
                    bad.append(f"{where}: {w['errors']} writes answered other than 200: {'; '.join(w['error_examples'])}")
                if w and w["rate"] < WRITER_SHORTFALL * WRITE_RATE:
                    bad.append(f"{where}: the writer reached {w['rate']} writes/s, under {WRITER_SHORTFALL:.0%} of "
                               f"{WRITE_RATE}")
            if _non2xx(e):
                bad.append(f"writes/{key}: the servers logged non-2xx answers {_non2xx(e)}")
    if "loads" in groups:
        for key, step in ((results.get("loads") or {}).get("steps") or {}).items():
            if step.get("failed"):
                bad.append(f"loads/{key}: {step['command']}: {step['failed'][:300]}")
    return bad


def _failures(prefix, entries):
    """`<prefix><entry>: why` for each failed entry (a pre-flight) and `<prefix><entry>/<run>: why`
    for each of its failed runs."""
    bad = []
    for name, e in entries.items():
        if e.get("failed"):
            bad.append(f"{prefix}{name}: {e['failed']}")
        for c, run in e.get("runs", {}).items():
            if run.get("failed"):
                bad.append(f"{prefix}{name}/{c}: {run['failed']}")
    return bad


def _non2xx(result):
    """The statuses other than 2xx that a server's log holds, with their counts."""
    return {s: n for s, n in result.get("log", {}).get("statuses", {}).items() if not s.startswith("2")}


def busy_runs(results, groups=GROUPS, limit=10):
    """The runs of these groups during which other work on the machine used more than `limit`% of it."""
    out = []
    if "sqlite" in groups:
        for cat, r in results["catalogs"].items():
            for t, e in r.get("targets", {}).items():
                for c, run in e.get("runs", {}).items():
                    if (run.get("other_cpu_pct") or 0) > limit:
                        out.append(f"{cat}/{t}/{c} ({run['other_cpu_pct']:.0f}%)")
            for run in (r.get("auth") or {}).get("runs", []):
                if (run.get("other_cpu_pct") or 0) > limit:
                    out.append(f"{cat}/{run['kind']}/round {run['round']} ({run['other_cpu_pct']:.0f}%)")
    if "references" in groups:
        for ref, r in results.get("references", {}).items():
            for k, run in r.get("runs", {}).items():
                if (run.get("other_cpu_pct") or 0) > limit:
                    out.append(f"{ref}/{k} ({run['other_cpu_pct']:.0f}%)")
    if "postgres" in groups:
        for cat, r in results.get("postgres", {}).get("catalogs", {}).items():
            for setup, e in r.get("setups", {}).items():
                for c, run in e.get("runs", {}).items():
                    if (run.get("other_cpu_pct") or 0) > limit:
                        out.append(f"postgres/{cat}/{setup}/{c} ({run['other_cpu_pct']:.0f}%)")
    if "lifecycle" in groups:
        for name, e in ((results.get("lifecycle") or {}).get("throughput") or {}).get("targets", {}).items():
            for run in e.get("runs", []):
                if (run.get("other_cpu_pct") or 0) > limit:
                    out.append(f"lifecycle/{name}/round {run['round']} ({run['other_cpu_pct']:.0f}%)")
    if "writes" in groups:
        for key, e in ((results.get("writes") or {}).get("engines") or {}).items():
            for run in e.get("runs", []):
                if (run.get("other_cpu_pct") or 0) > limit:
                    out.append(f"writes/{key}/round {run['round']} {run['kind']} ({run['other_cpu_pct']:.0f}%)")
    if "loads" in groups:
        for key, step in ((results.get("loads") or {}).get("steps") or {}).items():
            if (step.get("other_cpu_pct") or 0) > limit:
                out.append(f"loads/{key} ({step['other_cpu_pct']:.0f}%)")
    return out


def notes(results, groups=GROUPS):
    """The notes on the runs of these groups: those taken while other work used the machine, and a run
    over its 15-minute budget."""
    out = []
    busy = busy_runs(results, groups)
    if busy:
        out.append(f"Other work used more than 10% of the machine during {len(busy)} runs: " + ", ".join(busy) + ".")
    if results["elapsed_s"] > 15 * 60:
        out.append(f"The run took {results['elapsed_s'] / 60:.1f} minutes, over the 15-minute budget.")
    return out
