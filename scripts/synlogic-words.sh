#!/usr/bin/env bash
# Rebuilds synlogic/data/words.txt, the wordscapes word list, from Debian's `wamerican` package
# (SCOWL size 50, American spelling). Keeps lowercase a-z words of 3 to 8 letters and drops
# inflected forms whose base word is also listed (plurals, -ed, -ing, -er, -est, -ly, -ness), so
# the list leans to base words. The result is committed; generation embeds it, so it is the same on
# every machine. Needs apt-get (Debian/Ubuntu), dpkg-deb and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download wamerican >/dev/null && dpkg-deb -x wamerican_*.deb x)
echo "wamerican $(dpkg-deb -f "$work"/wamerican_*.deb Version)" >&2
python3 - "$work/x/usr/share/dict/american-english" synlogic/data/words.txt <<'PY'
import re, sys
source, target = sys.argv[1], sys.argv[2]
words = [w.strip() for w in open(source, encoding="utf-8")]
listed = set(words)
SUFFIXES = [("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"),
            ("ly", ""), ("er", ""), ("est", ""), ("ness", "")]
def inflected(w):
    for suffix, replacement in SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and w[: -len(suffix)] + replacement in listed:
            return True
    doubled = re.fullmatch(r"(.*)([b-df-hj-np-tv-z])\2(ed|ing|er|est)", w)
    return bool(doubled) and doubled.group(1) + doubled.group(2) in listed
kept = sorted({w for w in words if re.fullmatch(r"[a-z]{3,8}", w) and not inflected(w)})
with open(target, "w") as f:
    f.write("\n".join(kept) + "\n")
print(f"{len(kept)} words -> {target}", file=sys.stderr)
PY
