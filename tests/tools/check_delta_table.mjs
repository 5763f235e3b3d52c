#!/usr/bin/env node
// check_delta_table.mjs: read a Delta table without quire, as PROTOCOL.md says, so
// that tests can hold quire's writes against an independent reader.
//
// Usage: node tests/tools/check_delta_table.mjs TABLE_DIR
//
// 1. Replays _delta_log/NNN.json in order (add and remove reconciled by path) and
//    checks each commit's form: one JSON object per line, one action each,
//    commitInfo with a timestamp and an operation, version 0 with protocol and
//    metaData, add paths relative and inside the table.
// 2. Reads every checkpoint with DuckDB and checks that its active files are the
//    replay's at that version, and that _last_checkpoint names the newest.
// 3. For every active file: the file exists with the add's size; its Hive folders
//    are the add's partitionValues; DuckDB's count, null counts, min and max of
//    every column agree with the add's stats.
// 4. Prints, after a line "## rows", every row of the active files as DuckDB reads
//    them, in quire's canonical JSON (tests/tools/duckdb_canonical.mjs), data columns
//    only, sorted, and after "## partitions" the row count of each partition
//    value tuple, so that a test compares them with `quire table scan`.
//
// Problems print "FAIL <what>" lines; the exit status is 1 when there were any.

import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const nodeModules = process.env.QUIRE_NODE_MODULES || path.join(here, '..', '..', 'node_modules');
const require = createRequire(import.meta.url);
const duckdb = require(path.join(nodeModules, '@duckdb', 'node-api'));

let failures = 0;
function fail(what) {
  failures++;
  process.stdout.write(`FAIL ${what}\n`);
}
function sqlString(s) { return `'${s.replaceAll("'", "''")}'`; }
function sqlName(s) { return `"${s.replaceAll('"', '""')}"`; }

// PROTOCOL.md, "Partition Value Serialization" and Hive folder escaping.
function hiveUnescape(s) { return decodeURIComponent(s); }

const root = process.argv[2];
if (!root) {
  process.stderr.write('usage: check_delta_table.mjs TABLE_DIR\n');
  process.exit(2);
}
const log = path.join(root, '_delta_log');
const commits = fs.readdirSync(log).filter((f) => /^\d{20}\.json$/.test(f)).sort();
if (commits.length === 0) fail('no commits in _delta_log');

// --- 1. replay ---------------------------------------------------------------------
const active = new Map();    // path -> add
const activeAt = [];         // version -> sorted active paths
let metadata = null;
let protocol = null;
commits.forEach((name, index) => {
  const version = Number(name.slice(0, 20));
  if (version !== index) fail(`${name}: versions must be contiguous from 0`);
  const lines = fs.readFileSync(path.join(log, name), 'utf8').split('\n').filter((l) => l !== '');
  const kinds = [];
  for (const line of lines) {
    let action;
    try {
      action = JSON.parse(line);
    } catch (e) {
      fail(`${name}: a line is not JSON: ${line.slice(0, 80)}`);
      continue;
    }
    const keys = Object.keys(action);
    if (keys.length !== 1) fail(`${name}: a line holds ${keys.length} actions`);
    const kind = keys[0];
    kinds.push(kind);
    const a = action[kind];
    if (kind === 'commitInfo') {
      if (typeof a.timestamp !== 'number' || typeof a.operation !== 'string') {
        fail(`${name}: commitInfo without timestamp or operation`);
      }
    } else if (kind === 'metaData') {
      metadata = a;
    } else if (kind === 'protocol') {
      protocol = a;
    } else if (kind === 'add') {
      if (a.path.startsWith('/') || a.path.includes('..') || /^[a-z]+:/.test(a.path)) {
        fail(`${name}: add path ${a.path} is not relative inside the table`);
      }
      for (const key of ['partitionValues', 'size', 'modificationTime', 'dataChange']) {
        if (!(key in a)) fail(`${name}: add ${a.path} lacks ${key}`);
      }
      active.set(a.path, a);
    } else if (kind === 'remove') {
      if (!active.has(a.path)) fail(`${name}: remove of ${a.path}, which is not active`);
      if (typeof a.deletionTimestamp !== 'number') fail(`${name}: remove without deletionTimestamp`);
      active.delete(a.path);
    } else if (!['txn', 'domainMetadata', 'cdc', 'checkpointMetadata', 'sidecar'].includes(kind)) {
      fail(`${name}: unknown action ${kind}`);
    }
  }
  if (kinds[0] !== 'commitInfo') fail(`${name}: commitInfo is not first`);
  if (version === 0 && !(kinds.includes('protocol') && kinds.includes('metaData'))) {
    fail(`${name}: version 0 lacks protocol or metaData`);
  }
  activeAt[version] = [...active.keys()].sort();
});
if (!metadata || !protocol) {
  process.stdout.write(`${failures} problems\n`);
  process.exit(1);
}
if (protocol.minReaderVersion > 1 && !(protocol.minReaderVersion === 3 && protocol.minWriterVersion === 7)) {
  fail(`protocol ${JSON.stringify(protocol)}: features need reader 3 and writer 7`);
}
const schema = JSON.parse(metadata.schemaString);
const partitionColumns = metadata.partitionColumns;
const dataColumns = schema.fields.filter((f) => !partitionColumns.includes(f.name));

