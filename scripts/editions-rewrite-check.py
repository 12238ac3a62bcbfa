#!/usr/bin/env python3
"""Checks that editions-rewritten files mean what the originals mean.

Usage: editions-rewrite-check.py ORIGINAL.pb REWRITTEN.pb [FILE...]

Both are descriptor sets written by protoc 35 with --include_imports,
--include_source_info and --retain_options (without it, features of source
retention such as 2024's naming style are dropped), of the original
proto2/proto3 files and of their rewrites (xtask editions-rewrite). For each FILE (default: every file that
is proto2/proto3 in ORIGINAL and in editions in REWRITTEN), and each field,
extension, message, enum, enum value, oneof, service and method in it, the
check compares:

- what a field is: number, type (a group stays TYPE_GROUP), label,
  has_presence, is_packed, is_required, its message or enum type (and
  whether that enum is closed), its real oneof, default, JSON name;
- the fully resolved core features (python's pool does not resolve
  language ones such as `pb.cpp`), which decide everything else (UTF-8
  checks, JSON, enum closedness, message encoding);
- the comments protoc records for the element: leading, trailing and
  leading detached, which generated code turns into doc comments.

Prints each difference and a count; exits 1 if there is any.
Needs python protobuf (grpcio-tools brings it).
"""

import sys

from google.protobuf import descriptor_pb2, descriptor_pool

# Full names of proto3 `optional`'s synthetic oneofs, and of its fields
# (whose resolved features protoc leaves IMPLICIT: the synthetic oneof gives
# them presence).
SYNTHETIC = set()
PROTO3_OPTIONAL = set()


def load(path):
    fds = descriptor_pb2.FileDescriptorSet.FromString(open(path, "rb").read())
    pool = descriptor_pool.DescriptorPool()
    for f in fds.file:
        pool.AddSerializedFile(f.SerializeToString())
        note_synthetic(f)
    return pool, {f.name: f for f in fds.file}


def features(d):
    fs = d._GetFeatures()
    return str(fs).strip().replace("\n", "; ")


def note_synthetic(fdp):
    def walk(scope, messages):
        for m in messages:
            name = f"{scope}.{m.name}" if scope else m.name
            for f in m.field:
                if f.proto3_optional and f.HasField("oneof_index"):
                    SYNTHETIC.add(f"{name}.{m.oneof_decl[f.oneof_index].name}")
                    PROTO3_OPTIONAL.add(f"{name}.{f.name}")
            walk(name, m.nested_type)

    walk(fdp.package, fdp.message_type)


def field_facts(f):
    oneof = f.containing_oneof
    real_oneof = None
    if oneof is not None and oneof.full_name not in SYNTHETIC:
        real_oneof = oneof.name
    facts = {
        "number": f.number,
        "type": f.type,
        "repeated": f.is_repeated,
        "has_presence": f.has_presence,
        "is_packed": f.is_packed,
        "is_required": f.is_required,
        "message_type": f.message_type.full_name if f.message_type else None,
        "enum_type": f.enum_type.full_name if f.enum_type else None,
        "enum_closed": f.enum_type.is_closed if f.enum_type else None,
        "oneof": real_oneof,
        "has_default": f.has_default_value,
        "default": repr(f.default_value) if f.has_default_value else None,
        "json_name": f.json_name,
        "extendee": f.containing_type.full_name if f.is_extension else None,
        "scope": f.extension_scope.full_name if f.is_extension and f.extension_scope else None,
        "features": features(f),
    }
    if f.full_name in PROTO3_OPTIONAL:
        facts["features"] = facts["features"].replace(
            "field_presence: IMPLICIT", "field_presence: EXPLICIT"
        )
    return facts


def walk_message(m, out):
    out[("message", m.full_name)] = {
        "features": features(m),
        "map_entry": m.GetOptions().map_entry,
        "fields": [f.name for f in m.fields],
        "nested": [n.name for n in m.nested_types],
        "oneofs": [o.name for o in m.oneofs if o.full_name not in SYNTHETIC],
    }
    for f in m.fields:
        out[("field", f.full_name)] = field_facts(f)
    for e in m.extensions:
        out[("extension", e.full_name)] = field_facts(e)
    for o in m.oneofs:
        if o.full_name in SYNTHETIC:
            continue
        out[("oneof", o.full_name)] = {"features": features(o)}
    for e in m.enum_types:
        walk_enum(e, out)
    for n in m.nested_types:
        walk_message(n, out)


