#!/usr/bin/env python3
"""A Web Push endpoint for the VM test: HTTPS on a loopback port, answers 201 Created to every POST and records
each request as one line "METHOD PATH CONTENT-ENCODING BODY-LENGTH" in DIR/requests (bodies in DIR/bodies).

Usage: push-receiver.py HOST PORT DIR   (DIR holds cert.pem and key.pem)
"""
import http.server
import os
import ssl
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("content-length", "0"))
        body = self.rfile.read(length)
        encoding = self.headers.get("content-encoding", "-")
        with open(os.path.join(DIR, "bodies"), "ab") as f:
            f.write(body)
        with open(os.path.join(DIR, "requests"), "a") as f:
            f.write(f"POST {self.path} {encoding} {len(body)}\n")
        self.send_response(201)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, fmt, *args):
        sys.stderr.write(fmt % args + "\n")


HOST, PORT, DIR = sys.argv[1], int(sys.argv[2]), sys.argv[3]
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(os.path.join(DIR, "cert.pem"), os.path.join(DIR, "key.pem"))
server = http.server.HTTPServer((HOST, PORT), Handler)
server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
