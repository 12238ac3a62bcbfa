#!/usr/bin/env python3
"""Inputs, table and plots of the scale benchmarks (scripts/bench-scale.sh).

  scale.py googleapis CORPUS COPIES OUT
      googleapis COPIES times over: copy 0 is the corpus as it is, copy k
      renames every top-level package (`google` to `googlekK`, and so on:
      each as a word, everywhere, in file names too, so that its files,
      imports and references follow) and moves the
      numbers of the extensions it declares by K * 1,000,000, so that the
      copies' custom options do not collide on the descriptor.proto
      messages they all extend. google/protobuf stays shared. Writes
      OUT/args: the -I flags and every file, one per line.
  scale.py big MEGABYTES OUT
      one file of about MEGABYTES MB of messages with comments, maps,
      oneofs and references (OUT/big.proto), and OUT/args.
  scale.py big-stdout MEGABYTES
      the same file on standard output (scripts/bench-hostile.sh).
  scale.py tiny FILES OUT
      FILES tiny files, each importing one shared file, and OUT/args.
  scale.py report RESULTS SVG_DIR
      RESULTS has one line per measurement: SERIES SIZE UNIT SECONDS KIB.
      Prints a Markdown table with each step's growth beyond linear, per
      doubling of the input, and writes SVG_DIR/scale-SERIES.svg: time and
      peak memory against input size, with the proportional line through
      the largest point for reference. Exits 1 when a step grows more than
      1.2x per doubling beyond linear.
"""
import math
import os
import re
import sys

PACKAGE = re.compile(r"^\s*package\s+([A-Za-z_]\w*)", re.M)
EXTEND_START = re.compile(r"^\s*extend\s+[\w.]+\s*\{")
FIELD_NUMBER = re.compile(r"^(\s*(?:repeated\s+|optional\s+)?[\w.]+\s+\w+\s*=\s*)(\d+)")
EXTENSION_OFFSET = 1_000_000  # 525,000,001 + 7 copies stays under 2^29


def top_level_words(texts):
    """A pattern for the first components of the packages, as words,
    except `google` where it names google/protobuf (shared)."""
    words = sorted({m.group(1) for text in texts for m in PACKAGE.finditer(text)})
    return re.compile(r"\b(" + "|".join(words) + r")\b(?<!google(?=[./]protobuf\b))")


def renamed_copy(text, copy, words):
    """The text of one googleapis file for copy number `copy` (>= 1)."""
    text = words.sub(lambda m: f"{m.group(1)}k{copy}", text)
    lines = []
    in_extend = False
    for line in text.split("\n"):
        if EXTEND_START.match(line):
            in_extend = True
        elif in_extend and line.strip().startswith("}"):
            in_extend = False
        elif in_extend:
            line = FIELD_NUMBER.sub(
                lambda m: m.group(1) + str(int(m.group(2)) + copy * EXTENSION_OFFSET), line
            )
        lines.append(line)
    return "\n".join(lines)


def googleapis(corpus, copies, out):
    files = open(os.path.join(corpus, "googleapis-files.txt")).read().split()
    corpus = os.path.abspath(corpus)
    out = os.path.abspath(out)
    source = os.path.join(corpus, "googleapis")
    texts = {name: open(os.path.join(source, name), encoding="utf-8").read() for name in files}
    words = top_level_words(texts.values())
    names = list(files)
    for copy in range(1, copies):
        for name, text in texts.items():
            renamed = words.sub(lambda m: f"{m.group(1)}k{copy}", name)
            path = os.path.join(out, "copies", renamed)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(renamed_copy(text, copy, words))
            names.append(renamed)
    includes = [f"-I{source}", f"-I{os.path.join(out, 'copies')}", f"-I{os.path.join(corpus, 'protobuf')}"]
    write_args(out, includes, names)


def big_proto(megabytes):
    """About `megabytes` MB of proto3 text; also bench-hostile.sh's input."""
    target = int(megabytes * 1024 * 1024)
    out = ['syntax = "proto3";\npackage big;\n']
    size = len(out[0])
    i = 0
    while size < target:
        text = (f"// Message {i}: a comment that is kept in the source info.\n"
                f"message M{i} {{\n  string name = 1;\n  repeated int64 values = 2;\n"
                f"  map<string, int32> counts = 3;\n  M{max(i - 1, 0)} previous = 4;\n"
                f"  oneof choice {{ bytes raw = 5; double score = 6; }}\n}}\n")
        out.append(text)
        size += len(text)
        i += 1
    return "".join(out)


def big(megabytes, out):
    out = os.path.abspath(out)
    with open(os.path.join(out, "big.proto"), "w") as f:
        f.write(big_proto(megabytes))
    write_args(out, [f"-I{out}"], ["big.proto"])


