#!/usr/bin/env python3
"""Turn guessit's movie test data into tests/fixtures/parser/guessit-movies.tsv.

Why: the parser's own fixture was written beside the parser, so it cannot show
how the parser does on names nobody tuned it for. guessit ships thousands of
hand-checked expectations; this script flattens the movie ones into a TSV that
the Rust test (tests/parser/guessit.rs) reads without network access.

Usage (once, the output is committed):
    pip download guessit --no-deps -d /tmp/guessit && cd /tmp/guessit && unzip -o -q guessit-*.whl
    python3 scripts/guessit_corpus.py /tmp/guessit/guessit/test > tests/fixtures/parser/guessit-movies.tsv

Inputs: movies.yml, the `type: movie` entries of various.yml, and the movie
entries of cross_parser/{ptt,thcolin,go-ptn,ptn}.json (MIT-licensed expectations
of other release parsers, re-expressed by guessit in its own vocabulary).
The values are guessit's, untouched; mapping them onto Radarr's conventions
happens in the Rust test, where every difference is documented.
"""
import json
import os
import sys

import yaml

COLUMNS = ["origin", "name", "title", "alternative_title", "year", "source", "other",
           "screen_size", "release_group", "edition", "language", "proper_count", "title_parts"]

# Properties guessit cuts out of a title that Radarr keeps in it
# ("The Godfather Part 3", "James_Bond-f17-Goldeneye", "Movie-x02-Making_Of").
TITLE_PARTS = ["part", "film", "film_title", "bonus", "bonus_title", "cd", "volume", "episode_title"]


def flat(v):
    if v is None:
        return ""
    if isinstance(v, list):
        return "|".join(flat(x) for x in v)
    s = str(v)
    return s.replace("\t", " ").replace("\n", " ")


def yaml_entries(path, only_movies):
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    default = data.pop("__default__", None) or {}
    pending = []
    for key, val in data.items():
        # "? a\n? b\n: {...}" chains several names to one expectation.
        if val is None:
            pending.append(key)
            continue
        for name in pending + [key]:
            exp = dict(default)
            exp.update(val)
            if only_movies and exp.get("type") != "movie":
                continue
            if exp.get("type", "movie") != "movie" or "options" in exp:
                continue
            name = str(name)
            if name.startswith(("-", "+")):
                continue
            yield name, exp
        pending = []


def json_entries(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    for e in data.get("entries", []):
        exp = e.get("expected", {})
        if exp.get("type") == "movie":
            yield e["release_name"], exp


def main():
    root = sys.argv[1]
    rows = []
    rows += [("movies.yml", n, e) for n, e in yaml_entries(os.path.join(root, "movies.yml"), False)]
    rows += [("various.yml", n, e) for n, e in yaml_entries(os.path.join(root, "various.yml"), True)]
    for src in ["ptt", "thcolin", "go-ptn", "ptn"]:
        p = os.path.join(root, "cross_parser", src + ".json")
        rows += [(src, n, e) for n, e in json_entries(p)]
    seen = set()
    out = sys.stdout
    out.write("# guessit " + "movie expectations flattened by scripts/guessit_corpus.py; see README.md beside this file.\n")
    out.write("# " + "\t".join(COLUMNS) + "\n")
    for origin, name, exp in rows:
        if name in seen or "\t" in name or "\n" in name:
            continue
        seen.add(name)
        vals = [origin, name] + [flat(exp.get(c)) for c in COLUMNS[2:-1]]
        vals.append("|".join(k for k in TITLE_PARTS if k in exp))
        out.write("\t".join(vals) + "\n")


if __name__ == "__main__":
    main()
