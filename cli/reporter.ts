// Where `socratic run` writes: redrawn bars on a terminal, plain lines in a log,
// one JSON object per line with --json.
import type { RoundSummary } from '../activities';
import type { StageProgress } from '../workflows/progress';
import { roundsTable, stageLine } from './render';

export class Reporter {
  private drawn = 0;
  private readonly printed = new Set<string>();
  private readonly tty: boolean;

  constructor(private readonly json: boolean) {
    this.tty = !json && Boolean(process.stdout.isTTY);
  }

  info(message: string, fields: Record<string, unknown> = {}): void {
    this.clear();
    if (this.json) this.emit({ event: 'info', message, ...fields });
    else console.log(message);
  }

  /** The current round's stages: redrawn in place on a terminal, else one line per finished stage. */
  stages(round: number, stages: StageProgress[]): void {
    if (this.tty) {
      this.clear();
      const lines = [`round ${round}`, ...stages.map(stageLine)];
      process.stdout.write(`${lines.join('\n')}\n`);
      this.drawn = lines.length;
      return;
    }
    for (const s of stages) {
      const key = `${round}:${s.stage}`;
      if (s.status !== 'completed' || this.printed.has(key)) continue;
      this.printed.add(key);
      if (this.json) this.emit({ event: 'stage', round, ...s });
      else console.log(`round ${round} ${stageLine(s).trim()}`);
    }
  }

  round(summary: RoundSummary, all: RoundSummary[], initial: Record<string, number>): void {
    this.drawn = 0; // keep the finished round's bars on screen
    if (this.json) this.emit({ event: 'round', ...summary });
    else console.log(`\n${roundsTable(all, initial)}\n`);
  }

  done(fields: Record<string, unknown>): void {
    this.clear();
    if (this.json) this.emit({ event: 'done', ...fields });
  }

  private emit(value: Record<string, unknown>): void {
    process.stdout.write(`${JSON.stringify(value)}\n`);
  }

  private clear(): void {
    if (this.tty && this.drawn > 0) process.stdout.write(`\x1b[${this.drawn}A\x1b[0J`);
    this.drawn = 0;
  }
}
