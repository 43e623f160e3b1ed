"""`socratic-trainer --manifest <path>`, `socratic-trainer check --manifest <path>`, `socratic-trainer selftest`.

Exit codes (contracts/trainer.ts EXIT): 0 done, 75 out of memory (retryable),
65 bad data, 78 bad config; any other failure exits 1.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

# Never reach a model hub: every model is a local directory.
for _var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from .errors import EXIT_BAD_CONFIG, EXIT_RETRYABLE, TrainerError, is_out_of_memory  # noqa: E402

log = logging.getLogger("socratic_trainer")


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # a wrong command line is a bad config, not a retryable failure
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        sys.exit(EXIT_BAD_CONFIG)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="socratic-trainer", description="Socratic-Zero reference trainers (DPO, weighted SFT)")
    p.add_argument("--manifest", help="path of the trainer manifest (JSON, contracts/trainer.ts)")
    p.add_argument(
        "command",
        nargs="?",
        choices=["train", "check", "selftest"],
        help="train (the default): train as the manifest says; check: validate the manifest, datasets and "
        "model paths without training; selftest: a short DPO and WSFT on a tiny local model",
    )
    p.add_argument("--workdir", help="selftest: keep the files here instead of a temporary directory")
    return p


def check(manifest_path: str):
    """Validates the manifest, the datasets and that the model paths are local model directories."""
    from .data import read_datasets
    from .errors import ConfigError
    from .manifest import load_manifest

    m = load_manifest(manifest_path)
    for field, path in (("baseModel", m.base_model), ("referenceModel", m.reference_model)):
        if path is not None and not any(os.path.isfile(os.path.join(path, f)) for f in ("config.json", "adapter_config.json")):
            raise ConfigError(f"{manifest_path}: field {field}: {path!r} is not a local model or adapter directory")
    read_datasets(m)
    return m


def train(manifest_path: str) -> None:
    from .manifest import load_manifest

    m = load_manifest(manifest_path)
    log.info("%s run=%s round=%d role=%s base=%s -> %s", m.kind, m.run_id, m.round, m.role, m.base_model, m.output_dir)
    if m.kind == "dpo":
        from .dpo import train_dpo

        train_dpo(m)
    else:
        from .wsft import train_wsft

        train_wsft(m)


def guarded(fn, *args) -> int:
    """Runs fn and maps its failure onto the contract's exit codes."""
    try:
        result = fn(*args)
        return result if isinstance(result, int) else 0
    except TrainerError as e:
        log.error("%s", e)
        return e.exit_code
    except Exception as e:  # noqa: BLE001
        if is_out_of_memory(e):
            log.error("out of memory: %s", e)
            return EXIT_RETRYABLE
        log.exception("trainer failed")
        return 1


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if args.command != "selftest" and not args.manifest:
        _parser().error("--manifest <path> is required")
    from .protocol import claim_stdout

    claim_stdout()
    if args.command == "selftest":
        from .selftest import selftest

        return guarded(selftest, args.workdir)
    if args.command == "check":
        return guarded(check, args.manifest)
    return guarded(train, args.manifest)


def entry() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry()
