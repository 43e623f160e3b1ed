// The Socratic-Zero algorithm as pure functions (SPEC §3): no I/O, tested directly.
export * from './admission';
export * from './generator';
export * from './judging';
export * from './pairs';
export * from './random';
export * from './replay';
export * from './shards';
export * from './split';
export * from './utility';
export * from './zones';
