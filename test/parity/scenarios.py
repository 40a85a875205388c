#!/usr/bin/env python3
"""CPython side of the polysock parity harness.

Runs small socket scenarios over loopback (127.0.0.1 / ::1 / a unix path in /tmp) and
prints ONE JSON object: scenario name -> {"cls", "errno", "msg", "value", "elapsed"}.
test/parity/scenarios.ts runs the same scenarios, with the same names, against
@polysock/core; test/suite/parity.ts compares the two. Ports are normalised to "P".
"""
import json
import select
import selectors
import os
import re
import socket
import sys
import threading
import time

RESULTS = {}
SCENARIOS = []


def scenario(name, timed=False):
    def deco(fn):
        SCENARIOS.append((name, fn, timed))
        return fn
    return deco


PORT_RE = re.compile(r"^\('([^']*)', [1-9]\d*")


def norm(s):
    """Replace a non-zero port in a tuple repr (and in messages) with P."""
    s = str(s)
    s = PORT_RE.sub(r"('\1', P", s)
    return re.sub(r"\('([^']*)', [1-9]\d*\)", r"('\1', P)", s)


ELAPSED = [None]


def timed(fn, *args):
    """Call fn(*args), recording its own duration (not the set-up or clean-up around it)."""
    t0 = time.monotonic()
    try:
        return fn(*args)
    finally:
        ELAPSED[0] = round(time.monotonic() - t0, 1)


def listener(family=socket.AF_INET, host="127.0.0.1"):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.bind((host, 0))
    s.listen()
    return s, s.getsockname()[1]


def pair():
    l, port = listener()
    c = socket.socket()
    c.connect(("127.0.0.1", port))
    s, _ = l.accept()
    return c, s, l


def poll_events(s, mask=select.POLLIN | select.POLLOUT | select.POLLPRI):
    p = select.poll()
    p.register(s, mask)
    return [e for _, e in p.poll(200)]


def dead_port():
    l, port = listener()
    l.close()
    return port


def close_all(*socks):
    for s in socks:
        try:
            s.close()
        except Exception:
            pass


def udp(bind=True):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if bind:
        u.bind(("127.0.0.1", 0))
    return u


# ---------------------------------------------------------------- errors on connect/bind

@scenario("tcp refused")
def _():
    port = dead_port()
    with socket.socket() as s:
        s.connect(("127.0.0.1", port))


@scenario("tcp connect_ex refused")
def _():
    port = dead_port()
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port))


@scenario("tcp6 refused")
def _():
    l, port = listener(socket.AF_INET6, "::1")
    l.close()
    with socket.socket(socket.AF_INET6) as s:
        s.connect(("::1", port))


@scenario("tcp bind in use")
def _():
    l, port = listener()
    try:
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))
    finally:
        l.close()


@scenario("udp bind in use")
def _():
    a = udp()
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as b:
            b.bind(a.getsockname())
    finally:
        a.close()


@scenario("bind twice")
def _():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.bind(("127.0.0.1", 0))


@scenario("bind non-local")
def _():
    with socket.socket() as s:
        s.bind(("192.0.2.1", 0))


@scenario("create_server in use")
def _():
    l, port = listener()
    try:
        socket.create_server(("127.0.0.1", port)).close()
    finally:
        l.close()


@scenario("create_connection refused")
def _():
    port = dead_port()
    socket.create_connection(("127.0.0.1", port)).close()


@scenario("unix connect missing path")
def _():
    with socket.socket(socket.AF_UNIX) as s:
        s.connect("/tmp/polysock-parity-missing-%d.sock" % os.getpid())


# ---------------------------------------------------------------- timeouts

@scenario("timeout recv", timed=True)
def _():
    c, s, l = pair()
    try:
        c.settimeout(0.3)
        timed(c.recv, 10)
    finally:
        close_all(c, s, l)


@scenario("timeout accept", timed=True)
def _():
    l, _ = listener()
    try:
        l.settimeout(0.3)
        timed(l.accept)
    finally:
        l.close()


@scenario("timeout recv then data kept")
def _():
    c, s, l = pair()
    try:
        c.settimeout(0.1)
        try:
            c.recv(10)
        except socket.timeout:
            pass
        s.sendall(b"late")
        c.settimeout(2)
        return [repr(c.recv(10)), c.gettimeout()]
    finally:
        close_all(c, s, l)


@scenario("timeout connect_ex refused", timed=True)
def _():
    port = dead_port()
    with socket.socket() as s:
        s.settimeout(0.5)
        return timed(s.connect_ex, ("127.0.0.1", port))


@scenario("timeout sendall to non-reading peer", timed=True)
def _():
    c, s, l = pair()
    try:
        c.settimeout(0.5)
        timed(c.sendall, b"x" * (16 * 1024 * 1024))
    finally:
        close_all(c, s, l)


# ---------------------------------------------------------------- non-blocking

@scenario("nonblocking recv")
def _():
    c, s, l = pair()
    try:
        c.setblocking(False)
        c.recv(10)
    finally:
        close_all(c, s, l)


@scenario("nonblocking accept")
def _():
    l, _ = listener()
    try:
        l.setblocking(False)
        l.accept()
    finally:
        l.close()


@scenario("nonblocking send fills up")
def _():
    c, s, l = pair()
    try:
        c.setblocking(False)
        chunk = b"y" * (1024 * 1024)
        for _ in range(512):
            c.send(chunk)
        return "never blocked"
    finally:
        close_all(c, s, l)


@scenario("settimeout(0) is non-blocking")
def _():
    with socket.socket() as s:
        s.settimeout(0)
        return [s.getblocking(), s.gettimeout()]


# ---------------------------------------------------------------- stream data

@scenario("half-close peer sees EOF")
def _():
    c, s, l = pair()
    try:
        c.sendall(b"bye")
        c.shutdown(socket.SHUT_WR)
        return [repr(s.recv(10)), repr(s.recv(10))]
    finally:
        close_all(c, s, l)


@scenario("send after SHUT_WR")
def _():
    c, s, l = pair()
    try:
        c.shutdown(socket.SHUT_WR)
        c.send(b"x")
    finally:
        close_all(c, s, l)


@scenario("half-close reply still flows")
def _():
    c, s, l = pair()
    try:
        c.shutdown(socket.SHUT_WR)
        s.recv(10)
        s.sendall(b"answer")
        return repr(c.recv(10))
    finally:
        close_all(c, s, l)


@scenario("EOF recv twice")
def _():
    c, s, l = pair()
    try:
        s.close()
        return [repr(c.recv(10)), repr(c.recv(10))]
    finally:
        close_all(c, s, l)


@scenario("recv(0)")
def _():
    c, s, l = pair()
    try:
        s.sendall(b"abc")
        a = c.recv(0)
        return [repr(a), repr(c.recv(10))]
    finally:
        close_all(c, s, l)


@scenario("recv(-1)")
def _():
    c, s, l = pair()
    try:
        c.recv(-1)
    finally:
        close_all(c, s, l)


@scenario("recv_into")
def _():
    c, s, l = pair()
    try:
        s.sendall(b"hello")
        buf = bytearray(8)
        n = c.recv_into(buf)
        return [n, repr(bytes(buf))]
    finally:
        close_all(c, s, l)


@scenario("recv_into too small")
def _():
    c, s, l = pair()
    try:
        c.recv_into(bytearray(4), 10)
    finally:
        close_all(c, s, l)


@scenario("MSG_PEEK")
def _():
    c, s, l = pair()
    try:
        s.sendall(b"peek")
        a = c.recv(4, socket.MSG_PEEK)
        return [repr(a), repr(c.recv(4))]
    finally:
        close_all(c, s, l)


@scenario("MSG_WAITALL")
def _():
    c, s, l = pair()
    try:
        s.sendall(b"ab")
        t = threading.Timer(0.1, lambda: s.sendall(b"cd"))
        t.start()
        data = c.recv(4, socket.MSG_WAITALL)
        t.join()
        return repr(data)
    finally:
        close_all(c, s, l)


@scenario("recvfrom on TCP")
def _():
    c, s, l = pair()
    try:
        s.sendall(b"hi")
        data, addr = c.recvfrom(10)
        return [repr(data), addr]
    finally:
        close_all(c, s, l)


@scenario("sendall 1 MiB round trip")
def _():
    c, s, l = pair()
    try:
        payload = bytes(range(256)) * 4096
        c.sendall(payload)
        c.shutdown(socket.SHUT_WR)
        got = bytearray()
        while True:
            d = s.recv(65536)
            if not d:
                break
            got += d
        return [len(got), bytes(got) == payload]
    finally:
        close_all(c, s, l)


@scenario("send str")
def _():
    c, s, l = pair()
    try:
        c.send("text")
    finally:
        close_all(c, s, l)


@scenario("makefile readline then recv")
def _():
    c, s, l = pair()
    try:
        f = s.makefile("rb")
        c.sendall(b"line1\n")
        line = f.readline()
        c.sendall(b"rest")
        data = s.recv(10)
        f.close()
        return [repr(line), repr(data)]
    finally:
        close_all(c, s, l)


@scenario("makefile bad mode")
def _():
    with socket.socket() as s:
        s.makefile("x")


# ---------------------------------------------------------------- UDP

@scenario("udp truncation")
def _():
    a, b = udp(), udp()
    try:
        b.sendto(b"0123456789", a.getsockname())
        b.sendto(b"next", a.getsockname())
        d1, _ = a.recvfrom(4)
        d2, _ = a.recvfrom(100)
        return [repr(d1), repr(d2)]
    finally:
        close_all(a, b)


@scenario("udp empty datagram")
def _():
    a, b = udp(), udp()
    try:
        n = b.sendto(b"", a.getsockname())
        d, addr = a.recvfrom(10)
        return [n, repr(d), norm(addr)]
    finally:
        close_all(a, b)


@scenario("udp 65507 ok")
def _():
    a, b = udp(), udp()
    try:
        n = b.sendto(b"z" * 65507, a.getsockname())
        d, _ = a.recvfrom(70000)
        return [n, len(d)]
    finally:
        close_all(a, b)


@scenario("udp 65508 too long")
def _():
    a, b = udp(), udp()
    try:
        b.sendto(b"z" * 65508, a.getsockname())
    finally:
        close_all(a, b)


@scenario("udp send unconnected")
def _():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        u.send(b"x")


@scenario("udp listen")
def _():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        u.bind(("127.0.0.1", 0))
        u.listen()


@scenario("udp connected round trip")
def _():
    a, b = udp(), udp()
    try:
        b.connect(a.getsockname())
        b.send(b"ping")
        d, addr = a.recvfrom(10)
        a.sendto(b"pong", addr)
        return [repr(d), repr(b.recv(10)), norm(b.getpeername())]
    finally:
        close_all(a, b)


@scenario("udp connect keeps datagrams already queued from others")
def _():
    me, peer, other = udp(), udp(), udp()
    try:
        other.sendto(b"early", me.getsockname())
        time.sleep(0.05)
        me.connect(peer.getsockname())
        other.sendto(b"late", me.getsockname())
        peer.sendto(b"peer", me.getsockname())
        time.sleep(0.05)
        me.settimeout(0.3)
        got = []
        for _i in range(3):
            try:
                d, addr = me.recvfrom(10)
                got.append([repr(d), addr == other.getsockname(), addr == peer.getsockname()])
            except TimeoutError:
                got.append("timed out")
                break
        return got
    finally:
        close_all(me, peer, other)


def _with(fn, *args):
    with socket.socket(*args) as s:
        return fn(s)


# Argument checks as CPython words them (sixth audit).
scenario("recv_into None")(lambda: _with(lambda s: s.recv_into(None)))
scenario("setblocking None")(lambda: _with(lambda s: s.setblocking(None)))
scenario("setblocking float")(lambda: _with(lambda s: s.setblocking(2.5)))
scenario("setblocking int")(lambda: _with(lambda s: (s.setblocking(0), s.gettimeout())[1]))
scenario("socket -1 defaults")(lambda: _with(lambda s: [int(s.family), int(s.type), s.proto], -1, -1, -1))
scenario("settimeout beyond int64 ns")(lambda: _with(lambda s: s.settimeout(9.3e9)))
scenario("settimeout 9.2e9")(lambda: _with(lambda s: (s.settimeout(9.2e9), s.gettimeout())[1]))
scenario("unix setsockopt TCP_NODELAY")(lambda: _with(lambda s: s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1), socket.AF_UNIX))
scenario("unix setsockopt IP_TTL")(lambda: _with(lambda s: s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 5), socket.AF_UNIX))
scenario("makefile bytes mode")(lambda: _with(lambda s: s.makefile(b"r")))
scenario("makefile buffering 2**63")(lambda: _with(lambda s: s.makefile("rb", 2**63)))
scenario("closed getsockopt buflen -1")(lambda: _with(lambda s: (s.close(), s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, -1))))
scenario("bind(host, port) without the tuple")(lambda: _with(lambda s: s.bind("127.0.0.1", 0)))
scenario("connect(host, port) without the tuple")(lambda: _with(lambda s: s.connect("127.0.0.1", 9)))
scenario("connect_ex(host, port) without the tuple")(lambda: _with(lambda s: s.connect_ex("127.0.0.1", 9)))
scenario("gethostbyname bytes")(lambda: socket.gethostbyname(b"localhost"))
scenario("gethostbyname None")(lambda: socket.gethostbyname(None))
scenario("getservbyname None")(lambda: socket.getservbyname(None))


@scenario("udp recvfrom timeout", timed=True)
def _():
    a = udp()
    try:
        a.settimeout(0.3)
        timed(a.recvfrom, 10)
    finally:
        a.close()


# ---------------------------------------------------------------- after close

def closed():
    s = socket.socket()
    s.close()
    return s


@scenario("closed recv")
def _():
    closed().recv(1)


@scenario("closed send")
def _():
    closed().send(b"x")


@scenario("closed getsockname")
def _():
    closed().getsockname()


@scenario("closed settimeout")
def _():
    closed().settimeout(1)


@scenario("closed connect_ex")
def _():
    return closed().connect_ex(("127.0.0.1", 9))


@scenario("closed fileno and close again")
def _():
    s = closed()
    s.close()
    return s.fileno()


# ---------------------------------------------------------------- shutdown

@scenario("shutdown bad how")
def _():
    c, s, l = pair()
    try:
        c.shutdown(5)
    finally:
        close_all(c, s, l)


@scenario("shutdown unconnected")
def _():
    with socket.socket() as s:
        s.shutdown(socket.SHUT_RDWR)


# ---------------------------------------------------------------- bad arguments

@scenario("bind port 70000")
def _():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 70000))


@scenario("bind str address")
def _():
    with socket.socket() as s:
        s.bind("127.0.0.1")


@scenario("bind 1-tuple")
def _():
    with socket.socket() as s:
        s.bind(("127.0.0.1",))


@scenario("bind float port")
def _():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 1.5))


@scenario("bind None host")
def _():
    with socket.socket() as s:
        s.bind((None, 0))


@scenario("settimeout(-1)")
def _():
    with socket.socket() as s:
        s.settimeout(-1)


@scenario("settimeout(nan)")
def _():
    with socket.socket() as s:
        s.settimeout(float("nan"))


@scenario("getaddrinfo bad name")
def _():
    socket.getaddrinfo("no-such-host.invalid", 80)


@scenario("getaddrinfo numeric")
def _():
    r = socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET, socket.SOCK_STREAM)
    return [[int(f), int(t), p, c, str(a)] for f, t, p, c, a in r]


# ---------------------------------------------------------------- module helpers

@scenario("inet_aton")
def _():
    return [repr(socket.inet_aton(x)) for x in ("1.2.3.4", "127.1", "1", "0x7f.1")]


@scenario("inet_aton bad")
def _():
    socket.inet_aton("256.1.1.1")


@scenario("inet_ntoa")
def _():
    return socket.inet_ntoa(b"\x7f\x00\x00\x01")


@scenario("inet_ntoa bad length")
def _():
    socket.inet_ntoa(b"abc")


@scenario("inet_pton")
def _():
    return [repr(socket.inet_pton(socket.AF_INET6, "::1")), repr(socket.inet_pton(socket.AF_INET, "10.0.0.1"))]


@scenario("inet_pton bad")
def _():
    socket.inet_pton(socket.AF_INET, "127.1")


@scenario("inet_ntop")
def _():
    return [
        socket.inet_ntop(socket.AF_INET6, bytes.fromhex("20010db8000000000000000000000001")),
        socket.inet_ntop(socket.AF_INET6, bytes.fromhex("00000000000000000000ffff01020304")),
        socket.inet_ntop(socket.AF_INET, b"\x01\x02\x03\x04"),
    ]


@scenario("inet_ntop bad length")
def _():
    socket.inet_ntop(socket.AF_INET6, b"\x00" * 5)


@scenario("htons htonl ntohs ntohl")
def _():
    return [socket.htons(1), socket.htonl(1), socket.ntohs(256), socket.ntohl(16777216)]


@scenario("htons overflow")
def _():
    socket.htons(65536)


@scenario("htonl overflow")
def _():
    socket.htonl(1 << 32)


# ---------------------------------------------------------------- options

@scenario("getsockopt TCP defaults")
def _():
    with socket.socket() as s:
        return [s.getsockopt(socket.SOL_SOCKET, o) for o in
                (socket.SO_RCVBUF, socket.SO_SNDBUF, socket.SO_REUSEADDR, socket.SO_KEEPALIVE)] + \
               [s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)]


@scenario("getsockopt UDP defaults")
def _():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        return [s.getsockopt(socket.SOL_SOCKET, o) for o in
                (socket.SO_RCVBUF, socket.SO_SNDBUF, socket.SO_BROADCAST)]


@scenario("setsockopt SO_RCVBUF doubles")
def _():
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        return [s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF),
                s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)]


# ---------------------------------------------------------------- helpers, reprs, with

@scenario("socketpair round trip")
def _():
    a, b = socket.socketpair()
    try:
        a.sendall(b"pair")
        return [repr(b.recv(10)), int(a.family), int(a.type)]
    finally:
        close_all(a, b)


@scenario("accept address repr")
def _():
    c, s, l = pair()
    try:
        return [norm(f"{c.getpeername()}"), norm(f"{s.getpeername()}"), norm(f"{l.getsockname()}")]
    finally:
        close_all(c, s, l)


@scenario("ipv6 address repr")
def _():
    l, port = listener(socket.AF_INET6, "::1")
    try:
        with socket.socket(socket.AF_INET6) as c:
            c.connect(("::1", port))
            s, addr = l.accept()
            s.close()
            return [norm(f"{addr}"), norm(f"{c.getpeername()}")]
    finally:
        l.close()


@scenario("bytes repr")
def _():
    c, s, l = pair()
    try:
        s.sendall(b"it's \"q\"\n\t\x00\xff\\")
        data = c.recv(100)
        return f"{data}"
    finally:
        close_all(c, s, l)


@scenario("getsockname unbound")
def _():
    with socket.socket() as s, socket.socket(socket.AF_INET6) as s6:
        return [f"{s.getsockname()}", f"{s6.getsockname()}"]


@scenario("with closes")
def _():
    with socket.socket() as s:
        inside = s.fileno() >= 0
    return [inside, s.fileno()]


@scenario("unix round trip")
def _():
    path = "/tmp/polysock-parity-%d.sock" % os.getpid()
    if os.path.exists(path):
        os.unlink(path)
    l = socket.socket(socket.AF_UNIX)
    try:
        l.bind(path)
        l.listen()
        with socket.socket(socket.AF_UNIX) as c:
            c.connect(path)
            s, addr = l.accept()
            c.sendall(b"unix")
            data = s.recv(10)
            s.close()
            return [repr(data), l.getsockname() == path, addr, c.getpeername() == path]
    finally:
        l.close()
        if os.path.exists(path):
            os.unlink(path)


@scenario("unix bind in use")
def _():
    path = "/tmp/polysock-parity-inuse-%d.sock" % os.getpid()
    if os.path.exists(path):
        os.unlink(path)
    l = socket.socket(socket.AF_UNIX)
    try:
        l.bind(path)
        l.listen()
        with socket.socket(socket.AF_UNIX) as s:
            s.bind(path)
    finally:
        l.close()
        if os.path.exists(path):
            os.unlink(path)


@scenario("getnameinfo")
def _():
    return [
        socket.getnameinfo(("127.0.0.1", 80), 0),
        socket.getnameinfo(("127.0.0.1", 12345), 0),
        socket.getnameinfo(("127.0.0.1", 80), socket.NI_NUMERICHOST | socket.NI_NUMERICSERV),
        socket.getnameinfo(("127.0.0.1", 53), socket.NI_DGRAM),
        socket.getnameinfo(("127.0.0.1", 70000), socket.NI_NUMERICHOST),
        socket.getnameinfo(("::1", 22, 0, 0), socket.NI_NUMERICHOST),
        socket.getnameinfo(("0:0::1", 22, 0, 0), socket.NI_NUMERICHOST),
    ]


@scenario("getnameinfo name required")
def _():
    return socket.getnameinfo(("10.255.255.1", 80), socket.NI_NAMEREQD)


@scenario("getnameinfo not numeric")
def _():
    return socket.getnameinfo(("localhost", 80), 0)


@scenario("getnameinfo IPv4 4-tuple")
def _():
    return socket.getnameinfo(("127.0.0.1", 80, 0, 0), 0)


@scenario("getnameinfo negative port")
def _():
    return socket.getnameinfo(("127.0.0.1", -1), 0)


@scenario("gethostbyaddr")
def _():
    return [socket.gethostbyaddr("127.0.0.1"), socket.gethostbyaddr("localhost")]


@scenario("gethostbyaddr unknown")
def _():
    return socket.gethostbyaddr("10.255.255.1")


@scenario("getfqdn")
def _():
    return [socket.getfqdn(), socket.getfqdn("127.0.0.1"), socket.getfqdn(" localhost "), socket.getfqdn("10.255.255.1")]


@scenario("so_linger options")
def _():
    import struct
    with socket.socket() as s:
        out = [s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER), repr(s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8))]
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 5))
        out += [s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER), repr(s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 8))]
        out.append(repr(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4)))
        out.append(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 0))
        for bad in (1, b"\x01"):
            try:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, bad)
            except OSError as e:
                out.append(str(e))
        try:
            s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2000)
        except OSError as e:
            out.append(str(e))
        return out


