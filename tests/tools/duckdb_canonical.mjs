#!/usr/bin/env node
// duckdb_canonical.mjs: read Parquet files with DuckDB, an independent reader, and
// print their rows in quire's canonical JSON (src/quire/columnar/json.h), so that
// tests can compare them byte for byte with what quire reads.
//
// Usage: node tests/tools/duckdb_canonical.mjs [--where=SQL] FILE.parquet...
//
// Output, for each FILE in the order given:
//
//   ## FILE                       (the path exactly as given)
//   [row 1 as a compact JSON array]
//   [row 2 ...]
//
// or, when DuckDB cannot read the file or reads a type without a canonical
// rendering, the header followed by one line
//
//   !! <message>                  (the first line of DuckDB's message)
//
// and no rows. The rows are exactly the lines of `quire cat FILE` (the rows of
// columnar::RowsToJson, one per line). Values are rendered from DuckDB's result
// types, from the raw integers DuckDB gives (bigint micros, decimal unscaled
// values, ...), never through JS Date or decimal floats.
//
// DuckDB is @duckdb/node-api from the project's node_modules (two levels above
// this file), or from the node_modules directory named by $QUIRE_NODE_MODULES.
//
// Exit status: 0 when every file was reported (failures included, as `!!`
// lines), 2 on a usage error or when DuckDB cannot be loaded.

import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const nodeModules = process.env.QUIRE_NODE_MODULES ||
                    path.join(here, '..', '..', 'node_modules');
const require = createRequire(import.meta.url);

// --- Numbers -----------------------------------------------------------------

const kMaxExact = 2n ** 53n;

// Integers of any width: a JSON number when |v| <= 2^53, else a string of digits.
function renderInteger(v) {
  const b = BigInt(v);
  const s = b.toString();
  return (b <= kMaxExact && b >= -kMaxExact) ? s : `"${s}"`;
}

// Lay out digits d1..dk with value 0.d1..dk x 10^n as ECMAScript
// Number::toString does (and quire's AppendEcmaScriptLayout).
function ecmaLayout(digits, n) {
  const k = digits.length;
  if (k <= n && n <= 21) return digits + '0'.repeat(n - k);
  if (0 < n && n <= 21) return digits.slice(0, n) + '.' + digits.slice(n);
  if (-6 < n && n <= 0) return '0.' + '0'.repeat(-n) + digits;
  const e = n - 1;
  return digits[0] + (k > 1 ? '.' + digits.slice(1) : '') + 'e' + (e < 0 ? '-' : '+') +
         Math.abs(e);
}

function renderSpecial(x) {
  if (Number.isNaN(x)) return '"NaN"';
  if (x === Infinity) return '"Infinity"';
  if (x === -Infinity) return '"-Infinity"';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0';
  return null;
}

// DOUBLE: ECMAScript Number::toString is the shortest round-trip layout quire uses.
function renderDouble(x) {
  return renderSpecial(x) ?? String(x);
}

// Exact value of a finite double as [mantissa, exponent2]: x = m * 2^e.
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
function decomposeDouble(x) {
  f64[0] = x;
  const bits = u64[0];
  const exp = Number((bits >> 52n) & 0x7ffn);
  let m = bits & ((1n << 52n) - 1n);
  if (exp === 0) return [m, -1074];
  m |= 1n << 52n;
  return [m, exp - 1075];
}

// |c * 10^q - m * 2^e| scaled to an integer (the same scale for all candidates of
// one x, so the results compare exactly).
function exactDistance(c, q, m, e) {
  // Bring both to a common denominator 2^max(0,-e) * 10^max(0,-q).
  let a = c, b = m;
  if (q >= 0) a *= 10n ** BigInt(q); else b *= 10n ** BigInt(-q);
  if (e >= 0) b *= 2n ** BigInt(e); else a *= 2n ** BigInt(-e);
  const d = a - b;
  return d < 0n ? -d : d;
}

