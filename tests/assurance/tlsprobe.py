#!/usr/bin/env python3
"""TLS probes for tst_tlsserver.sh: what openssl s_client cannot send, and many handshakes in one process.

Each command prints one line per probe, starting with `refused` (the server answered with an alert or closed the
connection), `ACCEPTED` (it went on with the handshake) or `UNCLEAR` (neither: no answer, or the client could not
make its offer), then the probe and what happened.

  tlsprobe.py hello HOST PORT KIND...
      One hand-made ClientHello per KIND: tls12 (the control: the same bytes as sslv3 but for the version), sslv3,
      sslv2 (SSLv2 record format and version) or sslv2-tls12 (the SSLv2 format asking for TLS 1.2, the
      backward-compatible hello of RFC 5246 E.2). ACCEPTED means a ServerHello (of either format).
  tlsprobe.py suites HOST PORT SUITE...
      One TLS 1.2 handshake per suite (OpenSSL name), each offered alone at security level 0, through Python's ssl
      module (the same OpenSSL library as s_client, without a process per handshake).
  tlsprobe.py mitm HOST PORT MODE...
      A man in the middle: prints the port it listens on, then relays one connection per MODE, in turn, to
      HOST:PORT. With `flip` it changes one byte of the client's first record after its ChangeCipherSpec (the
      encrypted Finished, in TLS 1.2 and in TLS 1.3 with the compatibility ChangeCipherSpec); with `relay` it changes
      nothing. After each connection it prints `MODE flipped=0|1 server_after=<content types of the server's records
      after the flip> server_closed=0|1`.
"""


import os
import select
import socket
import ssl
import struct
import sys
import time

ANSWER_WAIT_S = 10

# Suites a client of each era offered (two-byte TLS ids; SSLv2 specs are three bytes).
LEGACY_SUITES = [0xC02B, 0xC02F, 0xC02C, 0xC030, 0xC013, 0xC014, 0x009C, 0x002F, 0x0035, 0x000A, 0x0005, 0x0004]
SSL2_SPECS = [0x010080, 0x020080, 0x030080, 0x040080, 0x050080, 0x060040, 0x0700C0]

ALERTS = {0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 40: "handshake_failure",
          42: "bad_certificate", 47: "illegal_parameter", 50: "decode_error", 70: "protocol_version",
          71: "insufficient_security", 80: "internal_error", 86: "inappropriate_fallback", 109: "missing_extension"}


def extension(kind, data):
    return struct.pack(">HH", kind, len(data)) + data


def vector(items, fmt=">H"):
    data = b"".join(struct.pack(">H", i) for i in items)
    return struct.pack(fmt, len(data)) + data


def tls_hello(version):
    """A ClientHello record in the TLS format; SSL 3.0 knew extensions too (RFC 5246 E.2), so only `version` differs."""
    suites = vector(LEGACY_SUITES + [0x00FF])       # with TLS_EMPTY_RENEGOTIATION_INFO_SCSV
    extensions = (extension(0x000A, vector([0x001D, 0x0017, 0x0018]))   # groups
                  + extension(0x000B, b"\x01\x00")                                                      # points
                  + extension(0x000D, vector([0x0403, 0x0503, 0x0804, 0x0805, 0x0401, 0x0501])))        # sigalgs
    body = (struct.pack(">H", version) + os.urandom(32) + b"\x00" + suites + b"\x01\x00"
            + struct.pack(">H", len(extensions)) + extensions)
    handshake = b"\x01" + struct.pack(">I", len(body))[1:] + body
    return b"\x16\x03\x00" + struct.pack(">H", len(handshake)) + handshake


def sslv2_format_hello(version, specs):
    """An SSLv2 CLIENT-HELLO record: msg type 1, version, spec/session-id/challenge lengths, specs, challenge."""
    spec_bytes = b"".join(struct.pack(">I", s)[1:] for s in specs)
    challenge = os.urandom(16)
    msg = (b"\x01" + struct.pack(">HHHH", version, len(spec_bytes), 0, len(challenge)) + spec_bytes + challenge)
    return struct.pack(">H", 0x8000 | len(msg)) + msg


def read_some(sock, n, deadline):
    data = b""
    while len(data) < n:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select([sock], [], [], left)
        if not ready:
            break
        try:
            chunk = sock.recv(n - len(data))
        except ConnectionResetError:
            return data, True
        if not chunk:
            return data, True
        data += chunk
    return data, False