@scenario("so_rcvtimeo options")
def _():
    import struct
    with socket.socket() as s:
        out = [s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO), repr(s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, 16))]
        for v in (struct.pack("ll", 2, 500000), struct.pack("ll", 0, 1), struct.pack("ll", -3, 0), struct.pack("ll", 7, 0) + b"ab"):
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, v)
            out += [s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO), repr(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, 32))]
        out.append(repr(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, 4)))
        for bad in (1, b"\x01" * 8, struct.pack("ll", 1, 1000000), struct.pack("ll", 1, -1)):
            try:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, bad)
            except OSError as e:
                out.append(str(e))
        out.append(repr(s.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 8)))
        out.append(repr(s.getsockopt(socket.SOL_SOCKET, socket.SO_LINGER, 16)))
        return out


@scenario("so_rcvtimeo recv in blocking mode", timed=True)
def _():
    import struct
    c, s, l = pair()
    try:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 0, 300000))
        timed(c.recv, 10)
    finally:
        close_all(c, s, l)


@scenario("so_rcvtimeo only in blocking mode")
def _():
    import struct
    c, s, l = pair()
    try:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", 0, 200000))
        out = [c.gettimeout()]
        c.settimeout(0.1)
        try:
            c.recv(10)
        except OSError as e:
            out.append(type(e).__name__ + ": " + str(e))
        c.settimeout(None)
        s.sendall(b"late")
        out.append(repr(c.recv(10)))
        try:
            c.recv(10)
        except OSError as e:
            out.append(type(e).__name__ + ": " + str(e))
        return out
    finally:
        close_all(c, s, l)


@scenario("so_rcvtimeo accept and recvfrom, inherited")
def _():
    import struct
    l, port = listener()
    u = udp()
    c = socket.socket()
    try:
        tv = struct.pack("ll", 0, 200000)
        l.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, tv)
        u.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, tv)
        out = []
        for call in (l.accept, lambda: u.recvfrom(10)):
            try:
                call()
            except OSError as e:
                out.append(type(e).__name__ + ": " + str(e))
        c.connect(("127.0.0.1", port))
        a, _ = l.accept()
        out.append(repr(a.getsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, 16)))
        a.close()
        return out
    finally:
        close_all(c, u, l)


@scenario("so_sndtimeo sendall to non-reading peer")
def _():
    import struct
    c, s, l = pair()
    try:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", 0, 200000))
        c.sendall(b"x" * (16 * 1024 * 1024))
    finally:
        close_all(c, s, l)


def mreq(group, iface):
    return socket.inet_aton(group) + socket.inet_aton(iface)


@scenario("multicast options")
def _():
    import struct
    out = []
    with socket.socket() as t:
        for opt, v in ((socket.IP_MULTICAST_TTL, 2), (socket.IP_MULTICAST_LOOP, 0), (socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))):
            try:
                t.setsockopt(socket.IPPROTO_IP, opt, v)
                out.append(t.getsockopt(socket.IPPROTO_IP, opt))
            except OSError as e:
                out.append(str(e))
        try:
            t.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq("224.1.1.1", "127.0.0.1"))
        except OSError as e:
            out.append(str(e))
    u = udp(bind=False)
    try:
        out.append([u.getsockopt(socket.IPPROTO_IP, o) for o in (socket.IP_MULTICAST_TTL, socket.IP_MULTICAST_LOOP, socket.IP_MULTICAST_IF)])
        for v in (-1, 256, 0, struct.pack("b", 5), 1):
            try:
                u.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, v)
                out.append(u.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL))
            except OSError as e:
                out.append(str(e))
        for v in (socket.inet_aton("127.0.0.1"), b"\x7f\x00", b"\x00" * 4 + socket.inet_aton("127.0.0.1") + b"\x00" * 4):
            try:
                u.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, v)
                out += [u.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF), repr(u.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, 4))]
            except OSError as e:
                out.append(str(e))
        steps = [
            (socket.IP_ADD_MEMBERSHIP, mreq("224.1.1.21", "127.0.0.1")),
            (socket.IP_ADD_MEMBERSHIP, mreq("224.1.1.21", "127.0.0.1")),
            "bind",
            (socket.IP_ADD_MEMBERSHIP, mreq("10.1.1.1", "127.0.0.1")),
            (socket.IP_ADD_MEMBERSHIP, socket.inet_aton("224.1.1.22")),
            (socket.IP_ADD_MEMBERSHIP, socket.inet_aton("224.1.1.23") + b"\x00" * 4 + b"\x01\x00\x00\x00"),
            (socket.IP_DROP_MEMBERSHIP, mreq("224.1.1.21", "127.0.0.1")),
            (socket.IP_DROP_MEMBERSHIP, mreq("224.1.1.21", "127.0.0.1")),
            (socket.IP_DROP_MEMBERSHIP, mreq("10.1.1.1", "0.0.0.0")),
            (socket.IP_MULTICAST_IF, mreq("224.1.1.24", "127.0.0.1")),
        ]
        for step in steps:
            if step == "bind":
                u.bind(("", 0))
                continue
            try:
                u.setsockopt(socket.IPPROTO_IP, *step)
                out.append("ok")
            except OSError as e:
                out.append(str(e))
        out.append(socket.inet_ntoa(u.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, 4)))
        try:
            u.getsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP)
        except OSError as e:
            out.append(str(e))
        return out
    finally:
        u.close()


@scenario("multicast on loopback")
def _():
    group = "224.1.1.31"
    r = udp(bind=False)
    s = udp(bind=False)
    try:
        r.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        r.bind(("", 0))
        r.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq(group, "127.0.0.1"))
        r.settimeout(2)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
        out = [s.sendto(b"hello group", (group, r.getsockname()[1]))]
        data, addr = r.recvfrom(100)
        out += [repr(data), addr[0], addr[1] == s.getsockname()[1]]
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)  # over lo it still arrives
        s.sendto(b"no loop", (group, r.getsockname()[1]))
        out.append(repr(r.recvfrom(100)[0]))
        r.setsockopt(socket.IPPROTO_IP, socket.IP_DROP_MEMBERSHIP, mreq(group, "127.0.0.1"))
        s.sendto(b"after drop", (group, r.getsockname()[1]))
        r.settimeout(0.3)
        try:
            out.append(repr(r.recvfrom(100)[0]))
        except OSError as e:
            out.append(type(e).__name__)
        return out
    finally:
        close_all(r, s)


@scenario("flags checked")
def _():
    c, s, l = pair()
    u = udp()
    try:
        s.sendall(b"abc")
        time.sleep(0.1)
        out = []
        for call in (lambda: c.recv(10, None), lambda: c.recv(10, 1.5), lambda: c.recv(10, "0"), lambda: c.recv(10, 2**31),
                     lambda: c.recv(10, socket.MSG_OOB), lambda: c.send(b"x", -2**31 - 1), lambda: u.sendto(b"x", socket.MSG_OOB, ("127.0.0.1", 9)),
                     lambda: u.recvfrom(10, None)):
            try:
                out.append(repr(call()))
            except Exception as e:
                out.append(type(e).__name__ + ": " + str(e))
        out.append(repr(c.recv(10)))  # nothing was consumed
        return out
    finally:
        close_all(c, s, l, u)


@scenario("msg_dontwait with a timeout waits", timed=True)
def _():
    c, s, l = pair()
    try:
        c.settimeout(0.3)
        timed(c.recv, 10, socket.MSG_DONTWAIT)
    finally:
        close_all(c, s, l)


@scenario("udp connect to broadcast and wildcard")
def _():
    u = udp()
    try:
        out = []
        for host in ("<broadcast>", "127.255.255.255", "0.0.0.0", ""):
            try:
                u.connect((host, 9))
                out.append(u.getpeername()[0])
            except OSError as e:
                out.append(type(e).__name__ + ": " + str(e))
        u.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        u.connect(("127.255.255.255", 9))
        out.append(u.getpeername()[0])
        return out
    finally:
        u.close()


@scenario("bytes decode")
def _():
    out = []
    cases = ((b"\xef\xbb\xbfhi", "utf-8", "strict"), (b"\xef\xbb\xbfhi", "utf-8-sig", "strict"), (b"h\x00i\x00", "utf-16-le", "strict"),
             (b"\x00h\x00i", "UTF_16_BE", "strict"), (b"\xff\xfeh\x00", "utf-16", "strict"), (b"ab\xff\x80c", "utf-8", "backslashreplace"),
             (b"ab\xffc", "utf-8", "ignore"), (b"ab\xffc", "utf-8", "replace"), (b"ab\xffc", "utf-8", "bogus"), (b"abc", "utf-8", "bogus"),
             (b"abc", "nosuch", "strict"), (b"abc", "hex", "strict"), (b"ab\xe9", "ascii", "backslashreplace"), (b"ab\xe2\x82", "UTF8", "strict"))
    for data, enc, errors in cases:
        try:
            out.append(ascii(data.decode(enc, errors)))
        except (UnicodeDecodeError, LookupError) as e:
            out.append(type(e).__name__ + ": " + str(e))
            if isinstance(e, UnicodeDecodeError):
                out.append([e.encoding, e.start, e.end, e.reason])
    out.append(b"\x01\x02\x03\x04\x05".hex(":", 2))
    return out


@scenario("setsockopt checks")
def _():
    out = []
    with socket.socket() as s:
        for level, opt, v in ((socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 0), (socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 32768), (socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 128),
                              (socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 60), (socket.SOL_SOCKET, socket.SO_REUSEADDR, 2**31), (socket.SOL_SOCKET, socket.SO_REUSEADDR, b"\x01"),
                              (socket.IPPROTO_IP, socket.IP_TTL, b"\x05"), (socket.SOL_SOCKET, socket.SO_RCVBUF, -1)):
            try:
                s.setsockopt(level, opt, v)
                out.append(s.getsockopt(level, opt))
            except (OSError, TypeError) as e:
                out.append(type(e).__name__ + ": " + str(e))
    with socket.socket(socket.AF_INET6) as s6:
        s6.bind(("::1", 0))
        try:
            s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        except OSError as e:
            out.append(str(e))
    for name in ("TCP", "Tcp", "sctp", "igmp"):
        try:
            out.append(socket.getprotobyname(name))
        except OSError as e:
            out.append(str(e))
    return out


@scenario("create_connection all_errors")
def _():
    port = dead_port()
    try:
        socket.create_connection(("127.0.0.1", port), all_errors=True)
    except ExceptionGroup as eg:
        return [type(eg).__name__, str(eg), [type(e).__name__ + ": " + str(e) for e in eg.exceptions]]


@scenario("socketpair under setdefaulttimeout(0); timeouts in nanoseconds")
def _():
    socket.setdefaulttimeout(0)
    try:
        a, b = socket.socketpair()
        out = [a.gettimeout(), b.gettimeout(), a.getblocking()]
        close_all(a, b)
    finally:
        socket.setdefaulttimeout(None)
    with socket.socket() as s:
        for v in (1e-10, 1 / 3, 0.7):
            s.settimeout(v)
            out.append(s.gettimeout())
    return out


@scenario("so_linger zero resets on close")
def _():
    import struct
    c, s, l = pair()
    try:
        c.sendall(b"last words")
        time.sleep(0.1)  # the peer's runtime reads it before the reset arrives
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        c.close()
        time.sleep(0.2)
        out = [repr(s.recv(100))]
        try:
            out.append(repr(s.recv(100)))
        except OSError as e:
            out.append(type(e).__name__ + ": " + str(e))
        return out
    finally:
        close_all(c, s, l)


@scenario("makefile readline of a line the peer reset")
def _():
    import struct
    c, s, l = pair()
    try:
        c.sendall(b"partial line without newl")
        time.sleep(0.1)  # the peer's runtime reads it before the reset arrives
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        c.close()
        time.sleep(0.2)
        out = []
        for mode in ("rb", "r"):
            f = s.makefile(mode)
            try:
                out.append(repr(f.readline()))
            except OSError as e:
                out.append(type(e).__name__ + ": " + str(e))
            out.append(repr(f.readline()))
            f.close()
        return out
    finally:
        close_all(c, s, l)


@scenario("select readiness")
def _():
    import select
    fresh = socket.socket()
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    c, s, l = pair()
    try:
        out = [[len(x) for x in select.select([fresh], [fresh], [fresh], 0)]]
        out.append([len(x) for x in select.select([u], [u], [u], 0)])
        out.append([len(x) for x in select.select([l, s], [l], [], 0)])
        c.sendall(b"x")
        time.sleep(0.05)  # arrived (an async runtime delivers it on a later turn)
        out.append([len(x) for x in select.select([l, s], [s], [], 5)])
        c.shutdown(socket.SHUT_WR)
        s.recv(10)
        out.append([len(x) for x in select.select([s], [], [], 5)])
        d = socket.socket()
        d.setblocking(False)
        out.append(d.connect_ex(("127.0.0.1", dead_port())))
        out.append([len(x) for x in select.select([d], [d], [], 5)])
        out.append(d.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
        d.close()
        return out
    finally:
        close_all(fresh, u, c, s, l)


@scenario("select negative timeout")
def _():
    import select
    select.select([], [], [], -1)


@scenario("select closed socket")
def _():
    import select
    s = socket.socket()
    s.close()
    select.select([s], [], [], 0)


@scenario("blocking send takes everything")
def _():
    c, s, l = pair()
    try:
        size = 8 << 20
        got = [0]

        def reader():
            while got[0] < size:
                d = c.recv(1 << 20)
                if not d:
                    break
                got[0] += len(d)

        t = threading.Thread(target=reader)
        t.start()
        n = s.send(b"x" * size)
        if n < size:
            s.sendall(b"x" * (size - n))
        t.join(10)
        return [n, got[0]]
    finally:
        close_all(c, s, l)


@scenario("send to a closed peer: the error stays on the send side")
def _():
    c, s, l = pair()
    try:
        s.close()
        time.sleep(0.05)
        out = [repr(c.recv(10))]
        err = None
        for _ in range(10):
            try:
                c.send(b"x")
            except OSError as e:
                err = type(e).__name__
                break
            time.sleep(0.03)
        out += [err, repr(c.recv(10))]
        return out
    finally:
        close_all(c, s, l)


@scenario("makefile newline, errors, buffering")
def _():
    c, s, l = pair()
    c.settimeout(5)
    s.settimeout(5)
    out = []
    try:
        for newline, data, n in ((None, b"a\r\nb\rc\n", 3), ("", b"a\r\nb\rc\nd\r\n", 4),
                                 ("\r\n", b"a\r\nb\nc\r\n", 2), ("\n", b"a\r\nb\n", 2)):
            c.sendall(data)
            f = s.makefile("r", newline=newline)
            out.append([f.readline() for _ in range(n)])
            f.close()
        f = s.makefile("w", newline="\r\n")
        out.append(f.write("x\ny\n"))
        f.flush()
        f.close()
        out.append(repr(c.recv(100)))
        for errors, data in (("replace", b"\xffok\n"), ("ignore", b"\xffok\n"), ("strict", b"ab\xe2\x82\x28\n")):
            c.sendall(data)
            f = s.makefile("r", errors=errors)
            try:
                out.append(f.readline())
            except ValueError as e:
                out.append(type(e).__name__ + ": " + str(e))
            f.close()
        f = s.makefile("wb", 0)
        f.write(b"now")
        out.append(repr(c.recv(100)))
        f.close()
        c.sendall(b"abc")
        time.sleep(0.05)
        f = s.makefile("rb", 0)
        out.append(repr(f.read(10)))
        f.close()
        try:
            s.makefile("r", 0)
        except ValueError as e:
            out.append(str(e))
        f = s.makefile("rb")
        out += [f.readable(), f.writable(), f.name == s.fileno(), f.fileno() == s.fileno()]
        f.close()
        return out
    finally:
        close_all(c, s, l)


@scenario("makefile never closed: closing the socket still ends the connection")
def _():
    c, s, l = pair()
    c.settimeout(5)

    def handle(conn):
        with conn:
            f = conn.makefile("rwb")
            line = f.readline()
            f.write(b"echo:" + line)  # buffered, never flushed or closed

    t = threading.Thread(target=handle, args=(s,))
    t.start()
    try:
        c.sendall(b"one\n")
        t.join(5)
        return [repr(c.recv(100)), repr(c.recv(100))]
    finally:
        close_all(c, l)


@scenario("makefile used right after closing its socket")
def _():
    c, s, l = pair()
    c.settimeout(5)
    try:
        f = s.makefile("rwb")
        s.close()
        c.sendall(b"ping\n")
        line = f.readline()
        f.write(b"got:" + line)
        f.flush()
        out = [repr(c.recv(100))]
        f.close()
        out.append(repr(c.recv(100)))
        return out
    finally:
        close_all(c, l)


@scenario("udp connect again, sendto while connected")
def _():
    a, b, u = udp(), udp(), udp()
    for x in (a, b, u):
        x.settimeout(2)
    try:
        u.connect(a.getsockname())
        u.send(b"1")
        out = [repr(a.recv(10))]
        u.connect(b.getsockname())
        u.send(b"2")
        out.append(repr(b.recv(10)))
        out.append(u.sendto(b"3", a.getsockname()))
        out.append(repr(a.recv(10)))
        a.sendto(b"from a", u.getsockname())
        b.sendto(b"from b", u.getsockname())
        out.append(repr(u.recv(10)))
        u.settimeout(0.2)
        try:
            u.recv(10)
        except OSError as e:
            out.append(type(e).__name__)
        return out
    finally:
        close_all(a, b, u)


@scenario("option and type errnos")
def _():
    out = []
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    t = socket.socket()
    x = socket.socket(socket.AF_UNIX)
    calls = [
        lambda: socket.socket(socket.AF_INET, socket.SOCK_RAW),
        lambda: u.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY),
        lambda: u.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1),
        lambda: x.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY),
        lambda: t.getsockopt(999, 1),
        lambda: t.getsockopt(socket.SOL_SOCKET, 999),
        lambda: t.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 0),
        lambda: t.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 300),
        lambda: t.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, -1) or t.getsockopt(socket.IPPROTO_IP, socket.IP_TTL),
        lambda: socket.getaddrinfo(None, None),
        lambda: socket.socket(socket.AF_INET, socket.SOCK_RDM),
        lambda: socket.socket(socket.AF_INET6, socket.SOCK_SEQPACKET),
        lambda: socket.socket(socket.AF_INET, 0),
        lambda: socket.socket(socket.AF_INET, 11),
        lambda: t.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN),
        lambda: u.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL),
        lambda: x.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL),
        lambda: t.setsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL, 17),
        lambda: [socket.EAGAIN, socket.EWOULDBLOCK, socket.EBADF, socket.MSG_MORE, socket.IPPORT_RESERVED],
    ]
    try:
        for f in calls:
            try:
                r = f()
                out.append(r if isinstance(r, (int, list)) else "ok")
            except OSError as e:
                out.append([type(e).__name__, e.errno])
        return out
    finally:
        close_all(u, t, x)


@scenario("refused non-blocking connect, then recv and send")
def _():
    d = socket.socket()
    d.setblocking(False)
    try:
        out = [d.connect_ex(("127.0.0.1", dead_port()))]
        time.sleep(0.2)
        for f in (lambda: d.recv(10), lambda: d.recv(10), lambda: d.send(b"x")):
            try:
                out.append(repr(f()))
            except OSError as e:
                out.append([type(e).__name__, e.errno])
        return out
    finally:
        d.close()


@scenario("services and getaddrinfo with service names")
def _():
    out = []
    for svc in ("http", "tftp", "domain", 80, "ssh", "www"):
        out.append([[a[1], a[2], a[4][1]] for a in socket.getaddrinfo("127.0.0.1", svc)])
    calls = [
        lambda: socket.getaddrinfo("127.0.0.1", "http", type=socket.SOCK_DGRAM),
        lambda: socket.getaddrinfo("127.0.0.1", "tftp", type=socket.SOCK_STREAM),
        lambda: socket.getaddrinfo("127.0.0.1", "no-such-service"),
        lambda: socket.getservbyname("HTTP"),
        lambda: socket.getservbyname("www"),
        lambda: socket.getservbyname("http", "udp"),
        lambda: socket.getservbyname("tftp"),
        lambda: socket.getservbyname("postgresql"),
        lambda: socket.getservbyport(1),
        lambda: socket.getservbyport(69),
        lambda: socket.getservbyport(69, "tcp"),
        lambda: socket.getservbyport(53, "udp"),
        lambda: socket.getservbyport(5432),
        lambda: socket.getnameinfo(("127.0.0.1", 69), socket.NI_NUMERICHOST | socket.NI_DGRAM),
        lambda: socket.getnameinfo(("127.0.0.1", 69), socket.NI_NUMERICHOST),
    ]
    for f in calls:
        try:
            out.append(f())
        except OSError as e:
            out.append([type(e).__name__, e.errno, str(e)])
    return out


@scenario("makefile used against its mode or closed")
def _():
    c, s, l = pair()
    out = []
    try:
        rb, wb, r, w = s.makefile("rb"), s.makefile("wb"), s.makefile("r"), s.makefile("w")
        rb.close()
        r.close()
        for f in (lambda: rb.write(b"x"), lambda: wb.read(), lambda: w.read(), lambda: w.readline(),
                  lambda: rb.readline(), lambda: rb.read(), lambda: r.readline(), lambda: r.read()):
            try:
                f()
            except (OSError, ValueError) as e:
                out.append([type(e).__name__, str(e), isinstance(e, OSError)])
        wb.close()
        w.close()
        return out
    finally:
        close_all(c, s, l)


