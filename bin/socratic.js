#!/usr/bin/env node
// The `socratic` command: runs the compiled code in dist/, which `npm install` builds
// (and `npm run build` rebuilds after a change to the TypeScript sources).
const path = require('node:path');

const main = path.join(__dirname, '..', 'dist', 'cli', 'main.js');
let cli;
try {
  cli = require(main);
} catch (error) {
  if (error.code !== 'MODULE_NOT_FOUND' || !String(error.message).includes(main)) throw error;
  process.stderr.write(
    `socratic: ${main} is missing: build it with \`npm run build\` (npm install does it too)\n`,
  );
  process.exit(1);
}
cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
