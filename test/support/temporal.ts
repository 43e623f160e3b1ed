/** Where the shared test Temporal server runs; scripts/test.js starts it and sets these. */
export interface TestTemporal {
  /** host:port of a Temporal dev server (in-memory) shared by the whole test run. */
  address: string;
  /** Path of the Temporal CLI, for tests that start servers of their own. */
  cli: string;
}

export function testTemporal(): TestTemporal {
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  const cli = process.env.TEMPORAL_CLI;
  if (!address || !cli) {
    const missing = [!address && 'TEMPORAL_TEST_ADDRESS', !cli && 'TEMPORAL_CLI'].filter(Boolean);
    throw new Error(
      `${missing.join(' and ')} not set: run the tests with npm test (e.g. \`npm test -- test/foo.test.ts\`), ` +
        'which starts a Temporal dev server for them.',
    );
  }
  return { address, cli };
}
