// End-to-end test of `powkg serve` in a headless browser: Playwright (playwright-core, no bundled browser) drives
// Debian's Chromium at /usr/bin/chromium against a server started from the given binary on a free loopback port.
//
// Usage: node tests/js/browser.mjs PATH_TO_POWKG_BINARY [SCREENSHOT_DIR]
//
// Checks the landing page, an entity page (the disagreement table, an Italian label with ?lang=it), the query page
// (a query sent with the button and with Ctrl+Enter, its table against what /sparql returns for the same query, an
// example link) and that no page logs a console error or throws. Prints one line per check, `ok - …` or `FAIL - …`,
// then `N passed, N failed`; exits 0 when all pass, 1 when one fails, 2 for a usage or set-up error. Full-page PNG
// screenshots of the landing page, an entity page and the query page with results go to SCREENSHOT_DIR (default: a
// new temporary directory); their paths are printed. The server and the browser are stopped in every case.
//
// The packages come from tests/js/package-lock.json: `npm ci --prefix tests/js`. Chromium: `apt-get install chromium`.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const STARTUP_SECONDS = 60;
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

// The query sent from the query page and to /sparql; its prefixes are the ones the server predeclares.
const CAMP_QUERY =
  'SELECT ?camp ?label WHERE { ?camp a pk:Camp ; rdfs:label ?label FILTER(LANG(?label)="en") } ORDER BY ?label';

function die(message, code = 2) {
  process.stderr.write(`browser.mjs: ${message}\n`);
  process.exit(code);
}

// ---- Reading the curated data ---------------------------------------------------------------------------------

// One TOML string (basic "…" or literal '…') starting at text[i]; returns [value, index after it].
function tomlString(text, i) {
  const quote = text[i];
  if (quote !== '"' && quote !== "'") throw new Error(`expected a string at: ${text.slice(i, i + 30)}`);
  let out = '';
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === quote) return [out, j + 1];
    if (c !== '\\' || quote === "'") {
      out += c;
      continue;
    }
    const e = text[++j];
    const simple = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };
    if (e in simple) out += simple[e];
    else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      out += String.fromCodePoint(parseInt(text.slice(j + 1, j + 1 + n), 16));
      j += n;
    } else throw new Error(`unknown escape \\${e}`);
  }
  throw new Error('unterminated string');
}

// A one-line TOML inline table of strings, `{ en = "…", it = "…" }`, as an object.
function tomlInlineStrings(text) {
  const out = {};
  let i = text.indexOf('{') + 1;
  const skip = () => {
    while (/[\s,]/.test(text[i] ?? '')) i++;
  };
  for (skip(); text[i] !== '}'; skip()) {
    if (i >= text.length) throw new Error('unterminated inline table');
    let key;
    if (text[i] === '"' || text[i] === "'") [key, i] = tomlString(text, i);
    else {
      const m = /^[A-Za-z0-9_-]+/.exec(text.slice(i));
      if (!m) throw new Error(`expected a key at: ${text.slice(i, i + 30)}`);
      key = m[0];
      i += key.length;
    }
    while (text[i] === ' ') i++;
    if (text[i++] !== '=') throw new Error(`expected = after ${key}`);
    while (text[i] === ' ') i++;
    [out[key], i] = tomlString(text, i);
  }
  return out;
}

