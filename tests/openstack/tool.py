"""openstacksdk with the Open Telekom Cloud extensions, used as their documentation says and
configured by nothing but the standard OS_* environment variables.

    python tool.py connect                        the project id and the catalog's endpoints
    python tool.py rds INSTANCE_ID                conn.rds.backups(instance=…), every page
    python tool.py dcs INSTANCE_ID [START]        conn.dcs.backups(instance={"id": …}[, start=START])
    python tool.py get SERVICE PATH [KEY=VALUE…]  conn.<SERVICE>.get(PATH, params=…).json(), for the
                                                  services otcextensions has no backup resource for

Prints one JSON document on stdout: the result, or {"error": <exception class>, "message": …} with
exit status 1. On stderr: keystoneauth's log of every request and response (http_debug), and one
`WIRE: https://host:port "GET /path?query HTTP/1.1" 200 <length>` line per request as urllib3 sent
it (keystoneauth's log shows query parameters whose value is None, which requests leaves out).
"""

import json
import logging
import sys

import openstack
from otcextensions import sdk

OTC_TYPES = ["identity", "rdsv3", "gaussdb-mysql", "ddmv3", "dcs"]


def connect(conn):
    return {"project_id": conn.current_project_id,
            "endpoints": {t: conn.endpoint_for(t) for t in OTC_TYPES}}


def rds(conn, instance_id):
    return [{k: getattr(b, k) for k in ("id", "name", "type", "status", "size", "begin_time",
                                        "end_time", "instance_id")}
            for b in conn.rds.backups(instance=instance_id)]


def dcs(conn, instance_id, start=None):
    query = {"start": int(start)} if start else {}
    return [{"id": b.id, "name": b.name, "type": b.type, "status": b.status, "size": b.size,
             "created_at": b.created_at, "instance_id": b.instance_id}
            for b in conn.dcs.backups(instance={"id": instance_id}, **query)]


def get(conn, service, path, *params):
    answer = getattr(conn, service).get(path, params=dict(p.split("=", 1) for p in params))
    return {"status": answer.status_code, "body": answer.json()}


def main(command, *args):
    openstack.enable_logging(debug=True, http_debug=True, stream=sys.stderr)
    wire = logging.StreamHandler(sys.stderr)
    wire.setFormatter(logging.Formatter("WIRE: %(message)s"))
    pool = logging.getLogger("urllib3.connectionpool")
    pool.setLevel(logging.DEBUG)
    pool.addHandler(wire)
    pool.propagate = False
    try:
        conn = openstack.connect()
        sdk.register_otc_extensions(conn)
        result = {"connect": connect, "rds": rds, "dcs": dcs, "get": get}[command](conn, *args)
    except Exception as error:  # the test reports it with the HTTP log
        print(json.dumps({"error": type(error).__name__, "message": str(error)}))
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
