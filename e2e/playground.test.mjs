// End-to-end test of Hearth's GraphiQL playground in a real browser: Debian's headless Chromium
// (/usr/bin/chromium), driven by playwright-core.
//
// It starts the built `hearth` binary (target/debug/hearth) on a fresh SQLite file, gets an ADMIN
// token from `hearth create-admin`, opens /graphql, types the token into the Headers editor and a
// query into the query editor, clicks the run button and waits for the result; then runs a
// subscription in the playground over /graphql/ws and sees a referral change arrive. Every request
// the page makes must go to the Hearth server itself (no CDN). Screenshots are kept in test-output/.
//
//   cargo build && (cd e2e && npm ci) && node e2e/playground.test.mjs
//
// Settings: HEARTH_BIN (default target/debug/hearth), CHROMIUM (default /usr/bin/chromium).

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HEARTH =
  process.env.HEARTH_BIN ||
  path.join(process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target'), 'debug', 'hearth');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const OUTPUT = path.join(ROOT, 'test-output');
/** "Today" for the server and the demo data, as in the cargo tests. */
const TODAY = '2026-06-15';
const ADMIN_EMAIL = 'e2e@example.org';
/** The whole run, set-up included, must end within this. */
const OVERALL_TIMEOUT_MS = 180_000;
/** How long to wait for something the page must show. */
const SHOWN_MS = 20_000;

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// ---------------------------------------------------------------------------------------------
// A tiny runner: named tests in order, one line each, and a closing "N passed, M failed".

const tests = [];
const test = (name, fn) => tests.push({ name, fn });
const cleanups = [];
/** Every server started, to kill even when the run is cut short. */
const children = [];

// ---------------------------------------------------------------------------------------------
// Hearth processes

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-e2e-'));
cleanups.push(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** The environment of a `hearth` process: none of this shell's Hearth settings, only ours. */
function hearthEnv(databaseFile, extra = {}) {
  const inherited = Object.entries(process.env).filter(
    ([name]) => !name.startsWith('HEARTH_') && name !== 'DATABASE_URL' && name !== 'TEST_DATABASE_URL'
  );
  return {
    ...Object.fromEntries(inherited),
    DATABASE_URL: `sqlite://${databaseFile}?mode=rwc`,
    HEARTH_TODAY: TODAY,
    ...extra,
  };
}

/** Runs a `hearth` command to completion and returns its standard output. */
function hearth(databaseFile, args) {
  return execFileSync(HEARTH, args, { env: hearthEnv(databaseFile), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Starts `hearth serve` on a port the system picks (HEARTH_BIND=127.0.0.1:0) and resolves with its
 * base URL once it prints that it listens. Its log goes to test-output/<name>.log.
 */
function serve(name, databaseFile, extraEnv = {}) {
  const child = spawn(HEARTH, ['serve'], {
    env: hearthEnv(databaseFile, { HEARTH_BIND: '127.0.0.1:0', ...extraEnv }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  cleanups.push(
    () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      })
  );
  const log = fs.createWriteStream(path.join(OUTPUT, `${name}.log`));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: hearth serve did not start in 30 s`)), 30_000);
    child.once('exit', (code, signal) =>
      reject(new Error(`${name}: hearth serve exited (${code ?? signal}); see test-output/${name}.log`))
    );
    readline.createInterface({ input: child.stderr }).on('line', (line) => {
      log.write(line + '\n');
      const found = line.includes('listening') && line.match(/http:\/\/[^\s]+?\/graphql/);
      if (found) {
        clearTimeout(timer);
        resolve(found[0].replace(/\/graphql$/, ''));
      }
    });
  });
}

/** A GraphQL request over HTTP, as a client other than the browser. */
async function graphql(base, token, query, variables = {}) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  assert.equal(body.errors, undefined, `GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

// ---------------------------------------------------------------------------------------------
// The browser

async function launchBrowser() {
  // A fresh, empty profile (--user-data-dir) for every run.
  const profile = fs.mkdtempSync(path.join(scratch, 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 800 },
  });
  cleanups.push(() => context.close());
  return context;
}

/**
 * Opens the playground in a new tab, recording what the page asks for and what goes wrong in it.
 */
async function openPlayground(context, base) {
  const page = await context.newPage();
  const seen = { requests: [], problems: [], sockets: [] };
  page.on('request', (request) => seen.requests.push(request.url()));
  page.on('websocket', (socket) => seen.sockets.push(watchSocket(socket)));
  page.on('pageerror', (error) => seen.problems.push(`page error: ${error.message}`));
  // Nothing may go wrong on opening, the schema fetch with the placeholder token included (an
  // introspection-only document is answered without a token).
  page.on('console', (message) => {
    if (message.type() === 'error') {
      seen.problems.push(`console error: ${message.text()}`);
    }
  });
  page.on('response', (response) => {
    if (response.status() >= 400) seen.problems.push(`${response.status()} from ${response.url()}`);
  });
  // Each test starts from GraphiQL's defaults: no tabs or query kept by an earlier test.
  await page.goto(`${base}/graphql`);
  await page.evaluate(() => window.localStorage.clear());
  const response = await page.reload();
  assert.equal(response.status(), 200);
  await page.locator('.graphiql-query-editor .CodeMirror').waitFor({ timeout: SHOWN_MS });
  return { page, seen };
}

/** The graphql-transport-ws messages a WebSocket of the page sent and received. */
function watchSocket(socket) {
  const watched = { url: socket.url(), sent: [], received: [], closed: false };
  const parse = (payload) => {
    try {
      return JSON.parse(payload);
    } catch {
      return { unparsed: String(payload) };
    }
  };
  socket.on('framesent', (frame) => watched.sent.push(parse(frame.payload)));
  socket.on('framereceived', (frame) => watched.received.push(parse(frame.payload)));
  socket.on('close', () => (watched.closed = true));
  return watched;
}

/** The headers editor's CodeMirror (the visible one of the editor tools). */
const HEADERS_EDITOR = '.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror';
const QUERY_EDITOR = '.graphiql-query-editor .CodeMirror';
const RESPONSE = '.graphiql-response';

/** Replaces an editor's text as a user would: click into it, select all, type. */
async function typeInto(page, selector, text) {
  const editor = page.locator(selector);
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(text);
  assert.equal(await editor.evaluate((el) => el.CodeMirror.getValue()), text, `the text of ${selector}`);
}

/**
 * Types a query, then waits until GraphiQL has parsed it: it does so 100 ms after the last change,
 * and until then would run the previous operation's kind (a subscription sent as a query by POST).
 */
async function typeQuery(page, text) {
  await typeInto(page, QUERY_EDITOR, text);
  await page.waitForFunction(
    ({ selector, text }) => document.querySelector(selector).CodeMirror.documentAST?.loc?.source?.body === text,
    { selector: QUERY_EDITOR, text },
    { timeout: SHOWN_MS, polling: 20 }
  );
}

/** Waits until the response pane shows every one of `texts`; answers what it shows. */
async function waitForResponse(page, texts, timeout = SHOWN_MS) {
  try {
    await page.waitForFunction(
      ({ selector, texts }) => {
        const shown = document.querySelector(selector)?.innerText ?? '';
        return texts.every((text) => shown.includes(text));
      },
      { selector: RESPONSE, texts },
      { timeout, polling: 100 }
    );
  } catch (error) {
    const shown = await page.locator(RESPONSE).innerText().catch(() => '(no response pane)');
    error.message = `the response pane never showed ${JSON.stringify(texts)}; it shows:\n${shown}\n${error.message}`;
    throw error;
  }
  return page.locator(RESPONSE).innerText();
}

function assertOnlyFromServer(seen, base) {
  const origin = new URL(base);
  const foreign = seen.requests.filter((url) => {
    const u = new URL(url);
    return u.protocol !== 'data:' && u.host !== origin.host;
  });
  assert.deepEqual(foreign, [], 'the page loaded something from elsewhere than the Hearth server');
  assert.deepEqual(seen.problems, [], 'errors in the page');
}

// ---------------------------------------------------------------------------------------------
// Set-up: one server with an admin and the demo community, one with the playground switched off.

let base;
let offBase;
let adminToken;
let hopeStaffToken;
let browser;

async function setUp() {
  fs.mkdirSync(OUTPUT, { recursive: true });
  assert.ok(fs.existsSync(HEARTH), `${HEARTH} is missing: run cargo build first`);
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium`);
  const database = path.join(scratch, 'hearth.db');
  adminToken = hearth(database, ['create-admin', '--email', ADMIN_EMAIL]).trim().split('\n').pop().trim();
  assert.match(adminToken, /^hth_/, 'create-admin prints the token as its last line');
  const demo = hearth(database, ['seed-demo']);
  const hope = demo.split('\n').find((line) => line.includes('staff@hope-housing.example'));
  assert.ok(hope, `seed-demo printed no Hope Housing staff token:\n${demo}`);
  hopeStaffToken = hope.trim().split(/\s+/).pop();
  [base, offBase] = await Promise.all([
    serve('e2e-hearth', database),
    serve('e2e-hearth-playground-off', path.join(scratch, 'off.db'), { HEARTH_PLAYGROUND: 'false' }),
  ]);
  browser = await launchBrowser();
}

// ---------------------------------------------------------------------------------------------
// The tests

test('the page and its assets come from the Hearth server, cached for long', async () => {
  const response = await fetch(`${base}/graphql`, { headers: { Accept: 'text/html' } });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^text\/html/);
  const page = await response.text();
  assert.ok(!page.includes('://'), 'the page names no absolute URL (no CDN)');
  const assets = [...page.matchAll(/(?:src|href)="(graphql\/assets\/[^"]+)"/g)].map((m) => m[1]);
  assert.equal(assets.length, 5, `the page loads its five assets: ${assets}`);
  for (const asset of assets) {
    const served = await fetch(`${base}/${asset}`);
    assert.equal(served.status, 200, asset);
    const type = asset.split('?')[0].endsWith('.css') ? 'text/css' : 'text/javascript';
    assert.match(served.headers.get('content-type'), new RegExp(`^${type}`), asset);
    assert.match(served.headers.get('cache-control'), /max-age=31536000.*immutable/, asset);
    const body = await served.text();
    assert.doesNotMatch(body, /\/\/(unpkg\.com|cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com|esm\.sh)/, `${asset} loads nothing from a CDN`);
  }
  assert.equal((await fetch(`${base}/graphql/assets/no-such-file.js`)).status, 404);
});

test('the playground opens clean: docs and completion without a token, and how to get one', async () => {
  const { page, seen } = await openPlayground(browser, base);
  // The first screen says how to get a token and where to paste it, and shows no error.
  const query = await page.locator(QUERY_EDITOR).evaluate((el) => el.CodeMirror.getValue());
  assert.match(query, /hearth create-admin/);
  assert.match(query, /Headers editor/);
  const shown = await page.locator(RESPONSE).innerText();
  assert.doesNotMatch(shown, /UNAUTHENTICATED|error/i, `the response pane shows ${shown}`);

  // The documentation explorer has the schema straight away, with the placeholder token untouched.
  await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
  const docs = page.locator('.graphiql-doc-explorer');
  await docs.getByText('Subscription', { exact: true }).waitFor({ timeout: SHOWN_MS });
  await docs.getByText('Query', { exact: true }).click();
  await docs.getByText('referrals', { exact: true }).first().waitFor({ timeout: SHOWN_MS });
  await page.screenshot({ path: path.join(OUTPUT, 'playground-first-screen.png') });

  // Completion knows the schema's fields: typing at the root offers `referrals`.
  // (typeInto, not typeQuery: an unfinished document never parses.)
  await typeInto(page, QUERY_EDITOR, '{\n  referr');
  await page.locator(QUERY_EDITOR).click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Control+Space');
  await page.locator('.CodeMirror-hints').getByText('referrals', { exact: true }).first().waitFor({ timeout: SHOWN_MS });

  // A query other than introspection still needs the token: the placeholder is refused.
  await page.keyboard.press('Escape');
  await typeQuery(page, '{ me { role } }');
  await page.locator('.graphiql-execute-button').click();
  await waitForResponse(page, ['UNAUTHENTICATED']);
  // That refusal is a 401, which the browser reports: the one problem expected here.
  seen.problems = seen.problems.filter((problem) => !/401/.test(problem));
  assertOnlyFromServer(seen, base);
  await page.close();
});

test('a query runs in the playground in Chromium and shows its result', async () => {
  const { page, seen } = await openPlayground(browser, base);
  // The Headers editor is open, with the placeholder.
  const headers = page.locator(HEADERS_EDITOR);
  await headers.waitFor({ state: 'visible', timeout: SHOWN_MS });
  assert.match(await headers.evaluate((el) => el.CodeMirror.getValue()), /"Authorization": "Bearer <paste a token>"/);

  await typeInto(page, HEADERS_EDITOR, JSON.stringify({ Authorization: `Bearer ${adminToken}` }, null, 2));
  await typeQuery(page, '{ me { user { email } role } }');
  await page.locator('.graphiql-execute-button').click();
  const shown = await waitForResponse(page, [`"email": "${ADMIN_EMAIL}"`, '"ADMIN"']);
  assert.doesNotMatch(shown, /"errors"/);
  await page.screenshot({ path: path.join(OUTPUT, 'playground.png') });

  // The token is not left in the browser's storage (GraphiQL's history included).
  const stored = await page.evaluate(() => JSON.stringify(Object.entries(window.localStorage)));
  assert.ok(stored.includes('me { user { email } role }'), 'GraphiQL keeps the query in its history');
  assert.ok(!stored.includes(adminToken), `the token is kept in localStorage: ${stored}`);

  // With the token typed, the schema can be fetched again: the documentation explorer shows it.
  await page.getByRole('button', { name: 'Re-fetch GraphQL schema' }).click();
  await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
  await page.locator('.graphiql-doc-explorer').getByText('Subscription', { exact: true }).waitFor({ timeout: SHOWN_MS });
  assertOnlyFromServer(seen, base);
  await page.close();
});

test('a subscription runs in the playground over /graphql/ws with the typed headers', async () => {
  const { page, seen } = await openPlayground(browser, base);
  await page.locator(HEADERS_EDITOR).waitFor({ state: 'visible', timeout: SHOWN_MS });
  await typeInto(page, HEADERS_EDITOR, JSON.stringify({ Authorization: `Bearer ${adminToken}` }, null, 2));
  await typeQuery(page, 'subscription {\n  referralUpdated { id status referralResult }\n}');
  await page.locator('.graphiql-execute-button').click();

  // GraphiQL connects with graphql-transport-ws and sends the typed headers in connection_init.
  const deadline = Date.now() + SHOWN_MS;
  const subscribed = () =>
    seen.sockets.find(
      (s) => s.received.some((m) => m.type === 'connection_ack') && s.sent.some((m) => m.type === 'subscribe')
    );
  while (!subscribed()) {
    if (Date.now() >= deadline) {
      const shown = await page.locator(RESPONSE).innerText();
      assert.fail(`no subscription started: ${JSON.stringify(seen.sockets)}; the response pane shows:\n${shown}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const socket = subscribed();
  assert.equal(new URL(socket.url).pathname, '/graphql/ws');
  assert.equal(new URL(socket.url).host, new URL(base).host);
  const init = socket.sent.find((m) => m.type === 'connection_init');
  assert.equal(init?.payload?.Authorization, `Bearer ${adminToken}`, 'connection_init carries the typed token');

  // Another user resolves pending referrals over HTTP until the playground shows one (the first may
  // race the server's registration of the subscription).
  const { referrals } = await graphql(
    base,
    hopeStaffToken,
    '{ referrals(status: PENDING, first: 5) { nodes { id } } }'
  );
  assert.ok(referrals.nodes.length >= 3, 'the demo community has pending referrals');
  let shown;
  for (const [attempt, referral] of referrals.nodes.slice(0, 3).entries()) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    await graphql(
      base,
      hopeStaffToken,
      `mutation ($id: ID!, $date: Date!) { resolveReferral(input: { ceEventId: $id,
         referralResult: UNSUCCESSFUL_PROVIDER_REJECTED, resultDate: $date }) { id status } }`,
      { id: referral.id, date: TODAY }
    );
    try {
      shown = await waitForResponse(page, [`"id": "${referral.id}"`, '"status": "UNSUCCESSFUL"'], 5000);
      break;
    } catch (error) {
      if (attempt === 2) throw error;
    }
  }
  assert.match(shown, /"referralResult": "UNSUCCESSFUL_PROVIDER_REJECTED"/);
  await page.screenshot({ path: path.join(OUTPUT, 'playground-subscription.png') });

  // The stop button ends the subscription and its connection.
  await page.locator('.graphiql-execute-button').click();
  const closing = Date.now() + SHOWN_MS;
  while (!socket.closed) {
    assert.ok(Date.now() < closing, 'the WebSocket stayed open after stopping the subscription');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.ok(socket.sent.some((m) => m.type === 'complete'), 'GraphiQL completed the subscription');
  assertOnlyFromServer(seen, base);
  await page.close();
});

test('HEARTH_PLAYGROUND=false switches off the page and its assets', async () => {
  const page = await fetch(`${offBase}/graphql`, { headers: { Accept: 'text/html' } });
  assert.equal(page.status, 404);
  for (const asset of ['graphiql.min.js', 'graphiql.min.css', 'react.production.min.js', 'hearth-playground.js']) {
    assert.equal((await fetch(`${offBase}/graphql/assets/${asset}`)).status, 404, asset);
  }
});

// ---------------------------------------------------------------------------------------------

async function main() {
  const watchdog = setTimeout(() => {
    console.error(`timed out after ${OVERALL_TIMEOUT_MS / 1000} s`);
    for (const child of children) child.kill('SIGKILL');
    console.log(`0 passed, ${tests.length} failed`);
    process.exit(1);
  }, OVERALL_TIMEOUT_MS);
  let passed = 0;
  let failed = 0;
  try {
    await setUp();
    for (const { name, fn } of tests) {
      const started = Date.now();
      try {
        await fn();
        passed += 1;
        console.log(`ok - ${name} (${Date.now() - started} ms)`);
      } catch (error) {
        failed += 1;
        console.log(`not ok - ${name}\n${String(error.stack || error).replace(/^/gm, '    ')}`);
      }
    }
  } catch (error) {
    console.log(`set-up failed:\n${String(error.stack || error).replace(/^/gm, '    ')}`);
    failed = tests.length - passed;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await Promise.resolve()
        .then(cleanup)
        .catch(() => {});
    }
  }
  clearTimeout(watchdog);
  console.log(`screenshots and server logs: ${path.relative(process.cwd(), OUTPUT) || '.'}/`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 && passed === tests.length ? 0 : 1;
}

await main();