def walk_enum(e, out):
    out[("enum", e.full_name)] = {"closed": e.is_closed, "features": features(e)}
    for v in e.values:
        out[("value", e.full_name + "." + v.name)] = {"number": v.number, "features": features(v)}


def facts_of(pool, name):
    fd = pool.FindFileByName(name)
    out = {("file", name): {"package": fd.package, "features": features(fd)}}
    for m in fd.message_types_by_name.values():
        walk_message(m, out)
    for e in fd.enum_types_by_name.values():
        walk_enum(e, out)
    for x in fd.extensions_by_name.values():
        out[("extension", x.full_name)] = field_facts(x)
    for s in fd.services_by_name.values():
        out[("service", s.full_name)] = {"features": features(s)}
        for m in s.methods:
            out[("method", m.full_name)] = {
                "input": m.input_type.full_name,
                "output": m.output_type.full_name,
                "features": features(m),
            }
    return out


def comments_of(fdp):
    """Element key -> list of (leading, trailing, detached) recorded for it."""
    pkg = fdp.package

    def qual(scope, name):
        return (scope + "." if scope else "") + name

    def name_of(path):
        # Walks a source path to the element it names, if it names one.
        scope, node, kind = pkg, fdp, "file"
        i = 0
        if not path:
            return None
        while i < len(path):
            tag = path[i]
            index = path[i + 1] if i + 1 < len(path) else None
            if kind == "file":
                if tag == 2 and len(path) == 1:
                    return ("package", "")
                if tag in (12, 14) and len(path) == 1:
                    return ("syntax", "")
                if tag == 3 and index is not None and len(path) == 2:
                    return ("import", fdp.dependency[index])
                if tag == 7 and len(path) == 1:
                    return ("extend-block", scope)
                table = {4: ("message", fdp.message_type), 5: ("enum", fdp.enum_type),
                         6: ("service", fdp.service), 7: ("extension", fdp.extension)}
            elif kind == "message":
                if tag == 6 and len(path) == i + 1:
                    return ("extend-block", scope)
                table = {2: ("field", node.field), 3: ("message", node.nested_type),
                         4: ("enum", node.enum_type), 6: ("extension", node.extension),
                         8: ("oneof", node.oneof_decl)}
            elif kind == "enum":
                table = {2: ("value", node.value)}
            elif kind == "service":
                table = {2: ("method", node.method)}
            else:
                return None
            if tag not in table or index is None:
                return None
            k, items = table[tag]
            item = items[index]
            if k == "oneof" and any(
                f.oneof_index == index and f.proto3_optional for f in node.field
            ):
                return None  # proto3 optional's synthetic oneof
            full = qual(scope, item.name)
            if i + 2 == len(path):
                return (k, full)
            scope, node, kind = full, item, k
            i += 2
        return None

    out = {}
    for loc in fdp.source_code_info.location:
        if not (loc.leading_comments or loc.trailing_comments or loc.leading_detached_comments):
            continue
        key = name_of(list(loc.path))
        if key is None:
            continue
        out.setdefault(key, []).append(
            (loc.leading_comments, loc.trailing_comments, tuple(loc.leading_detached_comments))
        )
    return out


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    original, original_files = load(sys.argv[1])
    rewritten, rewritten_files = load(sys.argv[2])
    names = sys.argv[3:] or [
        n
        for n, f in rewritten_files.items()
        if f.syntax == "editions"
        and n in original_files
        and original_files[n].syntax != "editions"
    ]
    differences = 0
    elements = 0
    commented = 0
    for name in names:
        a, b = facts_of(original, name), facts_of(rewritten, name)
        for key in sorted(set(a) | set(b)):
            elements += 1
            if key not in a or key not in b:
                differences += 1
                where = "rewrite" if key in b else "original"
                print(f"{name}: {key[0]} {key[1]}: only in the {where}")
                continue
            for fact in sorted(set(a[key]) | set(b[key])):
                if a[key].get(fact) != b[key].get(fact):
                    differences += 1
                    was, now = a[key].get(fact), b[key].get(fact)
                    print(f"{name}: {key[0]} {key[1]}: {fact}: {was!r} != {now!r}")
        ca, cb = comments_of(original_files[name]), comments_of(rewritten_files[name])
        for key in sorted(set(ca) | set(cb)):
            commented += 1
            if ca.get(key) != cb.get(key):
                differences += 1
                was, now = ca.get(key), cb.get(key)
                print(f"{name}: comments of {key[0]} {key[1]}: {was!r} != {now!r}")
    print(f"{len(names)} files, {elements} elements, {commented} with comments: {differences} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