const instance = await duckdb.DuckDBInstance.create(':memory:', { threads: '1' });
const db = await instance.connect();
async function rows(sql) {
  const reader = await db.runAndReadAll(sql);
  return reader.getRows();
}

// --- 2. checkpoints ------------------------------------------------------------------
const checkpoints = fs.readdirSync(log).filter((f) => /^\d{20}\.checkpoint\.parquet$/.test(f)).sort();
for (const name of checkpoints) {
  const version = Number(name.slice(0, 20));
  const file = path.join(log, name);
  const got = (await rows(`SELECT "add".path FROM read_parquet(${sqlString(file)}) WHERE "add" IS NOT NULL`))
    .map((r) => r[0]).sort();
  const want = activeAt[version] || [];
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    fail(`${name}: its ${got.length} files are not the ${want.length} of version ${version}`);
  }
  const p = await rows(`SELECT count(*) FROM read_parquet(${sqlString(file)}) WHERE protocol IS NOT NULL`);
  const m = await rows(`SELECT count(*) FROM read_parquet(${sqlString(file)}) WHERE "metaData" IS NOT NULL`);
  if (Number(p[0][0]) !== 1 || Number(m[0][0]) !== 1) fail(`${name}: not one protocol and one metaData`);
}
if (checkpoints.length) {
  const last = JSON.parse(fs.readFileSync(path.join(log, '_last_checkpoint'), 'utf8'));
  const newest = Number(checkpoints[checkpoints.length - 1].slice(0, 20));
  if (last.version !== newest) fail(`_last_checkpoint names ${last.version}, the newest is ${newest}`);
}

