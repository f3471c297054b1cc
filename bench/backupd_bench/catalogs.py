"""Generated catalogs (`backupd generate`), kept between runs: a catalog is reused while its parameters
and the sources that shape a stored catalog are unchanged, and made again otherwise, because the 10M one
takes minutes to generate. The same code serves the SQLite stores and the PostgreSQL schemas through a
small store protocol (url, holds, discard)."""

import hashlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

from . import processes
from .machine import now_iso
from .parameters import CATALOGS, ROOT
from .processes import run_text, say


def generator_fingerprint(engine="Sources/BackupdSQLite"):
    """What a stored catalog depends on besides its parameters: the sources of the store's engine,
    the model and the generator (committed tree and uncommitted changes)."""
    paths = [engine, "Sources/BackupdCatalog", "Sources/BackupdAPI/Seed"]
    paths += [str(p.relative_to(ROOT)) for p in (ROOT / "Sources").rglob("*enerat*")]
    h = hashlib.sha256()
    for p in sorted(set(paths)):
        h.update(p.encode())
        h.update(run_text(["git", "-C", str(ROOT), "rev-parse", f"HEAD:{p}"]).encode())
        if os.environ.get("BENCH_SOURCE") != "head":
            h.update(subprocess.run(["git", "-C", str(ROOT), "diff", "HEAD", "--", p],
                                    capture_output=True).stdout)
    return h.hexdigest()[:16]


def has_generate(bin_path):
    out = subprocess.run([bin_path, "generate", "--help"], capture_output=True, text=True, timeout=30)
    return out.returncode == 0


class SQLiteCatalogs:
    """Catalogs as SQLite stores, a folder each under <work>/catalogs."""
    engine = "SQLite"
    env = None

    def __init__(self, work):
        self.base = work / "catalogs"

    def url(self, folder):
        return f"sqlite:{folder / 'store.sqlite'}"

    def holds(self, folder):
        return True

    def discard(self, folder):
        shutil.rmtree(folder, ignore_errors=True)


def prepare_catalog(name, bin_path, stores, fingerprint, reuse_any):
    instances, backups, seed = CATALOGS[name]
    params = {"instances": instances, "backups": backups, "random_seed": seed}
    key = hashlib.sha256(json.dumps({**params, "sources": fingerprint}, sort_keys=True).encode()).hexdigest()[:12]
    base = stores.base
    base.mkdir(parents=True, exist_ok=True)
    folder = base / f"{name}-{key}"
    label = name if stores.engine == "SQLite" else f"{name} ({stores.engine})"

    def usable(f):
        return (f / "meta.json").exists() and stores.holds(f)

    if not usable(folder) and reuse_any:
        # --reuse-catalogs: any complete catalog of these parameters, whatever sources made it.
        for other in sorted(base.glob(f"{name}-*/meta.json"), key=lambda p: p.stat().st_mtime, reverse=True):
            if json.loads(other.read_text()).get("params") == params and usable(other.parent):
                folder = other.parent
                break
    meta_file = folder / "meta.json"
    if usable(folder):
        meta = json.loads(meta_file.read_text())
        say(f"{label}: reusing {folder.name} (generated {meta['generated_at']} in {meta['seconds']:.1f} s, "
            f"{meta['rate']:,.0f} backups/s)")
        return folder, {**meta, "cached": True}
    # Catalogs of other parameters or sources are stale: remove them (the 10M one is large).
    for stale in base.glob(f"{name}-*"):
        stores.discard(stale)
    folder.mkdir()
    creds, log = folder / "credentials.json", folder / "generate.log"
    t = time.monotonic()
    argv = [bin_path, "generate", "--instances", str(instances), "--backups", str(backups),
            "--random-seed", str(seed), "--store", stores.url(folder), "--credentials-out", str(creds)]
    say(f"{label}: generating {backups:,} backups over {instances:,} instances: {' '.join(argv[1:])}")
    with open(log, "wb") as out:
        proc = processes.start(argv, stdout=out, stderr=subprocess.STDOUT, env=stores.env)
        try:
            code = proc.wait(timeout=1200)
        except subprocess.TimeoutExpired:
            code = "timeout (1200 s)"
        processes.stop(proc)
    seconds = time.monotonic() - t
    if code != 0:
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else "(no log: was the folder removed?)"
        stores.discard(folder)
        raise SystemExit(f"bench: generating the {label} catalog failed ({code}):\n{tail}")
    meta = {"params": params, "sources": fingerprint, "key": key, "seconds": round(seconds, 2),
            "rate": round(backups / seconds), "generated_at": now_iso()}
    meta_file.write_text(json.dumps(meta, indent=1))
    say(f"{label}: generated in {seconds:.1f} s, {backups / seconds:,.0f} backups/s")
    return folder, {**meta, "cached": False}


def store_size(store):
    db = store.stat().st_size if store.exists() else 0
    wal_path = Path(str(store) + "-wal")
    wal = wal_path.stat().st_size if wal_path.exists() else 0
    return {"db": db, "wal": wal, "total": db + wal}
