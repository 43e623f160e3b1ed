// Sampling settings per task (paper App. J: judging and self-verification at 0.1,
// problem writing at 0.8–0.9), resolved from the run's config.
import type { Config, RoleName, TaskName } from './schema';

export const TASK_ROLE: Record<TaskName, RoleName> = {
  solve: 'solver',
  evaluate: 'solver',
  judge: 'teacher',
  selfVerify: 'teacher',
  referenceSolution: 'teacher',
  refine: 'teacher',
  harden: 'teacher',
};

/** Completion tokens a judge reply needs per answer judged: a verdict and a short error analysis. */
const JUDGE_TOKENS_PER_ANSWER = 400;

/** The temperature and token limit of one task's requests. */
export function taskSampling(
  config: Config,
  task: TaskName,
): { temperature: number; maxTokens: number } {
  const settings = config.tasks[task];
  const roleLimit = config.roles[TASK_ROLE[task]].maxTokens;
  // The judge's JSON covers all k answers: a limit below that cuts it off mid-verdict.
  const fallback =
    task === 'judge'
      ? Math.max(roleLimit, 512 + JUDGE_TOKENS_PER_ANSWER * config.loop.k)
      : roleLimit;
  return { temperature: settings.temperature, maxTokens: settings.maxTokens ?? fallback };
}
