#!/usr/bin/env python3
"""Removes, in place, the SourceCodeInfo of protoc's own files
(google/protobuf/...) from CodeGeneratorRequests that protoc wrote: their
comments are protobuf's text, which the project does not carry, and
protoc-rs's built-in copies of those files have none. It works on the wire
format, dropping field 9 of each such file in `proto_file` (15) and
`source_file_descriptors` (17) and keeping every other byte as protoc wrote
it, so the rest of the request stays protoc's exact encoding.

Usage: scripts/strip-builtin-request-source-info.py REQUEST.bin...
"""
import sys


def varint(data, at):
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def encode_varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def fields(data):
    """(number, wire type, the field's bytes, its payload) in order."""
    at = 0
    while at < len(data):
        start = at
        key, at = varint(data, at)
        number, kind = key >> 3, key & 7
        if kind == 0:
            _, at = varint(data, at)
            payload = None
        elif kind == 1:
            at += 8
            payload = None
        elif kind == 2:
            length, at = varint(data, at)
            payload = data[at:at + length]
            at += length
        elif kind == 5:
            at += 4
            payload = None
        else:
            raise ValueError(f"wire type {kind} at {start}")
        yield number, kind, data[start:at], payload


def strip_file(file):
    name = next((p for n, k, _, p in fields(file) if n == 1 and k == 2), b"")
    if not name.startswith(b"google/protobuf/"):
        return file
    return b"".join(raw for n, k, raw, _ in fields(file) if not (n == 9 and k == 2))


def strip(path):
    with open(path, "rb") as f:
        data = f.read()
    out = bytearray()
    for number, kind, raw, payload in fields(data):
        if kind == 2 and number in (15, 17):
            file = strip_file(payload)
            out += encode_varint(number << 3 | 2) + encode_varint(len(file)) + file
        else:
            out += raw
    if bytes(out) != data:
        with open(path, "wb") as f:
            f.write(out)


if __name__ == "__main__":
    for path in sys.argv[1:]:
        strip(path)
