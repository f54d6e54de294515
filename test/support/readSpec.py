"""Reads SPEC data files with the standard library only, the way SPEC-file readers (spec2nexus, PyMca) read
them: control lines start with `#`, names in #O and #L lines are separated by two spaces, data lines hold
numbers separated by whitespace. Prints, per file, one JSON line: the file header, then each scan's number,
command, labels, columns (floats; non-finite ones as their repr), #U texts, positioners (#O names with #P
values), #MD metadata and #C comments."""
import json
import math
import re
import sys

TWO_SPACES = re.compile(r"  +")


def number(text):
    value = float(text)
    return value if math.isfinite(value) else repr(value)


def read(path):
    header = {"O": [], "comments": []}
    scans = []
    scan = None
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for line in lines:
        if line == "":
            continue
        if not line.startswith("#"):
            for label, text in zip(scan["labels"], line.split()):
                scan["columns"][label].append(number(text))
            if len(line.split()) != len(scan["labels"]):
                raise ValueError(f"{path}: data line of {len(line.split())} values for {len(scan['labels'])} labels")
            scan["rows"] += 1
            continue
        key, _, rest = line.partition(" ")
        if key == "#S":
            number_text, _, command = rest.partition("  ")
            scan = {"number": int(number_text), "command": command, "labels": [], "columns": {}, "rows": 0,
                    "U": {}, "P": [], "MD": {}, "comments": [], "date": None}
            scans.append(scan)
        elif scan is None:
            if key in ("#F", "#E", "#D"):
                header[key[1:]] = rest
            elif key == "#C":
                header["comments"].append(rest)
            elif re.fullmatch(r"#O\d+", key):
                header["O"] += [name for name in TWO_SPACES.split(rest.strip()) if name]
        elif key == "#D":
            scan["date"] = rest
        elif key == "#L":
            scan["labels"] = TWO_SPACES.split(rest)
            scan["columns"] = {label: [] for label in scan["labels"]}
        elif key == "#N":
            scan["N"] = int(rest)
        elif key == "#U":
            row, name, text = (rest.split(" ", 2) + [""])[:3]
            scan["U"].setdefault(name, {})[row] = text
        elif re.fullmatch(r"#P\d+", key):
            scan["P"] += [number(v) for v in rest.split()]
        elif key == "#MD":
            name, _, value = rest.partition(" = ")
            scan["MD"][name] = value
        elif key == "#C":
            scan["comments"].append(rest)
    for s in scans:
        s["positioners"] = dict(zip(header["O"], s.pop("P")))
    return {"path": path, "header": header, "scans": scans}


for path in sys.argv[1:]:
    print(json.dumps(read(path)))
