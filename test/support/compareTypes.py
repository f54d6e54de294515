# Compares the Python types of the documents in an export with those of its source, as Python's json and
# msgpack read them: prints one JSON line {"documents", "matched", "differences": [...]}; exit 0 either way.
# Usage: compareTypes.py SOURCE EXPORT [SOURCE EXPORT ...] — each a .json / .jsonl / .msgpack file or a
# directory (every file in it, sorted); an export's documents are matched to the source's by name and uid.
# An export named *.metadata.json / *.metadata.msgpack is an HTTP metadata answer: its start and stop.
import json
import math
import os
import sys

import msgpack


def metadata_documents(path):
    """The start and stop of an HTTP metadata answer (JSON or msgpack), as [name, doc] pairs."""
    with open(path, "rb") as handle:
        data = handle.read()
    body = msgpack.unpackb(data, raw=False, strict_map_key=False) if path.endswith(".msgpack") else json.loads(data)
    metadata = body["data"]["attributes"]["metadata"]
    for name in ("start", "stop"):
        if metadata.get(name):
            yield name, metadata[name]


def documents(path):
    if ".metadata." in os.path.basename(path):
        yield from metadata_documents(path)
        return
    if os.path.isdir(path):
        if os.path.isdir(os.path.join(path, "documents")):  # a databroker-pack directory
            path = os.path.join(path, "documents")
        for name in sorted(os.listdir(path)):
            if name.endswith((".json", ".jsonl", ".msgpack")):
                yield from documents(os.path.join(path, name))
        return
    with open(path, "rb") as handle:
        data = handle.read()
    if path.endswith(".msgpack") or data[:1] not in (b"[", b"{", b" ", b"\n", b"\r", b"\t"):
        yield from unpack_all(data)
        return
    text = data.decode("utf-8")
    try:
        whole = json.loads(text)
    except ValueError:
        whole = None
    lines = [json.loads(line) for line in text.splitlines() if line.strip()] if whole is None else whole
    for pair in lines:
        yield (pair["name"], pair["doc"]) if isinstance(pair, dict) else tuple(pair)


def unpack_all(data):
    unpacker = msgpack.Unpacker(raw=False, strict_map_key=False)
    unpacker.feed(data)
    for pair in unpacker:
        yield tuple(pair)


def key(name, doc):
    ident = doc.get("uid", doc.get("datum_id"))
    return name, json.dumps(ident)


def differences(source, export, path, found):
    if isinstance(source, dict) and isinstance(export, dict):
        for k in source.keys() | export.keys():
            if k not in source or k not in export:
                found.append(f"{path}/{k}: key only in {'export' if k in export else 'source'}")
            else:
                differences(source[k], export[k], f"{path}/{k}", found)
    elif isinstance(source, list) and isinstance(export, list) and len(source) == len(export):
        for i, (a, b) in enumerate(zip(source, export)):
            differences(a, b, f"{path}/{i}", found)
    elif type(source) is not type(export):
        found.append(f"{path}: {type(source).__name__} {source!r} became {type(export).__name__} {export!r}")
    elif isinstance(source, float) and not (source == export or math.isnan(source) and math.isnan(export)):
        found.append(f"{path}: {source!r} became {export!r}")


def compare(source_path, export_path):
    sources = {key(name, doc): doc for name, doc in documents(source_path)}
    report = {"documents": 0, "matched": 0, "differences": []}
    for name, doc in documents(export_path):
        report["documents"] += 1
        source = sources.get(key(name, doc))
        if source is None:
            report["differences"].append(f"{name} {key(name, doc)[1]}: not in the source")
            continue
        report["matched"] += 1
        found = []
        differences(source, doc, name, found)
        report["differences"].extend(found)
    return report


if __name__ == "__main__":
    arguments = sys.argv[1:]
    for i in range(0, len(arguments), 2):
        print(json.dumps({"source": arguments[i], "export": arguments[i + 1], **compare(arguments[i], arguments[i + 1])}))
