"""Checks `databroker table --resample/--bin-by` output as a pandas user would: reads the stream's CSV and
the binned CSV, bins the stream with pd.cut(right=False) on numpy's edges (arange * every on an epoch-aligned
grid, or linspace over the field's range with its largest value in the last bin), groupby(observed=False)
and the aggregate, and prints one JSON line: the binned CSV's columns and, per number field, whether
pandas' values equal the CSV's to the bit.

argv: stream.csv binned.csv field every|"" bins|"" agg
"""
import json
import math
import sys

import numpy as np
import pandas as pd

stream_path, binned_path, field, every, bins, agg = sys.argv[1:7]
read = dict(float_precision="round_trip", keep_default_na=False, na_values=["NaN", ""])
stream = pd.read_csv(stream_path, **read)
binned = pd.read_csv(binned_path, **read)
values = stream[field].astype(float)
if every:
    step = float(every)
    first, last = math.floor(values.min() / step), math.floor(values.max() / step)
    edges = np.arange(first, last + 2) * step
else:
    edges = np.linspace(values.min(), values.max(), int(bins) + 1)
codes = pd.cut(values, edges, right=False, labels=False)
if not every:
    codes = np.where(values.to_numpy() == edges[-1], len(edges) - 2, codes)
groups = stream.groupby(pd.Categorical(codes, categories=range(len(edges) - 1)), observed=False)
fields = [n for n in stream.columns if n not in ("seq_num", field) and stream[n].dtype.kind == "f"]
equal = {}
for name in fields:
    theirs = getattr(groups[name], agg)().to_numpy(dtype=float)
    ours = binned[name].to_numpy(dtype=float)
    equal[name] = bool(len(theirs) == len(ours) and np.array_equal(ours, theirs, equal_nan=True))
left = binned[field].to_numpy(dtype=float)
print(json.dumps({"columns": list(binned.columns), "rows": len(binned), "equal": equal,
                  "edges": bool(np.array_equal(left, edges[:-1]))}))
