// End-to-end test of the referral inbox SPA in a real browser: Debian's headless Chromium
// (/usr/bin/chromium), driven by playwright-core, against a real `hearth serve`.
//
// It builds the SPA (vite build), serves dist/ from a tiny static server on a port of its own
// (with the demo users' tokens as /demo-users.json, from memory), starts the built `hearth` binary on
// a fresh SQLite file with the demo community seeded and HEARTH_CORS_ORIGINS naming the SPA's
// origin, and clicks through the guide "Resolving a Housing Referral": the successful path
// (acknowledge, note, the household's intake, resolve with the head's enrollment) and the unsuccessful
// one (decline with a reason, after seeing the server refuse an _OTHER reason without a note). It sees
// a referral recorded by the PLM through the API arrive in the open inbox without a reload, and the
// PLM's dashboard chart the report, the priority list and the CE APR and refresh on a change.
// Screenshots and the server's log are kept in test-output/ (at the repository's root).
//
//   cargo build && (cd examples/referral-inbox && npm ci) && node examples/referral-inbox/e2e/inbox.test.mjs
//
// Settings: HEARTH_BIN (default target/debug/hearth), CHROMIUM (default /usr/bin/chromium).

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { parseSeedDemo } from '../scripts/demo-users.mjs';

const APP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = path.resolve(APP, '..', '..');
const HEARTH =
  process.env.HEARTH_BIN ||
  path.join(process.env.CARGO_TARGET_DIR || path.join(ROOT, 'target'), 'debug', 'hearth');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const OUTPUT = path.join(ROOT, 'test-output');
/** "Today" for the server and the demo data, as in the README's walk-through. */
const TODAY = '2026-12-01';
/** The whole run, the build and set-up included, must end within this. */
const OVERALL_TIMEOUT_MS = 240_000;
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
/** Every process started, to kill even when the run is cut short. */
const children = [];

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-inbox-e2e-'));
cleanups.push(() => fs.rmSync(scratch, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------
// Hearth

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

/** A GraphQL request over HTTP, as a client other than the browser; fails on any error. */
async function graphql(token, query, variables = {}) {
  const response = await fetch(`${api}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  assert.equal(body.errors, undefined, `GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

// ---------------------------------------------------------------------------------------------
// The SPA: built once, served from dist/ on its own origin (so every API call is cross-origin).

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' };

function serveSpa(demoUsers) {
  const dist = path.join(APP, 'dist');
  const server = http.createServer((request, response) => {
    const url = new URL(request.url, 'http://spa');
    if (url.pathname === '/demo-users.json') {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      return response.end(JSON.stringify(demoUsers));
    }
    let file = path.join(dist, path.normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''));
    if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      file = path.join(dist, 'index.html');
    }
    response.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(response);
  });
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`))
  );
}

// ---------------------------------------------------------------------------------------------
// The browser

/** Everything that went wrong in the pages: page errors, console errors, failed responses. */
const problems = [];

async function launchBrowser() {
  const profile = fs.mkdtempSync(path.join(scratch, 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 900 },
  });
  cleanups.push(() => context.close());
  return context;
}

/** Opens the SPA in a new tab (a session of its own: sessionStorage is per tab). */
async function openSpa() {
  const page = await browser.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  // urql aborts a request that a newer one for the same query supersedes (net::ERR_ABORTED): not a
  // failure. Anything else is.
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? '';
    if (!reason.includes('ERR_ABORTED')) problems.push(`failed: ${request.url()} ${reason}`);
  });
  await page.goto(spa);
  return page;
}

async function signInAs(page, email) {
  await page.getByRole('button', { name: email }).click();
  await page.locator('.top .who').getByText(email).waitFor({ timeout: SHOWN_MS });
  // The subscription's socket is open before anything else happens.
  await page.locator('.live.on').waitFor({ timeout: SHOWN_MS });
}

async function screenshot(page, name) {
  await page.screenshot({ path: path.join(OUTPUT, `referral-inbox-${name}.png`), fullPage: true });
}

function assertNoProblems() {
  const found = problems.splice(0);
  assert.deepEqual(found, [], 'errors in the page');
}

const row = (page, id) => page.locator(`tr[data-referral-id="${id}"]`);

// ---------------------------------------------------------------------------------------------
// Set-up

let api;
let spa;
let users;
let browser;
let inbox; // Hope Housing Partners staff's tab, open from test to test
const token = (email) => users.find((u) => u.email === email).token;
const HOPE = 'staff@hope-housing.example';
const PLM = 'plm@metro-ce.example';

async function setUp() {
  fs.mkdirSync(OUTPUT, { recursive: true });
  assert.ok(fs.existsSync(HEARTH), `${HEARTH} is missing: run cargo build first`);
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium`);
  execFileSync('npm', ['run', '--silent', 'build', '--', '--logLevel', 'warn'], { cwd: APP, stdio: 'inherit' });

  const database = path.join(scratch, 'hearth.db');
  const demo = execFileSync(HEARTH, ['seed-demo'], { env: hearthEnv(database), encoding: 'utf8' });
  users = parseSeedDemo(demo);
  assert.ok(users.some((u) => u.email === HOPE) && users.some((u) => u.email === PLM), `seed-demo printed:\n${demo}`);

  // The SPA's origin first: Hearth must allow it (HEARTH_CORS_ORIGINS) when it starts.
  const demoUsers = { server: null, users };
  spa = await serveSpa(demoUsers);
  api = await serve('referral-inbox-hearth', database, { HEARTH_CORS_ORIGINS: spa });
  demoUsers.server = api;
  browser = await launchBrowser();
}

// ---------------------------------------------------------------------------------------------
// The tests

test('Hearth allows the SPA origin given in HEARTH_CORS_ORIGINS, and no other', async () => {
  const preflight = (origin) =>
    fetch(`${api}/graphql`, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type,x-organization-id',
      },
    });
  const allowed = await preflight(spa);
  assert.equal(allowed.headers.get('access-control-allow-origin'), spa);
  assert.match(allowed.headers.get('access-control-allow-headers'), /authorization/);
  assert.match(allowed.headers.get('access-control-allow-headers'), /x-organization-id/);
  const other = await preflight('http://127.0.0.1:1');
  assert.equal(other.headers.get('access-control-allow-origin'), null);
});

