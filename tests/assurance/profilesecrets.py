#!/usr/bin/env python3
"""Prints the secrets a parley profile holds, one "NAME HEX" line each: the private scalars of the keystore (root
key, device key, one-time and last-resort prekeys) and the resumption credential. Decrypts the files as
shared/sdk/profile.cpp does, with the passphrase in $PARLEY_PASSPHRASE:

  key      = scrypt(passphrase, salt, n, r, p, 32)                    (the parameters are in keystore.cbor)
  keystore = HKDF-SHA-512(key, salt = none, info = "parley-profile-keystore-v1", 32)
  state    = HKDF-SHA-512(key, salt = none, info = "parley-profile-state-v1", 32)
  box      = {"v": 1, "nonce": 12 bytes, "ct": AES-256-GCM ciphertext || tag}

Only the standard library and the openssl command: AES-GCM's keystream is AES-CTR from the counter block
nonce || 00000002, so the ciphertext is opened with `openssl enc -aes-256-ctr` (the tag is not checked; a wrong key
shows as CBOR that does not parse, which fails here).

Usage: profilesecrets.py PROFILE_DIR
"""

import hashlib
import hmac
import os
import subprocess
import sys


def cbor_decode(data):
    """A minimal CBOR decoder for the profile files: integers, byte and text strings, arrays, maps, definite and
    indefinite lengths, simple values."""
    pos = 0

    def head():
        nonlocal pos
        initial = data[pos]
        pos += 1
        major, info = initial >> 5, initial & 31
        if info < 24:
            return major, info
        if info == 31:
            return major, None
        size = {24: 1, 25: 2, 26: 4, 27: 8}[info]
        value = int.from_bytes(data[pos:pos + size], "big")
        pos += size
        return major, value

    def item():
        nonlocal pos
        major, arg = head()
        if major == 0:
            return arg
        if major == 1:
            return -1 - arg
        if major in (2, 3):
            if arg is None:
                chunks = []
                while data[pos] != 0xff:
                    chunks.append(item())
                pos += 1
                joined = b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks)
                return joined if major == 2 else joined.decode()
            raw = data[pos:pos + arg]
            pos += arg
            return raw if major == 2 else raw.decode()
        if major == 4:
            out = []
            if arg is None:
                while data[pos] != 0xff:
                    out.append(item())
                pos += 1
            else:
                out = [item() for _ in range(arg)]
            return out
        if major == 5:
            out = {}
            if arg is None:
                while data[pos] != 0xff:
                    key = item()
                    out[key] = item()
                pos += 1
            else:
                for _ in range(arg):
                    key = item()
                    out[key] = item()
            return out
        if major == 6:
            return item()
        return {20: False, 21: True, 22: None}.get(arg, arg)

    value = item()
    if pos != len(data):
        raise ValueError("trailing bytes after the CBOR item")
    return value


def hkdf_sha512(ikm, info, length):
    prk = hmac.new(b"\0" * 64, ikm, hashlib.sha512).digest()
    okm, block, counter = b"", b"", 1
    while len(okm) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha512).digest()
        okm += block
        counter += 1
    return okm[:length]


def open_box(key, box):
    if box.get("v") != 1 or len(box.get("nonce", b"")) != 12:
        raise ValueError("not a sealed box")
    ciphertext = box["ct"][:-16]
    iv = box["nonce"] + b"\0\0\0\2"
    return subprocess.run(["openssl", "enc", "-d", "-aes-256-ctr", "-nopad", "-K", key.hex(), "-iv", iv.hex()],
                          input=ciphertext, stdout=subprocess.PIPE, check=True).stdout


def main():
    profile = sys.argv[1]
    passphrase = os.environ["PARLEY_PASSPHRASE"].encode()
    with open(os.path.join(profile, "keystore.cbor"), "rb") as f:
        keystore_file = cbor_decode(f.read())
    kdf = keystore_file["kdf"]
    master = hashlib.scrypt(passphrase, salt=kdf["salt"], n=kdf["n"], r=kdf["r"], p=kdf["p"],
                            maxmem=256 * kdf["r"] * kdf["n"] + (1 << 20), dklen=32)
    keys = cbor_decode(open_box(hkdf_sha512(master, b"parley-profile-keystore-v1", 32), keystore_file["box"]))
    found = 0
    for name in ("root", "device"):
        if name in keys:
            print(f"{name}-key {keys[name].hex()}")
            found += 1
    for record in keys.get("otk", []):
        print(f"prekey-{record[0]} {record[1].hex()}")
        found += 1
    for record in keys.get("lr", []):
        print(f"last-resort-{record[0]} {record[1].hex()}")
        found += 1
    resume_path = os.path.join(profile, "resume.cbor")
    if os.path.exists(resume_path):
        with open(resume_path, "rb") as f:
            box = cbor_decode(f.read())
        state_key = hkdf_sha512(master, b"parley-profile-state-v1", 32)
        resume = cbor_decode(open_box(state_key, box))
        if isinstance(resume, dict) and "cred" in resume:
            print(f"resume-credential {resume['cred'].hex()}")
    if "device" not in keys or found < 2:
        sys.exit(f"profilesecrets.py: {profile}: no device key or prekeys in the keystore")


if __name__ == "__main__":
    main()
