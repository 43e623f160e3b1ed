/** A problem file that cannot be loaded; the message names the file, line and field. */
export class ProblemFileError extends Error {
  override readonly name = 'ProblemFileError';

  constructor(
    readonly file: string,
    /** 1-based line in the file, when the problem is in one record. */
    readonly line: number | undefined,
    /** The offending field of that record, when one field is to blame. */
    readonly field: string | undefined,
    readonly detail: string,
  ) {
    const where = line === undefined ? file : `${file}:${line}`;
    super(field === undefined ? `${where}: ${detail}` : `${where}: field "${field}": ${detail}`);
  }
}