// FLOAT (binary32, given as the exact double JS holds): the shortest digits that
// round-trip to the same binary32, the nearest of them to the value, and on an
// exact tie the even last digit (std::to_chars(float)).
function renderFloat(x) {
  const special = renderSpecial(x);
  if (special !== null) return special;
  const negative = x < 0;
  const ax = Math.abs(x);
  const [m, e] = decomposeDouble(ax);
  for (let p = 1; p <= 9; ++p) {
    // toPrecision gives the nearest p-digit decimal; at a power of two the
    // round-trip interval is lopsided, so its neighbours may round-trip when it
    // does not (or tie with it), hence three candidates.
    const [mant, expText] = ax.toExponential(p - 1).split('e');
    const c0 = BigInt(mant.replace('.', ''));
    const q = Number(expText) - (p - 1);  // value = c * 10^q
    let best = null;
    for (const c of [c0 - 1n, c0, c0 + 1n]) {
      if (c <= 0n) continue;
      const digits = c.toString();
      if (Math.fround(Number(`${digits}e${q}`)) !== ax) continue;
      // c may have p+1 digits (c0 + 1 = 10^p); it is still a p-digit decimal.
      const dist = exactDistance(c, q, m, e);
      if (best === null || dist < best.dist ||
          (dist === best.dist && c % 2n === 0n)) {
        best = { c, dist };
      }
    }
    if (best !== null) {
      let digits = best.c.toString();
      let n = digits.length + q;  // value = 0.digits x 10^n
      digits = digits.replace(/0+$/, '');
      return (negative ? '-' : '') + ecmaLayout(digits, n);
    }
  }
  // Unreachable for a binary32 value: 9 digits always round-trip.
  return (negative ? '-' : '') + String(ax);
}

// --- Decimals ----------------------------------------------------------------

function renderDecimal(unscaled, scale) {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = digits.slice(0, digits.length - scale) + '.' + digits.slice(digits.length - scale);
  }
  return `"${negative ? '-' : ''}${digits}"`;
}

// --- Temporal ----------------------------------------------------------------

function floorDiv(a, b) {  // bigints
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}
function floorMod(a, b) { return a - floorDiv(a, b) * b; }
const pad = (v, w) => v.toString().padStart(w, '0');

// Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's
// civil_from_days), in bigints so any range is exact.
function formatDate(days) {
  const z = BigInt(days) + 719468n;
  const era = floorDiv(z, 146097n);
  const doe = z - era * 146097n;
  const yoe = (doe - doe / 1460n + doe / 36524n - doe / 146096n) / 365n;
  let y = yoe + era * 400n;
  const doy = doe - (365n * yoe + yoe / 4n - yoe / 100n);
  const mp = (5n * doy + 2n) / 153n;
  const d = doy - (153n * mp + 2n) / 5n + 1n;
  const mo = mp < 10n ? mp + 3n : mp - 9n;
  if (mo <= 2n) y += 1n;
  const year = y < 0n ? `-${pad(-y, 4)}` : pad(y, 4);
  return `${year}-${pad(mo, 2)}-${pad(d, 2)}`;
}

// Ticks of `perSecond` (1e6 or 1e9) to "HH:MM:SS.f{6|9}"; hours are not wrapped
// (24:00:00 stays 24), as quire's FormatTimeOfDay.
function formatTimeOfDay(ticks, perSecond, fractionDigits) {
  const t = BigInt(ticks);
  const seconds = floorDiv(t, perSecond);
  const sub = floorMod(t, perSecond);
  return `${pad(seconds / 3600n, 2)}:${pad(seconds / 60n % 60n, 2)}:` +
         `${pad(seconds % 60n, 2)}.${pad(sub, fractionDigits)}`;
}

function formatTimestamp(ticks, perSecond, fractionDigits) {
  const t = BigInt(ticks);
  const seconds = floorDiv(t, perSecond);
  const sub = floorMod(t, perSecond);
  const days = floorDiv(seconds, 86400n);
  const sod = floorMod(seconds, 86400n);
  return `${formatDate(days)}T${pad(sod / 3600n, 2)}:${pad(sod / 60n % 60n, 2)}:` +
         `${pad(sod % 60n, 2)}.${pad(sub, fractionDigits)}`;
}

function formatOffset(seconds) {
  if (seconds === 0) return 'Z';
  const a = Math.abs(seconds);
  const hm = `${pad(Math.floor(a / 3600), 2)}:${pad(Math.floor(a / 60) % 60, 2)}`;
  return (seconds < 0 ? '-' : '+') + hm + (a % 60 ? `:${pad(a % 60, 2)}` : '');
}

