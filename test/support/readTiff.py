"""Reads TIFF stacks with tifffile and prints, per file, one JSON line: the stack's shape and dtype (numpy's
name), whether it is a BigTIFF, its page count, and the SHA-256 of its pixels in C order, little-endian."""
import hashlib
import json
import sys

import numpy
import tifffile

for path in sys.argv[1:]:
    with tifffile.TiffFile(path) as tiff:
        stack = tiff.asarray(key=range(len(tiff.pages)))
        pages = len(tiff.pages)
        big = tiff.is_bigtiff
    if pages == 1:
        stack = stack.reshape((1,) + stack.shape)
    little = stack.astype(stack.dtype.newbyteorder("<"), copy=False)
    print(json.dumps({
        "path": path,
        "shape": list(stack.shape),
        "dtype": str(stack.dtype),
        "pages": pages,
        "bigtiff": big,
        "sha256": hashlib.sha256(numpy.ascontiguousarray(little).tobytes()).hexdigest(),
    }))
