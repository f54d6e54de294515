# Writes a mongodump folder of databroker's MongoDB layouts from document files, with pymongo's own bson
# module (Debian's python3-bson), as suitcase-mongo would have inserted the documents and mongodump dumped
# them: <out>/<db>/<collection>.bson (bson.encode records, concatenated) and <collection>.metadata.json.
# Python's float stays a BSON double and int an int32/int64, as pymongo writes them.
#
# Usage: writeMongoDump.py OUT LAYOUT [options] SOURCE... where LAYOUT is normalized or embedded and each
# SOURCE a .jsonl file, a .json array of [name, doc] pairs or a .msgpack file. Options (normalized):
#   --assets-db NAME      write resource/datum to a second db folder (databroker's asset registry)
#   --revisions           add run_start_revisions/run_stop_revisions records (an older version of each)
#   --old-resources       Resources without run_start, their datums referencing them by ObjectId
#   --reversed-events     each run's events in reverse order in event.bson (records moved since insertion)
#   --page-size N         (embedded) events / datums per page, default 4
import json
import os
import sys
import uuid

import bson
from bson.objectid import ObjectId


def read_pairs(path):
    if path.endswith(".jsonl"):
        with open(path) as handle:
            for line in handle:
                if line.strip():
                    yield tuple(json.loads(line))
    elif path.endswith(".json"):
        with open(path) as handle:
            for name, doc in json.load(handle):
                yield name, doc
    elif path.endswith(".msgpack"):
        import msgpack

        with open(path, "rb") as handle:
            for name, doc in msgpack.Unpacker(handle, raw=False):
                yield name, doc
    else:
        raise SystemExit(f"unknown source {path}")


def unpack_event_page(page):
    for i, uid in enumerate(page["uid"]):
        event = {
            "descriptor": page["descriptor"],
            "uid": uid,
            "seq_num": page["seq_num"][i],
            "time": page["time"][i],
            "data": {k: v[i] for k, v in page["data"].items()},
            "timestamps": {k: v[i] for k, v in page["timestamps"].items()},
            "filled": {k: v[i] for k, v in page.get("filled", {}).items()},
        }
        yield event


def unpack_datum_page(page):
    for i, datum_id in enumerate(page["datum_id"]):
        yield {
            "resource": page["resource"],
            "datum_id": datum_id,
            "datum_kwargs": {k: v[i] for k, v in page["datum_kwargs"].items()},
        }


def runs_of(paths):
    """Each run's documents in emission order, pages unpacked (suitcase-mongo normalized unpacks them)."""
    runs = {}
    order = []
    run_of_descriptor = {}
    run_of_resource = {}
    for path in paths:
        for name, doc in read_pairs(path):
            if name == "start":
                runs[doc["uid"]] = []
                order.append(doc["uid"])
                run = doc["uid"]
            elif name == "stop":
                run = doc["run_start"]
            elif name == "descriptor":
                run = doc["run_start"]
                run_of_descriptor[doc["uid"]] = run
            elif name in ("event", "event_page"):
                run = run_of_descriptor[doc["descriptor"]]
            elif name == "resource":
                run = doc.get("run_start") or order[-1]
                run_of_resource[doc["uid"]] = run
            elif name in ("datum", "datum_page"):
                run = run_of_resource[doc["resource"]]
            else:
                continue
            if name == "event_page":
                runs[run].extend(("event", event) for event in unpack_event_page(doc))
            elif name == "datum_page":
                runs[run].extend(("datum", datum) for datum in unpack_datum_page(doc))
            else:
                runs[run].append((name, doc))
    return [runs[uid] for uid in order]


class Dump:
    def __init__(self, out):
        self.out = out
        self.files = {}

    def insert(self, db, collection, doc):
        key = (db, collection)
        if key not in self.files:
            os.makedirs(os.path.join(self.out, db), exist_ok=True)
            self.files[key] = open(os.path.join(self.out, db, collection + ".bson"), "wb")
            meta = {
                "options": {},
                "indexes": [{"v": 2, "key": {"_id": 1}, "name": "_id_"}],
                "uuid": uuid.uuid4().hex,
                "collectionName": collection,
            }
            with open(os.path.join(self.out, db, collection + ".metadata.json"), "w") as handle:
                json.dump(meta, handle)
        record = {"_id": ObjectId()}
        record.update(doc)
        self.files[key].write(bson.encode(record))
        return record["_id"]

    def close(self):
        for handle in self.files.values():
            handle.close()


