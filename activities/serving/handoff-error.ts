/** A serving handoff that did not end with the model being served. */
export class HandoffError extends Error {
  override readonly name = 'HandoffError';
  /** HTTP status, when the error came from an HTTP response. */
  readonly status: number | undefined;
  readonly body: string | undefined;

  constructor(message: string, opts: { status?: number; body?: string; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.status = opts.status;
    this.body = opts.body;
  }
}