@scenario("sendfile")
def _():
    import tempfile
    c, s, l = pair()
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    data = bytes(range(256)) * 400
    out = []
    try:
        with tempfile.TemporaryFile() as f:
            f.write(data)
            f.seek(0)
            got = []
            t = threading.Thread(target=lambda: got.append(c.recv(1 << 20, socket.MSG_WAITALL) if False else b"".join(iter(lambda: c.recv(65536), b""))))
            t.start()
            out.append(s.sendfile(f, 1000, 50000))
            out.append(s.sendfile(f, 90000))
            s.shutdown(socket.SHUT_WR)
            t.join(10)
            out.append(got[0] == data[1000:51000] + data[90000:])
            for fn in (lambda: u.sendfile(f), lambda: s.sendfile(f, 0, 0), lambda: s.sendfile(f, -1)):
                try:
                    fn()
                except (OSError, ValueError) as e:
                    out.append([type(e).__name__, str(e)])
        return out
    finally:
        close_all(c, s, l, u)


@scenario("makefile text encodings on write, writelines, closed files")
def _():
    c, s, l = pair()
    c.settimeout(5)
    out = []
    try:
        for enc, errors, text in (("ascii", "replace", "\u00e9\n"), ("latin-1", None, "\u00e9\n"), ("utf-16-le", None, "\u00e9\n"),
                                  ("cp1252", None, "\u20ac\n"), ("ascii", "ignore", "\u00e9\n"), ("utf-8", None, "\U0001f600\n")):
            f = s.makefile("w", encoding=enc, errors=errors)
            out.append(f.write(text))
            f.flush()
            f.close()
            out.append(repr(c.recv(100)))
        for enc, text in (("ascii", "\u00e9"), ("latin-1", "\u20ac")):
            f = s.makefile("w", encoding=enc)
            try:
                f.write(text)
            except ValueError as e:
                out.append([type(e).__name__, str(e)])
            f.close()
        try:
            s.makefile("w", encoding="nope")
        except LookupError as e:
            out.append([type(e).__name__, str(e)])
        c.sendall(b"\xe9\x80\n")
        f = s.makefile("r", encoding="latin-1")
        out.append([ord(ch) for ch in f.readline()])
        f.close()
        f = s.makefile("wb")
        f.writelines([b"a", b"b\n"])
        f.flush()
        out.append(repr(c.recv(100)))
        f.close()
        for fn in (lambda: f.write(b"x"), lambda: f.flush()):
            try:
                fn()
            except ValueError as e:
                out.append(str(e))
        return out
    finally:
        close_all(c, s, l)


@scenario("exception constructors")
def _():
    out = []
    for e in (OSError(111), OSError(111, "x"), socket.error(98, "Address in use"), ConnectionRefusedError(111),
              OSError("msg"), socket.timeout("timed out"), OSError(), OSError(17, "x"), OSError(21, "x"),
              OSError(20, "x"), OSError(10, "x"), OSError(3, "x"), OSError(2, "No such file", "/tmp/x"),
              OSError(2, "x", "a", None, "b"), OSError(111, "x", None), OSError("a", "b"), OSError(1, 2, 3, 4, 5, 6)):
        out.append([type(e).__name__, e.errno, str(e), list(e.args), getattr(e, "filename", None)])
    out.append(BlockingIOError(11, "x", 5).characters_written)
    return out


@scenario("MSG_WAITALL with a timeout and non-blocking")
def _():
    c, s, l = pair()
    out = []
    try:
        for label, to in (("timeout", 5), ("blocking", None), ("nonblocking", 0)):
            c.settimeout(to)

            def feed():
                for p in (b"01234", b"56789"):
                    time.sleep(0.2)
                    s.sendall(p)

            t = threading.Thread(target=feed)
            t.start()
            if to == 0:
                time.sleep(0.3)
            out.append([label, repr(c.recv(10, socket.MSG_WAITALL))])
            t.join()
            time.sleep(0.1)
            c.setblocking(False)
            try:
                out.append(repr(c.recv(100)))
            except BlockingIOError:
                out.append("nothing left")
        return out
    finally:
        close_all(c, s, l)


@scenario("sendmsg and recvmsg")
def _():
    out = []
    c, s, l = pair()
    a, b = udp(), udp()

    def step(f):
        try:
            r = f()
            if isinstance(r, tuple):
                r = [repr(x) if isinstance(x, (bytes, bytearray)) else x for x in r]
                if r[3] is not None:
                    r[3] = list(r[3]) == list(b.getsockname())
            out.append(r)
        except Exception as e:  # noqa: BLE001
            out.append([type(e).__name__, getattr(e, "errno", None), str(e)])

    try:
        step(lambda: c.sendmsg([b"ab", memoryview(b"cd"), bytearray(b"ef")]))
        time.sleep(0.1)
        step(lambda: s.recvmsg(4))
        step(lambda: s.recvmsg(10, 0))
        step(lambda: b.sendmsg([b"hello", b"world"], [], 0, a.getsockname()))
        step(lambda: a.recvmsg(4))
        step(lambda: b.sendmsg([b"xy"], [], 0, a.getsockname()))
        step(lambda: a.recvmsg(4, 0, socket.MSG_PEEK))
        buf1, buf2 = bytearray(1), bytearray(5)
        step(lambda: a.recvmsg_into([buf1, buf2]))
        out.append([repr(bytes(buf1)), repr(bytes(buf2))])
        step(lambda: b.sendmsg([b"x"]))
        step(lambda: b.sendmsg([], [], 0, a.getsockname()))
        step(lambda: a.recvmsg(10))
        step(lambda: s.recvmsg(-1))
        step(lambda: s.recvmsg(10, -1))
        step(lambda: b.sendmsg(5))
        c.close()
        step(lambda: s.recvmsg(10))
        return out
    finally:
        close_all(c, s, l, a, b)


@scenario("makefile write files flushed when the handler returns")
def _():
    l, port = listener()
    out = []

    def handler(conn, mode):
        f = conn.makefile(mode)
        f.write(b"reply\n" if "b" in mode else "reply\n")
        conn.close()

    try:
        for mode in ("wb", "w", "rw", "rwb"):
            c = socket.create_connection(("127.0.0.1", port), timeout=2)
            a, _ = l.accept()
            handler(a, mode)
            out.append([mode, repr(c.recv(100)), repr(c.recv(100))])
            c.close()
        c = socket.create_connection(("127.0.0.1", port), timeout=2)
        a, _ = l.accept()
        f = a.makefile("rb")
        a.close()
        out.append(a.fileno() >= 0)
        f.close()
        out.append(a.fileno())
        c.close()
        return out
    finally:
        l.close()


@scenario("makefile readlines hint and buffering")
def _():
    c, s, l = pair()
    try:
        s.sendall(b"12345\n12\n123\n")
        f = c.makefile("rb")
        out = [[repr(x) for x in f.readlines(6)], [repr(x) for x in f.readlines(3)]]
        w = s.makefile("wb", buffering=16)
        w.write(b"0123456789")
        w.write(b"abcdefghij")
        time.sleep(0.1)
        c.settimeout(0.3)
        out.append(repr(c.recv(100)))
        w.flush()
        out.append(repr(c.recv(100)))
        out.append(c.makefile("r").encoding)
        return out
    finally:
        close_all(c, s, l)


@scenario("listener closed with connections not accepted")
def _():
    l, port = listener()
    c = socket.create_connection(("127.0.0.1", port), timeout=2)
    d = socket.create_connection(("127.0.0.1", port), timeout=2)
    d.sendall(b"data")
    time.sleep(0.1)
    l.close()
    time.sleep(0.1)
    out = []
    for f in (lambda: c.recv(10), lambda: c.send(b"x"), lambda: d.recv(10)):
        try:
            out.append(repr(f()))
        except OSError as e:
            out.append([type(e).__name__, e.errno])
    close_all(c, d)
    return out


@scenario("udp connect to port 0")
def _():
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(0.5)
    out = []
    for f in (lambda: u.connect(("127.0.0.1", 0)), u.getpeername, lambda: u.send(b"x"), lambda: u.recv(10)):
        try:
            r = f()
            out.append(r if isinstance(r, int) or r is None else repr(r))
        except OSError as e:
            out.append([type(e).__name__, e.errno])
    u.close()
    return out


@scenario("shutdown after both sides closed; unix unconnected; sendall after the peer closed")
def _():
    out = []
    c, s, l = pair()
    s.close()
    time.sleep(0.1)
    x = socket.socket(socket.AF_UNIX)
    for f in (lambda: c.recv(10), lambda: c.shutdown(socket.SHUT_WR), lambda: c.shutdown(socket.SHUT_WR),
              c.getpeername, lambda: x.shutdown(socket.SHUT_RDWR)):
        try:
            r = f()
            out.append(r if r is None else repr(r))
        except OSError as e:
            out.append([type(e).__name__, e.errno])
    close_all(c, l, x)
    c, s, l = pair()
    c.close()
    time.sleep(0.1)
    for f in (lambda: s.sendall(b"hello"), lambda: time.sleep(0.1), lambda: s.sendall(b"hello")):
        try:
            out.append(f())
        except OSError as e:
            out.append([type(e).__name__, e.errno])
    close_all(s, l)
    return out


@scenario("getaddrinfo protocols, empty port, canonname; netdb argument checks")
def _():
    out = []
    calls = [
        lambda: socket.getaddrinfo("127.0.0.1", 80, 0, 0, 132),
        lambda: socket.getaddrinfo("127.0.0.1", None, 0, 0, 1),
        lambda: socket.getaddrinfo("127.0.0.1", 80, 0, 0, 1),
        lambda: socket.getaddrinfo("127.0.0.1", "", socket.AF_INET, 0),
        lambda: socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET, socket.SOCK_RAW),
        lambda: socket.getaddrinfo("127.0.0.1", None, socket.AF_INET, socket.SOCK_RAW, 6),
        lambda: socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET, socket.SOCK_DGRAM, 6),
        lambda: socket.getaddrinfo("LocalHost", 80, socket.AF_INET, socket.SOCK_STREAM, 0, socket.AI_CANONNAME),
        lambda: socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET, socket.SOCK_STREAM, 0, socket.AI_CANONNAME),
        lambda: socket.getservbyname("http", None),
        lambda: socket.getnameinfo(("127.0.0.1", 80), -1),
        lambda: socket.getnameinfo(("127.0.0.1", 80), 256),
    ]
    for f in calls:
        try:
            r = f()
            out.append([[int(x[0]), int(x[1]), x[2], x[3], list(x[4])] for x in r] if isinstance(r, list) else r)
        except Exception as e:  # noqa: BLE001
            out.append([type(e).__name__, getattr(e, "errno", None), str(e)])
    return out


@scenario("makefile utf-16 and utf-32 text; their decode errors")
def _():
    out = []

    def feed(data, enc, ops):
        a, b = socket.socketpair()
        try:
            a.sendall(data)
            a.close()
            f = b.makefile("r", encoding=enc)
            for op in ops:
                try:
                    out.append(op(f))
                except ValueError as e:
                    out.append([type(e).__name__, str(e)])
        finally:
            close_all(a, b)

    rl = lambda f: f.readline()  # noqa: E731
    feed("h\u00e9llo\r\nw\u00f6rld\n\U0001f600x\n".encode("utf-16"), "utf-16", [rl, rl, rl, rl])
    feed("ab\ncd".encode("utf-16-be"), "utf-16-be", [rl, lambda f: f.read()])
    feed(b"\xfe\xff" + "ab\ncd".encode("utf-16-be"), "utf-16", [rl, lambda f: f.read()])
    feed("ab\ncd\n\U0001f600\U0001f600z".encode("utf-32"), "utf-32",
         [rl, lambda f: f.readline(1), lambda f: f.read(2), lambda f: f.read(2), lambda f: f.read()])
    feed("\U0001f600\U0001f600\n".encode("utf-16-le"), "utf-16-le", [lambda f: f.readline(1), lambda f: f.read()])
    feed(b"a\x00b\x00\x00", "utf-16-le", [lambda f: f.read()])
    a, b = socket.socketpair()
    try:
        w = a.makefile("w", encoding="utf-16")
        w.write("hi\n")
        w.flush()
        out.append(repr(b.recv(100)))
    finally:
        close_all(a, b)
    for data, enc in ((b"a\x00b", "utf-16"), (b"\x00\xd8a\x00", "utf-16-le"), (b"a\x00\x00\xd8", "utf-16-le"),
                      (b"\xff\xfe\x00\x00h\x00\x00\x00", "utf-32"), (b"h\x00\x00", "utf-32"), (b"\x00\x00\x11\x00", "utf-32")):
        try:
            out.append(data.decode(enc))
        except UnicodeDecodeError as e:
            out.append([str(e), e.start, e.end])
    return out


@scenario("connect with a timeout: refused, then again; connected, then again")
def _():
    out = []
    port = dead_port()
    s = socket.socket()
    s.settimeout(2)
    try:
        out.append([s.connect_ex(("127.0.0.1", port)) for _ in range(4)])
        for _ in range(3):
            try:
                s.connect(("127.0.0.1", port))
                out.append("connected")
            except OSError as e:
                out.append([type(e).__name__, e.errno])
        l, lport = listener()
        out.append([s.connect_ex(("127.0.0.1", lport)) for _ in range(3)])
        close_all(l)
        return out
    finally:
        close_all(s)


def line_then_close(l, port, data, use_file=True):
    """The peer sends `data`; we read one line with a makefile reader (or nothing) and close: what the peer sees."""
    out = []
    c = socket.create_connection(("127.0.0.1", port), timeout=2)
    a, _ = l.accept()
    c.sendall(data)
    time.sleep(0.1)
    if use_file:
        f = a.makefile("rb")
        out.append(repr(f.readline()))
        f.close()
    a.close()
    time.sleep(0.1)
    try:
        out.append(repr(c.recv(100)))
    except OSError as e:
        out.append([type(e).__name__, e.errno])
    c.close()
    return out


@scenario("close after a makefile reader read a line of a pipelined burst: FIN, not reset")
def _():
    l, port = listener()
    try:
        return [x for use_file in (True, False) for x in line_then_close(l, port, b"QUIT\r\nPING\r\n", use_file)]
    finally:
        l.close()


@scenario("non-blocking reads of what this program just sent; sends after the peer closed")
def _():
    out = []
    a, b = udp(), udp()
    a.setblocking(False)
    c, s, l = pair()
    s.setblocking(False)
    try:
        b.sendto(b"one", a.getsockname())
        out.append(repr(a.recv(10)))
        b.sendto(b"two", a.getsockname())
        out.append(repr(a.recvfrom(10)[0]))
        c.sendall(b"tcp-data")
        out.append(repr(s.recv(100)))
        c.sendall(b"peek")
        out.append(repr(s.recv(100, socket.MSG_PEEK)))
        out.append(repr(s.recv(100)))
        try:
            out.append(repr(s.recv(100)))
        except BlockingIOError as e:
            out.append(e.errno)
        c.close()
        time.sleep(0.1)
        out.append(repr(s.recv(10)))
        for f in (lambda: s.send(b"z"), lambda: time.sleep(0.05), lambda: s.send(b"z"), lambda: s.sendall(b"z"),
                  lambda: s.sendall(b"z")):
            try:
                out.append(f())
            except OSError as e:
                out.append([type(e).__name__, e.errno])
        return out
    finally:
        close_all(a, b, c, s, l)


def readiness_sockets():
    """The poll and epoll scenarios' sockets: a fresh one and a listener, named for the events they
    report (ev turns (fd, events) pairs into sorted [name, events]; add names as sockets come)."""
    s = socket.socket()
    l = socket.create_server(("127.0.0.1", 0))
    names = {s.fileno(): "fresh", l.fileno(): "listener"}
    return s, l, names, lambda r: sorted([names[fd], e] for fd, e in r)


@scenario("select.poll: register, events, modify/unregister errors, closed sockets")
def _():
    import select
    out = []
    p = select.poll()
    s, l, names, ev = readiness_sockets()
    c = a = None
    try:
        p.register(s)
        p.register(l, select.POLLIN)
        out.append(ev(p.poll(0)))
        c = socket.create_connection(l.getsockname())
        time.sleep(0.05)
        out.append(ev(p.poll(0)))
        a, _ = l.accept()
        names[a.fileno()] = "conn"
        p.register(a, select.POLLIN | select.POLLOUT)
        out.append(ev(p.poll(0)))
        c.sendall(b"x")
        time.sleep(0.05)
        out.append(ev(p.poll(1000)))
        p.modify(a, select.POLLOUT)
        out.append(ev(p.poll(0)))
        for f in (lambda: p.modify(socket.socket(), 1), lambda: p.unregister(s), lambda: p.unregister(s)):
            try:
                out.append(f())
            except (OSError, KeyError) as e:
                out.append(type(e).__name__)
        c.close()
        a.close()
        out.append(ev(p.poll(0)))
        return out
    finally:
        close_all(s, l, c, a)


@scenario("select.epoll: register/modify/unregister errors, events, EPOLLRDHUP, EPOLLONESHOT, maxevents, closed sockets and close")
def _():
    import select
    out = []
    ep = select.epoll()
    s, l, names, ev = readiness_sockets()
    c = a = None

    def attempt(f):
        try:
            return f()
        except (OSError, ValueError, TypeError) as e:
            return [type(e).__name__, getattr(e, "errno", None)]

    try:
        ep.register(s)
        ep.register(l, select.EPOLLIN)
        out.append(ev(ep.poll(0)))
        c = socket.create_connection(l.getsockname())
        time.sleep(0.05)
        out.append(ev(ep.poll(0.5)))
        a, _ = l.accept()
        names[a.fileno()] = "conn"
        ep.register(a.fileno(), select.EPOLLIN | select.EPOLLOUT)
        out.append(ev(ep.poll(0)))
        c.sendall(b"x")
        time.sleep(0.05)
        out.append(ev(ep.poll(1)))
        out.append(len(ep.poll(1, 1)))
        ep.modify(a, select.EPOLLIN | select.EPOLLRDHUP | select.EPOLLONESHOT)
        c.shutdown(socket.SHUT_WR)
        time.sleep(0.05)
        out.append(ev(ep.poll(0)))
        out.append(ev(ep.poll(0)))
        ep.modify(a, select.EPOLLIN)
        out.append(ev(ep.poll(0)))
        stray = socket.socket()
        closed = socket.socket()
        cfd = closed.fileno()
        closed.close()
        for f in (lambda: ep.register(a), lambda: ep.modify(stray, 1), lambda: ep.unregister(stray), lambda: ep.register(-1),
                  lambda: ep.register(cfd), lambda: ep.poll(0, 0), lambda: ep.poll("x"), lambda: ep.register(stray, -1),
                  lambda: ep.modify(stray, select.EPOLLEXCLUSIVE | select.EPOLLIN), lambda: select.epoll(0), lambda: ep.unregister(s)):
            out.append(attempt(f))
        stray.close()
        c.close()
        a.close()
        time.sleep(0.05)
        out.append(ev(ep.poll(0)))
        out.append([ep.closed, type(ep.fileno()).__name__])
        ep.close()
        out.append([ep.closed, attempt(lambda: ep.poll(0)), attempt(lambda: ep.fileno())])
        return out
    finally:
        ep.close()
        close_all(s, l, c, a)


@scenario("UDP shutdown: a blocked recvfrom wakes with (b'', None), sends raise EPIPE; unconnected raises ENOTCONN")
def _():
    out = []
    for connected in (False, True):
        u, v = udp(), udp()
        try:
            if connected:
                u.connect(v.getsockname())
            got = []
            th = threading.Thread(target=lambda: got.append(u.recvfrom(100)))
            th.start()
            time.sleep(0.1)
            try:
                out.append(u.shutdown(socket.SHUT_RDWR))
            except OSError as e:
                out.append([type(e).__name__, e.errno])
            th.join(2)
            out.append(repr(got[0]) if got else "still blocked")
            out.append(repr(u.recvfrom(100)))
            for f in (lambda: u.sendto(b"x", v.getsockname()), lambda: u.send(b"x")):
                try:
                    out.append(f())
                except OSError as e:
                    out.append([type(e).__name__, e.errno])
        finally:
            close_all(u, v)
    return out


@scenario("select, poll and selectors take an fd or an object with fileno(); KeyError")
def _():
    out = []

    class Conn:
        def __init__(self, s):
            self.s = s

        def fileno(self):
            return self.s.fileno()

    a, b = socket.socketpair()
    c, d = socket.socketpair()
    try:
        b.sendall(b"1")
        d.sendall(b"2")
        time.sleep(0.05)
        w = Conn(c)
        r, _, _ = select.select([a.fileno(), w], [], [], 1.0)
        out.append(["wrapper" if x is w else "int" if x == a.fileno() else "?" for x in r])
        p = select.poll()
        p.register(w, select.POLLIN)
        out.append([e for _, e in p.poll(0)])
        for f in (lambda: select.select([-1], [], [], 0), lambda: select.select(["x"], [], [], 0),
                  lambda: p.register(a, -1), lambda: p.poll("1")):
            try:
                out.append(f())
            except (ValueError, TypeError, OverflowError) as e:
                out.append([type(e).__name__, str(e)])
        sel = selectors.DefaultSelector()
        sel.register(a.fileno(), selectors.EVENT_READ, "int")
        sel.register(w, selectors.EVENT_READ, "wrapper")
        out.append(sorted(k.data for k, _ in sel.select(1.0)))
        out.append(sel.get_key(w).fd == c.fileno())
        for f in (lambda: sel.get_key(b), lambda: sel.register(a.fileno(), selectors.EVENT_READ), lambda: sel.register("x", 1)):
            try:
                out.append(f())
            except (KeyError, ValueError) as e:
                out.append(type(e).__name__)
        sel.close()
        return out
    finally:
        close_all(a, b, c, d)


@scenario("a socketpair's first socket sees bytes just sent at its first non-blocking look; recv after SHUT_RD too")
def _():
    out = []
    x, y = socket.socketpair()
    c, s, l = pair()
    try:
        y.send(b"x")
        out.append(len(select.select([x], [], [], 0)[0]))
        x.setblocking(False)
        out.append(repr(x.recv(1)))
        s.shutdown(socket.SHUT_RD)
        c.sendall(b"late")
        out.append(repr(s.recv(10)))
        return out
    finally:
        close_all(x, y, c, s, l)


