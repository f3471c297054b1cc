"""The moto reference of the benchmark: moto's own threaded server (werkzeug, as `moto_server` runs it)
on 127.0.0.1, its RDS backend filled directly with DB snapshots before the server is announced.

    python moto_server.py --port P [--instances 100] [--per-instance 100]

Each instance gets `per-instance` snapshots in all: moto adds one automated snapshot when it creates
an instance, and the rest are manual ones. Prints one line `READY {json}` on stdout once the
snapshots are in and the server answers, then serves until it is killed.
"""

import argparse
import json
import os
import sys
import time

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--instances", type=int, default=100)
parser.add_argument("--per-instance", type=int, default=100)
args = parser.parse_args()

# moto refuses more than 1,000 snapshots per region unless told otherwise.
os.environ["MOTO_RDS_SNAPSHOT_LIMIT"] = str(args.instances * args.per_instance + 1000)

started = time.monotonic()
from moto.rds.models import rds_backends  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402

ACCOUNT, REGION = "123456789012", "us-east-1"
backend = rds_backends[ACCOUNT][REGION]
for i in range(args.instances):
    name = f"bench-db-{i:04d}"
    backend.create_db_instance({
        "db_instance_identifier": name, "engine": "mysql", "engine_version": "8.0.35",
        "db_instance_class": "db.m5.large", "allocated_storage": 100,
        "master_username": "admin", "master_user_password": "benchPassw0rd",
    })
    have = sum(1 for s in backend.database_snapshots.values() if s.database.db_instance_identifier == name)
    for j in range(args.per_instance - have):
        backend.create_db_snapshot(name, f"{name}-snap-{j:05d}")
filled = time.monotonic() - started

server = ThreadedMotoServer(ip_address="127.0.0.1", port=args.port, verbose=False)
server.start()
print("READY " + json.dumps({
    "snapshots": len(backend.database_snapshots), "instances": len(backend.databases),
    "fill_seconds": round(filled, 3), "account": ACCOUNT, "region": REGION,
}), flush=True)
try:
    while True:
        time.sleep(3600)
except KeyboardInterrupt:
    pass
finally:
    server.stop()
    sys.exit(0)
