"""Checks `databroker table --align` output as a pandas user would: reads the primary stream's CSV, the other
stream's CSV and the aligned CSV, computes pandas.merge_asof of each of the other stream's number fields
(its NaN readings dropped first, as databroker documents), and prints one JSON line: the aligned CSV's
columns and, per field, whether pandas' values equal the aligned CSV's to the bit.

argv: primary.csv other.csv aligned.csv method tolerance|"" prefix
"""
import json
import sys

import numpy as np
import pandas as pd

primary_path, other_path, aligned_path, method, tolerance, prefix = sys.argv[1:7]
read = dict(float_precision="round_trip", keep_default_na=False, na_values=["NaN", ""])
primary = pd.read_csv(primary_path, **read)
other = pd.read_csv(other_path, **read)
aligned = pd.read_csv(aligned_path, **read)
direction = {"previous": "backward", "next": "forward", "nearest": "nearest"}[method]
fields = [name for name in other.columns if name not in ("seq_num", "time") and other[name].dtype.kind in "fi"]
equal = {}
for field in fields:
    kept = other.loc[other[field].notna(), ["time", field]].sort_values("time", kind="stable")
    merged = pd.merge_asof(primary[["time"]].astype(float), kept.astype({"time": float}), on="time",
                           direction=direction, tolerance=float(tolerance) if tolerance else None)
    ours = aligned[f"{prefix}.{field}"].to_numpy(dtype=float)
    theirs = merged[field].to_numpy(dtype=float)
    equal[field] = bool(np.array_equal(ours, theirs, equal_nan=True))
print(json.dumps({"columns": list(aligned.columns), "rows": len(aligned), "equal": equal}))
