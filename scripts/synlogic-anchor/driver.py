#!/usr/bin/env python3
"""Anchor driver for scripts/synlogic-side-by-side.sh: times SynLogic's own Python generators and
verifiers for one task.

Usage: python driver.py TASK COUNT      (TASK may carry a suffix, e.g. sudoku/4)

This file is our glue only: it imports SynLogic's generator and verifier classes from a SynLogic
checkout and calls them; no SynLogic code is copied here. The checkout is found through
$SYNLOGIC_DIR, else through the .pth file that setup.sh writes into the venv, else at
<venv>/../SynLogic.

Method: seed random and numpy.random with 0 once; call the task's generator for COUNT records,
timed with time.process_time() (gen_per_s = records / CPU seconds, using the number actually
produced when a generator yields fewer). Then build a gold response from each record's answer,
rendered the way the task's prompt asks (the format SynLogic's verifier extracts), and pass
(data, response) to SynLogic's verifier: gold_pass = correct/COUNT. verify_per_s repeats that pass
over all records until at least 0.2 CPU seconds have elapsed. SynLogic's own prints (its
generators and verifiers log a lot) go to /dev/null while timing; the cost of making them stays
in. The last stdout line is one JSON object.
"""
import ast
import contextlib
import json
import os
import platform
import random
import re
import sys
import time


def _synlogic_root():
    env = os.environ.get("SYNLOGIC_DIR")
    if env:
        return env
    try:  # the venv's .pth file (setup.sh) already puts the checkout on sys.path
        import base.data  # noqa: F401
        return os.path.dirname(os.path.dirname(os.path.abspath(base.data.__file__)))
    except ImportError:
        return os.path.join(os.path.dirname(os.path.abspath(sys.prefix)), "SynLogic")


ROOT = _synlogic_root()
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import numpy as np  # noqa: E402
from base.data import Data  # noqa: E402

PY_BLOCK = "```python\n{}\n```"


def py_block(text):
    return PY_BLOCK.format(text)


# Each task: (settings text, make(count) -> list of Data, gold(data) -> response, verifier factory:
# the verifier class itself where it takes no arguments).
# Each task_* imports its SynLogic modules (untimed); `make` runs inside the timed region, and
# constructing SynLogic's Game classes is part of it.


def task_sudoku(difficulty):
    from games.tasks.sudoku.scripts.sudoku import Sudoku
    from games.tasks.sudoku.scripts.sudoku_verifier import SudokuVerifier
    def make(count):
        return Sudoku().generate(count, max_attempts=1000, difficulty=difficulty, unique_solution=True)

    return (f"difficulty {difficulty}, unique", make, lambda d: py_block(d.answer), SudokuVerifier)


def task_futoshiki():
    from games.tasks.futoshiki.scripts.futoshiki_generator import FutoshikiGenerator
    from games.tasks.futoshiki.scripts.futoshiki_verifier import FutoshikiVerifier
    def make(count):
        gen = FutoshikiGenerator()
        out = []
        for _ in range(count):
            s = gen.generate_sample(grid_size=5, num_inequality_signs=7, num_prefilled_coords=4,
                                    is_chinese=False)
            out.append(Data(question=s["question"], answer=s["answer"], metadata=s["metadata"]))
        return out

    def gold(d):
        return "[[" + ",".join(" ".join(str(v) for v in row) for row in d.answer) + "]]"

    return ("5x5, 7 signs, 4 givens, en", make, gold, FutoshikiVerifier)


def task_skyscraper():
    from games.tasks.skyscraper_puzzle.scripts.skyscraper_puzzle import SkyscraperPuzzle
    from games.tasks.skyscraper_puzzle.scripts.skyscraper_puzzle_verifier import (
        SkyscraperPuzzleVerifier)
    def make(count):
        return SkyscraperPuzzle(n=4).generate(count, max_attempts=1000)

    return ("n=4", make, lambda d: py_block(json.dumps(d.metadata["solved_grid"])),
            SkyscraperPuzzleVerifier)


