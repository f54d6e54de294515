# Compares the Python types of the documents in an export with those of its source, as Python's json and
# msgpack read them: prints one JSON line {"documents", "matched", "differences": [...]}; exit 0 either way.
# Usage: compareTypes.py SOURCE EXPORT [SOURCE EXPORT ...] — each a .json / .jsonl / .msgpack file or a
# directory (every file in it, sorted); an export's documents are matched to the source's by name and uid.
# An export named *.metadata.json / *.metadata.msgpack is an HTTP metadata answer: its start and stop; one named
# *.table.<stream>.<run uid>.json is an HTTP table answer ({"column": [...]}), compared field by field with
# the source's events of that stream of that run: a field whose every value went in an int comes back ints, any other
# number field floats (a float64 column holds the ints of a mixed field as floats). Datum pages are compared
# datum by datum, so a json-seq answer (datums sent as pages) matches a source of datums.
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


def unpaged(pairs):
    """Datum and event pages as the datums and events they hold; every other document as it is."""
    for name, doc in pairs:
        if name == "event_page":
            for i, uid in enumerate(doc["uid"]):
                columns = {k: {f: values[i] for f, values in doc.get(k, {}).items()} for k in ("data", "timestamps", "filled")}
                yield "event", {"descriptor": doc["descriptor"], "uid": uid, "seq_num": doc["seq_num"][i], "time": doc["time"][i], **columns}
            continue
        if name != "datum_page":
            yield name, doc
            continue
        for i, datum_id in enumerate(doc["datum_id"]):
            kwargs = {k: values[i] for k, values in doc["datum_kwargs"].items()}
            yield "datum", {"resource": doc["resource"], "datum_id": datum_id, "datum_kwargs": kwargs}


def documents(path):
    yield from unpaged(raw_documents(path))


def raw_documents(path):
    if ".metadata." in os.path.basename(path):
        yield from metadata_documents(path)
        return
    if os.path.isdir(path):
        if os.path.isdir(os.path.join(path, "documents")):  # a databroker-pack directory
            path = os.path.join(path, "documents")
        for name in sorted(os.listdir(path)):
            if name.endswith((".json", ".jsonl", ".msgpack")):
                yield from raw_documents(os.path.join(path, name))
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


def number_kind(value):
    return "float" if isinstance(value, float) else "int" if isinstance(value, int) and not isinstance(value, bool) else None


def stream_field_kinds(source_path, stream, run):
    """For each field of the stream's events in the source: "int" if every number is an int, else "float"."""
    descriptors = set()
    kinds = {}
    for name, doc in documents(source_path):
        if name == "descriptor" and doc.get("name") == stream and doc.get("run_start") == run:
            descriptors.add(doc["uid"])
        if name in ("event", "event_page") and doc["descriptor"] in descriptors:
            for field, values in doc["data"].items():
                for value in values if name == "event_page" else [values]:
                    kind = number_kind(value)
                    if kind is not None:
                        kinds[field] = "float" if kinds.get(field) == "float" else kind
    return kinds


def compare_table(source_path, export_path, stream, run):
    with open(export_path, "rb") as handle:
        columns = json.loads(handle.read())
    report = {"documents": 0, "matched": 0, "differences": []}
    for field, kind in stream_field_kinds(source_path, stream, run).items():
        report["documents"] += 1
        if field not in columns:
            report["differences"].append(f"{field}: no column")
            continue
        report["matched"] += 1
        for row, value in enumerate(columns[field]):
            if value is not None and number_kind(value) != kind:
                report["differences"].append(f"{field}[{row}]: {type(value).__name__} {value!r}, the source's are {kind}s")
                break
    return report


def compare(source_path, export_path):
    base = os.path.basename(export_path)
    if ".table." in base:
        stream, run = base.split(".table.")[1].rsplit(".", 1)[0].split(".", 1)
        return compare_table(source_path, export_path, stream, run)
    sources = {key(name, doc): doc for name, doc in documents(source_path)}
    report = {"documents": 0, "matched": 0, "differences": [], "source_documents": len(sources)}
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