test('a demo user signs in and the inbox lists the pending referrals with their households', async () => {
  inbox = await openSpa();
  await inbox.getByRole('heading', { name: 'Referral inbox' }).waitFor({ timeout: SHOWN_MS });
  await screenshot(inbox, 'sign-in');
  await signInAs(inbox, HOPE);
  const { referrals } = await graphql(token(HOPE), '{ referrals(status: PENDING) { totalCount nodes { id } } }');
  assert.ok(referrals.totalCount >= 2, 'the demo has pending referrals to Hope');
  await inbox.locator('tr[data-referral-id]').nth(referrals.totalCount - 1).waitFor({ timeout: SHOWN_MS });
  assert.equal(await inbox.locator('tr[data-referral-id]').count(), referrals.totalCount);
  assert.equal(await inbox.getByTestId('pending-count').innerText(), String(referrals.totalCount));
  const okafor = inbox.locator('tr[data-referral-id]', { hasText: 'Grace Okafor' });
  assert.match(await okafor.innerText(), /with children and adults · 2 people/);
  assert.match(await okafor.innerText(), /Hope Permanent Supportive Housing/);
  await screenshot(inbox, 'inbox');
  assertNoProblems();
});

test("the guide's successful path: acknowledge, note, the household's intake, resolve with the head's enrollment", async () => {
  const page = inbox;
  await page.locator('tr[data-referral-id]', { hasText: 'Grace Okafor' }).getByRole('link').click();
  const id = decodeURIComponent(new URL(page.url()).hash.split('/').pop());
  await page.getByTestId('referral-status').getByText('PENDING').waitFor({ timeout: SHOWN_MS });
  // The household: Grace as head, her son Daniel.
  const household = page.locator('.household');
  await household.getByText('with children and adults').waitFor();
  assert.match(await household.innerText(), /Grace Okafor\s+self head of household/);
  assert.match(await household.innerText(), /Daniel Okafor\s+child/);

  // Acknowledge: the referral stays pending, acknowledged by Hope's staff.
  await page.getByRole('button', { name: 'Acknowledge referral' }).click();
  await page.getByTestId('acknowledged').getByText(`by ${HOPE}`).waitFor({ timeout: SHOWN_MS });
  assert.equal(await page.getByTestId('referral-status').innerText(), 'PENDING');

  // A note to Coordinated Entry.
  const note = 'Intake on Dec 1 at 10am; Grace will bring Daniel\'s school records.';
  await page.locator('textarea[name="note"]').fill(note);
  await page.getByRole('button', { name: 'Add note' }).click();
  await page.locator('.note', { hasText: note }).waitFor({ timeout: SHOWN_MS });
  assert.match(await page.locator('.note', { hasText: note }).innerText(), new RegExp(`${HOPE} \\(Hope Housing Partners\\)`));

  // Intake of the household in the referred project (createEnrollment with Daniel as a member).
  const successful = page.locator('.step.successful');
  assert.ok(await successful.getByLabel(/Daniel Okafor/).isChecked(), 'members are enrolled with the head by default');
  await successful.locator('input[name="entryDate"]').fill(TODAY);
  await successful.getByRole('button', { name: 'Enroll household' }).click();
  await page.getByTestId('intake-done').getByText(`Enrolled in Hope Permanent Supportive Housing on ${TODAY}`).waitFor({ timeout: SHOWN_MS });
  assert.match(await page.getByTestId('intake-done').innerText(), /Grace \(self head of household\), Daniel \(child\)/);
  await screenshot(page, 'intake');

  // Then the referral, resolved with the head's new enrollment.
  await successful.getByRole('button', { name: 'Resolve: successful' }).click();
  await page.getByTestId('referral-status').getByText('SUCCESSFUL').waitFor({ timeout: SHOWN_MS });
  assert.equal(await page.getByTestId('referral-result').innerText(), `successful client accepted on ${TODAY}`);
  assert.match(await page.getByTestId('resulting-enrollment').innerText(), /Grace \(self head of household\), Daniel \(child\)/);
  await screenshot(page, 'resolved-successful');

  // What the server recorded, read as another client would.
  const { ceEvent } = await graphql(
    token(HOPE),
    `query ($id: ID!) { ceEvent(id: $id) { status referralResult resultDate acknowledgedBy { email }
       notes { text author { email } }
       resultingEnrollment { entryDate relationshipToHoH project { name }
         household { members { relationshipToHoH client { firstName } } } } } }`,
    { id }
  );
  assert.equal(ceEvent.status, 'SUCCESSFUL');
  assert.equal(ceEvent.referralResult, 'SUCCESSFUL_CLIENT_ACCEPTED');
  assert.equal(ceEvent.resultDate, TODAY, 'the result date is the enrollment entry date');
  assert.equal(ceEvent.acknowledgedBy.email, HOPE);
  assert.deepEqual(ceEvent.notes.map((n) => [n.text, n.author.email]), [[note, HOPE]]);
  assert.equal(ceEvent.resultingEnrollment.entryDate, TODAY);
  assert.equal(ceEvent.resultingEnrollment.relationshipToHoH, 'SELF_HEAD_OF_HOUSEHOLD');
  assert.equal(ceEvent.resultingEnrollment.project.name, 'Hope Permanent Supportive Housing');
  assert.deepEqual(
    ceEvent.resultingEnrollment.household.members.map((m) => `${m.client.firstName} ${m.relationshipToHoH}`).sort(),
    ['Daniel CHILD', 'Grace SELF_HEAD_OF_HOUSEHOLD']
  );
  assertNoProblems();
});