@scenario("non-blocking connect polled with select: SO_ERROR read, then connect_ex again (asyncore style)")
def _():
    out = []
    port = dead_port()
    for read_soerr in (False, True):
        s = socket.socket()
        s.setblocking(False)
        try:
            seq = [s.connect_ex(("127.0.0.1", port))]
            select.select([], [s], [], 1.0)
            if read_soerr:
                seq.append(s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
            for _ in range(3):
                rc = s.connect_ex(("127.0.0.1", port))
                seq.append(rc)
                if rc in (115, 114):
                    select.select([], [s], [], 1.0)
            out.append(seq)
        finally:
            s.close()
    return out


@scenario("unix socket: sends after the peer wrote and closed raise BrokenPipeError; recv returns what it sent")
def _():
    out = []
    a, b = socket.socketpair()
    try:
        b.sendall(b"last words")
        b.close()
        time.sleep(0.1)
        for f in (lambda: a.send(b"x"), lambda: a.sendall(b"x")):
            try:
                out.append(f())
            except OSError as e:
                out.append([type(e).__name__, e.errno])
        out.append(repr(a.recv(100)))
        out.append(repr(a.recv(100)))
        return out
    finally:
        close_all(a, b)


@scenario("getaddrinfo argument checks: missing arguments, non-int family/type, AI_CANONNAME without a host, mapped IPv4")
def _():
    out = []
    for f in (lambda: socket.getaddrinfo("localhost"), lambda: socket.getaddrinfo(),
              lambda: socket.getaddrinfo("localhost", 80, "2"), lambda: socket.getaddrinfo("localhost", 80, 0, 2.5),
              lambda: socket.getaddrinfo(None, 80, 0, 0, 0, socket.AI_CANONNAME),
              lambda: [(int(r[0]), r[4]) for r in socket.getaddrinfo("::ffff:127.0.0.1", 80, socket.AF_INET, socket.SOCK_STREAM)]):
        try:
            out.append(norm(f()))
        except (TypeError, OSError) as e:
            out.append([type(e).__name__, str(e)])
    return out


@scenario("IPv6 literals not in canonical form: getaddrinfo, a connected UDP socket's peer and its replies")
def _():
    out = []
    for h in ("0:0::1", "0000::1", "::FFFF:127.0.0.1", "::ffff:7f00:1"):
        out.append(socket.getaddrinfo(h, 80, 0, socket.SOCK_STREAM)[0][4])
    srv = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    c = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    try:
        srv.bind(("::1", 0))
        port = srv.getsockname()[1]
        c.settimeout(2)
        c.connect(("0:0::1", port))
        out.append(c.getpeername()[0])
        c.send(b"ping")
        d, a = srv.recvfrom(100)
        srv.sendto(b"pong:" + d, a)
        out.append(repr(c.recv(100)))
        return out
    finally:
        close_all(srv, c)


@scenario("unix stream recvfrom/recvmsg: the server's name on the client side (also for 0 bytes), None on the server side and at EOF; binding the bound listener again")
def _():
    path = "/tmp/polysock-parity-from-%d.sock" % os.getpid()
    if os.path.exists(path):
        os.unlink(path)
    l = socket.socket(socket.AF_UNIX)
    try:
        l.bind(path)
        l.listen()
        c = socket.socket(socket.AF_UNIX)
        c.connect(path)
        s, _ = l.accept()
        s.sendall(b"one")
        d, a = c.recvfrom(10)
        out = [repr(d), a == path]
        s.sendall(b"two")
        m = c.recvmsg(10)
        out.append([repr(m[0]), m[3] == path])
        s.sendall(b"3")
        out.append([c.recvfrom(0)[1] == path, c.recvmsg(0)[3] == path, repr(c.recv(1))])
        for p in (path, "/nonexistent-polysock-dir/x", ""):
            try:
                l.bind(p)
                out.append("bound")
            except OSError as e:
                out.append([type(e).__name__, e.errno])
        c.sendall(b"up")
        out.append(repr(s.recvfrom(10)))
        s.close()
        out.append([repr(c.recvfrom(0)), repr(c.recvfrom(10))])
        c.close()
        return out
    finally:
        l.close()
        if os.path.exists(path):
            os.unlink(path)


@scenario("UDP binding: a receive that times out leaves the socket unbound; a refused sendto binds it")
def _():
    out = []
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.settimeout(0.1)
        try:
            s.recvfrom(10)
        except OSError as e:
            out.append(type(e).__name__)
        out.append(s.getsockname())
        s.bind(("127.0.0.1", 0))
        out.append(s.getsockname()[0])
    finally:
        s.close()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        try:
            s.sendto(b"x", ("255.255.255.255", 9))
        except OSError as e:
            out.append([type(e).__name__, e.errno])
        out.append(s.getsockname()[1] != 0)
        try:
            s.bind(("127.0.0.1", 0))
        except OSError as e:
            out.append(e.errno)
    finally:
        s.close()
    return out


@scenario("os.strerror: glibc's texts, unknown numbers, non-int arguments")
def _():
    out = [os.strerror(n) for n in (0, 1, 4, 11, 32, 98, 104, 110, 111, 113, 9999, -1, True)]
    for bad in (1.5, "x", None):
        try:
            os.strerror(bad)
        except TypeError as e:
            out.append(str(e))
    return out


@scenario("makefile reads with a timeout: each receive gets the whole timeout, so a line slower than it in all still arrives")
def _():
    a, b = socket.socketpair()
    try:
        a.settimeout(1.0)
        out = []
        for mode in ("rb", "r"):
            f = a.makefile(mode)
            pieces = [b"ab", b"cd", b"ef", b"g\n"]
            timers = [threading.Timer(0.4 * i, lambda p=p: b.sendall(p)) for i, p in enumerate(pieces)]
            for t in timers:
                t.start()
            out.append(repr(f.readline()))
            for t in timers:
                t.join()
            f.close()
        return out
    finally:
        close_all(a, b)


@scenario("makefile readinto: buffered fills the buffer, unbuffered is one receive; text files, closed files, bytes")
def _():
    a, b = socket.socketpair()
    try:
        fu = a.makefile("rb", buffering=0)
        b.sendall(b"hel")
        out = [fu.readinto(bytearray(5))]
        f = a.makefile("rb")
        t = threading.Timer(0.1, lambda: b.sendall(b"lo world"))
        t.start()
        buf = bytearray(6)
        out.append([f.readinto(buf), repr(bytes(buf))])
        t.join()
        out.append(f.readinto(bytearray(0)))
        for x in (a.makefile("wb"), a.makefile("r")):
            try:
                x.readinto(bytearray(3))
            except (OSError, AttributeError) as e:
                out.append([type(e).__name__, str(e)])
        f.close()
        fu.close()
        for x in (f, fu):
            try:
                x.readinto(bytearray(3))
            except ValueError as e:
                out.append(str(e))
        try:
            a.makefile("rb").readinto(b"abc")
        except TypeError as e:
            out.append(str(e))
        return out
    finally:
        close_all(a, b)


@scenario("MSG_PEEK until a whole header is there: the rest arrives while the loop peeks (blocking, MSG_DONTWAIT)")
def _():
    out = []
    for flags in (socket.MSG_PEEK, socket.MSG_PEEK | socket.MSG_DONTWAIT):
        a, b = socket.socketpair()
        try:
            b.sendall(b"\x00\x00")
            t = threading.Timer(0.05, lambda: b.sendall(b"\x00\x05hello"))
            t.start()
            h = b""
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                try:
                    h = a.recv(4, flags)
                except BlockingIOError:
                    continue
                if len(h) == 4:
                    break
            t.join()
            out.append([repr(h), repr(a.recv(4)), repr(a.recv(100))])
        finally:
            close_all(a, b)
    return out


@scenario("non-blocking connect_ex on loopback: a send right after it goes through; a close right after it gives the server EOF")
def _():
    out = []
    srv = socket.create_server(("127.0.0.1", 0))
    try:
        for send in (True, False):
            c = socket.socket()
            c.setblocking(False)
            rc = c.connect_ex(srv.getsockname())
            sent = c.send(b"hi") if send else None
            c.close()
            conn, _ = srv.accept()
            conn.settimeout(5)
            got = b""
            try:
                while True:
                    d = conn.recv(10)
                    if not d:
                        break
                    got += d
                res = repr(got)
            except OSError as e:
                res = [type(e).__name__, e.errno]
            conn.close()
            out.append([rc, sent, res])
    finally:
        srv.close()
    return out


@scenario("create_connection: a bad source_address raises itself (all_errors too), an empty one binds nothing; create_server sets SO_REUSEADDR on unix too")
def _():
    out = []
    srv = socket.create_server(("127.0.0.1", 0))
    try:
        addr = srv.getsockname()
        for kw in ({}, {"all_errors": True}):
            try:
                socket.create_connection(addr, 2, ("127.0.0.1", "x"), **kw)
                out.append("connected")
            except Exception as e:
                out.append([type(e).__name__, str(e)])
        c = socket.create_connection(addr, 2, ())
        out.append(c.getpeername()[1] == addr[1])
        c.close()
        srv.accept()[0].close()
    finally:
        srv.close()
    path = "/tmp/polysock-parity-cs-%d.sock" % os.getpid()
    if os.path.exists(path):
        os.unlink(path)
    u = socket.create_server(path, family=socket.AF_UNIX)
    try:
        out.append(u.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR))
    finally:
        u.close()
        if os.path.exists(path):
            os.unlink(path)
    return out


@scenario("recv_into, recvfrom_into and recvmsg_into refuse bytes (immutable) and non-buffers")
def _():
    a, b = socket.socketpair()
    out = []
    try:
        for f in (lambda: a.recv_into(b"immutable"), lambda: a.recvfrom_into(b"x"),
                  lambda: a.recvmsg_into([bytearray(1), b"x"]), lambda: a.recvmsg_into([5])):
            try:
                f()
                out.append("no error")
            except TypeError as e:
                out.append(str(e))
    finally:
        close_all(a, b)
    return out


@scenario("send(b'') and sendall(b'') still report: unconnected, after SHUT_WR, after a send failed on a closed peer")
def _():
    out = []

    def tryit(f):
        try:
            out.append(f())
        except OSError as e:
            out.append([type(e).__name__, e.errno])

    srv = socket.create_server(("127.0.0.1", 0))
    try:
        u = socket.socket()
        tryit(lambda: u.send(b""))
        tryit(lambda: u.sendall(b""))
        u.close()
        c = socket.create_connection(srv.getsockname())
        a, _ = srv.accept()
        c.shutdown(socket.SHUT_WR)
        tryit(lambda: c.send(b""))
        tryit(lambda: c.sendall(b""))
        close_all(c, a)
        c = socket.create_connection(srv.getsockname())
        a, _ = srv.accept()
        a.close()
        time.sleep(0.05)
        tryit(lambda: c.send(b""))
        try:
            for _ in range(20):
                c.sendall(b"x" * 100)
                time.sleep(0.05)
            out.append("no error")
        except OSError as e:
            out.append("sendall failed")
        tryit(lambda: c.send(b""))
        tryit(lambda: c.sendall(b""))
        c.close()
    finally:
        srv.close()
    return out


@scenario("non-blocking sends back to back to an idle peer: each is taken (the send buffer has room)")
def _():
    srv = socket.create_server(("127.0.0.1", 0))
    c = socket.create_connection(srv.getsockname())
    a, _ = srv.accept()
    try:
        c.setblocking(False)
        out = [c.sendall(b"one"), c.sendall(b"two"), c.send(b"three"), c.send(b"x" * 20000), c.sendall(b"four")]
        a.settimeout(5)
        got = b""
        while len(got) < 20015:
            got += a.recv(65536)
        out.append(repr(got[:11] + got[-4:]))
        return out
    finally:
        close_all(c, a, srv)


@scenario("makefile() writes go out before the socket's own sends and shutdown that follow them")
def _():
    a, b = socket.socketpair()
    try:
        b.settimeout(5)
        w = a.makefile("wb", 0)
        w.write(b"HEADER ")
        a.sendall(b"BODY")
        w.write(b" TRAILER ")
        w2 = a.makefile("wb")
        w2.write(b"A" * 9000)
        a.sendall(b"END")
        w.write(b"!")
        a.shutdown(socket.SHUT_WR)
        got = b""
        while True:
            d = b.recv(65536)
            if not d:
                break
            got += d
        w.close()
        w2.close()
        return [repr(got[:22]), len(got), repr(got[-5:])]
    finally:
        close_all(a, b)


@scenario("makefile('wb', buffering=1) writes through; closed unbuffered files; seekable()")
def _():
    a, b = socket.socketpair()
    out = []
    try:
        b.settimeout(5)
        w = a.makefile("wb", buffering=1)
        w.write(b"PING\n")
        out.append(repr(b.recv(100)))
        out.append(w.seekable())
        w.close()
        u = a.makefile("wb", 0)
        r = a.makefile("rb", 0)
        out.append(u.seekable())
        u.close()
        r.close()
        for f in (lambda: u.write(b"x"), lambda: u.flush(), lambda: u.seekable(), lambda: r.read(1), lambda: w.write(b"x")):
            try:
                f()
                out.append("ok")
            except ValueError as e:
                out.append(str(e))
        return out
    finally:
        close_all(a, b)


@scenario("text makefile() encode error handlers, utf-8-sig, utf-16 without a byte order mark")
def _():
    a, b = socket.socketpair()
    out = []
    try:
        b.settimeout(5)
        cases = [
            ("utf-8", "surrogateescape", "x\udcff\udc80y\n"),
            ("ascii", "surrogateescape", "x\udce9\n"),
            ("utf-8", "surrogatepass", "\ud800\n"),
            ("ascii", "xmlcharrefreplace", "caf\xe9\u20ac\n"),
            ("latin-1", "backslashreplace", "caf\xe9\u20ac\U0001f600\n"),
            ("cp1252", "replace", "\u20ac\u0100\n"),
            ("utf-8", "ignore", "a\udcffb\n"),
            ("utf-16-le", "replace", "\udcff\n"),
        ]
        for encoding, errors, text in cases:
            f = a.makefile("w", encoding=encoding, errors=errors)
            f.write(text)
            f.close()
            out.append(repr(b.recv(100)))
        for encoding, errors, text in [("utf-8", "strict", "ab\udcff\udcfe\n"), ("ascii", "strict", "ca\xe9\u20ac!"),
                                       ("utf-8", "surrogateescape", "\ud800"), ("cp1252", "strict", "\U0001f600"),
                                       ("utf-16-le", "strict", "x\udcff\udcff")]:
            f = a.makefile("w", encoding=encoding, errors=errors)
            try:
                f.write(text)
                out.append("no error")
            except UnicodeEncodeError as e:
                out.append([type(e).__name__, str(e), e.start, e.end, isinstance(e, UnicodeError)])
            f.close()
        f = a.makefile("w", encoding="utf-8-sig")
        f.write("hi")
        f.write("yo\n")
        f.close()
        got = b.recv(100)
        out.append(repr(got))
        b.sendall(got)
        r = a.makefile("r", encoding="utf-8-sig")
        out.append(repr(r.readline()))
        r.close()
        b.sendall("hi\n".encode("utf-16-le"))
        r = a.makefile("r", encoding="utf-16")
        try:
            r.readline()
        except UnicodeError as e:
            out.append([type(e).__name__, str(e)])
        r.close()
        return out
    finally:
        close_all(a, b)


@scenario("non-blocking connect_ex to a loopback listener: 115, and the connection is made (getpeername, shutdown, connect_ex again)")
def _():
    l, port = listener()
    c = socket.socket()
    try:
        c.setblocking(False)
        out = [c.connect_ex(("127.0.0.1", port))]
        out.append(norm(c.getpeername()))
        out.append(c.getsockname()[0])
        out.append(c.connect_ex(("127.0.0.1", port)))
        out.append(c.connect_ex(("127.0.0.1", port)))
        c.shutdown(socket.SHUT_WR)
        a, _ = l.accept()
        a.settimeout(5)
        out.append(repr(a.recv(10)))
        a.close()
        return out
    finally:
        close_all(c, l)


@scenario("unconnected unix stream socket: send says ENOTCONN, recv EINVAL; create_connection(source_address=b''); recv_into(bytes) of a closed socket")
def _():
    out = []
    u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    for f in (lambda: u.send(b"x"), lambda: u.sendall(b"x"), lambda: u.send(b""), lambda: u.recv(1)):
        try:
            f()
            out.append("ok")
        except OSError as e:
            out.append([type(e).__name__, e.errno])
    u.settimeout(0)
    try:
        u.recv(1)
    except OSError as e:
        out.append([type(e).__name__, e.errno])
    u.close()
    l, port = listener()
    c = socket.create_connection(("127.0.0.1", port), 5, source_address=b"")
    out.append(c.getsockname()[0])
    c.close()
    l.close()
    for f in (lambda: c.recv_into(b"abc"), lambda: c.recvmsg_into([b"abc"]), lambda: c.recv_into(bytearray(2), 5)):
        try:
            f()
        except (TypeError, ValueError, OSError) as e:
            out.append([type(e).__name__, str(e)])
    return out


@scenario("a buffered makefile() whose flush failed keeps its bytes (flush and close raise again); text file attributes; getnameinfo of an IPv4-mapped address")
def _():
    out = []
    a, b = socket.socketpair()
    b.close()
    time.sleep(0.1)
    w = a.makefile("wb")
    for f in (lambda: w.write(b"hello"), lambda: w.flush(), lambda: w.flush(), lambda: w.close(), lambda: w.closed):
        try:
            out.append(f())
        except OSError as e:
            out.append([type(e).__name__, e.errno])
    a.close()
    a, b = socket.socketpair()
    try:
        b.settimeout(5)
        b.sendall(b"x\r\ny\nz\rw\n")
        b.shutdown(socket.SHUT_WR)
        r = a.makefile("r")
        out.append([r.newlines, r.line_buffering, r.isatty()])
        lines = [r.readline() for _ in range(4)]
        out.append(lines)
        nl = r.newlines
        out.append(list(nl) if isinstance(nl, tuple) else nl)
        for f in (r.tell, lambda: r.seek(0)):
            try:
                f()
            except OSError as e:
                out.append([type(e).__name__, str(e)])
        r.close()
        rb = a.makefile("rb")
        for f in (rb.tell, lambda: rb.seek(0), rb.isatty):
            try:
                out.append(f())
            except OSError as e:
                out.append([type(e).__name__, str(e)])
        rb.close()
        rw = a.makefile("rw")
        try:
            rw.fileno()
        except OSError as e:
            out.append([type(e).__name__, str(e)])
        rw.close()
    finally:
        close_all(a, b)
    out.append(list(socket.getnameinfo(("::ffff:127.0.0.1", 80, 0, 0), socket.NI_NUMERICSERV)))
    return out


@scenario("unix socket file outlives close")
def _():
    path = "/tmp/polysock-parity-stale-%d.sock" % os.getpid()
    cpath = path + ".c"
    for p in (path, cpath):
        if os.path.exists(p):
            os.unlink(p)
    out = []
    l = socket.socket(socket.AF_UNIX)
    l.bind(path)
    out.append(os.path.exists(path))
    l.listen()
    l.close()
    out.append(os.path.exists(path))
    with socket.socket(socket.AF_UNIX) as c:
        out.append(c.connect_ex(path))
    with socket.socket(socket.AF_UNIX) as s:
        try:
            s.bind(path)
        except OSError as e:
            out.append([type(e).__name__, e.errno])
    os.unlink(path)
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(path)
        s.listen()
        with socket.socket(socket.AF_UNIX) as c:
            c.bind(cpath)
            c.connect(path)
            out.append(os.path.exists(cpath))  # (its name: differences #61)
    out.append([os.path.exists(path), os.path.exists(cpath)])
    os.unlink(path)
    os.unlink(cpath)
    return out


@scenario("poll: a refused non-blocking connect is POLLIN|POLLOUT|POLLERR|POLLHUP (POLLERR until SO_ERROR); POLLHUP after shutdown(SHUT_RDWR), even for mask 0")
def _():
    out = []
    port = dead_port()
    s = socket.socket()
    s.setblocking(False)
    out.append(s.connect_ex(("127.0.0.1", port)))
    time.sleep(0.05)
    out.append(poll_events(s))
    out.append(s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
    out.append(poll_events(s))
    s.close()
    c, a, l = pair()
    try:
        c.shutdown(socket.SHUT_RDWR)
        out.append(poll_events(c, select.POLLIN))
        out.append(poll_events(c, 0))
    finally:
        close_all(c, a, l)
    return out


@scenario("poll: a connection reset by the peer is POLLERR until SO_ERROR reads it")
def _():
    import struct
    c, a, l = pair()
    try:
        a.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        a.close()
        time.sleep(0.05)
        return [poll_events(c), c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), poll_events(c)]
    finally:
        close_all(c, a, l)


@scenario("poll: a connected UDP socket's ICMP error is POLLERR, not POLLIN")
def _():
    out = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
        u.settimeout(2)
        u.connect(("127.0.0.1", dead_port()))
        u.send(b"x")
        time.sleep(0.05)
        out.append(poll_events(u))
        try:
            u.recv(10)
        except OSError as e:
            out.append(e.errno)
        out.append(poll_events(u))
    return out


@scenario("class MySocket(socket.socket): its instances (accept() gives plain ones); fd numbers reused lowest first; socketpair errors")
def _():
    class MySocket(socket.socket):
        def hello(self):
            return "hello from " + type(self).__name__

    out = []
    with MySocket(socket.AF_INET, socket.SOCK_STREAM) as s:
        out.append([type(s).__name__, isinstance(s, socket.socket), s.hello()])
        s.bind(("127.0.0.1", 0))
        s.listen()
        with socket.create_connection(s.getsockname()) as c:
            conn, _ = s.accept()
            with conn:
                out.append([isinstance(conn, MySocket), hasattr(conn, "hello")])
    x, y, z = socket.socket(), socket.socket(), socket.socket()
    base = x.fileno()
    out.append([y.fileno() - base, z.fileno() - base])
    y.close()
    x.close()
    w, v = socket.socket(), socket.socket()
    out.append([w.fileno() - base, v.fileno() - base])
    a, b = socket.socketpair()
    out.append([a.fileno() > z.fileno(), b.fileno() > a.fileno()])
    close_all(z, w, v, a, b)
    for args in ((999,), (socket.AF_INET,)):
        try:
            socket.socketpair(*args)
        except OSError as e:
            out.append(e.errno)
    return out


