"""Raw HTTP/1.1 on a socket: requests as exact bytes, responses parsed with a deadline.

Everything the fuzzer sends goes through here, so a reproducer is always the exact bytes sent.
"""
import socket
import time


class Hang(Exception):
    """No complete reply within the deadline."""


class Closed(Exception):
    """The server closed the connection before a complete reply (bytes received so far in .partial)."""

    def __init__(self, partial=b""):
        super().__init__("connection closed")
        self.partial = partial


class BadReply(Exception):
    """Bytes that are not an HTTP/1.1 reply."""


class Reply:
    __slots__ = ("status", "reason", "headers", "body", "raw_head", "version")

    def __init__(self, version, status, reason, headers, body, raw_head):
        self.version, self.status, self.reason = version, status, reason
        self.headers, self.body, self.raw_head = headers, body, raw_head

    def header(self, name):
        name = name.lower()
        for n, v in self.headers:
            if n.lower() == name:
                return v
        return None

    def all(self, name):
        name = name.lower()
        return [v for n, v in self.headers if n.lower() == name]

    def closes(self):
        c = (self.header("connection") or "").lower()
        return "close" in c or self.version == "HTTP/1.0"


def serialize(method, target, headers, body=b"", framing="length", chunks=None):
    """method, target: str or bytes; headers: list of (name, value), str or bytes.

    framing: "length" adds Content-Length (unless the headers have one), "chunked" sends the body
    as chunks (Transfer-Encoding unless given), "none" adds nothing."""
    def b(x):
        return x if isinstance(x, (bytes, bytearray)) else x.encode("utf-8", "surrogateescape")

    out = [b(method), b" ", b(target), b" HTTP/1.1\r\n"]
    names = {b(n).lower() for n, _ in headers}
    for n, v in headers:
        out += [b(n), b": ", b(v), b"\r\n"]
    if framing == "length" and b"content-length" not in names and b"transfer-encoding" not in names:
        out.append(b"Content-Length: %d\r\n" % len(body))
    if framing == "chunked" and b"transfer-encoding" not in names:
        out.append(b"Transfer-Encoding: chunked\r\n")
    out.append(b"\r\n")
    if framing == "chunked":
        pieces = chunks if chunks is not None else [body]
        for piece in pieces:
            if piece:
                out += [b"%x\r\n" % len(piece), piece, b"\r\n"]
        out.append(b"0\r\n\r\n")
    else:
        out.append(body)
    return b"".join(out)


class Conn:
    def __init__(self, host, port, timeout):
        self.host, self.port, self.timeout = host, port, timeout
        self.sock = None
        self.buf = b""

    def open(self):
        self.close()
        self.sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
        self.sock = None
        self.buf = b""

    def send(self, data, deadline):
        if self.sock is None:
            self.open()
        view = memoryview(data)
        while view:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Hang("sending")
            self.sock.settimeout(left)
            try:
                n = self.sock.send(view[:262144])
            except socket.timeout:
                raise Hang("sending")
            except (BrokenPipeError, ConnectionResetError):
                # The server may answer and close before reading everything (a 413, a parse error).
                return False
            view = view[n:]
        return True

    def shutdown_write(self):
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise Hang("reading")
        self.sock.settimeout(left)
        try:
            data = self.sock.recv(262144)
        except socket.timeout:
            raise Hang("reading")
        except ConnectionResetError:
            data = b""
        if not data:
            raise Closed(self.buf)
        self.buf += data

    def _read_exact(self, n, deadline):
        while len(self.buf) < n:
            self._fill(deadline)
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _read_line(self, deadline, limit=65536):
        while True:
            i = self.buf.find(b"\r\n")
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 2:]
                return line
            if len(self.buf) > limit:
                raise BadReply("line too long")
            self._fill(deadline)

    def read_reply(self, deadline, head_only=False):
        """One reply; 1xx interim replies are skipped. head_only: the request was a HEAD."""
        while True:
            while b"\r\n\r\n" not in self.buf:
                if len(self.buf) > 262144:
                    raise BadReply("head too long")
                self._fill(deadline)
            i = self.buf.index(b"\r\n\r\n")
            raw_head, self.buf = self.buf[:i], self.buf[i + 4:]
            lines = raw_head.split(b"\r\n")
            parts = lines[0].split(b" ", 2)
            if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit():
                raise BadReply("status line %r" % lines[0][:200])
            status = int(parts[1])
            reason = parts[2].decode("latin-1") if len(parts) > 2 else ""
            headers = []
            for line in lines[1:]:
                name, sep, value = line.partition(b":")
                if not sep:
                    raise BadReply("header line %r" % line[:200])
                headers.append((name.decode("latin-1"), value.strip(b" \t").decode("latin-1")))
            reply = Reply(parts[0].decode("latin-1"), status, reason, headers, b"", raw_head)
            if 100 <= status < 200:
                continue
            if head_only or status in (204, 304):
                return reply
            te = (reply.header("transfer-encoding") or "").lower()
            cl = reply.all("content-length")
            if "chunked" in te:
                body = []
                while True:
                    size_line = self._read_line(deadline)
                    try:
                        size = int(size_line.split(b";")[0].strip(), 16)
                    except ValueError:
                        raise BadReply("chunk size %r" % size_line[:100])
                    if size == 0:
                        while self._read_line(deadline):
                            pass
                        break
                    body.append(self._read_exact(size, deadline))
                    self._read_exact(2, deadline)
                reply.body = b"".join(body)
            elif cl:
                if len(set(cl)) != 1 or not cl[0].isdigit():
                    raise BadReply("content-length %r" % cl)
                reply.body = self._read_exact(int(cl[0]), deadline)
            else:
                # Until close.
                try:
                    while True:
                        self._fill(deadline)
                except Closed:
                    pass
                reply.body, self.buf = self.buf, b""
                self.sock.close()
                self.sock = None
            return reply

    def wait_close(self, deadline):
        """True when the server closes (or resets) the connection before the deadline."""
        try:
            while True:
                self._fill(deadline)
        except Closed:
            return True
        except Hang:
            return False