test("the guide's unsuccessful path: the server's refusal is shown with its code, then the decline with a reason", async () => {
  const page = inbox;
  await page.getByRole('link', { name: '← Inbox' }).click();
  // The resolved referral has left the inbox.
  await page.locator('tr[data-referral-id]', { hasText: 'Grace Okafor' }).waitFor({ state: 'detached', timeout: SHOWN_MS });
  await page.locator('tr[data-referral-id]', { hasText: 'Keisha Washington' }).getByRole('link').click();
  const id = decodeURIComponent(new URL(page.url()).hash.split('/').pop());
  await page.getByTestId('referral-status').getByText('PENDING').waitFor({ timeout: SHOWN_MS });

  const decline = page.locator('form.decline');
  await decline.getByLabel('unsuccessful provider rejected').check();
  await decline.locator('input[name="resultDate"]').fill(TODAY);
  // PROVIDER_OTHER needs a note (rule L3): the server says so, and the page shows it with its code.
  await decline.locator('select[name="declineReason"]').selectOption('PROVIDER_OTHER');
  await decline.getByRole('button', { name: 'Decline referral' }).click();
  const error = decline.locator('.error');
  await error.waitFor({ timeout: SHOWN_MS });
  assert.match(await error.innerText(), /^BAD_USER_INPUT .*note/i);
  await screenshot(page, 'decline-refused');

  await decline.locator('select[name="declineReason"]').selectOption('PROVIDER_NO_VACANCY');
  const why = 'No one-bedroom unit opens before February.';
  await decline.locator('textarea[name="declineNote"]').fill(why);
  await decline.getByRole('button', { name: 'Decline referral' }).click();
  await page.getByTestId('referral-status').getByText('UNSUCCESSFUL').waitFor({ timeout: SHOWN_MS });
  assert.equal(
    await page.getByTestId('referral-result').innerText(),
    `unsuccessful provider rejected on ${TODAY} · reason: provider no vacancy`
  );
  await page.locator('.note', { hasText: why }).waitFor();
  await screenshot(page, 'declined');

  const { ceEvent } = await graphql(
    token(HOPE),
    'query ($id: ID!) { ceEvent(id: $id) { status referralResult resultDate declineReason notes { text } } }',
    { id }
  );
  assert.deepEqual(ceEvent, {
    status: 'UNSUCCESSFUL',
    referralResult: 'UNSUCCESSFUL_PROVIDER_REJECTED',
    resultDate: TODAY,
    declineReason: 'PROVIDER_NO_VACANCY',
    notes: [{ text: why }],
  });
  assertNoProblems();
});