@scenario("shutdown(SHUT_WR) of an unconnected TCP socket raises ENOTCONN and recv still does; SHUT_RD reads EOF; closed settimeout stores")
def _():
    out = []
    for how in (socket.SHUT_WR, socket.SHUT_RD):
        with socket.socket() as s:
            try:
                s.shutdown(how)
            except OSError as e:
                out.append(e.errno)
            try:
                out.append(repr(s.recv(10)))
            except OSError as e:
                out.append(e.errno)
    s = socket.socket()
    s.close()
    for f in (lambda: s.settimeout(5), lambda: s.setblocking(False)):
        try:
            f()
        except OSError as e:
            out.append([e.errno, s.gettimeout(), s.getblocking()])
    return out


@scenario("argument checks: inet_aton '0x' and NUL, gethostbyname_ex special names, hton* overflow texts, int families, getnameinfo scope wraps")
def _():
    calls = [
        lambda: socket.inet_aton("0x"),
        lambda: socket.inet_aton("0x.1"),
        lambda: socket.inet_aton("1.2.3.4\0"),
        lambda: socket.inet_pton(socket.AF_INET, "1.2.3.4\0"),
        lambda: socket.inet_pton("2", "1.2.3.4"),
        lambda: socket.inet_ntop("2", b"1234"),
        lambda: socket.gethostbyname_ex(""),
        lambda: socket.gethostbyname_ex("<broadcast>"),
        lambda: socket.gethostbyname_ex("0x7f.1"),
        lambda: socket.gethostbyname_ex("127.1"),
        lambda: socket.htons(2**31),
        lambda: socket.htons(2**63),
        lambda: socket.htonl(2**64),
        lambda: socket.htonl("1"),
        lambda: socket.ntohl(1.5),
        lambda: socket.socket().settimeout(1e300),
        lambda: socket.socket().listen(2**31),
        lambda: socket.socketpair("x"),
        lambda: socket.getnameinfo(("::1", 80, 0, 2**32), socket.NI_NUMERICHOST | socket.NI_NUMERICSERV),
        lambda: socket.getnameinfo(("::1", 80, 2**32 + 5, 0), socket.NI_NUMERICHOST | socket.NI_NUMERICSERV),
    ]
    return collect(calls)


@scenario("closed socket: bad arguments raise TypeError/ValueError before EBADF; makefile modes any mix of r, w, b; binary ignores encoding")
def _():
    out = []
    s = socket.socket()
    s.close()
    for f in (
        lambda: s.recv(-1),
        lambda: s.recvfrom(-1),
        lambda: s.bind("x"),
        lambda: s.connect(("127.0.0.1", "x")),
        lambda: s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, "x"),
        lambda: s.getsockopt(socket.SOL_SOCKET, "x"),
        lambda: s.shutdown("x"),
        lambda: s.listen("x"),
        lambda: s.recv(1),
    ):
        try:
            f()
        except Exception as e:  # noqa: BLE001
            out.append([type(e).__name__, getattr(e, "errno", None)])
    a, b = socket.socketpair()
    try:
        for mode, kw in (("", {}), ("rr", {}), ("wbw", {}), ("b", {}), ("rb", {"encoding": "latin-1", "errors": "x", "newline": "zz"}), ("rt", {})):
            try:
                f = a.makefile(mode, **kw)
                out.append([mode, getattr(f, "mode", None), f.readable(), f.writable()])
            except ValueError as e:
                out.append([mode, str(e)])
        with socket.socket(socket.AF_UNIX) as u:
            for sock in (u, a):
                try:
                    sock.sendto(b"x", "/tmp/polysock-parity-nowhere.sock")
                except OSError as e:
                    out.append(e.errno)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            out.append([repr(u.getsockopt(socket.IPPROTO_IP, socket.IP_TTL, 2)), repr(u.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 2))])
    finally:
        close_all(a, b)
    return out


@scenario("unix bind('') autobinds an abstract name of five hex digits; a client connects to it")
def _():
    with socket.socket(socket.AF_UNIX) as s:
        s.bind("")
        name = s.getsockname()
        name = name.decode("latin-1") if isinstance(name, bytes) else name
        s.listen()
        with socket.socket(socket.AF_UNIX) as c:
            c.connect(s.getsockname())
            a, _ = s.accept()
            with a:
                c.sendall(b"auto")
                return [len(name), name[0] == "\0", bool(re.fullmatch("[0-9a-f]{5}", name[1:])), repr(a.recv(10))]


@scenario("select/poll/selectors: huge timeouts raise OverflowError; a closed selector's get_key raises RuntimeError")
def _():
    out = []
    p = select.poll()
    sel = selectors.DefaultSelector()
    for f in (
        lambda: select.select([], [], [], 9.3e9),
        lambda: p.poll(2**31),
        lambda: p.poll(-(2**31) - 1),
        lambda: p.poll(2**63),
        lambda: sel.select(1e20),
    ):
        try:
            f()
        except OverflowError as e:
            out.append(str(e))
    sel.close()
    try:
        sel.get_key(1)
    except RuntimeError as e:
        out.append([type(e).__name__, str(e)])
    out.append(sel.get_map())
    return out


@scenario("selectors: a closed EpollSelector refuses register/select (ValueError), a closed PollSelector or SelectSelector goes on working with get_map() None; modify/unregister raise KeyError; repr and class names")
def _():
    out = [selectors.DefaultSelector.__name__]
    for cls in (selectors.DefaultSelector, selectors.PollSelector, selectors.SelectSelector):
        sel = cls()
        out.append([type(sel).__name__, repr(sel).split(" object at 0x")[0], str(sel).startswith(repr(sel)[:-1])])
        a, b = socket.socketpair()
        with a, b:
            sel.close()
            b.send(b"x")
            for name, f in (
                ("register", lambda: sel.register(a, selectors.EVENT_READ, "d").data),
                ("select", lambda: [(k.fd == a.fileno(), m) for k, m in sel.select(0)]),
                ("modify", lambda: sel.modify(a, selectors.EVENT_READ | selectors.EVENT_WRITE).events),
                ("select", lambda: [(k.fd == a.fileno(), m) for k, m in sel.select(0)]),
                ("get_map", lambda: sel.get_map()),
                ("get_key", lambda: sel.get_key(a)),
                ("unregister", lambda: sel.unregister(a).events),
                ("modify", lambda: sel.modify(a, selectors.EVENT_READ)),
                ("close", lambda: sel.close()),
            ):
                try:
                    out.append([name, f()])
                except Exception as e:
                    out.append([name, type(e).__name__, str(e).replace(repr(a), "A")])
    return out


@scenario("close() with input unread while the peer still sends: the peer's sendall gets ConnectionResetError")
def _():
    c, s, l = pair()
    res = []

    def send():
        try:
            s.sendall(b"x" * (64 << 20))
            res.append("sendall ok")
        except OSError as e:
            res.append([type(e).__name__, e.errno])

    t = threading.Thread(target=send)
    t.start()
    try:
        got = 0
        while got < (1 << 20):
            got += len(c.recv(65536))
        time.sleep(0.1)  # more arrives unread (right after a recv that emptied everything, FIN or RST is a race)
        c.close()
        t.join(5)
        return res
    finally:
        close_all(c, s, l)


@scenario("udp bound to port 0 keeps its port through reconnects and sendto elsewhere; connect(('', 0)) takes any sender")
def _():
    a, b, c = udp(), udp(), udp()
    try:
        a0 = a.getsockname()
        out = []
        a.connect(b.getsockname())
        a.sendto(b"x", c.getsockname())
        out.append(a.getsockname() == a0)
        a.connect(c.getsockname())
        out.append(a.getsockname() == a0)
        a.connect(("", 0))
        out.append(a.getsockname() == a0)
        b.sendto(b"from-b", a0)
        a.settimeout(2)
        d, addr = a.recvfrom(100)
        out += [repr(d), addr == b.getsockname(), repr(c.recv(10))]
        return out
    finally:
        close_all(a, b, c)


def collect(calls):
    """Each call's result (bytes as their repr), or [exception class, str(e)]."""
    out = []
    for f in calls:
        try:
            r = f()
            out.append(repr(r) if isinstance(r, bytes) else r)
        except Exception as e:  # noqa: BLE001
            out.append([type(e).__name__, str(e)])
    return out


@scenario("options: binding ::1 sets IPV6_V6ONLY, IPv6 sockets' levels and IPv4 multicast options, signed and short bytes values, Linux defaults, SO_ACCEPTCONN after a listener's shutdown")
def _():
    t6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    w6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    t4 = socket.socket()
    u4 = udp(bind=False)
    c = a = None
    try:
        t6.bind(("::1", 0))
        t6.listen()
        u6.bind(("::1", 0))
        w6.bind(("::", 0))
        t4.bind(("127.0.0.1", 0))
        c = socket.create_connection(("::1", t6.getsockname()[1]))
        a, _addr = t6.accept()
        out = collect([
            lambda: t6.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY),
            lambda: a.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY),
            lambda: u6.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY),
            lambda: w6.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY),
            lambda: u6.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY),
            lambda: t6.getsockopt(socket.IPPROTO_UDP, 1),
            lambda: t4.getsockopt(socket.IPPROTO_UDP, 1),
            lambda: u6.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL),
            lambda: u6.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 5),
            lambda: u6.getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL),
            lambda: t4.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1),
            lambda: u4.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, b"\xff\xff\xff\xff"),
            lambda: u4.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF),
            lambda: u4.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, b"\x02\x01"),
            lambda: u4.getsockopt(socket.IPPROTO_IP, socket.IP_TTL),
            lambda: u4.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, b"\xff\xff\xff\xff"),
            lambda: u4.getsockopt(socket.IPPROTO_IP, socket.IP_TTL),
            lambda: t4.getsockopt(socket.SOL_SOCKET, socket.SO_RCVLOWAT),
            lambda: t4.getsockopt(socket.IPPROTO_TCP, socket.TCP_SYNCNT),
            lambda: u4.getsockopt(socket.IPPROTO_IP, socket.IP_TOS),
            lambda: t4.listen(),
            lambda: t4.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN),
            lambda: t4.shutdown(socket.SHUT_RDWR),
            lambda: t4.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN),
            lambda: t4.listen(),
            lambda: t4.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN),
        ])
        return out
    finally:
        close_all(t6, u6, w6, t4, u4, *[x for x in (c, a) if x is not None])


@scenario("argument ranges: C int and long overflow in socket(), shutdown, setblocking, get/setsockopt; socket() protocols; settimeout(-inf); getservbyport(True); a negative fileno; CMSG_LEN/CMSG_SPACE")
def _():
    s = socket.socket()

    def unix_proto():
        u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, 1)
        u.close()
        return u.proto

    try:
        return collect([
            lambda: socket.socket(2**31),
            lambda: socket.socket(socket.AF_INET, 2**31),
            lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM, 2**31),
            lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM, 263),
            lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM, -5),
            lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMPV6),
            lambda: socket.socket(socket.AF_INET6, socket.SOCK_DGRAM, socket.IPPROTO_ICMP),
            lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, 2),
            unix_proto,
            lambda: s.shutdown(2**31),
            lambda: s.setblocking(2**63),
            lambda: s.getsockopt(2**31, 1),
            lambda: s.getsockopt(socket.SOL_SOCKET, -2**31 - 1),
            lambda: s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 2**31),
            lambda: s.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 2**63),
            lambda: s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, None, 2**31),
            lambda: s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, None, -2**31 - 1),
            lambda: s.settimeout(float("-inf")),
            lambda: socket.setdefaulttimeout(-1e300),
            lambda: s.gettimeout(),
            lambda: socket.getservbyport(True),
            lambda: socket.getservbyport(2**31),
            lambda: socket.getservbyname("kerberos_master", "tcp"),
            lambda: socket.getservbyname("kerberos_master", "udp"),
            lambda: socket.socket(fileno=-5),
            lambda: [socket.CMSG_LEN(4), socket.CMSG_SPACE(7), socket.CMSG_SPACE(0)],
            lambda: socket.CMSG_LEN(-1),
            lambda: socket.CMSG_SPACE(2**31),
        ])
    finally:
        s.close()


@scenario("a reset after some bytes: recv(MSG_WAITALL) returns them, then raises; a text makefile read that needs more raises at once")
def _():
    import struct
    out = []
    for kind in ("waitall", "text read"):
        c, s, l = pair()
        try:
            c.sendall(b"abc")
            time.sleep(0.1)  # the peer's runtime reads it before the reset arrives
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            c.close()
            time.sleep(0.2)
            if kind == "waitall":
                out += collect([lambda: s.recv(10, socket.MSG_WAITALL), lambda: s.recv(10), lambda: s.recv(10)])
            else:
                f = s.makefile("r")
                out += collect([lambda: f.read(10), lambda: f.read(), lambda: s.recv(10)])
                f.close()
        finally:
            close_all(c, s, l)
    return out


@scenario("recv(MSG_PEEK | MSG_WAITALL) waits for all n bytes and leaves them; TCP recvfrom(0), recvmsg(0), recvfrom_into(empty) wait for data and take nothing")
def _():
    c, s, l = pair()
    try:
        c.sendall(b"ab")

        def later():
            time.sleep(0.2)
            c.sendall(b"cdef")

        th = threading.Thread(target=later)
        th.start()
        out = collect([lambda: s.recv(4, socket.MSG_PEEK | socket.MSG_WAITALL)])
        th.join()
        time.sleep(0.05)
        s.settimeout(0.2)
        out += collect([
            lambda: s.recv(10),
            lambda: str(s.recvfrom(0)),
            lambda: str(s.recvmsg(0)),
        ])
        s.setblocking(False)
        out += collect([lambda: str(s.recvfrom(0))])
        s.setblocking(True)
        c.sendall(b"x")
        time.sleep(0.05)
        out += collect([
            lambda: str(s.recvfrom(0)),
            lambda: str(s.recvfrom_into(bytearray(0))),
            lambda: str(s.recvmsg(0)),
            lambda: s.recv(10),
        ])
        return out
    finally:
        close_all(c, s, l)


@scenario("makefile size arguments as io checks them; sock.close() with a file open: the socket goes on working until the file closes")
def _():
    c, s, l = pair()
    try:
        c.sendall(b"one\ntwo\nthree\n")
        time.sleep(0.05)
        t = s.makefile("r")
        out = collect([lambda: t.readline(None), lambda: t.read(2.5), lambda: t.readlines(2.5)])
        t.close()
        f = s.makefile("rb")
        out += collect([
            lambda: f.read(2.5),
            lambda: f.read("2"),
            lambda: f.read(-5),
            lambda: f.readline(2.5),
            lambda: f.readlines(2.5),
            lambda: f.readline(None),
            lambda: f.read(True),
        ])
        s.close()
        out += collect([lambda: s.getpeername()[0], lambda: s.send(b"hi"), lambda: c.recv(10), lambda: f.readline()])
        f.close()
        out += collect([lambda: s.getpeername(), lambda: f.readlines(), lambda: c.recv(10)])
        return out
    finally:
        close_all(c, s, l)


@scenario("text makefile readline cut inside a character by EOF: the error's positions count from that character")
def _():
    c, s, l = pair()
    try:
        c.sendall(b"ab\xe2\x98")
        c.shutdown(socket.SHUT_WR)
        f = s.makefile("r")
        out = collect([lambda: f.readline()])
        f.close()
        return out
    finally:
        close_all(c, s, l)


@scenario("addresses: IPv4-mapped on AF_INET, NUL in a host, broadcast on AF_INET6, IPv6 flowinfo/scope_id as C unsigned ints; recvfrom and accept print as tuples")
def _():
    u = udp()
    v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    l, port = listener()
    c = a = None
    try:
        out = collect([
            lambda: v.connect(("::ffff:127.0.0.1", u.getsockname()[1])),
            lambda: v.getpeername() == u.getsockname(),
            lambda: v.send(b"hi"),
            lambda: norm(u.recvfrom(10)),
            lambda: s6.bind(("127.0.0.1\0", 0)),
            lambda: s6.sendto(b"x", ("<broadcast>", 9)),
            lambda: s6.sendto(b"x", ("255.255.255.255", 9)),
            lambda: s6.bind(("::1", 0, None)),
            lambda: s6.bind(("::1", 0, 0, "1")),
            lambda: s6.bind(("::1", 0, 2**32)),
            lambda: s6.getsockname()[0],
        ])
        c = socket.create_connection(("127.0.0.1", port))
        r = l.accept()
        a = r[0]
        out.append(norm(r[1]) == norm(str(r)[str(r).index(", (") + 2:-1]))
        return out
    finally:
        close_all(u, v, s6, l, *[x for x in (c, a) if x is not None])


@scenario("selectors: a socket closed while registered: PollSelector reports it ready, SelectSelector raises EBADF (ready if closed while it waits), DefaultSelector forgets it")
def _():
    out = []
    for name in ("PollSelector", "SelectSelector", "DefaultSelector"):
        for during in (False, True):
            a, b = socket.socketpair()
            sel = getattr(selectors, name)()
            try:
                sel.register(b, selectors.EVENT_READ)
                if during:
                    threading.Timer(0.1, b.close).start()
                else:
                    b.close()
                out += collect([lambda: [m for _k, m in sel.select(0.4)]])
            finally:
                sel.close()
                close_all(a, b)
    return out


@scenario("shutdown() of a socket still connecting aborts the attempt: the waiting connect raises ConnectionResetError; non-blocking, SO_ERROR is 104 and it may connect again")
def _():
    import subprocess
    helper = os.path.join(os.path.dirname(os.path.abspath(__file__)), "full_backlog.py")
    out = []
    for blocking in (True, False):
        p = subprocess.Popen([sys.executable, helper, "5"], stdout=subprocess.PIPE)
        s = socket.socket()
        try:
            port = int(p.stdout.readline())
            if blocking:
                s.settimeout(3)
                res = []
                th = threading.Thread(target=lambda: res.extend(collect([lambda: s.connect(("127.0.0.1", port))])))
                th.start()
                time.sleep(0.3)
                out += collect([lambda: s.shutdown(socket.SHUT_RDWR)])
                th.join(4)
                out += res
            else:
                s.setblocking(False)
                out += collect([
                    lambda: s.connect_ex(("127.0.0.1", port)),
                    lambda: s.shutdown(socket.SHUT_RDWR),
                    lambda: s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR),
                    lambda: s.connect_ex(("127.0.0.1", port)),
                ])
        finally:
            s.close()
            p.kill()
            p.wait()
    return out


@scenario("enums (AddressFamily, SocketKind, MsgFlag, AddressInfo), get/set_inheritable, socket.close(fd)")
def _():
    s = socket.socket()
    fd = s.fileno()
    out = collect([
        lambda: int(socket.AddressFamily.AF_INET6),
        lambda: int(socket.AddressFamily(2)),
        lambda: socket.AddressFamily(999),
        lambda: socket.AddressFamily("x"),
        lambda: int(socket.SocketKind(True)),
        lambda: [int(m) for m in socket.SocketKind],
        lambda: [int(m) for m in socket.AddressFamily],
        lambda: [int(m) for m in socket.MsgFlag],
        lambda: [int(m) for m in socket.AddressInfo],
        lambda: int(socket.MsgFlag(66)),
        lambda: int(socket.MsgFlag(-1)),
        lambda: int(socket.MsgFlag(-(2**31) - 5)),
        lambda: int(socket.AddressInfo(-1)),
        lambda: socket.MsgFlag(3.5),
        lambda: s.get_inheritable(),
        lambda: s.set_inheritable(True),
        lambda: s.get_inheritable(),
        lambda: s.set_inheritable("x"),
        lambda: s.set_inheritable(2**40),
        lambda: socket.close(fd),
        lambda: s.recv(1),
        lambda: s.get_inheritable(),
        lambda: socket.close(-1),
        lambda: socket.close(fd),
        lambda: socket.close("x"),
        lambda: socket.close(10**30),
    ])
    try:
        s.close()  # the object still holds the number socket.close(fd) closed: EBADF
    except OSError:
        pass
    return out


@scenario("dup(), detach(), socket(fileno=), fromfd(), socket.dup(fd): numbers sharing one connection or listener, closed with the last")
def _():
    c, a, l = pair()
    port = l.getsockname()[1]
    socks = [c, a, l]
    try:
        c.settimeout(2.5)
        d = c.dup()
        socks.append(d)
        out = collect([
            lambda: d.fileno() != c.fileno() and d.fileno() > 0,
            lambda: (d.gettimeout(), d.family == c.family, d.type == c.type, d.proto, d.getpeername() == c.getpeername()),
            lambda: d.settimeout(None),
            lambda: c.gettimeout(),
            lambda: d.sendall(b"hello"),
            lambda: a.recv(10),
            lambda: a.sendall(b"back"),
            lambda: c.recv(10),
            lambda: c.close(),
            lambda: (c.fileno(), d.send(b"x")),
            lambda: a.recv(10),
            lambda: a.settimeout(0.2),
            lambda: a.recv(10),
            lambda: d.close(),
            lambda: a.settimeout(2),
            lambda: a.recv(10),
            lambda: c.dup(),
        ])
        c2 = socket.create_connection(("127.0.0.1", port))
        a2, _ = l.accept()
        socks += [c2, a2]
        c2.settimeout(3)
        fd = c2.detach()
        n = socket.socket(fileno=fd)
        m = socket.fromfd(n.fileno(), socket.AF_INET, socket.SOCK_STREAM)
        socks += [n, m]
        out += collect([
            lambda: (fd > 0, c2.fileno(), c2.detach(), repr(c2).startswith("<socket.socket [closed] fd=-1")),
            lambda: (n.fileno() == fd, n.gettimeout(), n.family == socket.AF_INET, n.type == socket.SOCK_STREAM, n.proto),
            lambda: n.sendall(b"via n"),
            lambda: a2.recv(10),
            lambda: (m.fileno() != n.fileno(), m.proto),
            lambda: n.close(),
            lambda: m.sendall(b"m"),
            lambda: a2.recv(10),
        ])
        fd2 = socket.dup(m.fileno())
        out += collect([
            lambda: fd2 != m.fileno(),
            lambda: m.close(),
            lambda: a2.settimeout(0.2),
            lambda: a2.recv(10),
            lambda: socket.close(fd2),
            lambda: a2.settimeout(2),
            lambda: a2.recv(10),
            lambda: socket.socket(fileno=fd2),
            lambda: socket.dup(fd2),
        ])
        l2 = l.dup()
        socks.append(l2)
        l.close()
        c3 = socket.create_connection(("127.0.0.1", port))
        a3, _ = l2.accept()
        socks += [c3, a3]
        out += collect([
            lambda: a3.getpeername() == c3.getsockname(),
            lambda: l2.close(),
            lambda: socket.create_connection(("127.0.0.1", port), timeout=2),
        ])
        return out
    finally:
        close_all(*socks)