def tiny(count, out):
    out = os.path.abspath(out)
    os.makedirs(os.path.join(out, "tiny"), exist_ok=True)
    with open(os.path.join(out, "tiny", "common.proto"), "w") as f:
        f.write('syntax = "proto3";\npackage tiny;\nmessage Id { string value = 1; }\n')
    names = []
    for i in range(count):
        name = f"tiny/f{i}.proto"
        with open(os.path.join(out, name), "w") as f:
            f.write(f'syntax = "proto3";\npackage tiny.p{i};\nimport "tiny/common.proto";\n'
                    f"message T{i} {{ tiny.Id id = 1; string name = 2; repeated int32 n = 3; }}\n")
        names.append(name)
    write_args(out, [f"-I{out}"], names)


LIMIT = 1.2  # growth beyond linear allowed per doubling of the input


def beyond_linear(size0, value0, size1, value1):
    """How much faster than the input a value grew, per doubling: 1 is
    linear, 2 is quadratic for one doubling."""
    doublings = math.log2(size1 / size0)
    return ((value1 / value0) / (size1 / size0)) ** (1 / doublings)


def report(results, svg_dir):
    series = {}
    for line in open(results):
        name, size, unit, seconds, kib = line.split()
        series.setdefault(name, []).append((float(size), unit, float(seconds), int(kib)))
    print("| series | input | time | peak memory | time beyond linear, per doubling | memory beyond linear, per doubling |")
    print("|---|---|---|---|---|---|")
    worst = 1.0
    for name, points in series.items():
        points.sort()
        for i, (size, unit, seconds, kib) in enumerate(points):
            cells = ["", ""]
            if i > 0:
                size0, _, seconds0, kib0 = points[i - 1]
                steps = [beyond_linear(size0, seconds0, size, seconds), beyond_linear(size0, kib0, size, kib)]
                worst = max(worst, *steps)
                cells = [f"{step:.2f}×" for step in steps]
            print(f"| {name} | {size:g} {unit} | {seconds:.3f} s | {kib / 1024:.0f} MiB | " + " | ".join(cells) + " |")
        with open(os.path.join(svg_dir, f"scale-{name}.svg"), "w") as f:
            f.write(plot(name, points))
    print()
    print(f"worst step: {worst:.2f}× per doubling beyond linear (limit {LIMIT}×)")
    return worst <= LIMIT


def plot(name, points):
    """Two panels, time and peak memory against input size, as SVG."""
    unit = points[0][1]
    panels = [("time (s)", [(p[0], p[2]) for p in points]),
              ("peak memory (MiB)", [(p[0], p[3] / 1024) for p in points])]
    width, height, margin = 360, 260, 50
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * width}" height="{height + 30}" '
             f'font-family="sans-serif" font-size="11">',
             f'<text x="{width}" y="16" text-anchor="middle" font-size="13">'
             f'protoc-rs, {name}: against input size ({unit})</text>']
    for panel, (label, values) in enumerate(panels):
        left = panel * width + margin
        top, bottom, right = 50, height - 10, (panel + 1) * width - 25
        max_x = max(x for x, _ in values)
        max_y = max(y for _, y in values) * 1.1

        def sx(x):
            return left + (right - left) * x / max_x

        def sy(y):
            return bottom - (bottom - top) * y / max_y
        parts.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="black"/>')
        parts.append(f'<line x1="{left}" y1="{bottom}" x2="{left}" y2="{top}" stroke="black"/>')
        parts.append(f'<text x="{left - 40}" y="{top - 12}">{label}</text>')
        for tick in range(5):
            y = max_y * tick / 4
            text = f"{y:.0f}" if max_y >= 20 else f"{y:.2f}"
            parts.append(f'<text x="{left - 5}" y="{sy(y) + 4:.1f}" text-anchor="end">{text}</text>')
        for x, _ in values:
            parts.append(f'<text x="{sx(x):.1f}" y="{bottom + 14}" text-anchor="middle">{x:g}</text>')
        last_x, last_y = values[-1]
        parts.append(f'<line x1="{sx(0):.1f}" y1="{sy(0):.1f}" x2="{sx(last_x):.1f}" y2="{sy(last_y):.1f}" '
                     f'stroke="gray" stroke-dasharray="4 3"/>')
        path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in values)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#1f77b4" stroke-width="2"/>')
        for x, y in values:
            parts.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="3" fill="#1f77b4"/>')
    parts.append(f'<text x="{width}" y="{height + 24}" text-anchor="middle" fill="gray">'
                 "dashed: proportional to the input, through the largest point</text>")
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def write_args(out, includes, names):
    with open(os.path.join(out, "args"), "w") as f:
        f.write("\n".join(includes + names) + "\n")


if __name__ == "__main__":
    kind = sys.argv[1]
    if kind == "googleapis":
        googleapis(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif kind == "big":
        big(float(sys.argv[2]), sys.argv[3])
    elif kind == "tiny":
        tiny(int(sys.argv[2]), sys.argv[3])
    elif kind == "report":
        sys.exit(0 if report(sys.argv[2], sys.argv[3]) else 1)
    elif kind == "big-stdout":
        sys.stdout.write(big_proto(float(sys.argv[2])))
    else:
        sys.exit(__doc__)