/** The PLM records a new household's referral to Hope Rapid Re-Housing through the API. */
async function referNewHousehold(firstName) {
  const plm = token(PLM);
  const { organizations } = await graphql(plm, '{ organizations { projects { id name } } }');
  const project = (name) => organizations.flatMap((o) => o.projects).find((p) => p.name === name).id;
  const { createClient: client } = await graphql(
    plm,
    `mutation ($first: String!) { createClient(input: { firstName: $first, lastName: "Nguyen", dateOfBirth: "1991-03-14" }) { id } }`,
    { first: firstName }
  );
  const { createEnrollment: ce } = await graphql(
    plm,
    'mutation ($c: ID!, $p: ID!, $d: Date!) { createEnrollment(input: { clientId: $c, projectId: $p, entryDate: $d }) { id } }',
    { c: client.id, p: project('Metro Coordinated Entry Access Point'), d: TODAY }
  );
  const { createCeEvent: referral } = await graphql(
    plm,
    `mutation ($e: ID!, $p: ID!, $d: Date!) { createCeEvent(input: { enrollmentId: $e, eventDate: $d,
       eventType: REFERRAL_TO_RRH, referredProjectId: $p }) { id status } }`,
    { e: ce.id, p: project('Hope Rapid Re-Housing'), d: TODAY }
  );
  assert.equal(referral.status, 'PENDING');
  return referral.id;
}

test('a referral the PLM records through the API arrives in the open inbox without a reload', async () => {
  const page = inbox;
  await page.getByRole('link', { name: '← Inbox' }).click();
  await page.locator('tr[data-referral-id]').first().waitFor({ timeout: SHOWN_MS });
  const before = await page.locator('tr[data-referral-id]').count();
  // A mark on the window: a reload or a navigation would lose it.
  await page.evaluate(() => (window.__sameDocument = true));

  const id = await referNewHousehold('Ana');
  const arrived = row(page, id);
  await arrived.waitFor({ timeout: SHOWN_MS });
  assert.match(await arrived.innerText(), /Ana Nguyen\s*new/);
  assert.match(await arrived.innerText(), /Hope Rapid Re-Housing/);
  assert.equal(await page.locator('tr[data-referral-id]').count(), before + 1);
  assert.equal(await page.getByTestId('pending-count').innerText(), String(before + 1));
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'the page was not reloaded');
  assert.match(await page.locator('.live-last').innerText(), /Ana Nguyen: pending/);
  await screenshot(page, 'live-update');
  assertNoProblems();
});

/**
 * The dashboard's range is the year to the browser's today; the demo's year is the one to the
 * server's (HEARTH_TODAY), which the test sets rather than depend on the calendar.
 */
async function showYear(page) {
  await page.locator('input[name="from"]').fill('2025-12-02');
  await page.locator('input[name="to"]').fill(TODAY);
}

test("the PLM's dashboard charts the report, the priority list and the CE APR, and refreshes on a change", async () => {
  const page = await openSpa();
  await signInAs(page, PLM);
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await showYear(page);
  for (const chart of ['outcomes', 'decline-reasons', 'days-to-result', 'priority-list', 'ce-apr-Q9a', 'ce-apr-Q9b']) {
    await page.getByTestId(`chart-${chart}`).locator('.recharts-bar-rectangle').first().waitFor({ timeout: SHOWN_MS });
  }
  await page.locator('table.apr[data-question="Q10"]').waitFor();

  // The figures are the API's, for the range the page shows.
  const from = await page.locator('input[name="from"]').inputValue();
  const to = await page.locator('input[name="to"]').inputValue();
  const report = async () =>
    (await graphql(token(PLM), 'query ($f: Date!, $t: Date!) { referralReport(from: $f, to: $t) { totals { total } } }', { f: from, t: to }))
      .referralReport.totals.total;
  const total = await report();
  assert.equal(await page.getByTestId('total-referrals').innerText(), String(total));
  const { w } = await graphql(token(PLM), '{ w: priorityList(householdType: WITHOUT_CHILDREN, first: 0) { totalCount } }');
  assert.ok(w.totalCount > 0, 'the demo has households waiting');
  await screenshot(page, 'dashboard');

  // Live: a new referral raises the total without a reload.
  await referNewHousehold('Minh');
  await page.getByTestId('total-referrals').getByText(String(total + 1), { exact: true }).waitFor({ timeout: SHOWN_MS });
  assert.equal(await report(), total + 1);
  await screenshot(page, 'dashboard-live');
  await page.close();
  assertNoProblems();
});

