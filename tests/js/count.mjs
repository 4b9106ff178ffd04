// Independent statement counts for tests/e2e/oracles.py, from parsers that share no code with powkg.
//
// Usage: node tests/js/count.mjs FORMAT FILE
//
//   turtle, ntriples, nquads, trig: N3.js parses FILE (strict grammar of that format); prints the number of quads
//                                   it emitted (default graph included).
//   jsonld:                         jsonld.js converts FILE with jsonld.toRDF(doc, {format: 'application/n-quads'})
//                                   and prints the number of N-Quads lines. It runs offline: its document loader
//                                   refuses every remote document, so a remote @context fails instead of being
//                                   fetched, and safe mode makes any data that would be silently dropped an error.
//
// Prints the count alone on standard output and exits 0; otherwise prints the reason on standard error and exits 1
// (2 for a usage error). The packages come from tests/js/package-lock.json: `npm ci --prefix tests/js`.

import { createReadStream, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const N3_FORMATS = {
  turtle: 'Turtle',
  ntriples: 'N-Triples',
  nquads: 'N-Quads',
  trig: 'TriG',
};

function die(message, code = 1) {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

async function load(name) {
  try {
    return await import(name);
  } catch (e) {
    die(`cannot load the npm package '${name}' (${e.code || e.name}: ${e.message}); ` +
      'install the pinned packages: npm ci --prefix tests/js --no-audit --no-fund');
  }
}

async function countN3(format, file) {
  const { StreamParser } = (await load('n3')).default;
  const parser = new StreamParser({ format: N3_FORMATS[format], baseIRI: pathToFileURL(file).href });
  let count = 0;
  await new Promise((resolve, reject) => {
    const input = createReadStream(file);
    input.on('error', reject);
    parser.on('error', reject);
    parser.on('data', () => { count += 1; });
    parser.on('end', resolve);
    input.pipe(parser);
  });
  return count;
}

async function countJsonld(file) {
  const jsonld = (await load('jsonld')).default;
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  const documentLoader = async (url) => {
    throw new Error(`refusing to load the remote document ${url}: this check runs offline`);
  };
  const nquads = await jsonld.toRDF(doc, {
    format: 'application/n-quads',
    base: pathToFileURL(file).href,
    documentLoader,
    safe: true,
  });
  return nquads.split('\n').filter((line) => line.trim() !== '').length;
}

async function main(argv) {
  if (argv.length !== 2) {
    die('usage: node tests/js/count.mjs turtle|ntriples|nquads|trig|jsonld FILE', 2);
  }
  const [format, file] = argv;
  let count;
  if (format in N3_FORMATS) {
    count = await countN3(format, file);
  } else if (format === 'jsonld') {
    count = await countJsonld(file);
  } else {
    die(`unknown format '${format}': expected turtle, ntriples, nquads, trig or jsonld`, 2);
  }
  process.stdout.write(`${count}\n`);
}

main(process.argv.slice(2)).catch((e) => {
  let details = e && e.details ? ` ${JSON.stringify(e.details).slice(0, 400)}` : '';
  const cause = e && e.details && e.details.cause;
  if (cause && cause.message) {
    details += ` (cause: ${cause.message})`;
  }
  die(`${e && e.name ? e.name : 'Error'}: ${e && e.message ? e.message : e}${details}`);
});