CALCUDOKO_RAW = {}


def task_calcudoko():
    from games.tasks.calcudoko.scripts.calcudoko_verifier import CalcudokoVerifier
    from games.tasks.calcudoko.scripts.calcudoko import CalcudokoGenerator
    def verifier():
        return CalcudokoVerifier()

    def make(count):
        # SynLogic's calcudoko generator does not check its puzzles; keep a record only if its
        # own verifier accepts its own answer (that check is timed as part of generation).
        gen = CalcudokoGenerator(4)
        ver = verifier()
        out, raw = [], 0
        while len(out) < count and raw < 1000 * count:
            question, answer, regions = gen.generate()
            raw += 1
            d = Data(question=question, answer=answer,
                     metadata={"grid_size": 4, "regions": regions})
            if ver.verify(d, d.answer):
                out.append(d)
        CALCUDOKO_RAW["raw"] = raw
        return out

    return ("4x4, kept-if-own-verifier-passes", make, lambda d: d.answer, verifier)


def task_kukurasu():
    from games.tasks.kukurasu.scripts.kukurasu import Kukurasu
    from games.tasks.kukurasu.scripts.kukurasu_verifier import KukurasuVerifier
    def make(count):
        return Kukurasu(n=4, m=4, ones_probability=0.3).generate(count, max_attempts=50000)

    return ("4x4, p=0.3", make, lambda d: json.dumps(d.metadata["solution"]), KukurasuVerifier)


def task_survo():
    from games.tasks.survo.scripts.survo import Survo
    from games.tasks.survo.scripts.survo_verifier import SurvoVerifier
    def make(count):
        return Survo().generate(count, max_attempts=max(10000, 10 * count), n=4, x=5,
                                min_num=1, max_num=9)

    return ("n=4, x=5, numbers 1-9", make, lambda d: py_block(d.answer), SurvoVerifier)


def task_game_of_24():
    from games.tasks.game_of_24.scripts.game_of_24 import GameOf24
    from games.tasks.game_of_24.scripts.game_of_24_verifier import GameOf24Verifier
    def make(count):
        game = GameOf24(num_of_numbers=4, result=24, candidates=list(range(1, 10)),
                        operators=["+", "-", "*", "/"])
        return game.generate(count, max_attempts=1000)

    def gold(d):
        # a solution is stored as "nums: (a, b, c, d), ops: ('+', '*', '-')", applied left to
        # right; the prompt asks for one eval()-able expression in a python block.
        nums_text, ops_text = re.match(r"nums: (\(.*?\)), ops: (\(.*\))$",
                                       d.metadata["solutions"][0]).groups()
        nums, ops = ast.literal_eval(nums_text), ast.literal_eval(ops_text)
        expr = str(nums[0])
        for op, num in zip(ops, nums[1:]):
            expr = f"({expr} {op} {num})"
        return py_block(expr)

    return ("4 numbers, 1-9, target 24", make, gold, GameOf24Verifier)


def task_cryptarithm():
    from games.tasks.cryptarithm.scripts.cryptarithm import Cryptarithm
    from games.tasks.cryptarithm.scripts.cryptarithm_verifier import CryptarithmVerifier
    def make(count):
        return Cryptarithm().generate(count, max_attempts=1000, num_letter=4, operator_num=1,
                                      operator_level=2)

    return ("4 letters, 1 op, level 2 (+-)", make, lambda d: f"The answer is {d.answer}.",
            CryptarithmVerifier)


def task_norinori():
    from games.tasks.norinori.scripts.norinori import Norinori
    from games.tasks.norinori.scripts.norinori_verifier import NorinoriVerifier
    def make(count):
        game = Norinori(n=5, region_nums_range=(3, 5), shadow_ratio=0.1)
        return game.generate(count, max_attempts=1000)

    return ("5x5, 3-5 regions, shadow 0.1", make, lambda d: str(d.metadata["solution"]),
            NorinoriVerifier)


