#!/usr/bin/env bash
# Creates the anchor's venv: scripts/synlogic-anchor/setup.sh SYNLOGIC_CHECKOUT TARGET_DIR
# Makes TARGET_DIR/venv with python3 (the anchor used 3.11.7), installs the pinned packages that
# the 17 benchmarked SynLogic tasks import, and writes a .pth file so the venv's python finds the
# checkout's `base` and `games` packages. Env: PYTHON (default python3).
set -euo pipefail
SRC=$(cd "${1:?usage: setup.sh SYNLOGIC_CHECKOUT TARGET_DIR}" && pwd)
TARGET=${2:?usage: setup.sh SYNLOGIC_CHECKOUT TARGET_DIR}
[ -f "$SRC/base/data.py" ] && [ -d "$SRC/games/tasks" ] || { echo "not a SynLogic checkout: $SRC" >&2; exit 1; }
mkdir -p "$TARGET"
"${PYTHON:-python3}" -m venv "$TARGET/venv"
# numpy: most tasks; tqdm: calcudoko and norinori import it; english-words: wordscapes' word list.
"$TARGET/venv/bin/pip" install --quiet numpy==2.4.6 tqdm==4.70.1 english-words==2.0.2
SITE=$("$TARGET/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "$SRC" >"$SITE/synlogic.pth"
"$TARGET/venv/bin/python" -c 'import base.data, games.base.game, numpy; print("ok:", numpy.__version__)'
