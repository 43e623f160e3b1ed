// Preloaded by bench/cli-start.ts into each command it times: writes the process's CPU time
// (process.cpuUsage, microseconds) to $BENCH_CPU_FILE when it exits.
const { writeFileSync } = require('node:fs');

process.on('exit', () => {
  writeFileSync(process.env.BENCH_CPU_FILE, JSON.stringify(process.cpuUsage()));
});
