import { EXIT } from '../../contracts/trainer';

/** How the activity reports a failure to Temporal (the ApplicationFailure type). */
export type TrainerFailureType =
  | 'TrainerFailed'
  | 'TrainerBadData'
  | 'TrainerBadConfig'
  | 'TrainerBadResult'
  | 'TrainerStalled';

/** A trainer run that ended without a usable result. */
export class TrainerFailure extends Error {
  override readonly name = 'TrainerFailure';
  readonly type: TrainerFailureType;
  /** null when the process never started or was ended by a signal. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly retryable: boolean;
  readonly stderrTail: string;

  constructor(opts: {
    message: string;
    type: TrainerFailureType;
    retryable: boolean;
    exitCode?: number | null;
    signal?: NodeJS.Signals | null;
    stderrTail?: string;
    cause?: unknown;
  }) {
    const tail = opts.stderrTail?.trim();
    super(tail ? `${opts.message}\n--- trainer stderr (tail) ---\n${tail}` : opts.message, {
      cause: opts.cause,
    });
    this.type = opts.type;
    this.retryable = opts.retryable;
    this.exitCode = opts.exitCode ?? null;
    this.signal = opts.signal ?? null;
    this.stderrTail = opts.stderrTail ?? '';
  }
}

/** SPEC §5: 65 and 78 are fatal; 75 and anything unknown may be retried (a bounded number of times). */
export function classifyExitCode(code: number): { type: TrainerFailureType; retryable: boolean } {
  if (code === EXIT.badData) return { type: 'TrainerBadData', retryable: false };
  if (code === EXIT.badConfig) return { type: 'TrainerBadConfig', retryable: false };
  return { type: 'TrainerFailed', retryable: true };
}
