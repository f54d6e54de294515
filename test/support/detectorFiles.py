# Writes the detector files the bluesky-tiled-plugins fixtures name (dataset.h5 with /entry/data/data_1 and
# data_2, tiff_files/img_0000N.tif) with random values into the folder argv[1], then reads them back with h5py
# and tifffile and prints, as JSON, each field's statistics as numpy computes them: what `databroker index`
# must store (min, max and sum over every number; each frame's own sum and mean, their least and greatest).
import json
import os
import sys

import h5py
import numpy as np
import tifffile

root = sys.argv[1]
rng = np.random.default_rng(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
os.makedirs(os.path.join(root, "tiff_files"), exist_ok=True)
with h5py.File(os.path.join(root, "dataset.h5"), "w") as f:
    f["/entry/data/data_1"] = rng.normal(size=(3,)).astype("<f8")
    f["/entry/data/data_2"] = rng.integers(0, 60000, size=(3, 13, 17)).astype("<i8")
for i in range(3):
    tifffile.imwrite(os.path.join(root, "tiff_files", f"img_{i:05d}.tif"), rng.integers(0, 256, size=(10, 15)).astype("u1"))


def stats(frames):
    flat = frames.reshape(len(frames), -1).astype("f8")
    sums = flat.sum(axis=1)
    means = flat.mean(axis=1)
    return {
        "events": len(frames),
        "count": int(flat.size),
        "min": float(flat.min()),
        "max": float(flat.max()),
        "sum": float(flat.sum()),
        "shape": list(frames.shape[1:]),
        "sumMin": float(sums.min()),
        "sumMax": float(sums.max()),
        "meanMin": float(means.min()),
        "meanMax": float(means.max()),
    }


with h5py.File(os.path.join(root, "dataset.h5"), "r") as f:
    key1 = f["/entry/data/data_1"][...]
    key2 = f["/entry/data/data_2"][...]
key3 = np.stack([tifffile.imread(os.path.join(root, "tiff_files", f"img_{i:05d}.tif")) for i in range(3)])
print(json.dumps({"det-key1": stats(key1), "det-key2": stats(key2), "det-key3": stats(key3)}))
