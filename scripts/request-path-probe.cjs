// Preload for scripts/request-path.ts: precise call-count coverage of the server process. On
// SIGUSR2 it writes the repository files (outside node_modules) that ran a function since the
// last take to $PGM_PROBE_OUT/<n>.json, and resets the counts.
const inspector = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { fileURLToPath } = require('node:url');

const ROOT = join(__dirname, '..');
const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
let n = 0;
process.on('SIGUSR2', () => {
  session.post('Profiler.takePreciseCoverage', (err, res) => {
    const files = {};
    for (const script of err ? [] : res.result) {
      if (!script.url.startsWith('file://')) continue;
      const path = fileURLToPath(script.url);
      if (!path.startsWith(ROOT + '/') || path.includes('/node_modules/') || path === __filename) continue;
      const called = script.functions.filter((f) => f.ranges[0].count > 0).map((f) => f.functionName || '(anonymous)');
      if (called.length > 0) files[path.slice(ROOT.length + 1)] = called;
    }
    writeFileSync(join(process.env.PGM_PROBE_OUT, `${n++}.json`), JSON.stringify(files));
  });
});
