#!/usr/bin/env bash
# Creates (or reuses) the Python venv for the reference trainers and prints its
# path on the last line of stdout. Everything else goes to stderr.
#   SOCRATIC_TRAINER_VENV   venv location (default $HOME/.cache/socratic/trainer-venv)
#   SOCRATIC_TRAINER_PYTHON interpreter to build it with (default python3.11, else python3 >= 3.11)
# The venv is rebuilt when trainers/pyproject.toml or the interpreter changes (a stamp
# file inside the venv holds their hash); a checkout elsewhere only re-points the
# editable install of trainers/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
trainers="$root/trainers"
venv="${SOCRATIC_TRAINER_VENV:-$HOME/.cache/socratic/trainer-venv}"
stamp_file="$venv/.socratic-trainer-stamp"

if [[ -n "${SOCRATIC_TRAINER_PYTHON:-}" ]]; then
  py="$SOCRATIC_TRAINER_PYTHON"
elif command -v python3.11 >/dev/null 2>&1; then
  py=python3.11
else
  py=python3
fi
if ! "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "trainer-venv: $py is older than Python 3.11" >&2
  exit 1
fi

# The dependencies are keyed by pyproject.toml and the interpreter; the checkout's location
# only decides where the editable install points, which is cheap to redo (no dependencies).
stamp="$( { sha256sum "$trainers/pyproject.toml" | cut -d' ' -f1; "$py" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1)"
location_file="$venv/.socratic-trainer-location"

if [[ -x "$venv/bin/python" && -f "$stamp_file" && "$(cat "$stamp_file")" == "$stamp" ]]; then
  echo "trainer-venv: reusing $venv" >&2
  if [[ "$(cat "$location_file" 2>/dev/null)" != "$trainers" ]]; then
    "$venv/bin/python" -m pip install --no-deps -e "$trainers" >&2
    echo "$trainers" >"$location_file"
  fi
else
  echo "trainer-venv: building $venv (this downloads torch and friends the first time)" >&2
  rm -rf "$venv"
  mkdir -p "$(dirname "$venv")"
  "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install --upgrade pip >&2
  "$venv/bin/python" -m pip install -e "$trainers[test]" >&2
  echo "$stamp" >"$stamp_file"
  echo "$trainers" >"$location_file"
fi

echo "$venv"