def write_normalized(dump, runs, assets_db, revisions, old_resources, reversed_events):
    db = "metadatastore"
    assets = assets_db or db
    for run in runs:
        resource_ids = {}
        if reversed_events:
            events = [pair for pair in run if pair[0] == "event"]
            run = [pair for pair in run if pair[0] != "event"] + events[::-1]
        for name, doc in run:
            if name == "start":
                if revisions:
                    older = dict(doc, plan_name="an earlier revision")
                    dump.insert(db, "run_start_revisions", {"revision": 0, "document": older})
                dump.insert(db, "run_start", doc)
            elif name == "stop":
                if revisions:
                    dump.insert(db, "run_stop_revisions", {"revision": 0, "document": dict(doc, reason="older")})
                dump.insert(db, "run_stop", doc)
            elif name == "descriptor":
                dump.insert(db, "event_descriptor", doc)
            elif name == "event":
                dump.insert(db, "event", doc)
            elif name == "resource":
                stored = dict(doc)
                if old_resources:
                    stored.pop("run_start", None)
                resource_ids[doc["uid"]] = dump.insert(assets, "resource", stored)
            elif name == "datum":
                stored = dict(doc)
                if old_resources:
                    stored["resource"] = resource_ids[doc["resource"]]
                dump.insert(assets, "datum", stored)


def pages(docs, size):
    for i in range(0, len(docs), size):
        yield i, docs[i : i + size]


def write_embedded(dump, runs, page_size):
    db = "datastore"
    for run in runs:
        header = {"run_id": None, "descriptors": [], "resources": []}
        events = {}
        datums = {}
        for name, doc in run:
            if name == "start":
                header["run_id"] = doc["uid"]
                header["start"] = [doc]
            elif name == "stop":
                header["stop"] = [doc]
            elif name == "descriptor":
                header["descriptors"].append(doc)
                events[doc["uid"]] = []
            elif name == "resource":
                header["resources"].append(doc)
                datums[doc["uid"]] = []
            elif name == "event":
                events[doc["descriptor"]].append(doc)
            elif name == "datum":
                datums[doc["resource"]].append(doc)
        header["event_count"] = sum(len(v) for v in events.values())
        header["datum_count"] = sum(len(v) for v in datums.values())
        for descriptor, docs in events.items():
            header["count_" + descriptor] = len(docs)
        dump.insert(db, "header", header)
        # Pages of every descriptor interleaved, as the serializer's bulk writes insert them.
        page_lists = [list(pages(docs, page_size)) for docs in events.values()]
        for round_ in range(max((len(p) for p in page_lists), default=0)):
            for descriptor, page_list in zip(events.keys(), page_lists):
                if round_ >= len(page_list):
                    continue
                first, chunk = page_list[round_]
                page = {"descriptor": descriptor, "size": 1000, "uid": [e["uid"] for e in chunk]}
                page["time"] = [e["time"] for e in chunk]
                page["seq_num"] = [e["seq_num"] for e in chunk]
                for column in ("data", "timestamps", "filled"):
                    keys = chunk[0].get(column, {}).keys()
                    if keys:
                        page[column] = {k: [e[column][k] for e in chunk] for k in keys}
                page["first_index"] = first
                page["last_index"] = first + len(chunk) - 1
                dump.insert(db, "event", page)
        for resource, docs in datums.items():
            for first, chunk in pages(docs, page_size):
                page = {"resource": resource, "size": 1000, "datum_id": [d["datum_id"] for d in chunk]}
                keys = chunk[0]["datum_kwargs"].keys()
                page["datum_kwargs"] = {k: [d["datum_kwargs"][k] for d in chunk] for k in keys}
                page["first_index"] = first
                page["last_index"] = first + len(chunk) - 1
                dump.insert(db, "datum", page)


def main(argv):
    out, layout = argv[0], argv[1]
    options = {"assets_db": None, "revisions": False, "old_resources": False, "reversed": False, "page_size": 4}
    sources = []
    args = iter(argv[2:])
    for arg in args:
        if arg == "--assets-db":
            options["assets_db"] = next(args)
        elif arg == "--revisions":
            options["revisions"] = True
        elif arg == "--old-resources":
            options["old_resources"] = True
        elif arg == "--reversed-events":
            options["reversed"] = True
        elif arg == "--page-size":
            options["page_size"] = int(next(args))
        else:
            sources.append(arg)
    runs = runs_of(sources)
    dump = Dump(out)
    try:
        if layout == "normalized":
            write_normalized(
                dump, runs, options["assets_db"], options["revisions"], options["old_resources"], options["reversed"]
            )
        else:
            write_embedded(dump, runs, options["page_size"])
    finally:
        dump.close()
    print(json.dumps({"runs": [run[0][1]["uid"] for run in runs]}))


if __name__ == "__main__":
    main(sys.argv[1:])