@scenario("recv(0)/recv_into(empty) need no open socket; recv and poll after a refused connect with a timeout; UDP send checks in udp_sendmsg's order and autobind")
def _():
    a, b = socket.socketpair()
    a.close()
    u = socket.socket()
    port = dead_port()
    r = socket.socket()
    r.settimeout(0.5)
    x = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    v = udp()
    try:
        out = collect([
            lambda: a.recv(0),
            lambda: a.recv_into(bytearray(0)),
            lambda: a.recv(1),
            lambda: a.recv(0, "x"),
            lambda: u.recv(0),
            lambda: r.connect(("127.0.0.1", port)),
            lambda: r.recv(10),
            lambda: r.recv(10, socket.MSG_PEEK),
            lambda: poll_events(r, select.POLLIN | select.POLLOUT),
            lambda: x.send(b"x" * 70000),
            lambda: x.getsockname()[1] != 0,
            lambda: x.bind(("127.0.0.1", 0)),
            lambda: v.send(b"x" * 70000),
            lambda: v.send(b"x" * 65508),
            lambda: v.sendto(b"x" * 65508, ("127.0.0.1", 0)),
            lambda: v.sendto(b"x" * 70000, ("127.0.0.1", 0)),
        ])
        return out
    finally:
        close_all(b, u, r, x, v)


@scenario("connect() again after shutdown() of a socket whose timed connect Linux still counts as connecting: EISCONN when up, EINVAL when it had failed")
def _():
    l, port = listener()
    dead = dead_port()
    c = socket.socket()
    d = socket.socket()
    socks = [l, c, d]
    try:
        c.settimeout(0.5)
        c.connect(("127.0.0.1", port))
        a, _ = l.accept()
        socks.append(a)
        d.settimeout(0.5)
        return collect([
            lambda: c.shutdown(socket.SHUT_WR),
            lambda: c.connect_ex(("127.0.0.1", port)),
            lambda: d.connect_ex(("127.0.0.1", dead)),
            lambda: d.shutdown(socket.SHUT_RDWR),
            lambda: d.connect_ex(("127.0.0.1", dead)),
            lambda: d.connect_ex(("127.0.0.1", port)),
        ])
    finally:
        close_all(*socks)


@scenario("recv after shutdown(SHUT_RD) raises a reset that arrived, then reads b''; a makefile read that timed out holds its bytes (close sends FIN); makefile write after shutdown(SHUT_WR) raises")
def _():
    c, s, l = pair()
    c2, s2, l2 = pair()
    p, q = socket.socketpair()
    try:
        c.sendall(b"never read")
        time.sleep(0.05)
        s.shutdown(socket.SHUT_RD)
        c.close()
        time.sleep(0.05)
        s.settimeout(0.5)
        out = collect([lambda: s.recv(10), lambda: s.recv(10)])
        s2.settimeout(0.3)
        c2.settimeout(0.5)
        c2.sendall(b"partial line")
        time.sleep(0.05)
        f = s2.makefile("rb")
        out += collect([lambda: f.readline()])
        f.close()
        s2.close()
        out += collect([lambda: c2.recv(100), lambda: c2.recv(100)])
        w = p.makefile("wb", 0)
        p.shutdown(socket.SHUT_WR)
        out += collect([lambda: w.write(b"abc"), lambda: w.flush(), lambda: w.close()])
        return out
    finally:
        close_all(c, s, l, c2, s2, l2, p, q)


@scenario("codecs: surrogateescape on UTF-16/32 escapes only bytes from 0x80 and resumes after them; utf-8-sig errors say utf-8; text readlines(hint) counts characters; a utf-8-sig writer's mark is used up by a failed first write")
def _():
    def dec(b, enc):
        try:
            return ascii(b.decode(enc, "surrogateescape"))
        except UnicodeDecodeError as e:
            return [type(e).__name__, str(e)]
    a, b = socket.socketpair()
    try:
        out = [dec(x, e) for x, e in [(b"a", "utf-16-le"), (b"a\x00b", "utf-16-le"), (b"\x00\xd8a\x00", "utf-16-le"),
                                       (b"\x01\x02", "utf-32"), (b"\xff\xff\xff\xff\x01", "utf-32-le"), (b"\xff\xfe", "utf-16-le")]]
        out += collect([lambda: b"\xef\xbb\xbfa\xff".decode("utf-8-sig")])
        b.sendall("😀😀\n".encode() * 3)
        b.shutdown(socket.SHUT_WR)
        a.settimeout(0.5)
        f = a.makefile("r", encoding="utf-8")
        out += collect([lambda: len(f.readlines(4)), lambda: len(f.readlines())])
        f.close()
        g = b.makefile("w", encoding="utf-8-sig")
        out += collect([lambda: g.write("\udcff"), lambda: g.write("x"), lambda: g.close()])
        b.close()
        out += collect([lambda: a.recv(100)])
        return out
    finally:
        close_all(a, b)


@scenario("poll(): a registered number that a new socket took reports that socket")
def _():
    p = select.poll()
    a = socket.socket()
    a.bind(("127.0.0.1", 0))
    a.listen()
    fd = a.fileno()
    p.register(a, select.POLLIN | select.POLLOUT)
    a.close()
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        return collect([lambda: u.fileno() == fd, lambda: [ev for _f, ev in p.poll(0)]])
    finally:
        close_all(u)


@scenario("recv/send on a listener with a timeout: CPython polls first (TimeoutError; ENOTCONN once a connection waits)")
def _():
    l, port = listener()
    c = None
    try:
        l.settimeout(0)
        out = collect([lambda: l.recv(10)])
        l.settimeout(0.1)
        out += collect([lambda: l.recv(10), lambda: l.recv(10, socket.MSG_DONTWAIT), lambda: l.send(b"x"), lambda: l.sendall(b"x")])
        l.settimeout(None)
        out += collect([lambda: l.recv(10), lambda: l.send(b"x")])
        c = socket.create_connection(("127.0.0.1", port))
        time.sleep(0.05)
        l.settimeout(0.1)
        out += collect([lambda: l.recv(10)])
        return out
    finally:
        close_all(l, *([c] if c else []))


@scenario("text makefile writes reach the peer where CPython's do (8 KiB gathered, then the buffer of the given size)")
def _():
    def peer_has(p):
        p.settimeout(0.1)
        n = 0
        try:
            while True:
                n += len(p.recv(1 << 20))
        except TimeoutError:
            return n
    out = []
    for mode, buf, sizes in [("w", None, [8192, 1]), ("w", 1, [5, 8192]), ("rw", None, [5, 8192, 8191]), ("w", 100, [50, 60, 8100])]:
        a, b = socket.socketpair()
        try:
            f = a.makefile(mode, buf, encoding="latin-1")
            got = []
            for n in sizes:
                f.write("y" * n)
                time.sleep(0.02)
                got.append(peer_has(b))
            f.close()
            got.append(peer_has(b))
            out.append(got)
        finally:
            close_all(a, b)
    return out


@scenario("recv/send family: arguments are converted (C ssize_t / int ranges) before the socket state, sendto's address resolved first")
def _():
    t = socket.socket()
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.setblocking(False)
    x = socket.socket()
    x.close()
    try:
        return collect([
            lambda: t.recv(2**63), lambda: t.recv(1, 2**31), lambda: t.recv(-1, "x"), lambda: x.recv(1, "x"),
            lambda: t.recv_into(bytearray(4), 2**63), lambda: x.recv_into(bytearray(4), 8, "x"),
            lambda: t.recvmsg(1, 2**31), lambda: t.recvmsg(-1, None), lambda: x.recvmsg(1, 0, "x"), lambda: x.recvmsg(1, -1),
            lambda: u.recvfrom(2**63), lambda: x.recvfrom(-1, 2**31), lambda: x.recvfrom_into(bytearray(2), 2**63),
            lambda: x.send(5), lambda: x.send(b"x", 2**31), lambda: x.sendall(None), lambda: x.sendall(b"x", -2**31 - 1),
            lambda: x.sendto(5, ("127.0.0.1", 9)), lambda: x.sendto(b"x", ("::1", 9)), lambda: t.sendto(b"x", ("::1", 9)),
            lambda: x.sendto(b"x", 2**31, ("127.0.0.1", 9)),
        ])
    finally:
        close_all(t, u)


@scenario("flags the kernel judges before the connection state: MSG_OOB/MSG_ERRQUEUE on TCP recv, MSG_FASTOPEN on TCP send, UDPv6 MSG_OOB, unix MSG_OOB without data")
def _():
    l, port = listener()
    c = socket.create_connection(("127.0.0.1", port))
    a, _ = l.accept()
    t = socket.socket()
    u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    u4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    x = socket.socket(socket.AF_UNIX)
    try:
        out = []
        for s in (t, c, l):
            out += collect([
                lambda: s.recv(1, socket.MSG_OOB), lambda: s.recv(1, socket.MSG_ERRQUEUE), lambda: s.recv(1, -1),
                lambda: s.send(b"x", -1), lambda: s.send(b"", socket.MSG_FASTOPEN), lambda: s.sendall(b"x", socket.MSG_FASTOPEN),
            ])
        out += collect([
            lambda: u6.send(b"x", socket.MSG_OOB), lambda: u4.send(b"x", socket.MSG_OOB),
            lambda: x.send(b"", -1), lambda: x.send(b"", socket.MSG_OOB), lambda: x.send(b"x", socket.MSG_OOB),
        ])
        return out
    finally:
        close_all(l, c, a, t, u6, u4, x)


@scenario("module functions convert C ints and strs as CPython: getaddrinfo IDN flags and numeric string ports (strtoul), NUL in netdb names, inet_pton/ntop/htons/CMSG_*/socket(fileno) ranges, getnameinfo ints, SO_REUSEPORT on AF_UNIX")
def _():
    x = socket.socket(socket.AF_UNIX)
    try:
        g = lambda port, flags=0: socket.getaddrinfo("127.0.0.1", port, 0, socket.SOCK_STREAM, 0, flags)
        return collect([
            lambda: g(80, 0x40), lambda: g(80, 0x80), lambda: g(80, 0x100), lambda: g(80, 0x200), lambda: g(80, 0x800),
            lambda: g("2147483728"), lambda: g("4294967295"), lambda: g("18446744073709551696"), lambda: g("-0"), lambda: g("-4294967295"),
            lambda: g("80\0junk"), lambda: g(" +81"), lambda: g("81 "), lambda: g("-1", socket.AI_NUMERICSERV),
            lambda: socket.getservbyname("http", "tcp\0"), lambda: socket.getservbyname("ht\0tp"), lambda: socket.getservbyport(80, "tcp\0"),
            lambda: socket.getprotobyname("tcp\0"), lambda: socket.getservbyport(100000, 1.5),
            lambda: socket.inet_pton(2**31, "1.2.3.4"), lambda: socket.inet_ntop(2**63, b"\1\2\3\4"), lambda: socket.inet_ntop(-2**31 - 1, b"\1\2\3\4"),
            lambda: socket.htons(-2**31 - 1), lambda: socket.ntohs(-2**63 - 1), lambda: socket.htons(-1),
            lambda: socket.CMSG_LEN(2**63), lambda: socket.CMSG_SPACE(2147483624), lambda: socket.CMSG_SPACE(2147483623), lambda: socket.CMSG_LEN(2147483632),
            lambda: socket.socket(2, 1, 0, 2**31), lambda: socket.socket(2**31, 1, 0, -1), lambda: socket.socket(2, 1, 2**31, "x"),
            lambda: socket.getnameinfo(("127.0.0.1", 2**31 + 80), socket.NI_NUMERICSERV), lambda: socket.getnameinfo(("127.0.0.1", 80), 2**64),
            lambda: socket.getnameinfo(("127.0.0.1", 80), 2**31), lambda: socket.getnameinfo(("127.0.0.1", 2**31, 0), 0),
            lambda: socket.getnameinfo(5, "x"),
            lambda: x.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1), lambda: x.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 0),
            lambda: x.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT),
        ])
    finally:
        close_all(x)


@scenario("IPv6 scope literals in getaddrinfo/getnameinfo (a number is taken, a name is -2), non-blocking connect to port 0: EINPROGRESS, then refused via SO_ERROR or the next connect")
def _():
    g = lambda h: socket.getaddrinfo(h, 80, 0, socket.SOCK_STREAM)
    out = collect([
        lambda: g("::1%lo"), lambda: g("fe80::1%nosuch"), lambda: g("::1%1"), lambda: g("::1%"), lambda: g("::1%4294967296"),
        lambda: socket.getnameinfo(("::1%lo", 80), socket.NI_NUMERICHOST | socket.NI_NUMERICSERV),
        lambda: socket.getnameinfo(("::1%7", 80), socket.NI_NUMERICHOST | socket.NI_NUMERICSERV),
    ])
    a = socket.socket()
    b = socket.socket()
    try:
        a.setblocking(False)
        b.setblocking(False)
        out += collect([lambda: a.connect(("127.0.0.1", 0)), lambda: b.connect_ex(("127.0.0.1", 0))])
        time.sleep(0.05)
        out += collect([
            lambda: a.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), lambda: a.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR),
            lambda: b.connect_ex(("127.0.0.1", 0)),
        ])
        return out
    finally:
        close_all(a, b)


@scenario("getaddrinfo checks in CPython's then glibc's order: C long port, no host nor service, flags, canonname, family, AI_NUMERICSERV, type/protocol, service")
def _():
    g = socket.getaddrinfo
    return collect([
        lambda: g(None, None, socket.AF_UNIX), lambda: g(None, None, 0, 0, 0, 0x800), lambda: g("127.0.0.1", 80, socket.AF_UNIX, 0, 0, 0x800),
        lambda: g("127.0.0.1", 80, 0, 4, 0, 0x800), lambda: g(None, 80, socket.AF_UNIX, 0, 0, socket.AI_CANONNAME),
        lambda: g("127.0.0.1", "ftp", 0, 4, 0, socket.AI_NUMERICSERV), lambda: g("127.0.0.1", "ftp", socket.AF_UNIX, 4, 0, socket.AI_NUMERICSERV),
        lambda: g("127.0.0.1", 2**63, socket.AF_UNIX), lambda: g("127.0.0.1", -1, 0, socket.SOCK_DGRAM, 255),
        lambda: g("127.0.0.1", -1, 0, socket.SOCK_STREAM), lambda: g("127.0.0.1", 2**32 + 80, 0, socket.SOCK_STREAM),
        lambda: g("127.0.0.1", "nosuchservice", 0, 4),
    ])


@scenario("address arguments as CPython's getsockaddrarg: host converted (NUL), port and flowinfo ints, host resolved, then the ranges, all before the socket state")
def _():
    t4 = socket.socket()
    t6 = socket.socket(socket.AF_INET6)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    x = socket.socket()
    x.close()
    try:
        u.bind(("127.0.0.1", 0))
        return collect([
            lambda: t4.bind(("::1", 65536)), lambda: t4.bind(("x\0", "80")), lambda: t4.bind(("127.0.0.1", 2**31)),
            lambda: t4.bind(("127.0.0.1", -1)), lambda: t6.bind(("::1", -1, "0")), lambda: t6.connect(("<broadcast>", 1, 2**20)),
            lambda: t6.bind(("::1", 0, 2**20)), lambda: x.connect(("::1", 9)), lambda: x.bind(("127.0.0.1", 70000)),
            lambda: u.bind(("::1", 0)), lambda: u.bind(("x\0", 0)), lambda: u.connect(("127.0.0.1", 65536)),
            lambda: u.connect_ex(("::1", 9)),
        ])
    finally:
        close_all(t4, t6, u)


@scenario("udp: datagrams that arrived before shutdown(SHUT_RD) are still returned (blocking, non-blocking, timeout)")
def _():
    a, b = udp(), udp()
    try:
        a.connect(b.getsockname())
        b.connect(a.getsockname())
        for m in (b"one", b"two", b"three", b"four"):
            b.send(m)
        time.sleep(0.05)
        a.shutdown(socket.SHUT_RD)
        out = collect([lambda: a.recv(10), lambda: a.recvfrom(10)[0]])
        a.setblocking(False)
        out += collect([lambda: a.recv(10)])
        a.settimeout(0.2)
        out += collect([lambda: a.recv(10), lambda: a.recv(10)])
        return out
    finally:
        close_all(a, b)


@scenario("MSG_ERRQUEUE reads the empty error queue (EAGAIN, with a timeout TimeoutError; the data stays); TCP MSG_TRUNC copies nothing into buffers; recvmsg keeps MSG_CMSG_CLOEXEC in msg_flags")
def _():
    c, s, l = pair()
    u1, u2 = udp(), udp()
    try:
        u1.connect(u2.getsockname())
        c.send(b"abcdefghijkl")
        u1.send(b"data")
        time.sleep(0.05)
        out = collect([lambda: s.recv(100, socket.MSG_ERRQUEUE), lambda: u2.recv(100, socket.MSG_ERRQUEUE)])
        s.settimeout(0.2)
        u2.settimeout(0.2)
        out += collect([lambda: s.recvmsg(100, 0, socket.MSG_ERRQUEUE), lambda: u2.recvfrom(100, socket.MSG_ERRQUEUE)])
        buf = bytearray(b"....")
        out.append([s.recv_into(buf, 3, socket.MSG_PEEK | socket.MSG_TRUNC), repr(bytes(buf))])
        out.append([s.recv_into(buf, 3, socket.MSG_TRUNC), repr(bytes(buf))])
        out.append([s.recvfrom_into(buf, 2, socket.MSG_TRUNC)[0], repr(bytes(buf))])
        bufs = [bytearray(b".."), bytearray(b"..")]
        out.append([s.recvmsg_into(bufs, 0, socket.MSG_TRUNC)[0], [repr(bytes(x)) for x in bufs]])
        d, _, fl, _ = s.recvmsg(2, 0, socket.MSG_CMSG_CLOEXEC)
        out.append([repr(d), fl])
        n, _, fl, _ = s.recvmsg_into([bytearray(2)], 0, socket.MSG_CMSG_CLOEXEC)
        out.append([n, fl])
        d, _, fl, _ = u2.recvmsg(2, 0, socket.MSG_CMSG_CLOEXEC)
        out.append([repr(d), fl])
        out += collect([lambda: s.recv(100)])
        return out
    finally:
        close_all(c, s, l, u1, u2)


@scenario("UDP flags: IPv4 refuses MSG_OOB after its 64 KiB check, IPv6 sends with it; MSG_PROBE (0x10) is checked and routed, nothing sent")
def _():
    a6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    b6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    c4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    a4, b4 = udp(), udp()
    try:
        a6.bind(("::1", 0))
        b6.bind(("::1", 0))
        b6.settimeout(0.2)
        b4.settimeout(0.2)
        a4.connect(b4.getsockname())
        out = collect([lambda: a6.sendto(b"hi", socket.MSG_OOB, b6.getsockname())])
        time.sleep(0.05)
        out += collect([
            lambda: b6.recv(10), lambda: a6.send(b"hi", socket.MSG_OOB),
            lambda: c4.sendto(b"h" * 70000, socket.MSG_OOB, ("127.0.0.1", 9)), lambda: c4.send(b"h" * 70000, socket.MSG_OOB),
            lambda: c4.sendto(b"h" * 10, socket.MSG_OOB, ("127.0.0.1", 9)),
            lambda: a4.send(b"hi", 0x10), lambda: a4.sendto(b"h" * 65535, 0x10, b4.getsockname()),
            lambda: a4.sendto(b"h" * 65536, 0x10, b4.getsockname()), lambda: a6.sendto(b"h" * 70000, 0x10, b6.getsockname()),
        ])
        time.sleep(0.05)
        out += collect([lambda: b4.recv(10), lambda: b6.recv(10)])
        return out
    finally:
        close_all(a6, b6, c4, a4, b4)


@scenario("close after a makefile reader read one line: what its 8 KiB buffer did not pull in resets the peer")
def _():
    l, port = listener()
    try:
        return [x for n in (8186, 8187, 8192) for x in line_then_close(l, port, b"hello\n" + b"r" * n)]
    finally:
        l.close()


@scenario("bytes and a reset that arrive together: recv returns the bytes, then raises ConnectionResetError, then b''")
def _():
    import struct
    out = []
    for how in ("SO_LINGER 0", "input unread"):
        c, s, l = pair()
        try:
            if how == "SO_LINGER 0":
                reader, closer = s, c
                closer.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            else:
                reader, closer = c, s
                reader.sendall(b"x" * 100)
                time.sleep(0.1)
                out += collect([lambda: closer.recv(10)])  # 90 bytes stay unread: close resets
            closer.sendall(b"ok")
            closer.close()
            time.sleep(0.2)
            out += collect([lambda: reader.recv(10), lambda: reader.recv(10), lambda: reader.recv(10)])
        finally:
            close_all(c, s, l)
    return out


@scenario("MSG_ERRQUEUE with a timeout on a socket closed meanwhile: EBADF once the timeout has run out")
def _():
    import threading
    u = udp()
    u.settimeout(0.4)
    threading.Timer(0.1, u.close).start()
    try:
        return collect([lambda: u.recv(10, socket.MSG_ERRQUEUE)])
    finally:
        time.sleep(0.05)
        u.close()


