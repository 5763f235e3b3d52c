#!/usr/bin/env node
// check_duckdb_canonical.mjs: compare duckdb_canonical.mjs (DuckDB's reading) with
// `quire cat` (quire's reading) on Parquet files, line by line.
//
// Usage: node tests/tools/check_duckdb_canonical.mjs [--quire PATH] [-v] [FILE|DIR]...
//
// DIRs are searched (not recursively) for *.parquet files; without arguments,
// tests/data/parquet/data. The quire binary is --quire, else $QUIRE, else
// build/release/src/quire/cli/quire under the project root. Prints one line per
// file (MATCH, DIFFER with the first differing line, DUCKDB-FAIL, QUIRE-FAIL,
// BOTH-FAIL) and a summary; -v also prints both sides of each first difference
// in full. Exit status 0 when no file differs, 1 otherwise.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

let quire = process.env.QUIRE || path.join(root, 'build/release/src/quire/cli/quire');
let verbose = false;
const inputs = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; ++i) {
  if (args[i] === '--quire') quire = args[++i];
  else if (args[i] === '-v') verbose = true;
  else inputs.push(args[i]);
}
if (inputs.length === 0) inputs.push(path.join(root, 'tests/data/parquet/data'));

const files = [];
for (const input of inputs) {
  if (fs.statSync(input).isDirectory()) {
    for (const name of fs.readdirSync(input).sort()) {
      if (name.endsWith('.parquet')) files.push(path.join(input, name));
    }
  } else {
    files.push(input);
  }
}

// DuckDB: one process for all files.
const duck = spawnSync(process.execPath, [path.join(here, 'duckdb_canonical.mjs'), ...files],
                       { encoding: 'utf8', maxBuffer: 1 << 30 });
if (duck.status !== 0) {
  process.stderr.write(duck.stderr);
  process.exit(2);
}
const duckRows = new Map();
let current = null;
for (const line of duck.stdout.split('\n')) {
  if (line.startsWith('## ')) {
    current = { rows: [], error: null };
    duckRows.set(line.slice(3), current);
  } else if (line.startsWith('!! ')) {
    current.error = line.slice(3);
  } else if (line !== '') {
    current.rows.push(line);
  }
}

const clip = (s, n = 300) => (s === undefined ? '<none>' : s.length > n ? s.slice(0, n) + '...' : s);
const counts = {};
const count = (k) => { counts[k] = (counts[k] ?? 0) + 1; };
for (const file of files) {
  const d = duckRows.get(file);
  const q = spawnSync(quire, ['cat', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const qError = q.status !== 0 ? `exit ${q.status}: ${q.stderr.trim().split('\n')[0]}` : null;
  const name = path.relative(process.cwd(), file);
  if (d.error !== null && qError !== null) {
    count('BOTH-FAIL');
    console.log(`BOTH-FAIL  ${name}\n    duckdb: ${clip(d.error)}\n    quire:  ${clip(qError)}`);
    continue;
  }
  if (d.error !== null) {
    count('DUCKDB-FAIL');
    console.log(`DUCKDB-FAIL ${name}\n    duckdb: ${clip(d.error)}`);
    continue;
  }
  if (qError !== null) {
    count('QUIRE-FAIL');
    console.log(`QUIRE-FAIL ${name}\n    quire:  ${clip(qError)}`);
    continue;
  }
  const qRows = q.stdout.split('\n');
  if (qRows[qRows.length - 1] === '') qRows.pop();
  const n = Math.max(qRows.length, d.rows.length);
  let first = -1, differing = 0;
  for (let i = 0; i < n; ++i) {
    if (qRows[i] !== d.rows[i]) {
      if (first < 0) first = i;
      ++differing;
    }
  }
  if (first < 0) {
    count('MATCH');
    console.log(`MATCH      ${name} (${n} rows)`);
    continue;
  }
  count('DIFFER');
  const len = verbose ? Infinity : 300;
  console.log(`DIFFER     ${name}: ${differing} of ${n} rows differ (duckdb ${d.rows.length} ` +
              `rows, quire ${qRows.length}); first at row ${first + 1}\n` +
              `    duckdb: ${clip(d.rows[first], len)}\n    quire:  ${clip(qRows[first], len)}`);
}
console.log('summary: ' + Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ') +
            ` (${files.length} files)`);
process.exitCode = counts.DIFFER ? 1 : 0;
