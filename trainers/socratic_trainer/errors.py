"""Exit codes of the trainer contract (contracts/trainer.ts EXIT) and the errors that map to them."""

EXIT_OK = 0
EXIT_RETRYABLE = 75  # CUDA out of memory, preemption, lost GPU
EXIT_BAD_DATA = 65  # unreadable or invalid dataset, empty dataset, zero training steps
EXIT_BAD_CONFIG = 78  # invalid manifest, unknown kind, bad hyperparameter, missing model


class TrainerError(Exception):
    exit_code = 1


class ConfigError(TrainerError):
    exit_code = EXIT_BAD_CONFIG


class DataError(TrainerError):
    exit_code = EXIT_BAD_DATA


def is_out_of_memory(exc: BaseException) -> bool:
    """True for CUDA (or other accelerator) out-of-memory errors, wherever they were raised."""
    try:
        import torch

        if isinstance(exc, torch.cuda.OutOfMemoryError):
            return True
    except Exception:  # pragma: no cover - torch always importable in the venv
        pass
    return isinstance(exc, (RuntimeError, MemoryError)) and "out of memory" in str(exc).lower()
