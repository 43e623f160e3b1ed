import { join } from 'node:path';
import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { environmentWithout } from '../../config/secrets';
import type { TrainerManifest, TrainerResult } from '../../contracts/trainer';
import { InvalidManifestError, parseManifest, writeManifest } from './manifest-file';
import { runTrainer } from './run-trainer';
import { TrainerFailure } from './trainer-failure';

export interface TrainActivityInput {
  command: string[];
  manifest: TrainerManifest;
  gracePeriodMs?: number;
  /** Names of this worker's environment variables the trainer must not see (secrets it does not need). */
  withholdEnv?: string[];
}

/** What each heartbeat carries; the next attempt reads it back as info.heartbeatDetails. */
export interface TrainingHeartbeat {
  step: number;
  totalSteps: number | null;
  checkpoint: string | null;
}

/**
 * Runs a trainer inside a Temporal activity. Heartbeats on every progress and
 * checkpoint event only: a silent trainer must trip the heartbeat timeout. A
 * retry reuses the same outputDir, so the trainer resumes from its checkpoint.
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

  armWatchdog();
  try {
    const result = await runTrainer({
      command: input.command,
      manifestPath,
      signal: stop.signal,
      gracePeriodMs: input.gracePeriodMs,
      env: environmentWithout(input.withholdEnv ?? []),
      onEvent: (event) => {
        if (event.event === 'progress') {
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
    ctx.cancellationSignal.removeEventListener('abort', onCancel);
  }
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
