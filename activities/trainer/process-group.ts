// The trainer runs in its own process group (spawned detached), so one signal
// reaches a launcher and everything it started in the same group. Launchers may
// also start workers in sessions of their own (torchrun does: start_new_session),
// which a group signal misses; ProcessTree follows those by parent pid.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  isProcessAlive,
  type ProcEntry,
  readProcStat,
  readProcTable,
  signalGroup,
} from '../../system/processes';

export { isProcessAlive, signalGroup };

const POLL_MS = 100;
/** After SIGKILL, how long to wait for the kernel to reap (a process in D state may take a while). */
const KILL_WAIT_MS = 10_000;

/**
 * Whether any live process is left in the group. Zombies do not count: where
 * PID 1 does not reap orphans (containers) they stay in the table forever.
 */
export function isGroupAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  if (process.platform !== 'linux') return true;
  return readProcTable().some((p) => p.pgid === pgid && p.state !== 'Z');
}

/**
 * Every process descended from a root pid, remembered even after its parent
 * dies (an orphan is re-parented to init and could no longer be found by
 * walking down from the root). Linux only; elsewhere it tracks nothing and the
 * process group is all there is.
 */
export class ProcessTree {
  /** pid → start time, to never signal a stranger that reused the pid. */
  private readonly known = new Map<number, string>();

  constructor(private readonly rootPid: number) {}

  /** Adds the current descendants of the root and of every process already known. */
  refresh(): void {
    const table = readProcTable();
    const childrenOf = new Map<number, ProcEntry[]>();
    for (const entry of table) {
      const siblings = childrenOf.get(entry.ppid);
      if (siblings) siblings.push(entry);
      else childrenOf.set(entry.ppid, [entry]);
    }
    const queue = [this.rootPid, ...this.alive()];
    for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
      for (const child of childrenOf.get(pid) ?? []) {
        if (this.known.get(child.pid) === child.start) continue;
        this.known.set(child.pid, child.start);
        queue.push(child.pid);
      }
    }
  }

  /** Known descendants still running (same start time, not a zombie). */
  alive(): number[] {
    const running: number[] = [];
    for (const [pid, start] of this.known) {
      const entry = readProcStat(pid);
      if (entry && entry.start === start && entry.state !== 'Z') running.push(pid);
      else this.known.delete(pid);
    }
    return running;
  }

  /** Signals every known descendant, except those in `skipGroup` (already signalled as a group). */
  signal(signal: NodeJS.Signals, skipGroup?: number): void {
    for (const pid of this.alive()) {
      if (skipGroup !== undefined && readProcStat(pid)?.pgid === skipGroup) continue;
      try {
        process.kill(pid, signal);
      } catch {
        // gone meanwhile
      }
    }
  }
}

async function waitUntilGone(pgid: number, tree: ProcessTree, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    tree.refresh();
    if (!isGroupAlive(pgid) && tree.alive().length === 0) return true;
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
}

/**
 * SIGTERM to the group and to descendants outside it, SIGKILL to whatever is
 * left after the grace period. Resolves once no live process remains (false if
 * some survive even SIGKILL for 10 s, e.g. stuck in uninterruptible I/O).
 * `pgid` is the pid of the group leader, the root of the tree.
 */
export async function terminateProcesses(
  pgid: number,
  gracePeriodMs: number,
  tree: ProcessTree = new ProcessTree(pgid),
): Promise<boolean> {
  tree.refresh();
  signalGroup(pgid, 'SIGTERM');
  tree.signal('SIGTERM', pgid); // one SIGTERM each: a second one means "quit now" to some launchers
  if (await waitUntilGone(pgid, tree, gracePeriodMs)) return true;
  tree.refresh();
  signalGroup(pgid, 'SIGKILL');
  tree.signal('SIGKILL');
  return waitUntilGone(pgid, tree, KILL_WAIT_MS);
}

/** Whether the group or any tracked descendant is still running. */
export function anyAlive(pgid: number, tree: ProcessTree): boolean {
  return isGroupAlive(pgid) || tree.alive().length > 0;
}