// The `label` inline table of the `[[entity]]` whose id is `id` in data/entities.toml.
function entityLabels(id) {
  const lines = readFileSync(join(REPO, 'data', 'entities.toml'), 'utf8').split('\n');
  let inEntity = false;
  let block = [];
  const blocks = [];
  for (const line of lines) {
    if (/^\s*\[/.test(line)) {
      if (inEntity) blocks.push(block);
      inEntity = /^\s*\[\[entity\]\]\s*(#.*)?$/.test(line);
      block = [];
    } else if (inEntity) block.push(line);
  }
  if (inEntity) blocks.push(block);
  for (const b of blocks) {
    const idLine = b.find((l) => /^\s*id\s*=/.test(l));
    if (!idLine || tomlString(idLine.slice(idLine.indexOf('=') + 1).trim(), 0)[0] !== id) continue;
    const labelLine = b.find((l) => /^\s*label\s*=\s*\{/.test(l));
    if (!labelLine) throw new Error(`entity ${id} has no one-line label table in data/entities.toml`);
    return tomlInlineStrings(labelLine);
  }
  throw new Error(`no [[entity]] with id ${id} in data/entities.toml`);
}

// ---- The server ---------------------------------------------------------------------------------------------------

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

function sleep(ms) {
  return new Promise((ok) => setTimeout(ok, ms));
}

// Polls the landing page until it answers 200; throws if the server exits first or after STARTUP_SECONDS.
async function waitForServer(base, child) {
  const deadline = Date.now() + STARTUP_SECONDS * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the server exited (${child.exitCode ?? child.signalCode}) before answering`);
    }
    try {
      const response = await fetch(`${base}/`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`the landing page did not answer within ${STARTUP_SECONDS} s`);
}

// SIGTERM, then SIGKILL if it has not exited within 10 s.
async function stopServer(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((ok) => child.once('exit', ok));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

// ---- Checks ------------------------------------------------------------------------------------------------------

let passed = 0;
let failed = 0;

/** The single number a COUNT query gives at the endpoint of `base`. */
async function sparqlCount(base, query) {
  const response = await fetch(`${base}/sparql?query=${encodeURIComponent(query)}`, {
    headers: { Accept: 'application/sparql-results+json' },
  });
  const json = await response.json();
  const [binding] = json.results.bindings;
  return Number(Object.values(binding)[0].value);
}

function check(name, condition, detail = '') {
  if (condition) {
    passed++;
    console.log(`ok - ${name}`);
  } else {
    failed++;
    console.log(`FAIL - ${name}${detail ? ` (${detail})` : ''}`);
  }
  return condition;
}

// Runs a group of checks; an exception inside it (a timeout, a missing element) is one failed check.
async function group(name, body) {
  try {
    await body();
  } catch (e) {
    check(`${name}: ran to the end`, false, String(e?.message ?? e).split('\n')[0]);
  }
}

const texts = async (locator) => (await locator.allInnerTexts()).map((t) => t.trim());

async function main() {
  const [binary, shotArg] = process.argv.slice(2);
  if (!binary || process.argv.length > 4) die('usage: node tests/js/browser.mjs PATH_TO_POWKG_BINARY [SCREENSHOT_DIR]');
  if (!existsSync(binary)) die(`no such binary: ${binary}`);
  if (!existsSync(CHROMIUM)) die(`no Chromium at ${CHROMIUM} (apt-get install chromium)`);
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    die(`cannot load playwright-core (npm ci --prefix tests/js): ${e.message}`);
  }
  const italian = entityLabels('romanian-pows').it;
  if (!italian) die('data/entities.toml gives romanian-pows no Italian label');

  const shots = shotArg ? resolve(shotArg) : mkdtempSync(join(tmpdir(), 'powkg-screens-'));
  mkdirSync(shots, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'powkg-chromium-'));

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let serverOutput = '';
  const server = spawn(resolve(binary), ['serve', '--bind', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk) => {
    serverOutput = (serverOutput + chunk).slice(-4000);
  };
  server.stdout.on('data', keep);
  server.stderr.on('data', keep);
  // Last resort if this process dies without reaching the finally below.
  const killOnExit = () => {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    rmSync(profile, { recursive: true, force: true });
  };
  process.on('exit', killOnExit);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      killOnExit();
      process.exit(130);
    });
  }

  let context;
  try {
    try {
      await waitForServer(base, server);
    } catch (e) {
      check('server answers the landing page', false, `${e.message}; output: ${serverOutput.trim()}`);
      return;
    }
    console.log(`# server: ${base}/ (${binary})`);

    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
    context.setDefaultTimeout(15_000);
    const problems = [];
    const watch = (page) => {
      page.on('console', (m) => {
        if (m.type() !== 'error') return;
        const where = m.location()?.url;
        // The not-found page is meant to answer 404, which the browser logs.
        if (page.url().endsWith('/no-such-thing.html') && m.text().includes('404')) return;
        problems.push(`${page.url()}: console error: ${m.text()}${where && where !== page.url() ? ` [${where}]` : ''}`);
      });
      page.on('pageerror', (e) => problems.push(`${page.url()}: page error: ${e.message}`));
    };
    context.pages().forEach(watch);
    context.on('page', watch);
    const page = context.pages()[0] ?? (await context.newPage());
    const visited = new Set();
    page.on('framenavigated', (f) => f === page.mainFrame() && visited.add(new URL(f.url()).pathname));

    // a. The landing page.
    await group('landing page', async () => {
      await page.goto(`${base}/`);
      const title = await page.title();
      check('landing page: title contains "Romanian prisoners of war"', title.includes('Romanian prisoners of war'), title);
      check('landing page: has a link to /query', (await page.locator('a[href="/query"]').count()) > 0);
      const counts = page.locator('table', { has: page.locator('caption', { hasText: 'What the graph holds' }) });
      const quads = await counts
        .locator('tbody tr', { has: page.locator('th', { hasText: /^quads$/ }) })
        .locator('td')
        .innerText();
      const counted = await sparqlCount(`${base}`, 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }');
      check(
        `landing page: the counts table shows as many quads as the endpoint counts (${counted})`,
        quads.trim().replaceAll(',', '') === String(counted),
        quads,
      );
      const shot = join(shots, 'landing.png');
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`# screenshot: ${shot}`);
      await page.getByRole('link', { name: 'Karlag', exact: true }).first().click();
      await page.waitForURL(`${base}/powkg/entity/karlag.html`);
      check('landing page: the Karlag link leads to /powkg/entity/karlag.html', true);
      const h1 = (await page.locator('h1').innerText()).trim();
      check('entity page karlag: h1 is "Karlag"', h1 === 'Karlag', h1);
    });

    // The thing IRI answers 303 to its page, which the browser follows.
    await group('thing IRI', async () => {
      const answer = await fetch(`${base}/powkg/entity/karlag`, { headers: { Accept: 'text/html' }, redirect: 'manual' });
      const location = answer.headers.get('location') ?? '';
      check(
        'thing IRI /powkg/entity/karlag answers 303 to its .html page',
        answer.status === 303 && new URL(location, base).pathname === '/powkg/entity/karlag.html',
        `${answer.status} ${location}`,
      );
      await page.goto(`${base}/powkg/entity/karlag`);
      check('browser at the thing IRI ends on karlag.html', new URL(page.url()).pathname === '/powkg/entity/karlag.html', page.url());
    });

    // b. An entity page with disagreeing sources, then in Italian.
    await group('entity page', async () => {
      await page.goto(`${base}/powkg/entity/romanian-pows.html`);
      const section = page.locator('section', { has: page.locator('h2', { hasText: 'Where the sources disagree' }) });
      check('entity page romanian-pows: has a "Where the sources disagree" section', (await section.count()) === 1);
      const tables = await texts(section.locator('table'));
      check(
        'entity page romanian-pows: a disagreement table holds both 100,000 and 140,000',
        tables.some((t) => t.includes('100,000') && t.includes('140,000')),
        `${tables.length} tables`,
      );
      const shot = join(shots, 'entity-romanian-pows.png');
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`# screenshot: ${shot}`);
      await page.goto(`${base}/powkg/entity/romanian-pows.html?lang=it`);
      const h1 = page.locator('h1');
      const text = (await h1.innerText()).trim();
      check(`entity page romanian-pows?lang=it: h1 is the Italian label "${italian}"`, text === italian, text);
      check('entity page romanian-pows?lang=it: h1 has lang="it"', (await h1.getAttribute('lang')) === 'it');
    });

    // c. The query page: the same query with the button and with Ctrl+Enter, against the endpoint's answer.
    await group('query page', async () => {
      const url = `${base}/sparql?query=${encodeURIComponent(CAMP_QUERY)}`;
      const answer = await fetch(url, { headers: { Accept: 'application/sparql-results+json' } });
      const json = await answer.json();
      const bindings = json.results.bindings;
      const labels = bindings.map((b) => b.label?.value);
      check('/sparql answers the camp query with rows', answer.ok && bindings.length > 0, `${answer.status}, ${bindings.length} rows`);

      const table = page.locator('#result-table');
      const checkTable = async (how) => {
        check(`query page (${how}): the table's caption is "Query results"`, (await table.locator('caption').innerText()).trim() === 'Query results');
        const heads = await texts(table.locator('thead th'));
        check(`query page (${how}): header cells are camp, label`, heads.join(',') === 'camp,label', heads.join(','));
        const rows = await table.locator('tbody tr').count();
        check(`query page (${how}): ${rows} rows, as many as /sparql returns (${bindings.length})`, rows === bindings.length && rows > 0);
        const cells = await texts(table.locator('tbody tr td:nth-child(2)'));
        check(
          `query page (${how}): the label cells are the endpoint's labels, in order`,
          cells.length === labels.length && cells.every((c, i) => c === labels[i]),
          `${JSON.stringify(cells)} vs ${JSON.stringify(labels)}`,
        );
      };

      await page.goto(`${base}/query`);
      await page.locator('textarea#query').fill(CAMP_QUERY);
      await page.getByRole('button', { name: 'Run query' }).click();
      await page.waitForURL((u) => u.pathname === '/query' && u.searchParams.get('query') === CAMP_QUERY);
      await table.waitFor();
      await checkTable('Run query button');
      check(
        'query page: the textarea keeps the query sent',
        (await page.locator('textarea#query').inputValue()).trim() === CAMP_QUERY,
      );
      const shot = join(shots, 'query-results.png');
      await page.screenshot({ path: shot, fullPage: true });
      console.log(`# screenshot: ${shot}`);

      await page.goto(`${base}/query`);
      check('query page: no result table before a query is sent', (await table.count()) === 0);
      const editor = page.locator('textarea#query');
      await editor.fill(CAMP_QUERY);
      await editor.press('Control+Enter');
      await page.waitForURL((u) => u.searchParams.get('query') === CAMP_QUERY);
      await table.waitFor();
      await checkTable('Ctrl+Enter');
    });

    // d. An example link opens that bundled query's page: its text and its results.
    await group('example link', async () => {
      await page.goto(`${base}/query`);
      const links = page.locator('a[href^="/query/"]');
      const count = await links.count();
      check('query page: lists the bundled queries as example links', count > 0, `${count} links`);
      const link = links.nth(count > 1 ? 1 : 0);
      const name = new URL(await link.getAttribute('href'), base).pathname.replace(/^\/query\//, '').replace(/\.html$/, '');
      await link.click();
      await page.waitForURL((u) => u.pathname === `/query/${name}.html`);
      const text = (await page.locator('pre.query').textContent()).replace(/\r\n/g, '\n').trim();
      // A query of the bundled project's own, or one built into powkg.
      const own = join(REPO, 'queries', `${name}.rq`);
      const file = existsSync(own) ? own : join(REPO, 'src', 'query', 'builtin', `${name}.rq`);
      const expected = existsSync(file) ? readFileSync(file, 'utf8').replace(/\r\n/g, '\n').trim() : null;
      check(
        `query page: the example link "${name}" shows queries/${name}.rq`,
        expected !== null && text === expected,
        expected === null ? `no ${file}` : `editor starts ${JSON.stringify(text.slice(0, 60))}`,
      );
    });

    // e. Accessibility: axe-core on every kind of page, no serious or critical violation; screenshots of each.
    await group('accessibility (axe-core)', async () => {
      const axe = readFileSync(join(REPO, 'tests', 'js', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
      // A statement that disagrees with another: its page shows both side by side.
      const sparql = await fetch(`${base}/sparql?query=${encodeURIComponent('SELECT ?s WHERE { ?s pk:conflictsWith ?o } ORDER BY ?s LIMIT 1')}`, { headers: { Accept: 'application/sparql-results+json' } });
      const statement = new URL((await sparql.json()).results.bindings[0].s.value).pathname + '.html';
      const pages = [
        ['landing', '/'],
        ['query', '/query'],
        ['query results', `/query?query=${encodeURIComponent(CAMP_QUERY)}`],
        ['bundled query', '/query/camps.html'],
        ['entity with disagreements', '/powkg/entity/romanian-pows.html'],
        ['entity', '/powkg/entity/karlag.html'],
        ['statement', statement],
        ['source', '/powkg/source/en-article.html'],
        ['search', '/search?q=Lascar'],
        ['not found', '/powkg/entity/no-such-thing.html'],
      ];
      for (const [name, path] of pages) {
        await page.goto(`${base}${path}`);
        // Evaluated through the DevTools protocol, which the pages' Content-Security-Policy does not govern.
        const result = await page.evaluate(
          `${axe}; axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })))`,
        );
        const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        check(`axe-core: ${name} page (${path}) has no serious or critical violation`, bad.length === 0, JSON.stringify(bad));
        const shot = join(shots, `a11y-${name.replace(/ /g, '-')}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        console.log(`# screenshot: ${shot}`);
      }
    });

    // f. No console errors or uncaught exceptions anywhere.
    const pages = [...visited].sort().join(' ');
    check(`no console errors or page errors on the ${visited.size} pages visited`, problems.length === 0, problems.join('; '));
    console.log(`# pages visited: ${pages}`);
  } finally {
    await context?.close().catch(() => {});
    await stopServer(server);
    process.off('exit', killOnExit);
    rmSync(profile, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (e) {
  check('the test ran to the end', false, String(e?.stack ?? e));
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
