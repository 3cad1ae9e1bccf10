// graphql-http's server audit (the GraphQL-over-HTTP specification's MUSTs and SHOULDs) against a
// real `hearth serve` on a fresh SQLite file, without a token, as the audit sends its requests. Every
// audit must pass: a warning (an unmet SHOULD) fails the run too.
//
//   cargo build && (cd e2e && npm ci) && node e2e/graphql-http-audit.test.mjs
//
// Settings: HEARTH_BIN (default target/debug/hearth).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { serverAudits } from 'graphql-http';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HEARTH =
  process.env.HEARTH_BIN ||
  path.join(process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target'), 'debug', 'hearth');

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-audit-'));
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) => !name.startsWith('HEARTH_') && !name.startsWith('OTEL_') && name !== 'DATABASE_URL'
  )
);
const server = spawn(HEARTH, ['serve'], {
  env: { ...env, DATABASE_URL: `sqlite://${path.join(scratch, 'audit.db')}?mode=rwc`, HEARTH_BIND: '127.0.0.1:0' },
  stdio: ['ignore', 'ignore', 'pipe'],
});

const url = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('hearth serve did not start in 30 s')), 30_000);
  server.once('exit', (code) => reject(new Error(`hearth serve exited (${code})`)));
  readline.createInterface({ input: server.stderr }).on('line', (line) => {
    const found = line.includes('listening') && line.match(/http:\/\/[^\s]+?\/graphql/);
    if (found) {
      clearTimeout(timer);
      resolve(found[0]);
    }
  });
});

let passed = 0;
let failed = 0;
try {
  for (const audit of serverAudits({ url, fetchFn: fetch })) {
    const result = await audit.fn();
    if (result.status === 'ok') {
      passed += 1;
    } else {
      failed += 1;
      console.log(`not ok - ${audit.id} ${audit.name} (${result.status}): ${result.reason}`);
    }
  }
} finally {
  if (server.exitCode === null && server.signalCode === null) {
    await new Promise((resolve) => {
      server.once('exit', resolve);
      server.kill('SIGTERM');
    });
  }
  fs.rmSync(scratch, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
