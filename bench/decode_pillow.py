#!/usr/bin/python3
"""Decode-only floor: Pillow decodes every PNG of the given folders and computes nothing else.

The bench's lower bound for a whole evaluation: reading the files is work any implementation must do.
Pillow's PNG decoder is C (zlib inflate + unfiltering), the usual way Python code reads label maps.
Files are spread over N worker processes (imap_unordered, as the numpy baseline does).

usage: decode_pillow.py DIR [DIR...] [--workers N] [--checksum FIRST]
Prints one line of JSON: files, pixels, seconds (from start of main to the last file decoded).
--checksum FIRST: decode only the first FIRST files of each folder (sorted by name) and print, per file, the class ids'
checksum sum(id[p] * (p % 65521 + 1)), so that the bench can check Pillow reads the ids the engine reads.
"""
import argparse
import json
import os
import sys
import time
from multiprocessing import Pool

import numpy as np
import PIL
from PIL import Image


def decode(path):
    with Image.open(path) as image:
        image.load()
        return image.size[0] * image.size[1]


def checksum(path):
    with Image.open(path) as image:
        ids = np.asarray(image).astype(np.int64).ravel()
    weights = np.arange(ids.size, dtype=np.int64) % 65521 + 1
    return int((ids * weights).sum())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dirs", nargs="+")
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--checksum", type=int, default=0)
    args = parser.parse_args()
    started = time.perf_counter()
    files = sorted(os.path.join(d, f) for d in args.dirs for f in os.listdir(d) if f.endswith(".png"))
    if args.checksum:
        first = [os.path.join(d, f) for d in args.dirs
                 for f in sorted(f for f in os.listdir(d) if f.endswith(".png"))[: args.checksum]]
        print(json.dumps({os.path.basename(os.path.dirname(f)) + "/" + os.path.basename(f): checksum(f)
                          for f in first}))
        return
    with Pool(args.workers) as pool:
        pixels = sum(pool.imap_unordered(decode, files, chunksize=16))
    seconds = time.perf_counter() - started
    print(json.dumps({"files": len(files), "pixels": pixels, "seconds": seconds, "workers": args.workers,
                      "pillow": PIL.__version__, "python": sys.version.split()[0]}))


if __name__ == "__main__":
    main()
