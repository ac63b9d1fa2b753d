#!/usr/bin/env python3
"""Writes OUT_DIR/compile_commands.json: the build's compile database with every unity batch
(CMAKE_UNITY_BUILD's Unity/unity_N_cxx.cxx) replaced by one entry per source it includes, with the
batch's flags. clang-tidy then checks each file on its own, as it would compile alone: a file
that forgets an include it only got from a file before it in its batch fails here.
Usage: expand_unity_database.py BUILD_DIR OUT_DIR"""
import json
import re
import sys
from pathlib import Path

INCLUDE = re.compile(r'^#include "(.+)"$')


def expand(entry):
    batch = entry["file"]
    if "/Unity/unity_" not in batch:
        return [entry]
    sources = [m.group(1) for line in Path(batch).read_text().splitlines()
               if (m := INCLUDE.match(line))]
    if not sources:
        sys.exit(f"{batch} includes no source: is the build complete?")
    return [dict(entry, file=source, command=entry["command"].replace(batch, source))
            for source in sources]


def main():
    build, out = Path(sys.argv[1]), Path(sys.argv[2])
    database = json.loads((build / "compile_commands.json").read_text())
    expanded = [item for entry in database for item in expand(entry)]
    (out / "compile_commands.json").write_text(json.dumps(expanded, indent=1))


if __name__ == "__main__":
    main()