// --- 3. the active files --------------------------------------------------------------
const byPartition = new Map();
const files = [];
for (const [p, add] of [...active.entries()].sort()) {
  const file = path.join(root, ...p.split('/').map(decodeURIComponent));
  files.push(file);
  if (!fs.existsSync(file)) {
    fail(`${p}: missing`);
    continue;
  }
  if (fs.statSync(file).size !== add.size) fail(`${p}: ${fs.statSync(file).size} bytes, add says ${add.size}`);
  const folders = {};
  for (const part of p.split('/').slice(0, -1).map(decodeURIComponent)) {
    const eq = part.indexOf('=');
    if (eq > 0) folders[hiveUnescape(part.slice(0, eq))] = hiveUnescape(part.slice(eq + 1));
  }
  for (const c of partitionColumns) {
    const v = add.partitionValues[c];
    const folder = folders[c];
    const expected = v === null || v === undefined ? '__HIVE_DEFAULT_PARTITION__' : v;
    if (folder !== expected) fail(`${p}: folder ${c}=${folder}, partitionValues ${c}=${v}`);
  }
  const stats = JSON.parse(add.stats || 'null');
  if (!stats) {
    fail(`${p}: no stats`);
    continue;
  }
  const src = `read_parquet(${sqlString(file)}, hive_partitioning=false)`;
  const count = Number((await rows(`SELECT count(*) FROM ${src}`))[0][0]);
  if (stats.numRecords !== count) fail(`${p}: numRecords ${stats.numRecords}, DuckDB counts ${count}`);
  const key = JSON.stringify(partitionColumns.map((c) => add.partitionValues[c] ?? null));
  byPartition.set(key, (byPartition.get(key) || 0) + count);
  for (const f of dataColumns) {
    if (typeof f.type !== 'string') continue;            // nested: no min/max in stats
    const c = sqlName(f.name);
    const ms = f.type.startsWith('timestamp')
      ? `epoch_ms(min(${c})::TIMESTAMP), epoch_ms(max(${c})::TIMESTAMP)` : 'NULL, NULL';
    const [row] = await rows(`SELECT count(*) - count(${c}), min(${c})::VARCHAR, ` +
                             `max(${c})::VARCHAR, ${ms} FROM ${src}`);
    const nulls = Number(row[0]);
    if (stats.nullCount?.[f.name] !== nulls) {
      fail(`${p}: nullCount.${f.name} ${stats.nullCount?.[f.name]}, DuckDB counts ${nulls}`);
    }
    if (nulls === count) continue;                       // all null: no min/max
    const min = stats.minValues?.[f.name];
    const max = stats.maxValues?.[f.name];
    // Stats are optional (PROTOCOL.md): a bound left out is noted, one given must hold.
    if (min === undefined || max === undefined) {
      process.stdout.write(`note ${p}: ${f.name} (${f.type}) has ` +
                           `${min === undefined ? 'no min' : 'a min'} and ${max === undefined ? 'no max' : 'a max'}\n`);
    }
    const t = f.type;
    let ok;
    const given = (v, check) => v === undefined || check(v);
    if (['byte', 'short', 'integer', 'long', 'float', 'double'].includes(t) || t.startsWith('decimal')) {
      ok = given(min, (v) => Number(v) === Number(row[1])) && given(max, (v) => Number(v) === Number(row[2]));
    } else if (t === 'string' || t === 'date') {
      // Long strings may be cut: a min must be a prefix of the true min, a max at least the true max.
      ok = given(min, (v) => v === row[1] || row[1].startsWith(v)) &&
           given(max, (v) => v === row[2] || v >= row[2]);
    } else if (t.startsWith('timestamp')) {
      // Stats are milliseconds (PROTOCOL.md "Per-file Statistics"): within 1 ms.
      ok = given(min, (v) => Math.abs(Date.parse(v) - Number(row[3])) < 1) &&
           given(max, (v) => Math.abs(Date.parse(v) - Number(row[4])) < 1);
    } else {
      ok = true;
    }
    if (!ok) fail(`${p}: min/max of ${f.name} (${t}) ${min}/${max}, DuckDB ${row[1]}/${row[2]}`);
  }
}
db.closeSync();
instance.closeSync();

// --- 4. the rows, for the caller to compare -----------------------------------------
const lines = [];
if (files.length) {
  const out = execFileSync('node', [path.join(here, 'duckdb_canonical.mjs'), ...files],
                           { encoding: 'utf8', maxBuffer: 1 << 30 });
  for (const line of out.split('\n')) {
    if (line.startsWith('!!')) fail(`DuckDB cannot read a data file: ${line}`);
    else if (line !== '' && !line.startsWith('## ')) lines.push(line);
  }
}
lines.sort();
process.stdout.write(`## columns ${dataColumns.map((f) => f.name).join(',')}\n`);
process.stdout.write('## rows\n' + lines.map((l) => l + '\n').join(''));
process.stdout.write('## partitions\n' + [...byPartition.entries()].sort()
  .map(([k, n]) => `${k} ${n}\n`).join(''));
process.stdout.write(`${failures} problems\n`);
process.exitCode = failures ? 1 : 0;
