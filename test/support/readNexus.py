"""Reads NeXus files with h5py, independently of the TypeScript writer, and prints one JSON line per file.

For each file: the root and entry attributes, the NX_class of every group (by path), and every dataset
reached by walking the groups (hard links are walked as names of their own): numpy dtype name ("string"
for strings), shape, HDF5 chunk shape, attributes, whether it is the same HDF5 object as its `target`
attribute names, and its values (flat, NaN as null, JSON text parsed when the dataset has attr json).
Usage: readNexus.py [--no-values PREFIX]... FILE...
"""
import json
import math
import sys

import h5py
import numpy as np


def plain(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray):
        return [plain(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def dtype_name(dataset):
    if h5py.check_string_dtype(dataset.dtype) is not None:
        return "string"
    return dataset.dtype.name


def values_of(dataset):
    if h5py.check_string_dtype(dataset.dtype) is not None:
        data = dataset.asstr()[()]
        flat = [data] if isinstance(data, str) else [str(v) for v in np.asarray(data, dtype=object).ravel()]
        if "json" in dataset.attrs:
            return [json.loads(v) for v in flat]
        return flat
    return plain(np.asarray(dataset[()]).ravel())


def read(path, skipped):
    report = {"path": path, "groups": {}, "group_attrs": {}, "datasets": {}}
    with h5py.File(path, "r") as f:
        report["root"] = {k: plain(v) for k, v in f.attrs.items()}

        def walk(group, prefix):
            report["groups"][prefix or "/"] = plain(group.attrs.get("NX_class"))
            report["group_attrs"][prefix or "/"] = {k: plain(v) for k, v in group.attrs.items()}
            for name in group:
                child = group[name]
                where = f"{prefix}/{name}"
                if isinstance(child, h5py.Group):
                    walk(child, where)
                    continue
                attrs = {k: plain(v) for k, v in child.attrs.items()}
                entry = {
                    "dtype": dtype_name(child),
                    "shape": list(child.shape),
                    "chunks": list(child.chunks) if child.chunks else None,
                    "attrs": attrs,
                }
                if "target" in attrs:
                    entry["is_target"] = f[attrs["target"]] == child
                if not any(where.startswith(p) for p in skipped):
                    entry["values"] = values_of(child)
                report["datasets"][where] = entry

        walk(f, "")
    return report


def main(argv):
    skipped = []
    files = []
    args = iter(argv)
    for arg in args:
        if arg == "--no-values":
            skipped.append(next(args))
        else:
            files.append(arg)
    for path in files:
        print(json.dumps(read(path, skipped)))


if __name__ == "__main__":
    main(sys.argv[1:])