@scenario("sendmsg() checks flags, address, buffers and each ancillary item (level, type, bytes) in CPython's order, before the socket; sendto() with 4 arguments; sendfile()'s count")
def _():
    import io
    u, v = udp(), udp()
    c, s, l = pair()
    try:
        to = v.getsockname()
        out = collect([
            lambda: u.sendmsg([b"m"], [(0, 0)], 0, to), lambda: u.sendmsg([b"m"], [(0, 0, b"d", 42)], 0, to),
            lambda: u.sendmsg([b"m"], [(0, 0, 1.5)], 0, to), lambda: u.sendmsg([b"m"], [("x", 0, b"d")], 0, to),
            lambda: u.sendmsg([b"m"], [0, 0, b""], 0, to), lambda: u.sendmsg([b"m"], [(2**31, 0, b"")], 0, to),
            lambda: u.sendmsg([b"m"], 5, 0, to), lambda: u.sendmsg([b"m"], None, 0, to),
            lambda: u.sendmsg([b"m"], [], 0, 5), lambda: u.sendmsg([b"m"], [(1, 1, b"")], 0, 5),
            lambda: u.sendmsg([b"m"], [], 0, ("127.0.0.1", 70000)), lambda: u.sendmsg(5, [], 0, 5),
            lambda: u.sendmsg([b"m"], [], "x", 5),
            lambda: u.sendmsg([b"ab", b"c"], [], 0, to), lambda: v.recv(10),
            lambda: u.sendto(b"foo", 0, to, 4),
            lambda: s.sendfile(io.BytesIO(b"abcdef"), 0, "2"), lambda: s.sendfile(io.BytesIO(b"abcdef"), 0, 0.5),
            lambda: s.sendfile(io.BytesIO(b"abcdef"), 0, 0), lambda: s.sendfile(io.BytesIO(b"abcdef"), 0, -3),
            lambda: s.sendfile(io.BytesIO(b"abcdef"), 0, 2), lambda: c.recv(10),
        ])
        u.close()
        out += collect([lambda: u.sendmsg([b"m"], [(0, 0)], 0, to), lambda: u.sendmsg([b"m"], [(1, 1, b"")], 0, to), lambda: u.sendmsg([b"m"], [], 0, to)])
        return out
    finally:
        close_all(u, v, c, s, l)


@scenario("a lone surrogate in a service or protocol name is a UnicodeEncodeError; settimeout() and setblocking() take exactly one argument")
def _():
    u = udp()
    try:
        u.settimeout(5)
        return collect([
            lambda: socket.getaddrinfo("127.0.0.1", "\ud800"), lambda: socket.getaddrinfo("127.0.0.1", "http\udfff"),
            lambda: socket.getservbyname("\ud800"), lambda: socket.getservbyname("http", "\ud800"),
            lambda: socket.getservbyport(80, "\ud800"), lambda: socket.getprotobyname("\ud800"),
            lambda: u.settimeout(), lambda: u.gettimeout() == 5, lambda: u.setblocking(), lambda: u.settimeout(1, 2),
        ])
    finally:
        u.close()


@scenario("one socket with data that is also writable is reported readable and writable in one call: select (timeouts None and 0), poll, the three selectors (gh-110038); a second poll() while one waits; selector timeouts converted as each kind does")
def _():
    out = []
    kinds = [selectors.DefaultSelector, selectors.PollSelector, selectors.SelectSelector]
    for make in kinds:
        a, b = socket.socketpair()
        b.send(b"foo")
        sel = make()
        sel.register(a, selectors.EVENT_READ | selectors.EVENT_WRITE)
        out.append([ev for key, ev in sel.select()])
        out += collect([lambda: sel.select("1"), lambda: sel.select(float("nan")), lambda: sel.select(1e10)])
        sel.close()
        close_all(a, b)
    a, b = socket.socketpair()
    try:
        for t in (None, 0):
            b.send(b"bar")
            r, w, x = select.select([a], [a], [], t)
            out.append([len(r), len(w)])
            a.recv(10)
        b.send(b"q")
        p = select.poll()
        p.register(a, select.POLLIN | select.POLLOUT)
        out.append([ev for fd, ev in p.poll()])
        a.recv(10)
        p.register(a, select.POLLIN)
        import threading
        t = threading.Thread(target=lambda: p.poll(300))
        t.start()
        time.sleep(0.05)
        out += collect([lambda: p.poll(0), lambda: p.register(a, 2**64), lambda: p.register(a, 2**40)])
        t.join()
        return out
    finally:
        close_all(a, b)


def alive(port):
    """Whether a listener still takes connections on port: "listening", or the connect's exception class."""
    c = socket.socket()
    c.settimeout(2)
    try:
        c.connect(("127.0.0.1", port))
        return "listening"
    except OSError as e:
        return type(e).__name__
    finally:
        c.close()


@scenario("socket(fileno=) on an open socket, then detach(): the listener or UDP port goes when the number is closed (by either object or socket.close(fd)), not before")
def _():
    out = []
    l, port = listener()
    l2 = socket.socket(fileno=l.fileno())
    out += collect([lambda: l.detach() > 0, lambda: l2.close(), lambda: l2.fileno(), lambda: alive(port)])
    l, port = listener()
    l2 = socket.socket(fileno=l.fileno())
    out += collect([lambda: l2.detach() > 0, lambda: l.getsockname()[0], lambda: l.close(), lambda: alive(port)])
    l, port = listener()
    fd = l.fileno()
    l2 = socket.socket(fileno=fd)
    out += collect([lambda: l.detach() == fd, lambda: l2.detach() == fd, lambda: alive(port)])
    out += collect([lambda: socket.close(fd), lambda: alive(port), lambda: socket.close(fd)])
    u = udp()
    uport = u.getsockname()[1]
    u2 = socket.socket(fileno=u.fileno())
    u.detach()
    u2.close()
    v = udp(bind=False)
    try:
        out += collect([lambda: v.bind(("127.0.0.1", uport))])
    finally:
        v.close()
    return out


@scenario("closing a number through another object on it (socket(fileno=n).close(), socket.close(n)) closes it for every object: EBADF on use and on close()")
def _():
    out = []
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socket.socket(fileno=s.fileno()).close()
    out += collect([
        lambda: s.listen(), lambda: s.setblocking(False), lambda: s.fileno() > 0,
        lambda: ("[closed]" in repr(s), "laddr" in repr(s)),
        lambda: s.close(), lambda: s.fileno(), lambda: s.close(),
    ])
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    out += collect([lambda: socket.close(s.fileno()), lambda: s.getsockname(), lambda: s.close(), lambda: s.close()])
    l, port = listener()
    l2 = socket.socket(fileno=l.fileno())
    out += collect([lambda: socket.close(l.fileno()), lambda: alive(port), lambda: l.close(), lambda: l2.close()])
    l, port = listener()
    l2 = socket.socket(fileno=l.fileno())
    d = l.dup()
    l.close()
    out += collect([lambda: l2.getsockname(), lambda: alive(port), lambda: l2.detach() > 0, lambda: l2.close()])
    out += collect([lambda: d.close(), lambda: alive(port)])
    return out


@scenario("socket(fileno=fd) twice on a number detach() left: two objects on it")
def _():
    l, port = listener()
    fd = l.detach()
    a = socket.socket(fileno=fd)
    made = []
    out = collect([
        lambda: made.append(socket.socket(fileno=fd)),
        lambda: (made[0].fileno() == fd, made[0].getsockname()[0]),
        lambda: made[0].detach() == fd,
        lambda: a.getsockname()[0],
        lambda: alive(port),
        lambda: a.close(),
        lambda: alive(port),
    ])
    return out


@scenario("makefile write on a non-blocking socket: a send made at once (None, or BlockingIOError with characters_written); what it reports reaches the peer")
def _():
    big = 16 << 20
    out = []
    for mode, buffering in (("wb", 0), ("wb", -1), ("rwb", -1), ("w", -1)):
        c, s, l = pair()
        try:
            f = s.makefile(mode, buffering)
            data = (b"x" if "b" in mode else "x") * big
            s.setblocking(False)
            taken = 0
            row = [mode, buffering]
            for fn in (lambda: f.write(data), lambda: f.write(data), lambda: f.write(data[:10]), f.flush):
                try:
                    r = fn()
                    taken += r or 0
                    row.append(None if r is None else "all" if r == big else r if r <= 10 else "some")
                except BlockingIOError as e:
                    n = e.characters_written
                    taken += n
                    row.append([type(e).__name__, str(e), e.args[2] == n, "some" if 0 < n < big else n])
            got = []
            t = threading.Thread(target=lambda: got.append(sum(map(len, iter(lambda: c.recv(1 << 20), b"")))))
            t.start()
            s.setblocking(True)
            f.flush()
            f.close()
            s.shutdown(socket.SHUT_WR)
            t.join(20)
            row.append(got[0] - taken)
            out.append(row)
        finally:
            close_all(c, s, l)
    return out


@scenario("makefile files closed and open: readable(), writable(), seekable(), fileno(), name, mode, encoding, seek(), readline(0) and the closed checks of each kind (SocketIO, BufferedReader/Writer/RWPair, TextIOWrapper)")
def _():
    c, s, l = pair()
    out = []
    try:
        for mode, buffering in (("rb", 0), ("rb", -1), ("wb", 0), ("wb", -1), ("rwb", 0), ("rwb", -1), ("r", -1), ("w", -1), ("rw", -1)):
            f = s.makefile(mode, buffering)
            data = b"x" if "b" in mode else "x"
            out.append([mode, buffering] + collect([lambda: f.mode, lambda: f.name == s.fileno(), lambda: f.fileno() == s.fileno(), lambda: f.seek(0), lambda: f.encoding]))
            f.close()
            out.append(collect([f.readable, f.writable, f.seekable, f.fileno, lambda: f.name, f.flush, lambda: f.read(1), f.readline, lambda: f.readline(0),
                                lambda: f.write(data), lambda: f.write(1), f.tell, lambda: f.seek(0)]))
        return out
    finally:
        close_all(c, s, l)


@scenario("makefile('wb') to a peer that reset: the error a write hit comes first; a write larger than the buffer is dropped with it, buffered bytes stay (flush()/close() raise again)")
def _():
    import struct
    out = []
    for size in (65536, 1000):
        c, s, l = pair()
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
            time.sleep(0.1)
            f = c.makefile("wb")
            first = None
            try:
                for i in range(50):
                    f.write(b"w" * size)
                f.flush()
            except OSError as e:
                first = [type(e).__name__, str(e)]
            out.append(first)
            out += collect([f.flush, f.close, lambda: f.closed])
        finally:
            close_all(c, s, l)
    return out


@scenario("two makefile() writers on one socket: the peer gets their bytes in the order they were written")
def _():
    c, s, l = pair()
    try:
        f, g = s.makefile("wb", 7), s.makefile("wb", 0)
        f.write(b"A" * 7)
        f.write(b"W" * 3204)
        g.write(b"X")
        f.write(b"B" * 9000)
        g.write(b"Y")
        f.flush()
        f.close()
        g.close()
        time.sleep(0.1)
        c.settimeout(0.2)
        got = b""
        try:
            while len(got) < 12213:
                got += c.recv(65536)
        except TimeoutError:
            pass
        return [len(got), got[:8].decode(), got[3210:3213].decode(), got[-2:].decode()]
    finally:
        close_all(c, s, l)


@scenario("socket.close(fd) of a socket with a makefile() open: its close() returns, the file's close() raises EBADF (the file held the object open)")
def _():
    out = []
    for with_file in (False, True):
        a, b = socket.socketpair()
        try:
            f = a.makefile("rb") if with_file else None
            out += collect([lambda: socket.close(a.fileno()), lambda: a.recv(1), a.close])
            if f:
                out += collect([f.close])
            out += collect([a.close])
        finally:
            close_all(b)
    return out


@scenario("makefile('rb').read() to EOF that times out after bytes arrived, then close: the peer reads EOF (the reader had pulled them), not a reset")
def _():
    out = []
    l, port = listener()
    try:
        for n, first in ((100, False), (20000, False), (20000, True)):
            c = socket.create_connection(("127.0.0.1", port))
            a, _ = l.accept()
            try:
                a.settimeout(0.2)
                c.sendall(b"line\n" + b"x" * n)
                time.sleep(0.05)
                f = a.makefile("rb")
                if first:
                    out += collect([f.readline])
                out += collect([f.read])
                f.close()
                a.close()
                time.sleep(0.05)
                c.settimeout(0.3)
                out += collect([lambda: c.recv(10)])
            finally:
                close_all(c, a)
    finally:
        l.close()
    return out


@scenario("a refused connect (with a timeout, or non-blocking and SO_ERROR), then connect() again: ECONNABORTED, after which the socket is unconnected (recv ENOTCONN, poll POLLOUT|POLLHUP)")
def _():
    out = []
    port = dead_port()
    for mode in ("timeout", "non-blocking"):
        c = socket.socket()
        try:
            if mode == "timeout":
                c.settimeout(0.5)
                out += collect([lambda: c.connect(("127.0.0.1", port))])
            else:
                c.setblocking(False)
                out.append(c.connect_ex(("127.0.0.1", port)))
                time.sleep(0.05)
                out.append(c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
            out += collect([lambda: c.recv(1), lambda: c.connect(("127.0.0.1", port)), lambda: c.recv(1), lambda: c.recv(1, socket.MSG_PEEK)])
            out.append(poll_events(c))
        finally:
            c.close()
    return out


@scenario("makefile() files of a socket that no longer holds its descriptor (detach(), close(), socket.close(fd)): reads and unbuffered writes raise EBADF; the bytes stay for the new owner")
def _():
    out = []
    c, s, l = pair()
    try:
        c.sendall(b"line\n")
        time.sleep(0.05)
        s.settimeout(0.5)
        g = s.makefile("rb")
        fd = s.detach()
        for mode, buf in (("rb", 0), ("rwb", 0), ("rb", -1), ("wb", 0)):
            f = s.makefile(mode, buf)
            out += collect([lambda: f.readline() if "r" in mode else f.write(b"x")])
        out += collect([g.readline])
        owner = socket.socket(fileno=fd)
        owner.settimeout(0.5)
        c.settimeout(0.2)
        out += collect([lambda: owner.recv(10), lambda: c.recv(10)])
        owner.close()
        a, b = socket.socketpair()
        f = a.makefile("rb")
        socket.close(a.fileno())
        out += collect([f.readline, f.close])
        close_all(a, b)
        d, e = socket.socketpair()
        d.close()
        h = d.makefile("wb", 0)
        out += collect([lambda: h.write(b"x"), h.close])
        close_all(e)
    finally:
        close_all(c, s, l)
    return out


@scenario("shutdown(SHUT_RD) while the peer is still sending: recv returns bytes that had arrived, then b'', not the rest of the stream")
def _():
    c, s, l = pair()
    data = bytes(range(256)) * (32 * 1024)  # 8 MiB: far more than the socket buffers hold
    t = threading.Thread(target=lambda: collect([lambda: c.sendall(data)]))
    t.start()
    try:
        time.sleep(0.3)
        got = bytearray(s.recv(1000))
        s.shutdown(socket.SHUT_RD)
        for _ in range(10000):
            d = s.recv(65536)
            if not d:
                break
            got += d
        return [len(got) >= 1000, len(got) < len(data), got == data[: len(got)], repr(s.recv(10))]
    finally:
        s.close()  # unread input: a reset, which ends the sender's sendall
        t.join(5)
        close_all(c, l)


@scenario("UDP: an IPv6 socket sending to an IPv4-mapped address is held to IPv4's 65,507 bytes (a reply to recvfrom's address, a tuple, a connected peer)")
def _():
    sd = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    c4 = udp()
    try:
        sd.bind(("::", 0))
        sd.settimeout(2)
        c4.settimeout(2)
        c4.sendto(b"v4", ("127.0.0.1", sd.getsockname()[1]))
        _, am = sd.recvfrom(100)
        tup = ("::ffff:127.0.0.1", c4.getsockname()[1])
        out = [am[0]]
        out += collect([
            lambda: sd.sendto(bytes(65508), am),
            lambda: sd.sendto(bytes(65507), am),
            lambda: sd.sendto(b"x" * 100, am),
            lambda: len(c4.recv(70000)),
            lambda: len(c4.recv(70000)),
            lambda: sd.sendto(bytes(65527), tup),
            lambda: sd.sendto(b"y", tup),
            lambda: c4.recv(10),
        ])
        sd.connect(tup)
        out += collect([lambda: sd.send(bytes(65508)), lambda: sd.send(b"z"), lambda: c4.recv(10)])
        return out
    finally:
        close_all(sd, c4)


@scenario("host names: idna label checks of getaddrinfo/gethostbyname/create_connection (UnicodeError), names longer than 255 characters (gaierror -2, also from connect and connect_ex)")
def _():
    out = []
    long_labels = ("a" * 60 + ".") * 5
    for h in ("x" * 64, "x" * 256, long_labels, "a..b", ".", ".localhost", "x" * 63 + ".y"):
        s = socket.socket()
        try:
            out.append([len(h)] + collect([
                lambda: s.connect((h, 80)),
                lambda: s.connect_ex((h, 80)),
                lambda: socket.getaddrinfo(h, 80),
                lambda: socket.gethostbyname(h),
                lambda: socket.create_connection((h, 80)),
            ]))
        finally:
            s.close()
    return out


@scenario("shutdown(SHUT_RD) right after the peer's sendall on a socketpair: recv, recv(MSG_PEEK), recv_into, recvfrom and recvmsg still return the bytes, then b''")
def _():
    out = []
    for how in ("recv", "peek", "recv_into", "recvfrom", "recvmsg"):
        a, b = socket.socketpair()
        try:
            b.sendall(b"hello")
            a.shutdown(socket.SHUT_RD)
            if how == "recv":
                r = a.recv(100)
            elif how == "peek":
                r = a.recv(100, socket.MSG_PEEK)
            elif how == "recv_into":
                buf = bytearray(100)
                r = bytes(buf[: a.recv_into(buf)])
            elif how == "recvfrom":
                r = a.recvfrom(100)[0]
            else:
                r = a.recvmsg(100)[0]
            out.append([how, repr(r), repr(a.recv(100)), repr(a.recv(100))])
        finally:
            a.close()
            b.close()
    return out


@scenario("poll/epoll report POLLWRBAND for UDP and AF_UNIX sockets (not TCP); selectors take bool events and say 'Invalid events: None'; select/epoll timeouts out of range; a unix connect with a timeout: EISCONN next; a closed PollSelector/SelectSelector returns [] for a socket registered at close")
def _():
    out = []
    l, port = listener()
    c = socket.create_connection(("127.0.0.1", port))
    s, _ = l.accept()
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    a, b = socket.socketpair()
    try:
        for x in (c, u, a):
            p = select.poll()
            p.register(x, 0xFFFF)
            e = select.epoll()
            e.register(x, select.EPOLLIN | select.EPOLLOUT | select.EPOLLWRBAND | select.EPOLLWRNORM | select.EPOLLRDNORM)
            out.append([m for _, m in p.poll(0)] + [m for _, m in e.poll(0)])
            e.close()
        out.append([select.POLLRDBAND, select.POLLWRBAND, select.POLLMSG])
        sel = selectors.DefaultSelector()
        for ev in (None, 0, False, "", 1.5, "x", True):
            try:
                k = sel.register(a, ev)
                out.append(["registered", repr(k.events), str(k).replace(repr(a), "A").replace("fd=%d," % a.fileno(), "fd=N,")])
                out.append(["modify", repr(sel.modify(a, True).events), repr(sel.modify(a, 2).events)])
                sel.unregister(a)
            except Exception as e:  # noqa: BLE001
                out.append([type(e).__name__, str(e)])
        sel.close()
        ep = select.epoll()
        out += collect([
            lambda: select.select([], [], [], float("-inf")),
            lambda: select.select([], [], [], -1e10),
            lambda: select.select([], [], [], -1),
            lambda: ep.poll(-2147483.649),
            lambda: ep.poll(float("-inf")),
        ])
        ep.close()
        path = "/tmp/polysock-parity-%d.sock" % os.getpid()
        ul = socket.socket(socket.AF_UNIX)
        ul.bind(path)
        ul.listen()
        uc = socket.socket(socket.AF_UNIX)
        uc.settimeout(0.5)
        try:
            out.append([uc.connect_ex(path), uc.connect_ex(path)])
        finally:
            uc.close()
            ul.close()
            os.unlink(path)
        for cls in (selectors.PollSelector, selectors.SelectSelector):
            sel = cls()
            sel.register(a, selectors.EVENT_WRITE)
            sel.close()
            t0 = time.monotonic()
            out.append([sel.select(2), time.monotonic() - t0 < 1])
    finally:
        close_all(c, s, l, u, a, b)
    return out


@scenario("makefile: truncate() raises UnsupportedOperation, or ValueError once a text or buffered file is closed; mode and buffering arguments checked as CPython's")
def _():
    out = []
    a, b = socket.socketpair()
    try:
        for m in ("r", "rb", "w", "wb", "rwb", "rb0", "wb0"):
            f = a.makefile(m[:-1], buffering=0) if m.endswith("0") else a.makefile(m)
            for _st in ("open", "closed"):
                if _st == "closed":
                    f.close()
                try:
                    f.truncate()
                    out.append([m, _st, "ok"])
                except Exception as e:  # noqa: BLE001
                    out.append([m, _st, type(e).__name__, str(e)])
        for args in ((None,), (5,), ("rb", True), ("rb", "x"), ("rb", 1.5), ("rb", None), ("xr",)):
            try:
                f = a.makefile(*args)
                out.append(repr(f).split(" name=")[0])
            except Exception as e:  # noqa: BLE001
                out.append([type(e).__name__, str(e)])
    finally:
        a.close()
        b.close()
    return out


@scenario("select() refuses descriptors from FD_SETSIZE (ValueError) and beyond a C int (OverflowError); poll too for the latter")
def _():
    out = []
    for fd in (1024, 99999, 2**31, 2**63, -1):
        out += collect([lambda: select.select([fd], [], [], 0), lambda: select.poll().register(fd)])
    return out


@scenario("makefile text errors='ignore': read(n) and readline(limit) read on past dropped bytes and return '' only at EOF; utf-8-sig drops a byte order mark that EOF cut")
def _():
    out = []
    for enc, data, how, n in (("utf-8", b"ab\xffcd", "read", 1), ("utf-8", b"\xffa", "read", 1), ("utf-8", b"a\xffb", "readline", 1),
                              ("ascii", b"a\x80\xff\x81b", "read", 2), ("utf-8", b"a\xff\xfe\xfdbc\n\xffd\n", "readline", 2), ("utf-8", b"\xff\xff\xff", "read", 1)):
        a, b = socket.socketpair()
        try:
            b.sendall(data)
            b.shutdown(socket.SHUT_WR)
            f = a.makefile("r", encoding=enc, errors="ignore")
            out.append([f.read(n) if how == "read" else f.readline(n) for _i in range(6)])
            f.close()
        finally:
            a.close()
            b.close()
    for data in (b"\xef\xbb", b"\xef", b"\xef\x41", b"\xef\xbb\xbf\x41"):
        a, b = socket.socketpair()
        try:
            b.sendall(data)
            b.shutdown(socket.SHUT_WR)
            out.append(a.makefile("r", encoding="utf-8-sig", errors="replace").read())
        finally:
            a.close()
            b.close()
    return out


@scenario("the peer closed in this program: sends right away (no wait between) succeed once over TCP, then raise BrokenPipeError; over a socketpair every send raises")
def _():
    out = []
    c, s, l = pair()
    try:
        s.close()
        out.append(collect([lambda: c.send(b"x") for _i in range(3)]))
    finally:
        close_all(c, s, l)
    a, b = socket.socketpair()
    try:
        b.close()
        out.append(collect([lambda: a.send(b"x") for _i in range(3)]))
    finally:
        a.close()
    return out

@scenario("selectors: an EpollSelector holds a descriptor (sockets made after it number past it) and fileno() gives it; ValueError once closed; a PollSelector has no fileno")
def _():
    c = socket.socket()
    n = c.fileno()  # the lowest free number
    c.close()
    sel = selectors.DefaultSelector()
    b = socket.socket()
    try:
        out = [sel.fileno() == n, b.fileno() != n]
        sel.close()
        p = selectors.PollSelector()
        out += collect([lambda: sel.fileno(), lambda: p.fileno()])
        p.close()
        c = socket.socket()
        out.append(c.fileno() == n)
        c.close()
        return out
    finally:
        b.close()


@scenario("IPV6_V6ONLY: connect, connect_ex, UDP connect and sendto to an IPv4-mapped address are ENETUNREACH, bind EINVAL; socketpair(None) is AF_UNIX")
def _():
    l, port = listener()
    socks = []

    def v6(kind):
        s = socket.socket(socket.AF_INET6, kind)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        socks.append(s)
        return s

    try:
        out = collect([
            lambda: v6(socket.SOCK_STREAM).connect(("::ffff:127.0.0.1", port)),
            lambda: v6(socket.SOCK_STREAM).connect_ex(("::ffff:127.0.0.1", port)),
            lambda: v6(socket.SOCK_DGRAM).sendto(b"x", ("::ffff:127.0.0.1", 9)),
            lambda: v6(socket.SOCK_DGRAM).connect(("::ffff:127.0.0.1", 9)),
            lambda: v6(socket.SOCK_STREAM).bind(("::ffff:127.0.0.1", 0)),
        ])
        a, b = socket.socketpair(None)
        out.append([a.family, b.type])
        a.close()
        b.close()
        return out
    finally:
        close_all(l, *socks)


@scenario("host names with a NUL: gethostbyname/_ex/gethostbyaddr/getfqdn TypeError, getnameinfo ValueError, getaddrinfo reads up to it; inet_aton ends at ASCII whitespace only; htonl and getaddrinfo take big ints")
def _():
    return collect([
        lambda: socket.gethostbyname("localhost\x00"),
        lambda: socket.gethostbyname_ex(b"localhost\x00"),
        lambda: socket.gethostbyaddr("127.0.0.1\x00"),
        lambda: socket.getfqdn("localhost\x00"),
        lambda: socket.getnameinfo(("127.0.0.1\x00", "x"), 0),
        lambda: socket.getaddrinfo("127.0.0.1\x00x", 80, socket.AF_INET, socket.SOCK_STREAM)[0][4],
        lambda: socket.inet_aton("1.2.3.4 junk"),
        lambda: socket.inet_aton("1.2.3.4\xa0"),
        lambda: socket.inet_aton("1.2.3.4\u2028"),
        lambda: socket.htonl(1),
        lambda: socket.ntohl(2**32),
        lambda: socket.getaddrinfo("127.0.0.1", 80, socket.AF_INET, socket.SOCK_STREAM)[0][4],
    ])


@scenario("sendmsg/recvmsg_into of more than 1024 buffers: EMSGSIZE, nothing sent or read; create_server: an error with no errno says None, family=None is a TypeError")
def _():
    a, b = socket.socketpair()
    try:
        out = collect([
            lambda: a.sendmsg([b"x"] * 1025),
            lambda: a.sendmsg([b"y"] * 1024),
            lambda: b.recvmsg_into([bytearray(1)] * 1025),
            lambda: b.recv(2000),
            lambda: socket.create_server("/tmp/" + "x" * 120, family=socket.AF_UNIX),
            lambda: socket.create_server(("127.0.0.1", 0), family=None),
        ])
        return out
    finally:
        a.close()
        b.close()


@scenario("setsockopt's checks in Linux's order: socket-level bytes shorter than an int EINVAL, a NULL value after the level and option checks, an optlen that is no int; IPv6 getsockopt of an unknown level ENOPROTOOPT")
def _():
    t = socket.socket()
    t6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    x = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        return collect([
            lambda: t.setsockopt(socket.SOL_SOCKET, socket.SO_TYPE, b"\x01"),
            lambda: t.setsockopt(socket.SOL_SOCKET, socket.SO_TYPE, 1),
            lambda: t.setsockopt(socket.SOL_SOCKET, 9999, b"\x01\x00"),
            lambda: t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, b"\x01"),
            lambda: x.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, None, 4),
            lambda: u.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, None, 4),
            lambda: t.setsockopt(socket.IPPROTO_IP, 9999, None, 4),
            lambda: t.setsockopt(999, 1, None, 4),
            lambda: t.setsockopt(socket.IPPROTO_TCP, 9999, None, 4),
            lambda: t.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, None, 4),
            lambda: t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, None, "x"),
            lambda: t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, None, 2.5),
            lambda: t6.getsockopt(999, 1),
            lambda: t6.setsockopt(999, 1, 1),
            lambda: t.getsockopt(999, 1),
            lambda: t.setsockopt(999, 1, 1),
            lambda: x.getsockopt(999, 1),
            lambda: u.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, None, 0),
            lambda: u.setsockopt(socket.IPPROTO_IP, socket.IP_DROP_MEMBERSHIP, None, 100),
            lambda: t6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, None, 0),
            lambda: t6.setsockopt(socket.IPPROTO_IPV6, 9999, None, 0),
        ])
    finally:
        close_all(t, t6, u, x)


