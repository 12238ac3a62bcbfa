#!/usr/bin/env python3
"""Paired runs of two shell commands, for the ratios the targets name.

  paired.py RUNS OURS THEIRS [--prepare-ours COMMAND] [--prepare-theirs COMMAND] [--json FILE]

One warm-up of each, then RUNS rounds; each round runs both commands
back to back, alternating which goes first, so that a machine that speeds
up or slows down during the benchmark treats both alike. A round's ratio
is OURS / THEIRS, for wall time and for peak resident memory (for a
command of several programs, the largest of them). Prints the medians of both
commands and the median ratio of the rounds, as
`ours_s theirs_s time_ratio ours_mib theirs_mib memory_ratio`; --json
writes every round. A command's PREPARE runs before each of its runs,
untimed. A command
that fails stops the benchmark with its status.
"""
import json
import statistics
import subprocess
import sys
import tempfile
import time


def run(command, prepare):
    if prepare:
        subprocess.run(prepare, shell=True, check=True)
    # Peak memory from GNU time, a small C program: wait4 from this Python
    # would count the forked copy of Python before the exec. `%M` is the
    # larger of the process's own peak and its descendants' (bash waits for
    # every part of a command).
    with tempfile.NamedTemporaryFile("r") as report:
        start = time.perf_counter()
        status = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name, "bash", "-c", command],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        seconds = time.perf_counter() - start
        kib = report.read().split()[-1]
    if status != 0:
        sys.exit(f"paired.py: `{command[:200]}` failed with status {status}")
    return seconds, int(kib) / 1024


def main():
    args = sys.argv[1:]
    options = {}
    for flag in ["--prepare-ours", "--prepare-theirs", "--json"]:
        if flag in args:
            i = args.index(flag)
            options[flag] = args[i + 1]
            del args[i:i + 2]
    prepare = {"ours": options.get("--prepare-ours"), "theirs": options.get("--prepare-theirs")}
    export = options.get("--json")
    runs, ours, theirs = int(args[0]), args[1], args[2]
    run(ours, prepare["ours"])
    run(theirs, prepare["theirs"])
    rounds = []
    for r in range(runs):
        order = [("ours", ours), ("theirs", theirs)]
        if r % 2:
            order.reverse()
        measured = {name: run(command, prepare[name]) for name, command in order}
        rounds.append(measured)
    median = statistics.median
    ours_s = median(m["ours"][0] for m in rounds)
    theirs_s = median(m["theirs"][0] for m in rounds)
    time_ratio = median(m["ours"][0] / m["theirs"][0] for m in rounds)
    ours_mib = median(m["ours"][1] for m in rounds)
    theirs_mib = median(m["theirs"][1] for m in rounds)
    memory_ratio = median(m["ours"][1] / m["theirs"][1] for m in rounds)
    if export:
        with open(export, "w") as f:
            json.dump({"ours": ours, "theirs": theirs, "rounds": rounds}, f, indent=1)
    print(f"{ours_s:.4f} {theirs_s:.4f} {time_ratio:.4f} {ours_mib:.0f} {theirs_mib:.0f} {memory_ratio:.4f}")


if __name__ == "__main__":
    main()