STAR_PART = re.compile(r"([A-Za-z])((?:\(\d+,\d+\))+)")
STAR_COORD = re.compile(r"\((\d+),(\d+)\)")


def task_star_placement():
    from games.tasks.star_placement_puzzle.scripts.star_placement_puzzle import (
        StarPlacementPuzzle)
    from games.tasks.star_placement_puzzle.scripts.star_placement_puzzle_verifier import (
        StarPlacementPuzzleVerifier)
    def make(count):
        return StarPlacementPuzzle(n=5, k=1).generate(count, max_attempts=1000)

    def gold(d):
        # the record's answer is "[[A(1,2)\n\nB(3,4)...]]"; the prompt asks for a dict in a
        # python block: {'A': [(1, 2)], ...}
        stars = {}
        for region, coords in STAR_PART.findall(d.answer):
            stars[region] = [(int(r), int(c)) for r, c in STAR_COORD.findall(coords)]
        return py_block(repr(stars))

    return ("n=5, k=1", make, gold, StarPlacementPuzzleVerifier)


def task_numbrix():
    from games.tasks.numbrix.scripts.numbrix import Numbrix
    from games.tasks.numbrix.scripts.numbrix_verifier import NumbrixVerifier
    def make(count):
        return Numbrix(n=6, fill_rate=0.35).generate(count, max_attempts=1000)

    return ("n=6, fill 0.35", make, lambda d: str(d.metadata["solution"]), NumbrixVerifier)


def task_math_path():
    from games.tasks.math_path.scripts.math_path import MathPath
    from games.tasks.math_path.scripts.math_path_verifier import MathPathVerifier
    def make(count):
        return MathPath().generate(count, max_attempts=10000, n=11, x_prob=100)

    return ("n=11, x_prob 100", make, lambda d: f"[[{d.metadata['ref_expr']}]]", MathPathVerifier)


def task_arrow_maze():
    from games.tasks.arrow_maze.scripts.arrow_maze import ArrowMaze
    from games.tasks.arrow_maze.scripts.arrow_maze_verifier import ArrowMazeVerifier
    def make(count):
        return ArrowMaze().generate(count, max_attempts=10000, width=5, height=5,
                                    arrow_fill_rate_min=0.3, arrow_fill_rate_max=0.9)

    return ("5x5, arrows 0.3-0.9", make, lambda d: py_block(d.answer), ArrowMazeVerifier)


def task_campsite():
    from games.tasks.campsite.scripts.campsite import Campsite
    from games.tasks.campsite.scripts.campsite_verifier import CampsiteVerifier
    def make(count):
        return Campsite(n=5, m=5, tree_density=0.2).generate(count, max_attempts=1000)

    return ("5x5, trees 0.2", make, lambda d: py_block(str(d.metadata["solution"])),
            CampsiteVerifier)


def task_minesweeper():
    from games.tasks.minesweeper.scripts.minesweeper import Minesweeper
    from games.tasks.minesweeper.scripts.minesweeper_verifier import MinesweeperVerifier
    def make(count):
        return Minesweeper(n=8, mine_den=0.3, reveal_frac=0.35).generate(count, max_attempts=5000)

    def gold(d):
        mines = sorted(tuple(m) for m in d.metadata["current_mines"])
        return str(mines)

    return ("8x8, mines 0.3, revealed 0.35", make, gold, MinesweeperVerifier)


def task_number_wall():
    from games.tasks.number_wall.scripts.number_wall import NumberWall
    from games.tasks.number_wall.scripts.number_wall_verifier import NumberWallVerifier
    def make(count):
        return NumberWall(n=4, number_rate=0.2).generate(count, max_attempts=1000)

    return ("n=4, rate 0.2", make, lambda d: py_block(json.dumps(d.metadata["solution"])),
            NumberWallVerifier)


