#!/usr/bin/env python3
"""Searches files for secrets in every spelling a program could write them in, and prints each hit.

Usage: secretscan.py [--masked] SECRETS_DIR FILE...

SECRETS_DIR holds one file per secret (privacysession.sh writes them): NAME.txt a text secret, NAME.hex a binary
secret in hex, and optionally NAME.home, the path of the one file where that secret belongs (a server key's own key
file), which is not searched for it. Each secret is looked for as:
  - its bytes (UTF-8 for text), and UTF-16LE for text (a QString written raw);
  - hex, lower and upper case;
  - base64 and base64url at each of the three byte alignments (a secret inside a longer encoded blob), without the
    characters its neighbours would change; an alignment is skipped when fewer than 12 characters remain;
  - percent-encoded (a form or URL query), when that differs from the text.
Text secrets are also looked for in any letter case. With --masked, every form is also looked for XORed with a
repeating 4-byte key, as a WebSocket client masks what it sends (RFC 6455 section 5.3): a password in a client's frame
on an unencrypted connection is masked, not plain. Such a run matches when data[i] ^ data[i + 4] equals
secret[k] ^ secret[k + 4] all along, whatever the key. Exit status 1 when anything was found, 2 on bad input.
"""

import base64
import os
import sys
import urllib.parse


def encodings(value, is_text):
    forms = {"bytes": value}
    if is_text:
        forms["utf-16le"] = value.decode().encode("utf-16le")
        quoted = urllib.parse.quote(value.decode(), safe="").encode()
        if quoted != value:
            forms["percent-encoded"] = quoted
    forms["hex"] = value.hex().encode()
    forms["HEX"] = value.hex().upper().encode()
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + value)
        # The first group holds the padding bytes when shifted; the last one depends on what follows.
        start = 4 if shift else 0
        end = (len(b"\0" * shift + value) // 3) * 4
        middle = encoded[start:end]
        if len(middle) >= 12:
            forms[f"base64@{shift}"] = middle
            urlsafe = middle.replace(b"+", b"-").replace(b"/", b"_")
            if urlsafe != middle:
                forms[f"base64url@{shift}"] = urlsafe
    return forms


def xor4(data):
    """data[i] ^ data[i + 4]: the same for a run and for that run XORed with any repeating 4-byte key."""
    if len(data) <= 4:
        return b""
    n = len(data) - 4
    return (int.from_bytes(data[:n], "big") ^ int.from_bytes(data[4:], "big")).to_bytes(n, "big")


def masked_needle(needle):
    """The XOR-4 pattern of a form, or None when it is too short or too regular to mean anything."""
    pattern = xor4(needle)
    return pattern if len(pattern) >= 8 and sum(1 for b in pattern if b) >= 6 else None


def context(data, at, length):
    window = data[max(0, at - 40):at + length + 40]
    return "".join(chr(b) if 32 <= b < 127 else "." for b in window)


def load_secrets(directory):
    secrets = []
    for entry in sorted(os.listdir(directory)):
        name, kind = os.path.splitext(entry)
        if kind not in (".txt", ".hex"):
            continue
        with open(os.path.join(directory, entry), "rb") as f:
            raw = f.read()
        value = raw if kind == ".txt" else bytes.fromhex(raw.decode())
        if len(value) < 8:
            sys.exit(f"secretscan.py: secret {name} is shorter than 8 bytes; it would match by chance")
        home = os.path.join(directory, name + ".home")
        own = os.path.realpath(open(home).read()) if os.path.exists(home) else None
        secrets.append((name, kind == ".txt", own, encodings(value, kind == ".txt")))
    return secrets


def main():
    args = sys.argv[1:]
    masked = bool(args) and args[0] == "--masked"
    if masked:
        args = args[1:]
    if len(args) < 2:
        sys.exit("usage: secretscan.py [--masked] SECRETS_DIR FILE...")
    secrets = load_secrets(args[0])
    if not secrets:
        sys.exit("secretscan.py: no secrets to look for")
    hits = 0
    total = 0
    for path in args[1:]:
        with open(path, "rb") as f:
            data = f.read()
        total += len(data)
        lower = data.lower()
        differences = xor4(data) if masked else b""
        for name, is_text, own, forms in secrets:
            if own == os.path.realpath(path):
                continue
            for form, needle in forms.items():
                at = data.find(needle)
                if at < 0 and is_text and form in ("bytes", "utf-16le"):
                    at = lower.find(needle.lower())
                if at >= 0:
                    print(f"FOUND {name} ({form}) in {path} at byte {at}: ...{context(data, at, len(needle))}...")
                    hits += 1
                    continue
                pattern = masked_needle(needle) if masked else None
                at = differences.find(pattern) if pattern else -1
                if at >= 0:
                    print(f"FOUND {name} ({form}, masked) in {path} at byte {at}")
                    hits += 1
    print(f"secretscan: {len(secrets)} secrets, {len(args) - 1} files, {total} bytes searched, {hits} hits")
    sys.exit(1 if hits else 0)


if __name__ == "__main__":
    main()