// --- Bytes -------------------------------------------------------------------

function renderHex(bytes) {
  return `"0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}"`;
}

function renderUuid(u128) {
  const hex = (u128 | (1n << 128n)).toString(16).slice(1);
  return `"${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}"`;
}

// --- Values ------------------------------------------------------------------

let T;  // DuckDBTypeId

// The first type in `type` (depth first) without a canonical rendering, or null.
function unsupportedType(type) {
  switch (type.typeId) {
    case T.BOOLEAN: case T.TINYINT: case T.SMALLINT: case T.INTEGER: case T.BIGINT:
    case T.UTINYINT: case T.USMALLINT: case T.UINTEGER: case T.UBIGINT:
    case T.HUGEINT: case T.UHUGEINT: case T.FLOAT: case T.DOUBLE: case T.DECIMAL:
    case T.VARCHAR: case T.ENUM: case T.BLOB: case T.GEOMETRY: case T.UUID:
    case T.DATE: case T.TIME: case T.TIME_NS: case T.TIME_TZ:
    case T.TIMESTAMP: case T.TIMESTAMP_TZ: case T.TIMESTAMP_NS:
    case T.TIMESTAMP_MS: case T.TIMESTAMP_S: case T.INTERVAL: case T.SQLNULL:
    case T.VARIANT:
      return null;
    case T.LIST: case T.ARRAY: return unsupportedType(type.valueType);
    case T.MAP: return unsupportedType(type.keyType) ?? unsupportedType(type.valueType);
    case T.STRUCT:
      for (const t of type.entryTypes) {
        const u = unsupportedType(t);
        if (u !== null) return u;
      }
      return null;
    default:
      return type;  // BIT, BIGNUM, UNION, ...
  }
}

function render(value, type) {
  if (value === null || value === undefined) return 'null';
  switch (type.typeId) {
    case T.SQLNULL: return 'null';
    case T.BOOLEAN: return value ? 'true' : 'false';
    case T.TINYINT: case T.SMALLINT: case T.INTEGER: case T.BIGINT:
    case T.UTINYINT: case T.USMALLINT: case T.UINTEGER: case T.UBIGINT:
    case T.HUGEINT: case T.UHUGEINT:
      return renderInteger(value);
    case T.FLOAT: return renderFloat(value);
    case T.DOUBLE: return renderDouble(value);
    case T.DECIMAL: return renderDecimal(value.value, value.scale);
    case T.VARCHAR: case T.ENUM:
      // JSON.stringify escapes as AppendJsonString: \" \\ \b \f \n \r \t, other
      // controls as \u00xx (lowercase), everything else raw; DuckDB strings are
      // valid UTF-8, so there are no lone surrogates to escape.
      return JSON.stringify(value);
    case T.BLOB: case T.GEOMETRY: return renderHex(value.bytes);
    case T.UUID: return renderUuid(value.toUint128());
    case T.DATE: return `"${formatDate(value.days)}"`;
    case T.TIME: return `"${formatTimeOfDay(value.micros, 1000000n, 6)}"`;
    case T.TIME_NS: return `"${formatTimeOfDay(value.nanos, 1000000000n, 9)}"`;
    case T.TIME_TZ:
      return `"${formatTimeOfDay(value.micros, 1000000n, 6)}${formatOffset(value.offset)}"`;
    case T.TIMESTAMP: return `"${formatTimestamp(value.micros, 1000000n, 6)}"`;
    case T.TIMESTAMP_TZ: return `"${formatTimestamp(value.micros, 1000000n, 6)}Z"`;
    case T.TIMESTAMP_NS: return `"${formatTimestamp(value.nanos, 1000000000n, 9)}"`;
    case T.TIMESTAMP_MS: return `"${formatTimestamp(value.millis * 1000n, 1000000n, 6)}"`;
    case T.TIMESTAMP_S: return `"${formatTimestamp(value.seconds * 1000000n, 1000000n, 6)}"`;
    case T.INTERVAL:
      return `{"months":${value.months},"days":${value.days},"micros":${renderInteger(value.micros)}}`;
    case T.LIST: case T.ARRAY:
      return '[' + value.items.map((v) => render(v, type.valueType)).join(',') + ']';
    case T.STRUCT: {
      // Keys in field order from the type (a JS object would put integer-like
      // keys first).
      const parts = type.entryNames.map((name, k) =>
        JSON.stringify(name) + ':' + render(value.entries[name], type.entryTypes[k]));
      return '{' + parts.join(',') + '}';
    }
    case T.MAP:
      return '[' + value.entries.map(({ key, value: v }) =>
        '[' + render(key, type.keyType) + ',' + render(v, type.valueType) + ']').join(',') + ']';
    case T.VARIANT: return renderVariant(value);
  }
  throw new Error(`unsupported type ${type}`);
}

