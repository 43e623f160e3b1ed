import { join } from 'node:path';
import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { environmentWithout } from '../../config/secrets';
import type { TrainerManifest, TrainerPhase, TrainerResult } from '../../contracts/trainer';
import { InvalidManifestError, parseManifest, writeManifest } from './manifest-file';
import { runTrainer } from './run-trainer';
import { TrainerFailure } from './trainer-failure';

export interface TrainActivityInput {
  command: string[];
  manifest: TrainerManifest;
  gracePeriodMs?: number;
  /** Names of this worker's environment variables the trainer must not see (secrets it does not need). */
  withholdEnv?: string[];
  /**
   * The longest a phase may run, in seconds (for `training`: one step, from one progress
   * line to the next). A phase without a limit is bounded by the heartbeat timeout alone.
   */
  phaseTimeoutSeconds?: Partial<Record<TrainerPhase, number>>;
}

/** What each heartbeat carries; the next attempt reads it back as info.heartbeatDetails. */
export interface TrainingHeartbeat {
  step: number;
  totalSteps: number | null;
  checkpoint: string | null;
}

/**
 * Runs a trainer inside a Temporal activity. Heartbeats on every protocol line only: a
 * silent trainer must trip the heartbeat timeout. A trainer that reports its phase keeps
 * the heartbeat alive through a long load or step, so each phase has a limit of its own
 * (a trainer stuck in one phase while its ticker runs is stalled too). A retry reuses the
 * same outputDir, so the trainer resumes from its checkpoint.
 */
export async function trainActivity(input: TrainActivityInput): Promise<TrainerResult> {
  const ctx = Context.current();
  const { attempt, heartbeatTimeoutMs } = ctx.info;
  const previous = ctx.info.heartbeatDetails as TrainingHeartbeat | undefined;

  let manifest: TrainerManifest;
  try {
    manifest = parseManifest(input.manifest, 'activity input');
  } catch (err) {
    throw toApplicationFailure(err);
  }
  const manifestPath = join(manifest.outputDir, 'manifest.json');
  await writeManifest(manifest, manifestPath);

  const where = { runId: manifest.runId, round: manifest.round, role: manifest.role, attempt };
  if (attempt > 1) log.info('resuming trainer', { ...where, previousHeartbeat: previous ?? null });
  else log.info('starting trainer', { ...where, command: input.command });

  const progress: TrainingHeartbeat = {
    step: previous?.step ?? 0,
    totalSteps: previous?.totalSteps ?? null,
    checkpoint: previous?.checkpoint ?? null,
  };
  /** The phase the trainer last reported, if it reports phases. */
  let phase: TrainerPhase | undefined;

  // The server notices a stalled trainer by the heartbeat timeout, but this
  // worker would not learn of it until its next heartbeat, which never comes.
  // Kill the stalled process here so it cannot run beside the retry.
  const stop = new AbortController();
  const onCancel = () => stop.abort(ctx.cancellationSignal.reason);
  ctx.cancellationSignal.addEventListener('abort', onCancel, { once: true });
  if (ctx.cancellationSignal.aborted) onCancel();
  let watchdog: NodeJS.Timeout | undefined;
  const armWatchdog = () => {
    if (!heartbeatTimeoutMs) return;
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      stop.abort(
        new TrainerFailure({
          type: 'TrainerStalled',
          retryable: true,
          message: `trainer reported no progress for ${heartbeatTimeoutMs} ms (heartbeat timeout)`,
        }),
      );
    }, heartbeatTimeoutMs);
  };

  // The phase clock restarts when a new phase begins, and in `training` at each new step.
  let phaseTimer: NodeJS.Timeout | undefined;
  const armPhaseTimer = (phase: TrainerPhase) => {
    clearTimeout(phaseTimer);
    const seconds = input.phaseTimeoutSeconds?.[phase];
    if (!seconds) return;
    const what = phase === 'training' ? 'one training step' : `phase ${phase}`;
    phaseTimer = setTimeout(() => {
      stop.abort(
        new TrainerFailure({
          type: 'TrainerStalled',
          retryable: true,
          message: `trainer spent more than ${seconds} s on ${what} (phaseTimeoutSeconds)`,
        }),
      );
    }, seconds * 1000);
  };

  armWatchdog();
  try {
    const result = await runTrainer({
      command: input.command,
      manifestPath,
      signal: stop.signal,
      gracePeriodMs: input.gracePeriodMs,
      env: environmentWithout(input.withholdEnv ?? []),
      onEvent: (event) => {
        if (event.event === 'phase') {
          if (event.phase !== phase) armPhaseTimer(event.phase);
          phase = event.phase;
        } else if (event.event === 'progress') {
          if (phase === 'training' && event.step !== progress.step) armPhaseTimer('training');
          progress.step = event.step;
          progress.totalSteps = event.totalSteps ?? progress.totalSteps;
        } else if (event.event === 'checkpoint') {
          progress.step = event.step;
          progress.checkpoint = event.path;
        } else {
          progress.step = event.steps;
        }
        armWatchdog();
        ctx.heartbeat({ ...progress });
      },
      onLog: (line) => log.info('trainer output', { ...where, line }),
    });
    log.info('trainer finished', { ...where, model: result.model, steps: result.steps });
    return result;
  } catch (err) {
    throw toApplicationFailure(err);
  } finally {
    clearTimeout(watchdog);
    clearTimeout(phaseTimer);
    ctx.cancellationSignal.removeEventListener('abort', onCancel);
  }
}

/** `trainer.*.phaseTimeoutSeconds` (camelCase config keys) as the contract's phase names; 0 = no limit. */
export function phaseTimeouts(config: {
  loadingModel: number;
  tokenizing: number;
  training: number;
  saving: number;
}): Partial<Record<TrainerPhase, number>> {
  return {
    'loading-model': config.loadingModel,
    tokenizing: config.tokenizing,
    training: config.training,
    saving: config.saving,
  };
}

/** Fatal trainer outcomes become non-retryable failures; cancellation passes through unchanged. */
function toApplicationFailure(err: unknown): unknown {
  if (err instanceof InvalidManifestError) {
    return ApplicationFailure.nonRetryable(err.message, 'TrainerBadConfig');
  }
  if (!(err instanceof TrainerFailure)) return err;
  return ApplicationFailure.create({
    message: err.message,
    type: err.type,
    nonRetryable: !err.retryable,
    details: [{ exitCode: err.exitCode, signal: err.signal }],
  });
}