def hello_answer(host, port, kind):
    if kind == "tls12":
        packet = tls_hello(0x0303)
    elif kind == "sslv3":
        packet = tls_hello(0x0300)
    elif kind == "sslv2":
        packet = sslv2_format_hello(0x0002, SSL2_SPECS)
    elif kind == "sslv2-tls12":
        packet = sslv2_format_hello(0x0303, SSL2_SPECS + LEGACY_SUITES)
    else:
        return "UNCLEAR", "unknown hello kind"
    with socket.create_connection((host, port), timeout=ANSWER_WAIT_S) as sock:
        sock.sendall(packet)
        answer, closed = read_some(sock, 7, time.monotonic() + ANSWER_WAIT_S)
    if not answer:
        return ("refused", "closed without an answer") if closed else ("UNCLEAR", "no answer in %d s" % ANSWER_WAIT_S)
    if answer[0] == 0x15 and len(answer) >= 7:
        return "refused", "alert %s (level %d, record version %02x%02x)" % (
            ALERTS.get(answer[6], str(answer[6])), answer[5], answer[1], answer[2])
    if answer[0] == 0x16 and len(answer) >= 6 and answer[5] == 2:
        return "ACCEPTED", "ServerHello (record version %02x%02x)" % (answer[1], answer[2])
    if answer[0] & 0x80 and len(answer) >= 3 and answer[2] == 4:
        return "ACCEPTED", "SSLv2 SERVER-HELLO"
    return "UNCLEAR", "unexpected answer " + answer.hex()


def hello(host, port, kinds):
    for kind in kinds:
        verdict, what = hello_answer(host, port, kind)
        print("%s %s: %s" % (verdict, kind, what), flush=True)
    return 0


def suite_answer(host, port, suite):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.set_ciphers(suite + ":@SECLEVEL=0")
    except ssl.SSLError as e:
        return "UNCLEAR", "the client cannot offer it: %s" % e
    try:
        with socket.create_connection((host, port), timeout=ANSWER_WAIT_S) as raw:
            with context.wrap_socket(raw, server_hostname="localhost") as tls:
                return "ACCEPTED", "negotiated %s %s" % (tls.version(), tls.cipher()[0])
    except ssl.SSLError as e:
        # An alert the server sent is reported as SSLV3_ALERT_* or TLSV1_ALERT_*; anything else is the client's.
        if e.reason and "_ALERT_" in e.reason:
            return "refused", "alert " + e.reason
        return "UNCLEAR", "client error %s" % e
    except (ConnectionResetError, ssl.SSLEOFError, EOFError) as e:
        return "refused", "closed (%s)" % e.__class__.__name__
    except OSError as e:
        return "UNCLEAR", "client error %s" % e


def suites(host, port, names):
    for name in names:
        verdict, what = suite_answer(host, port, name)
        print("%s %s: %s" % (verdict, name, what), flush=True)
    return 0


def records(buffer):
    """Splits complete TLS records off the front of buffer: ([(type, bytes)], rest)."""
    out = []
    while len(buffer) >= 5:
        length = struct.unpack(">H", buffer[3:5])[0]
        if len(buffer) < 5 + length:
            break
        out.append((buffer[0], buffer[:5 + length]))
        buffer = buffer[5 + length:]
    return out, buffer


def relay(client, server, mode):
    from_client = b""
    from_server = b""
    seen_ccs = False
    flipped = False
    server_after = []
    server_closed = False
    deadline = time.monotonic() + 30
    open_sides = {client, server}
    while open_sides and time.monotonic() < deadline:
        ready, _, _ = select.select(list(open_sides), [], [], 1)
        for sock in ready:
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                data = b""
            if sock is client:
                if not data:
                    open_sides.discard(client)
                    try:
                        server.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
                    continue
                from_client += data
                complete, from_client = records(from_client)
                for content_type, record in complete:
                    if seen_ccs and not flipped and mode == "flip":
                        middle = 5 + (len(record) - 5) // 2
                        record = record[:middle] + bytes([record[middle] ^ 0x01]) + record[middle + 1:]
                        flipped = True
                    elif content_type == 20:
                        seen_ccs = True
                    try:
                        server.sendall(record)
                    except OSError:
                        pass
            else:
                if not data:
                    server_closed = True
                    open_sides.clear()
                    break
                from_server += data
                complete, from_server = records(from_server)
                for content_type, record in complete:
                    if flipped:
                        server_after.append(content_type)
                    try:
                        client.sendall(record)
                    except OSError:
                        pass
    return "%s flipped=%d server_after=%s server_closed=%d" % (
        mode, flipped, ",".join(str(t) for t in server_after) or "none", server_closed)


def mitm(host, port, modes):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(60)
    print(listener.getsockname()[1], flush=True)
    for mode in modes:
        client, _ = listener.accept()
        server = socket.create_connection((host, port))
        summary = relay(client, server, mode)
        client.close()
        server.close()
        print(summary, flush=True)
    return 0


def main(argv):
    commands = {"hello": hello, "suites": suites, "mitm": mitm}
    if len(argv) >= 5 and argv[1] in commands:
        if argv[1] == "mitm" and any(m not in ("flip", "relay") for m in argv[4:]):
            print(__doc__, file=sys.stderr)
            return 2
        return commands[argv[1]](argv[2], int(argv[3]), argv[4:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
