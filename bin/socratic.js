#!/usr/bin/env node
// The `socratic` command: TypeScript sources run through tsx, so there is no build step.
require('tsx/cjs');
require('../cli/main.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