def task_wordscapes():
    from games.tasks.wordscapes.scripts.wordscapes_game import WordscapesGame
    from games.tasks.wordscapes.scripts.wordscapes_prompt import prompt_wordscapes
    from games.tasks.wordscapes.scripts.wordscapes_verifier import WordscapesVerifier
    size, num_words, max_inter = 4, 5, 3

    def make(count):
        game = WordscapesGame()
        # WordscapesGame.generate() draws size/words/intersections at random; SynLogic's
        # generate script pins them by wrapping _generate_puzzle. Do the same here.
        inner = game._generate_puzzle
        game._generate_puzzle = lambda _s, _w, _i: inner(size, num_words, max_inter)
        out = []
        for p in game.generate(count, 100):
            out.append(Data(question=prompt_wordscapes(p.across_words, p.down_words, p.grid),
                            answer=p.solution,
                            metadata={"id": p.idx, "grid": p.grid, "across_words": p.across_words,
                                      "down_words": p.down_words, "solution": p.solution,
                                      "size": size, "num_words": num_words,
                                      "max_intersections": max_inter}))
        return out

    return (f"size {size}, {num_words} words, max {max_inter} intersections", make,
            lambda d: json.dumps(d.metadata["solution"]), WordscapesVerifier)


TASKS = {
    "sudoku": lambda arg: task_sudoku(int(arg) if arg else 3),
    "futoshiki": lambda arg: task_futoshiki(),
    "skyscraper_puzzle": lambda arg: task_skyscraper(),
    "calcudoko": lambda arg: task_calcudoko(),
    "kukurasu": lambda arg: task_kukurasu(),
    "survo": lambda arg: task_survo(),
    "game_of_24": lambda arg: task_game_of_24(),
    "cryptarithm": lambda arg: task_cryptarithm(),
    "norinori": lambda arg: task_norinori(),
    "star_placement_puzzle": lambda arg: task_star_placement(),
    "numbrix": lambda arg: task_numbrix(),
    "math_path": lambda arg: task_math_path(),
    "arrow_maze": lambda arg: task_arrow_maze(),
    "campsite": lambda arg: task_campsite(),
    "minesweeper": lambda arg: task_minesweeper(),
    "number_wall": lambda arg: task_number_wall(),
    "wordscapes": lambda arg: task_wordscapes(),
}


def main():
    if len(sys.argv) != 3 or sys.argv[1].split("/", 1)[0] not in TASKS:
        sys.exit(f"usage: {sys.argv[0]} TASK[/ARG] COUNT; tasks: {' '.join(TASKS)}")
    name, _, arg = sys.argv[1].partition("/")
    count = int(sys.argv[2])

    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink), \
            contextlib.redirect_stderr(sink):
        # imports SynLogic's task modules (untimed)
        settings, make, gold, make_verifier = TASKS[name](arg)
        random.seed(0)
        np.random.seed(0)
        t0 = time.process_time()
        records = make(count)
        gen_s = time.process_time() - t0

        verifier = make_verifier()
        pairs = [(d, gold(d)) for d in records]
        passed = sum(1 for d, r in pairs if verifier.verify(d, r))

        done, t0 = 0, time.process_time()
        while True:
            for d, r in pairs:
                verifier.verify(d, r)
            done += len(pairs)
            verify_s = time.process_time() - t0
            if verify_s >= 0.2 or not pairs:
                break

    n = len(records)
    if "raw" in CALCUDOKO_RAW:
        settings += f", raw {CALCUDOKO_RAW['raw'] / gen_s:.0f}/s ({n} kept of {CALCUDOKO_RAW['raw']})"
    if n < count:
        settings += f", yielded {n}/{count}"
    print(f"{name}: generated {n} in {gen_s:.3f}s cpu, verified {done} in {verify_s:.3f}s cpu")
    print(json.dumps({
        "gen_per_s": n / gen_s if gen_s > 0 else 0.0,
        "verify_per_s": done / verify_s if verify_s > 0 else 0.0,
        "settings": settings,
        "gold_pass": f"{passed}/{count}",
        "python": platform.python_version(),
    }))


if __name__ == "__main__":
    main()
