// Development only: turns `hearth seed-demo`'s output (on standard input) into .demo-users.json,
// which `npm run dev` and `npm run preview` answer as /demo-users.json (vite.config.ts) and the
// sign-in screen offers as "demo users". The file holds API tokens: it is gitignored, and no build
// contains it.
//
//   cargo run -q -- seed-demo | node examples/referral-inbox/scripts/demo-users.mjs [server URL]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const APP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const server = process.argv[2] ?? 'http://127.0.0.1:8000';

/** One user per line `ROLE  email  Organization Name  hth_token`, as seed-demo prints them. */
export function parseSeedDemo(text) {
  return text
    .split('\n')
    .map((line) => line.trim().match(/^([A-Z_]+)\s+(\S+@\S+)\s+(.+?)\s+(hth_\S+)$/))
    .filter(Boolean)
    .map(([, role, email, organization, token]) => ({ role, email, organization, token }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const users = parseSeedDemo(fs.readFileSync(0, 'utf8'));
  if (users.length === 0) {
    console.error('no demo users found on standard input: pipe `hearth seed-demo` into this script');
    process.exit(1);
  }
  const file = path.join(APP, '.demo-users.json');
  fs.writeFileSync(file, JSON.stringify({ server, users }, null, 2) + '\n');
  console.log(`wrote ${path.relative(process.cwd(), file)}: ${users.map((u) => u.email).join(', ')}`);
}