@scenario("epoll: a maxevents smaller than the ready sockets serves each in turn (Linux's ready list); a failed non-blocking connect is RDHUP too; epoll_ctl of the epoll object itself is EINVAL")
def _():
    l, port = listener()
    ep = select.epoll()
    socks = []
    try:
        names = {}
        for i in range(3):
            c = socket.create_connection(("127.0.0.1", port))
            a, _ = l.accept()
            socks += [c, a]
            a.sendall(b"x")
            ep.register(c.fileno(), select.EPOLLIN)
            names[c.fileno()] = "abc"[i]
        time.sleep(0.1)
        out = [[names[fd] for _ in range(6) for fd, m in ep.poll(0, 1)]]
        out.append([[names[fd] for fd, m in ep.poll(0, 2)] for _ in range(3)])
        out.append(sorted(names[fd] for fd, m in ep.poll(0)))
        out.append(collect([
            lambda: ep.register(ep.fileno(), select.EPOLLIN),
            lambda: ep.modify(ep.fileno(), select.EPOLLIN),
            lambda: ep.unregister(ep.fileno()),
        ]))
        f = socket.socket()
        socks.append(f)
        f.setblocking(False)
        out.append(f.connect_ex(("127.0.0.1", dead_port())))
        time.sleep(0.1)
        p = select.poll()
        p.register(f, select.POLLIN | select.POLLOUT | select.POLLRDHUP)
        out.append([m for _, m in p.poll(1000)])
        ep2 = select.epoll()
        ep2.register(f.fileno(), select.EPOLLIN | select.EPOLLRDHUP)
        out.append([m for _, m in ep2.poll(1)])
        ep2.close()
        out.append(f.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))
        out.append([m for _, m in p.poll(1000)])
        return out
    finally:
        ep.close()
        close_all(l, *socks)


@scenario("makefile: sizes beyond 64 bits OverflowError, the TextIOWrapper arguments' types, ascii's alias 646, errors on a binary file AttributeError, newlines of a CRLF split between two reads (newline='')")
def _():
    a, b = socket.socketpair()
    try:
        a.sendall(b"ab\r\ncd\r\n")
        fb = b.makefile("rb")
        ft = b.makefile("r")
        fu = b.makefile("rb", 0)
        out = collect([
            lambda: fb.readline(2**63),
            lambda: fb.read(-2**63 - 1),
            lambda: fb.readlines(2**64),
            lambda: ft.readline(2**63),
            lambda: ft.read(2**63),
            lambda: fu.read(2**63),
            lambda: b.makefile("r", encoding=5),
            lambda: b.makefile("r", newline=5),
            lambda: b.makefile("r", errors=b"strict"),
            lambda: b.makefile("r", newline=b"\n"),
            lambda: b.makefile("r", encoding="646").encoding,
            lambda: b.makefile("rb", encoding=5).mode,
            lambda: ft.errors,
            lambda: fb.errors,
        ])
        fn = b.makefile("r", newline="")
        out.append([fn.read(3), fn.read(1), fn.newlines, fn.readline(), fn.newlines])
        return out
    finally:
        close_all(a, b)


@scenario("send_fds with no descriptors sends the buffers; recv_fds returns (data, [], flags, address); a negative maxfds is CMSG_LEN's OverflowError; a descriptor that is no int is a TypeError")
def _():
    a, b = socket.socketpair()
    try:
        out = collect([
            lambda: socket.send_fds(a, [b"hi", b"!"], []),
            lambda: (lambda m: [repr(m[0]), m[1], m[2], m[3]])(socket.recv_fds(b, 10, 2)),
            lambda: socket.recv_fds(b, 10, -1),
            lambda: socket.send_fds(a, [b"x"], ["a"]),
        ])
        return out
    finally:
        close_all(a, b)


@scenario("UDP shut down both ways is POLLHUP, connected or not; an IPv6 socket bound to an IPv4-mapped address reaches IPv4 peers only (EAFNOSUPPORT)")
def _():
    a = udp()
    h = udp()
    u = udp()
    m = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    t = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    try:
        h.connect(a.getsockname())
        out = collect([
            lambda: h.shutdown(socket.SHUT_RDWR),
            lambda: u.shutdown(socket.SHUT_RDWR),
            lambda: poll_events(h, select.POLLIN | select.POLLOUT),
            lambda: poll_events(u, select.POLLIN | select.POLLOUT | select.POLLRDHUP),
            lambda: m.bind(("::ffff:127.0.0.1", 0)),
            lambda: m.sendto(b"x", ("::1", 9)),
            lambda: m.sendto(b"x", ("::ffff:127.0.0.1", a.getsockname()[1])),
            lambda: m.connect(("::1", 9)),
            lambda: t.bind(("::ffff:127.0.0.1", 0)),
            lambda: t.connect(("::1", 9)),
        ])
        return out
    finally:
        close_all(a, h, u, m, t)


@scenario("connections waiting in the backlog take no descriptor number until accept(); a selector's get_map() finds a socket or its file registered by number")
def _():
    l, port = listener()
    cs = []
    sel = selectors.DefaultSelector()
    try:
        cs = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
        probe = socket.socket()
        n = probe.fileno()  # the lowest number free now (the program's other numbers vary)
        probe.close()
        a, _ = l.accept()
        cs.append(a)
        out = [a.fileno() == n]
        sel.register(cs[0].fileno(), selectors.EVENT_READ, "byfd")
        m = sel.get_map()
        f = cs[0].makefile("rb")
        out.append([cs[0] in m, m[cs[0]].data, f in m, m.get(f).data, cs[1] in m])
        f.close()
        return out
    finally:
        sel.close()
        close_all(l, *cs)


@scenario("interface names and indexes")
def _():
    out = []
    lst = socket.if_nameindex()
    out.append(lst)
    for i, n in lst:
        out.append([socket.if_nametoindex(n), socket.if_nametoindex(n.encode()), socket.if_indextoname(i)])
    calls = [
        lambda: socket.if_nametoindex("no-such-if"),
        lambda: socket.if_nametoindex(""),
        lambda: socket.if_nametoindex("lo\0"),
        lambda: socket.if_nametoindex(1),
        lambda: socket.if_nametoindex(),
        lambda: socket.if_indextoname(0),
        lambda: socket.if_indextoname(999999),
        lambda: socket.if_indextoname(2**32 + 1),
        lambda: socket.if_indextoname(-1),
        lambda: socket.if_indextoname(2**64),
        lambda: socket.if_indextoname(1.5),
        lambda: socket.if_indextoname("1"),
        lambda: socket.if_indextoname(True),
        lambda: socket.if_nameindex(1),
        lambda: socket.getaddrinfo("fe80::1%lo", 80, socket.AF_INET6, socket.SOCK_STREAM)[0][4],
        lambda: socket.getaddrinfo("ff02::1%lo", 80, socket.AF_INET6, socket.SOCK_DGRAM)[0][4],
        lambda: socket.getaddrinfo("fe80::1%no-such-if", 80, socket.AF_INET6, socket.SOCK_STREAM),
        lambda: socket.getaddrinfo("::1%lo", 80, socket.AF_INET6, socket.SOCK_STREAM),
        lambda: socket.getaddrinfo("fe80::1%1", 80, socket.AF_INET6, socket.SOCK_STREAM)[0][4],
        lambda: socket.getnameinfo(("fe80::1%lo", 80), socket.NI_NUMERICHOST | socket.NI_NUMERICSERV),
    ]
    for f in calls:
        try:
            out.append(f())
        except Exception as e:  # noqa: BLE001
            out.append([type(e).__name__, getattr(e, "errno", None), str(e)])
    # bind() of scoped literals: the address counts, the tuple's scope_id is what is used.
    for fam, typ, host in [(socket.AF_INET6, socket.SOCK_STREAM, "::1%1"), (socket.AF_INET6, socket.SOCK_DGRAM, "::1%4294967295"),
                           (socket.AF_INET, socket.SOCK_STREAM, "::ffff:127.0.0.1%1"), (socket.AF_INET, socket.SOCK_DGRAM, "::1%1"),
                           (socket.AF_INET6, socket.SOCK_DGRAM, "::1%lo"), (socket.AF_INET, socket.SOCK_STREAM, "127.0.0.1%1")]:
        s = socket.socket(fam, typ)
        try:
            s.bind((host, 0))
            out.append([host, s.getsockname()[0], len(s.getsockname())])
        except Exception as e:  # noqa: BLE001
            out.append([host, type(e).__name__, getattr(e, "errno", None), str(e)])
        finally:
            s.close()
    return out


@scenario("after a refused connect (port 0, a closed port; polled or blocking): recv, listen, connect again; a closed listener's recv with a timeout; rebinding to a foreign address")
def _():
    out = []
    p = socket.socket()
    p.bind(("127.0.0.1", 0))
    closed_port = p.getsockname()[1]
    p.close()
    for port in (0, closed_port):
        for to in (None, 0.2):
            for call in ("recv", "listen", "connect"):
                c = socket.socket()
                c.settimeout(to)
                row = [port == 0, to, call, c.connect_ex(("127.0.0.1", port))]
                try:
                    if call == "recv":
                        row.append(list(c.recv(10)))
                    elif call == "listen":
                        c.listen()
                        row.append("listening")
                    else:
                        c.connect(("127.0.0.1", port))
                except OSError as e:
                    row.append([type(e).__name__, e.errno])
                finally:
                    c.close()
                out.append(row)
    for to in (None, 0.2):
        s = socket.socket()
        s.settimeout(to)
        s.listen(5)
        s.close()
        for f in (lambda: list(s.recv(10)), lambda: list(s.recv(10, socket.MSG_DONTWAIT)), lambda: s.recv_into(bytearray(4))):
            try:
                out.append(f())
            except OSError as e:
                out.append([to, type(e).__name__, e.errno])
    for typ in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        for second in ("192.0.2.1", "127.0.0.1"):
            s = socket.socket(socket.AF_INET, typ)
            s.bind(("127.0.0.1", 0))
            try:
                s.bind((second, 0))
            except OSError as e:
                out.append([second, type(e).__name__, e.errno])
            finally:
                s.close()
    return out


@scenario("socket() and socketpair(): family, type (with its flags) and protocol checked in Linux's order")
def _():
    out = []
    for f in (socket.AF_UNIX, socket.AF_INET, socket.AF_INET6, 999, -1):
        for t in (socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_SEQPACKET, socket.SOCK_RAW, 0, -1, 999, 7, 12, 16, socket.SOCK_STREAM | socket.SOCK_NONBLOCK, None):
            if f == socket.AF_UNIX and t in (socket.SOCK_DGRAM, socket.SOCK_SEQPACKET, socket.SOCK_RAW):
                continue  # differences #22
            for fn in ("pair", "sock"):
                if fn == "sock" and t is None:
                    continue
                try:
                    r = socket.socketpair(f, t) if fn == "pair" else socket.socket(f, t)
                    out.append([fn, f, t, "ok"])
                    for x in (r if fn == "pair" else [r]):
                        x.close()
                except Exception as e:  # noqa: BLE001
                    out.append([fn, f, t, type(e).__name__, getattr(e, "errno", None), str(e)])
    return out


@scenario("selector and poll limits (timeouts beyond a C int of ms, infinity, NaN, events beyond 32 bits, a None mask); a UDP connect to a link-local peer without a scope")
def _():
    import select
    import selectors
    out = []
    s = socket.socket()
    u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    sel = selectors.DefaultSelector()
    p = select.poll()
    calls = [
        lambda: sel.select(3e6), lambda: sel.select(float("inf")), lambda: len(sel.select(2147483.6475 - 2147483.6475)),
        lambda: selectors.PollSelector().select(float("inf")), lambda: selectors.PollSelector().select(2147484),
        lambda: sel.register(s, 2**32), lambda: sel.register(s, -1), lambda: p.poll(float("nan")), lambda: p.register(s, None),
        lambda: p.register(s, 1.5), lambda: u.connect(("fe80::1", 9)), lambda: u.connect(("fe80::1%lo", 9)), lambda: u.connect(("ff02::1", 9, 0, 0)),
    ]
    try:
        for f in calls:
            try:
                out.append(repr(f()))
            except Exception as e:  # noqa: BLE001
                out.append([type(e).__name__, getattr(e, "errno", None), str(e)])
    finally:
        sel.close()
        s.close()
        u.close()
    return out


@scenario("makefile newline='': a CR that EOF follows is a CR line end in f.newlines")
def _():
    out = []
    for delay in (0, 0.05):
        a, b = socket.socketpair()
        try:
            f = b.makefile("r", newline="")
            a.sendall(b"x\na\r")
            lines = []
            if delay:
                lines.append(f.readline())
                time.sleep(delay)
            a.shutdown(socket.SHUT_WR)
            lines += [f.readline() for _ in range(3 - len(lines))]
            out.append([lines, f.newlines])
            f.close()
        finally:
            a.close()
            b.close()
    return out


@scenario("shutdown() before connect (ENOTCONN) is kept: after connect a SHUT_WR one refuses sends, a later shutdown(SHUT_WR) still sends the FIN; SHUT_RD changes nothing")
def _():
    out = []
    l = socket.socket()
    l.bind(("127.0.0.1", 0))
    l.listen()
    try:
        for how in (socket.SHUT_WR, socket.SHUT_RD, socket.SHUT_RDWR):
            c = socket.socket()
            try:
                c.shutdown(how)
            except OSError as e:
                out.append(e.errno)
            c.connect(l.getsockname())
            a, _ = l.accept()
            a.sendall(b"cd")
            time.sleep(0.05)
            row = []
            for op in (lambda: c.send(b"ab"), lambda: c.recv(10), lambda: c.shutdown(socket.SHUT_WR), lambda: a.recv(10)):
                try:
                    row.append(repr(op()))
                except OSError as e:
                    row.append([type(e).__name__, e.errno])
            out.append(row)
            c.close()
            a.close()
    finally:
        l.close()
    return out


@scenario("connect again after the listener reset the connection (shutdown before accept): the reset itself, then ENOTCONN, EPIPE")
def _():
    out = []
    l = socket.socket()
    l.bind(("127.0.0.1", 0))
    l.listen()
    c = socket.socket()
    try:
        c.settimeout(0.1)
        c.connect(l.getsockname())
        l.shutdown(socket.SHUT_RD)
        time.sleep(0.05)
        for op in (lambda: c.connect(l.getsockname()), lambda: c.recv(10), lambda: c.send(b"x")):
            try:
                out.append(repr(op()))
            except OSError as e:
                out.append([type(e).__name__, e.errno])
    finally:
        c.close()
        l.close()
    return out


# ---------------------------------------------------------------- runner

def outcome(fn, is_timed):
    ELAPSED[0] = None
    out = {"cls": None, "errno": None, "msg": None, "value": None}
    try:
        out["value"] = fn()
    except Exception as e:  # noqa: BLE001
        out["cls"] = type(e).__name__
        n = getattr(e, "errno", None)
        out["errno"] = n if isinstance(n, int) else None
        out["msg"] = norm(str(e))
    if is_timed:
        out["elapsed"] = ELAPSED[0]
    return out


def main():
    only = sys.argv[1:]
    for name, fn, is_timed in SCENARIOS:
        if only and name not in only:
            continue
        RESULTS[name] = outcome(fn, is_timed)
    print(json.dumps(RESULTS, indent=1, sort_keys=False))


if __name__ == "__main__":
    main()
