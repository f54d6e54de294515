"""The pandas side of bench/muxing.bench.ts: reads the same float64 columns the bench aligned and resampled
(raw little-endian files), times pandas.merge_asof and resample inside Python (best of 3 after a warm-up,
as the bench's own timings) and prints one JSON line of seconds."""
import json
import sys
import time

import numpy as np
import pandas as pd

folder, fields = sys.argv[1], int(sys.argv[2])


def load(name):
    return np.fromfile(f"{folder}/{name}.f64", dtype="<f8")


primary = pd.DataFrame({"time": load("primary_time")})
baseline = pd.DataFrame({"time": load("baseline_time"), **{f"f{i}": load(f"baseline_f{i}") for i in range(fields)}})
samples = pd.DataFrame({"time": load("primary_time"), **{f"d{i}": load(f"primary_d{i}") for i in range(fields)}})


def best(work):
    work()
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    return min(times)


merge_previous = best(lambda: pd.merge_asof(primary, baseline, on="time", direction="backward"))
merge_nearest = best(lambda: pd.merge_asof(primary, baseline, on="time", direction="nearest"))
indexed = samples.set_index(pd.to_datetime(samples["time"], unit="s")).drop(columns="time")
resample = best(lambda: indexed.resample("1s", origin="epoch").mean())
print(json.dumps({"previous": merge_previous, "nearest": merge_nearest, "resample": resample}))