test("housing staff's dashboard shows their own report and says the priority list is the PLM's", async () => {
  const page = inbox;
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await showYear(page);
  await page.getByTestId('chart-outcomes').locator('.recharts-bar-rectangle').first().waitFor({ timeout: SHOWN_MS });
  await page.getByText('The priority list and the CE APR are for Priority List Managers and ADMIN.').waitFor();
  assert.equal(await page.getByTestId('chart-priority-list').count(), 0);
  assertNoProblems();
});

test('a pasted token: an unknown one is refused with its code; one with several memberships picks its organization, sent over HTTP and in connection_init', async () => {
  // ADMIN gives Harbor Homes' staff member a second membership, at Hope Housing Partners.
  const admin = token('admin@demo.hearth.example');
  const harbor = token('staff@harbor-homes.example');
  const { organizations } = await graphql(admin, '{ organizations { id name } }');
  const hope = organizations.find((o) => o.name === 'Hope Housing Partners');
  const { me } = await graphql(harbor, '{ me { user { id } } }');
  await graphql(
    admin,
    'mutation ($u: ID!, $o: ID!) { grantRole(input: { userId: $u, organizationId: $o, role: HOUSING_STAFF }) { role } }',
    { u: me.user.id, o: hope.id }
  );

  const page = await openSpa();
  const sockets = [];
  page.on('websocket', (socket) => {
    const sent = [];
    socket.on('framesent', (frame) => sent.push(JSON.parse(frame.payload)));
    sockets.push({ url: socket.url(), sent });
  });
  // A token Hearth does not know: its answer is shown with its code.
  await page.locator('input[name="token"]').fill('hth_not-a-token');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.locator('.sign-in .error').getByText('UNAUTHENTICATED').waitFor({ timeout: SHOWN_MS });
  // That refusal is a 401, which the browser reports: the one problem expected here.
  const refused = problems.filter((problem) => /status of 401/.test(problem));
  assert.equal(refused.length, 1, `problems: ${problems}`);
  problems.splice(problems.indexOf(refused[0]), 1);

  await page.locator('input[name="token"]').fill(harbor);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  const choose = page.getByRole('region', { name: 'Choose an organization' });
  await choose.getByRole('button', { name: 'Harbor Homes' }).waitFor({ timeout: SHOWN_MS });
  await screenshot(page, 'choose-organization');
  await choose.getByRole('button', { name: 'Hope Housing Partners' }).click();
  await page.locator('.top .org').getByText('Hope Housing Partners').waitFor({ timeout: SHOWN_MS });
  await page.locator('.live.on').waitFor({ timeout: SHOWN_MS });

  // Acting as Hope, the inbox is Hope's.
  const { referrals } = await graphql(token(HOPE), '{ referrals(status: PENDING) { totalCount } }');
  await page.getByTestId('pending-count').getByText(String(referrals.totalCount), { exact: true }).waitFor({ timeout: SHOWN_MS });
  const init = sockets.flatMap((s) => s.sent).find((m) => m.type === 'connection_init');
  assert.deepEqual(init?.payload, { Authorization: `Bearer ${harbor}`, 'X-Organization-Id': hope.id });
  assert.equal(new URL(sockets[0].url).pathname, '/graphql/ws');
  await page.close();
  assertNoProblems();
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
  const started = Date.now();
  try {
    await setUp();
    for (const { name, fn } of tests) {
      const began = Date.now();
      try {
        await fn();
        passed += 1;
        console.log(`ok - ${name} (${Date.now() - began} ms)`);
      } catch (error) {
        failed += 1;
        problems.length = 0;
        console.log(`not ok - ${name}\n${String(error.stack || error).replace(/^/gm, '    ')}`);
        if (inbox) await screenshot(inbox, 'failure').catch(() => {});
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
  console.log(`screenshots and server log: ${path.relative(process.cwd(), OUTPUT) || '.'}/ (${Math.round((Date.now() - started) / 1000)} s)`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 && passed === tests.length ? 0 : 1;
}

await main();
