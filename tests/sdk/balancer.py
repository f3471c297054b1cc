"""The suite behind nginx (BACKUPD_SDK_TOPOLOGY=nginx-postgres): deploy/nginx.conf made runnable by
the current user in a temporary directory, and a fresh PostgreSQL schema for the nodes to share.

conftest.py starts the processes; this module only computes names, text and command lines."""

import grp
import os
import pwd
import re
import secrets
import shutil
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

SAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"
# Debian installs it in /usr/sbin, which a user's PATH may lack.
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def fresh_schema_store(url):
    """(store URL, schema): the PostgreSQL URL with `?schema=sdk_<random>` in place of its query.
    backupd creates the schema on first use."""
    schema = "sdk_" + secrets.token_hex(6)
    return urlunsplit(urlsplit(url)._replace(query="schema=" + schema)), schema


def _set(text, pattern, value):
    """Replaces what follows pattern's one group, on the one line it matches, with value (taken
    literally). Insisting on one match keeps an edit of the sample from quietly leaving one of its
    settings (port 8081, /var/log/…) in the rendered file."""
    result, count = re.subn(pattern, lambda match: match.group(1) + value, text, flags=re.MULTILINE)
    if count != 1:
        raise ValueError("%s: expected one line matching %r, found %d" % (SAMPLE, pattern, count))
    return result


def render_nginx_conf(listen_port, node_ports, workdir):
    """deploy/nginx.conf listening on 127.0.0.1:listen_port and balancing the two nodes on
    node_ports, with its pid file, logs and temporary files in workdir.

    Everything else (the proxy settings under test) is the sample's, unchanged."""
    text = SAMPLE.read_text(encoding="utf-8")
    text = _set(text, r"^(\s*listen )127\.0\.0\.1:8080;", "127.0.0.1:%d;" % listen_port)
    for sample_port, port in zip((8081, 8082), node_ports, strict=True):
        text = _set(text, r"^(\s*server )127\.0\.0\.1:%d " % sample_port, "127.0.0.1:%d " % port)
    text = _set(text, r"^(pid )\S+;", "%s;" % (workdir / "nginx.pid"))
    text = _set(text, r"^(error_log )\S+", str(workdir / "error.log"))
    text = _set(text, r"^(\s*access_log )\S+", str(workdir / "access.log"))
    # Debian's build puts temporary files under /var/lib/nginx, which only root may write.
    temp = "".join("    %s_temp_path %s;\n" % (kind, workdir / ("temp-" + kind))
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    text = _set(text, r"^(http \{\n)", temp)
    if os.geteuid() == 0:
        # As root, nginx's workers would run as "nobody" and could not write to workdir.
        user = "user %s %s;\n" % (pwd.getpwuid(os.geteuid()).pw_name, grp.getgrgid(os.getegid()).gr_name)
        text = user + text
    return text


def nginx_command(conf, workdir, *extra):
    """nginx in the foreground on conf, its prefix and start-up error log in workdir."""
    return [NGINX, "-p", str(workdir), "-e", str(workdir / "error.log"), "-c", str(conf),
            "-g", "daemon off;", *extra]