// A VARIANT value: DuckDB's decoded value with the type of its on-disk tag.
// (Informational: quire renders Variant values from its own decoding.)
function renderVariant(v) {
  if (v === null) return 'null';
  if (v.type === undefined) throw new Error('VARIANT value without a type');
  return render(v.value, v.type);
}

// --- Driver ------------------------------------------------------------------

function sqlString(s) { return `'${s.replaceAll("'", "''")}'`; }
// The first line of an error message (DuckDB adds "LINE 1: ..." and stack traces).
function firstLine(s) { return String(s).split('\n')[0].trim(); }

async function renderFile(connection, file, where) {
  // hive_partitioning=false: a path with key=value directories must not gain
  // columns. The path is a glob pattern to DuckDB; corpus paths have no * ? [.
  const sql = `SELECT * FROM read_parquet(${sqlString(file)}, hive_partitioning=false)` +
              (where ? ` WHERE ${where}` : '');
  const result = await connection.stream(sql);
  const types = result.columnTypes();
  const names = result.columnNames();
  for (let c = 0; c < types.length; ++c) {
    const u = unsupportedType(types[c]);
    if (u !== null) return [`!! unsupported type ${u} in column ${names[c]}`];
  }
  const lines = [];
  for await (const rows of result.yieldRows()) {
    for (const row of rows) {
      lines.push('[' + row.map((v, c) => render(v, types[c])).join(',') + ']');
    }
  }
  return lines;
}

async function main() {
  // --where=SQL keeps only the rows where the condition holds (DuckDB then prunes
  // with the files' statistics, page indexes and bloom filters).
  let args = process.argv.slice(2);
  let where = '';
  if (args.length && args[0].startsWith('--where=')) {
    where = args[0].slice('--where='.length);
    args = args.slice(1);
  }
  const files = args;
  if (files.length === 0 || files[0] === '-h' || files[0] === '--help') {
    process.stderr.write('usage: duckdb_canonical.mjs FILE.parquet...\n' +
                         '  prints "## FILE" and then its rows as canonical JSON, one per line,\n' +
                         '  or "!! message" when DuckDB fails\n');
    return 2;
  }
  let duckdb;
  try {
    duckdb = require(path.join(nodeModules, '@duckdb', 'node-api'));
  } catch (e) {
    process.stderr.write(`duckdb_canonical: cannot load @duckdb/node-api from ${nodeModules} ` +
                         `(run scripts/setup.sh or set QUIRE_NODE_MODULES): ${firstLine(e.message)}\n`);
    return 2;
  }
  T = duckdb.DuckDBTypeId;
  // One thread: the order of rows is the file's, and the tests run in parallel.
  const open = async () => {
    const instance = await duckdb.DuckDBInstance.create(':memory:', { threads: '1' });
    return [instance, await instance.connect()];
  };
  let [instance, connection] = await open();
  for (const file of files) {
    let lines;
    try {
      lines = await renderFile(connection, file, where);
    } catch (e) {
      lines = [`!! ${firstLine(e.message)}`];
      // An INTERNAL error invalidates the database for all later queries: start
      // afresh after any failure.
      connection.closeSync();
      instance.closeSync();
      [instance, connection] = await open();
    }
    const text = `## ${file}\n` + lines.map((l) => l + '\n').join('');
    if (!process.stdout.write(text)) {
      await new Promise((resolve) => process.stdout.once('drain', resolve));
    }
  }
  connection.closeSync();
  instance.closeSync();
  return 0;
}

process.exitCode = await main();
