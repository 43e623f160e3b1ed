#!/usr/bin/env bash
# Builds or reuses the trainer venv, then runs a short DPO and a short WSFT on a
# tiny randomly initialised model (no downloads), printing the protocol lines.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$(bash "$root/scripts/trainer-venv.sh" | tail -n 1)"
exec "$venv/bin/socratic-trainer" selftest "$@"
