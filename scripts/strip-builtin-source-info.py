#!/usr/bin/env python3
"""Clears, in place, the SourceCodeInfo of protoc's own files
(google/protobuf/...) in descriptor sets that protoc wrote with
--include_imports --include_source_info: their comments are protobuf's
text, which the project does not carry. Every other byte of meaning stays.
The regen scripts run it on the sets they commit.

Usage: scripts/strip-builtin-source-info.py SET.pb...
"""
import sys

from google.protobuf import descriptor_pb2


def strip(path):
    with open(path, "rb") as f:
        data = f.read()
    descriptor_set = descriptor_pb2.FileDescriptorSet()
    descriptor_set.ParseFromString(data)
    changed = False
    for file in descriptor_set.file:
        if file.name.startswith("google/protobuf/") and file.HasField("source_code_info"):
            file.ClearField("source_code_info")
            changed = True
    if changed:
        with open(path, "wb") as f:
            f.write(descriptor_set.SerializeToString(deterministic=True))


if __name__ == "__main__":
    for path in sys.argv[1:]:
        strip(path)
