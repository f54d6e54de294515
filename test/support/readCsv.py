"""Reads CSV files with pandas (as a user of suitcase-csv would) and prints, per file, one JSON line:
the columns in order, each with the dtype pandas gave it and its values. The argument is a JSON list of
{"path", "strings"}: the columns that hold text (CSV has no types: a text "4.21" reads as a float unless
pandas is told, as its users tell it with dtype=str). Integers are written as text (no
precision lost in JSON), floats as numbers or "NaN" / "inf" / "-inf", strings as text or null (a missing cell).
"""
import json
import math
import sys

import pandas


def value(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v) if not math.isfinite(v) else v
    return v


for item in json.loads(sys.argv[1]):
    path = item["path"]
    # pandas' default float parser is fast, not exact (off by one ulp at times); round_trip reads repr back.
    # An empty cell is an empty string (a string field), not NaN: pandas' default would make a column of empty
    # strings float64. NaN is written NaN.
    frame = pandas.read_csv(path, float_precision="round_trip", keep_default_na=False, na_values=["NaN"],
                            dtype={name: str for name in item["strings"]})
    columns = []
    for name in frame.columns:
        column = frame[name]
        values = [None if (isinstance(v, float) and math.isnan(v) and column.dtype == object) else v
                  for v in column.tolist()]
        columns.append({"name": name, "dtype": str(column.dtype), "values": [value(v) for v in values]})
    print(json.dumps({"path": path, "columns": columns}))
