#!/usr/bin/env python3
"""Writes problems.jsonl: the embedded problem set of math/answer@1.

Arithmetic, fractions, percent, powers and roots, linear and quadratic equations, inequalities,
polynomial expansion and coordinate geometry, with answers computed exactly here. Seeded: running it
again writes the same bytes. Run from this directory: python3 generate_problems.py > problems.jsonl
"""
import json
import math
import random
from fractions import Fraction

rng = random.Random(20261127)


def tex(q: Fraction) -> str:
    if q.denominator == 1:
        return str(q.numerator)
    sign = "-" if q < 0 else ""
    return f"{sign}\\frac{{{abs(q.numerator)}}}{{{q.denominator}}}"


def poly(coeffs) -> str:
    """coeffs from highest degree; integer coefficients in x."""
    deg = len(coeffs) - 1
    parts = []
    for k, c in enumerate(coeffs):
        p = deg - k
        if c == 0:
            continue
        mag = abs(c)
        body = "" if (mag == 1 and p > 0) else str(mag)
        var = "" if p == 0 else ("x" if p == 1 else f"x^{p}")
        sign = "-" if c < 0 else "+"
        parts.append((sign, body + var))
    if not parts:
        return "0"
    out = ("-" if parts[0][0] == "-" else "") + parts[0][1]
    for sign, term in parts[1:]:
        out += f" {sign} {term}"
    return out


def arithmetic():
    a, b, c = rng.randint(12, 99), rng.randint(12, 99), rng.randint(100, 999)
    return f"Compute ${a} \\times {b} - {c}$.", str(a * b - c), "arithmetic"


def fractions():
    a, b, c, d = rng.randint(1, 9), rng.randint(2, 12), rng.randint(1, 9), rng.randint(2, 12)
    op = rng.choice(["+", "-", "\\times"])
    x, y = Fraction(a, b), Fraction(c, d)
    value = x + y if op == "+" else x - y if op == "-" else x * y
    q = f"Compute $\\frac{{{a}}}{{{b}}} {op} \\frac{{{c}}}{{{d}}}$. Express your answer as a fraction in lowest terms."
    return q, tex(value), "fractions"


def percent():
    p = rng.choice([5, 10, 12.5, 15, 20, 25, 30, 40, 75])
    n = rng.choice([40, 80, 120, 160, 240, 360, 480, 640])
    value = Fraction(str(p)) * n / 100
    return f"What is ${p}\\%$ of ${n}$?", tex(value), "percent"


def linear():
    a = rng.choice([k for k in range(-9, 10) if k not in (0,)])
    c = rng.choice([k for k in range(-9, 10) if k not in (0, a)])
    b, d = rng.randint(-20, 20), rng.randint(-20, 20)
    x = Fraction(d - b, a - c)
    q = f"Solve for $x$: ${poly([a, b])} = {poly([c, d])}$."
    return q, tex(x), "linear equation"


def quadratic():
    r, s = rng.sample(range(-9, 10), 2)
    q = f"Find all solutions of ${poly([1, -(r + s), r * s])} = 0$. Separate them with commas."
    lo, hi = sorted((r, s))
    return q, f"{lo}, {hi}", "quadratic equation"


def radical():
    k = rng.choice([2, 3, 5, 6, 7])
    m = rng.randint(2, 9)
    q = f"Simplify $\\sqrt{{{m * m * k}}}$."
    return q, f"{m}\\sqrt{{{k}}}", "radicals"


def power():
    base, e = rng.randint(2, 9), rng.randint(2, 6)
    return f"Compute ${base}^{{{e}}}$.", str(base ** e), "powers"


def gcd_lcm():
    a, b = rng.randint(12, 400), rng.randint(12, 400)
    if rng.random() < 0.5:
        return f"Find the greatest common divisor of ${a}$ and ${b}$.", str(math.gcd(a, b)), "number theory"
    return f"Find the least common multiple of ${a}$ and ${b}$.", str(a * b // math.gcd(a, b)), "number theory"


def inequality():
    a = rng.choice([2, 3, 4, 5, -2, -3])
    b, c = rng.randint(-10, 10), rng.randint(-10, 10)
    bound = Fraction(c - b, a)
    # a x + b > c  ->  x > bound if a > 0 else x < bound
    q = f"Solve ${poly([a, b])} > {c}$. Give your answer in interval notation."
    ans = f"({tex(bound)}, \\infty)" if a > 0 else f"(-\\infty, {tex(bound)})"
    return q, ans, "inequalities"


def expand():
    a, b = rng.randint(-9, 9), rng.randint(-9, 9)
    q = f"Expand $(x {'+' if a >= 0 else '-'} {abs(a)})(x {'+' if b >= 0 else '-'} {abs(b)})$."
    return q, poly([1, a + b, a * b]), "polynomials"


def midpoint():
    x1, y1, x2, y2 = (rng.randint(-10, 10) for _ in range(4))
    q = f"Find the midpoint of the segment from $({x1}, {y1})$ to $({x2}, {y2})$."
    return q, f"\\left({tex(Fraction(x1 + x2, 2))}, {tex(Fraction(y1 + y2, 2))}\\right)", "coordinate geometry"


def mixed():
    w, n, d = rng.randint(1, 5), rng.randint(1, 3), rng.choice([4, 5, 7, 8])
    k = rng.randint(2, 4)
    value = (w + Fraction(n, d)) * k
    q = f"Compute ${w}\\frac{{{n}}}{{{d}}} \\times {k}$. Express your answer as a fraction in lowest terms."
    return q, tex(value), "fractions"


GENERATORS = [arithmetic, fractions, percent, linear, quadratic, radical, power, gcd_lcm, inequality, expand,
              midpoint, mixed]

for n in range(360):
    problem, answer, subject = GENERATORS[n % len(GENERATORS)]()
    record = {"id": f"rlvr-math-{n:03d}", "problem": problem, "answer": answer, "subject": subject}
    print(json.dumps(record, ensure_ascii=False))
