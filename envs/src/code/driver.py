# rlvr call-test driver: runs one call of a LeetCode-style solution and prints its JSON result.
# argv[1] is the function name; stdin holds one JSON argument per line. What the solution prints is
# kept off stdout, so only the result line reaches the judge.
import io
import json
import sys

PRELUDE = (
    "from typing import *\n"
    "import collections, heapq, math, itertools, functools, bisect, string, re\n"
    "from collections import *\nfrom heapq import *\nfrom math import *\n"
    "from itertools import *\nfrom functools import *\nfrom bisect import *\n"
)


def main():
    name = sys.argv[1]
    args = [json.loads(line) for line in sys.stdin.read().split("\n") if line.strip()]
    real_stdout = sys.stdout
    sys.stdout = io.StringIO()
    scope = {"__name__": "__solution__"}
    with open(sys.argv[0].rsplit("/", 1)[0] + "/sol.py") as f:
        source = f.read()
    exec(compile(PRELUDE + source, "sol.py", "exec"), scope)
    if "Solution" in scope and hasattr(scope["Solution"], name):
        fn = getattr(scope["Solution"](), name)
    elif name in scope:
        fn = scope[name]
    else:
        raise SystemExit("no function " + name + " (neither a method of Solution nor top-level)")
    result = fn(*args)
    sys.stdout = real_stdout

    def plain(o):
        if isinstance(o, (set, frozenset)):
            return sorted(o)
        raise TypeError("result of type " + type(o).__name__ + " is not JSON")

    sys.stdout.write(json.dumps(result, default=plain) + "\n")


main()
