// Fails when src/gql/ is not what GraphQL Code Generator makes from ../../schema.graphql and the
// documents in src/ today (regenerated into a temp dir and compared file by file), then runs
// `tsc --noEmit` on the app and on its build configuration. `npm run codegen` brings src/gql/ up to date.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const APP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const COMMITTED = path.join(APP, 'src', 'gql');
const bin = (name) => path.join(APP, 'node_modules', '.bin', name);

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'referral-inbox-gql-'));
try {
  execFileSync(bin('graphql-codegen'), ['--config', 'codegen.ts', '--silent'], {
    cwd: APP,
    env: { ...process.env, CODEGEN_OUT: temp + path.sep },
    stdio: 'inherit',
  });
  const list = (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);
  const problems = [];
  const names = new Set([...list(COMMITTED), ...list(temp)]);
  for (const name of names) {
    const committed = path.join(COMMITTED, name);
    const fresh = path.join(temp, name);
    if (!fs.existsSync(fresh)) problems.push(`src/gql/${name} is no longer generated`);
    else if (!fs.existsSync(committed)) problems.push(`src/gql/${name} is missing`);
    else if (fs.readFileSync(committed, 'utf8') !== fs.readFileSync(fresh, 'utf8'))
      problems.push(`src/gql/${name} differs from what schema.graphql and src/ generate`);
  }
  if (problems.length > 0) {
    console.error(`${problems.join('\n')}\nrun \`npm run codegen\` and commit src/gql/`);
    process.exit(1);
  }
  console.log(`src/gql/ is current (${names.size} files)`);
} finally {
  fs.rmSync(temp, { recursive: true, force: true });
}

// The app (browser types) and its build configuration (Node's types), each with its own tsconfig.
for (const project of ['tsconfig.json', 'tsconfig.node.json']) {
  execFileSync(bin('tsc'), ['--noEmit', '-p', project], { cwd: APP, stdio: 'inherit' });
}
console.log('tsc --noEmit (tsconfig.json, tsconfig.node.json): no type errors');
