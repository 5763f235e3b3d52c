#!/usr/bin/env node
// make_type_probes.mjs: write small Parquet files, one per annotation variant, to
// see how readers map Parquet physical types and annotations (DuckDB with
// duckdb_canonical.mjs, quire with `quire cat`). The files are written by a
// minimal independent writer (Thrift compact footer, one row group, one PLAIN
// uncompressed v1 data page per column), so the annotations are exactly the ones
// listed here.
//
// Usage: node tests/tools/make_type_probes.mjs OUT_DIR
//   then: node tests/tools/check_duckdb_canonical.mjs OUT_DIR

import fs from 'node:fs';
import path from 'node:path';

// --- Thrift compact protocol --------------------------------------------------

const CT = { TRUE: 1, FALSE: 2, BYTE: 3, I16: 4, I32: 5, I64: 6, DOUBLE: 7, BINARY: 8,
             LIST: 9, STRUCT: 12 };

function varint(out, v) {  // v: bigint >= 0
  while (v >= 0x80n) { out.push(Number(v & 0x7fn) | 0x80); v >>= 7n; }
  out.push(Number(v));
}
const zigzag = (v) => { v = BigInt(v); return v >= 0n ? v << 1n : ((-v) << 1n) - 1n; };

// A struct is a list of [id, type, value] with ids increasing; type is one of
// 'bool', 'i8', 'i32', 'i64', 'bin', 'struct', ['list', elemType].
function writeStruct(out, fields) {
  let last = 0;
  for (const [id, type, value] of fields) {
    if (value === undefined || value === null) continue;
    const ct = type === 'bool' ? (value ? CT.TRUE : CT.FALSE) : compactType(type);
    const delta = id - last;
    if (delta > 0 && delta <= 15) out.push((delta << 4) | ct);
    else { out.push(ct); varint(out, zigzag(id)); }
    last = id;
    if (type !== 'bool') writeValue(out, type, value);
  }
  out.push(0);
}
function compactType(type) {
  if (Array.isArray(type)) return CT.LIST;
  return { i8: CT.BYTE, i32: CT.I32, i64: CT.I64, bin: CT.BINARY, struct: CT.STRUCT,
           bool: CT.TRUE }[type];
}
function writeValue(out, type, value) {
  if (Array.isArray(type)) {
    const et = type[1];
    const n = value.length;
    const ect = et === 'bool' ? CT.TRUE : compactType(et);
    if (n < 15) out.push((n << 4) | ect); else { out.push(0xf0 | ect); varint(out, BigInt(n)); }
    for (const v of value) {
      if (et === 'bool') out.push(v ? 1 : 2); else writeValue(out, et, v);
    }
    return;
  }
  switch (type) {
    case 'i8': out.push(Number(value) & 0xff); return;
    case 'i32': case 'i64': varint(out, zigzag(value)); return;
    case 'bin': {
      const b = Buffer.from(value);
      varint(out, BigInt(b.length));
      for (const x of b) out.push(x);
      return;
    }
    case 'struct': writeStruct(out, value); return;
  }
  throw new Error(`thrift type ${type}`);
}

// --- Parquet schema -----------------------------------------------------------

const PT = { BOOLEAN: 0, INT32: 1, INT64: 2, INT96: 3, FLOAT: 4, DOUBLE: 5, BYTE_ARRAY: 6,
             FIXED_LEN_BYTE_ARRAY: 7 };
const REP = { required: 0, optional: 1, repeated: 2 };
const CONV = { UTF8: 0, MAP: 1, MAP_KEY_VALUE: 2, LIST: 3, ENUM: 4, DECIMAL: 5, DATE: 6,
               TIME_MILLIS: 7, TIME_MICROS: 8, TIMESTAMP_MILLIS: 9, TIMESTAMP_MICROS: 10,
               UINT_8: 11, UINT_16: 12, UINT_32: 13, UINT_64: 14, INT_8: 15, INT_16: 16,
               INT_32: 17, INT_64: 18, JSON: 19, BSON: 20, INTERVAL: 21 };
const unitOf = (u) => [[{ MILLIS: 1, MICROS: 2, NANOS: 3 }[u], 'struct', []]];
// Logical types as thrift union fields.
const L = {
  STRING: [1, 'struct', []], MAP: [2, 'struct', []], LIST: [3, 'struct', []],
  ENUM: [4, 'struct', []],
  DECIMAL: (scale, precision) => [5, 'struct', [[1, 'i32', scale], [2, 'i32', precision]]],
  DATE: [6, 'struct', []],
  TIME: (utc, unit) => [7, 'struct', [[1, 'bool', utc], [2, 'struct', unitOf(unit)]]],
  TIMESTAMP: (utc, unit) => [8, 'struct', [[1, 'bool', utc], [2, 'struct', unitOf(unit)]]],
  INTEGER: (bits, signed) => [10, 'struct', [[1, 'i8', bits], [2, 'bool', signed]]],
  UNKNOWN: [11, 'struct', []], JSON: [12, 'struct', []], BSON: [13, 'struct', []],
  UUID: [14, 'struct', []], FLOAT16: [15, 'struct', []],
};

// node: { name, rep, type?, len?, conv?, logical?, scale?, precision?, children? }
function schemaElements(node, out) {
  out.push([
    [1, 'i32', node.children ? undefined : PT[node.type]],
    [2, 'i32', node.len],
    [3, 'i32', node.rep === undefined ? undefined : REP[node.rep]],
    [4, 'bin', node.name],
    [5, 'i32', node.children ? node.children.length : undefined],
    [6, 'i32', node.conv === undefined ? undefined : CONV[node.conv]],
    [7, 'i32', node.scale],
    [8, 'i32', node.precision],
    [10, 'struct', node.logical ? [node.logical] : undefined],
  ]);
  for (const c of node.children ?? []) schemaElements(c, out);
}

// --- Shredding (Dremel) ---------------------------------------------------------

function annotate(node, def, rep, pathSoFar) {
  node.def = def + (node.rep === 'required' ? 0 : 1);
  node.repLevel = rep + (node.rep === 'repeated' ? 1 : 0);
  node.path = [...pathSoFar, node.name];
  node.leaves = [];
  if (node.children) {
    for (const c of node.children) {
      annotate(c, node.def, node.repLevel, node.path);
      node.leaves.push(...c.leaves);
    }
  } else {
    node.leaves.push(node);
    node.data = [];
  }
}
function emitNull(node, rep, def) {
  for (const leaf of node.leaves) leaf.data.push({ v: null, rep, def });
}
function shred(node, value, rep, parentDef) {
  if (node.rep === 'repeated') {
    if (value === null || value === undefined || value.length === 0) {
      emitNull(node, rep, parentDef);
      return;
    }
    value.forEach((v, i) => shredOne(node, v, i === 0 ? rep : node.repLevel));
  } else if (node.rep === 'optional' && (value === null || value === undefined)) {
    emitNull(node, rep, parentDef);
  } else {
    shredOne(node, value, rep);
  }
}
function shredOne(node, value, rep) {
  if (!node.children) { node.data.push({ v: value, rep, def: node.def }); return; }
  for (const c of node.children) shred(c, value?.[c.name], rep, node.def);
}

// --- Pages ---------------------------------------------------------------------

function rleLevels(levels, maxLevel) {
  const width = Math.ceil(Math.log2(maxLevel + 1));
  const bytes = Math.ceil(width / 8);
  const out = [];
  for (const l of levels) {  // one RLE run per value
    varint(out, 2n);
    for (let b = 0; b < bytes; ++b) out.push((l >> (8 * b)) & 0xff);
  }
  const len = Buffer.alloc(4);
  len.writeUInt32LE(out.length);
  return Buffer.concat([len, Buffer.from(out)]);
}

function plain(leaf, values) {
  const parts = [];
  if (leaf.type === 'BOOLEAN') {
    const b = Buffer.alloc(Math.ceil(values.length / 8));
    values.forEach((v, i) => { if (v) b[i >> 3] |= 1 << (i & 7); });
    return b;
  }
  for (const v of values) {
    let b;
    switch (leaf.type) {
      case 'INT32': b = Buffer.alloc(4); b.writeInt32LE(Number(BigInt.asIntN(32, BigInt(v)))); break;
      case 'INT64': b = Buffer.alloc(8); b.writeBigInt64LE(BigInt.asIntN(64, BigInt(v))); break;
      case 'FLOAT': b = Buffer.alloc(4); b.writeFloatLE(v); break;
      case 'DOUBLE': b = Buffer.alloc(8); b.writeDoubleLE(v); break;
      case 'INT96': case 'FIXED_LEN_BYTE_ARRAY': b = Buffer.from(v); break;
      case 'BYTE_ARRAY': {
        const body = Buffer.from(v);
        b = Buffer.alloc(4 + body.length);
        b.writeUInt32LE(body.length);
        body.copy(b, 4);
        break;
      }
    }
    parts.push(b);
  }
  return Buffer.concat(parts);
}

function writeFile(file, root, rows) {
  const schema = { name: 'schema', children: root };
  annotate(schema, -1, 0, []);  // the root has no level
  schema.def = 0;
  for (const c of root) annotate(c, 0, 0, []);
  const leaves = root.flatMap((c) => c.leaves);
  for (const row of rows) root.forEach((c, i) => shred(c, row[i], 0, 0));

  const chunks = [Buffer.from('PAR1')];
  let offset = 4;
  const columns = [];
  for (const leaf of leaves) {
    const maxRep = leaf.repLevel, maxDef = leaf.def;
    const body = Buffer.concat([
      maxRep > 0 ? rleLevels(leaf.data.map((d) => d.rep), maxRep) : Buffer.alloc(0),
      maxDef > 0 ? rleLevels(leaf.data.map((d) => d.def), maxDef) : Buffer.alloc(0),
      plain(leaf, leaf.data.filter((d) => d.def === maxDef).map((d) => d.v)),
    ]);
    const header = [];
    writeStruct(header, [
      [1, 'i32', 0], [2, 'i32', body.length], [3, 'i32', body.length],
      [5, 'struct', [[1, 'i32', leaf.data.length], [2, 'i32', 0], [3, 'i32', 3], [4, 'i32', 3]]],
    ]);
    const page = Buffer.concat([Buffer.from(header), body]);
    columns.push([
      [2, 'i64', offset],
      [3, 'struct', [
        [1, 'i32', PT[leaf.type]], [2, ['list', 'i32'], [0, 3]], [3, ['list', 'bin'], leaf.path],
        [4, 'i32', 0], [5, 'i64', leaf.data.length], [6, 'i64', page.length],
        [7, 'i64', page.length], [9, 'i64', offset],
      ]],
    ]);
    chunks.push(page);
    offset += page.length;
  }
  const elements = [];
  schemaElements(schema, elements);
  const footer = [];
  writeStruct(footer, [
    [1, 'i32', 1],
    [2, ['list', 'struct'], elements],
    [3, 'i64', rows.length],
    [4, ['list', 'struct'], [[[1, ['list', 'struct'], columns], [2, 'i64', offset - 4],
                             [3, 'i64', rows.length]]]],
    [6, 'bin', 'quire make_type_probes.mjs'],
  ]);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(footer.length);
  chunks.push(Buffer.from(footer), len, Buffer.from('PAR1'));
  fs.writeFileSync(file, Buffer.concat(chunks));
}

// --- Probes --------------------------------------------------------------------

const hex = (s) => Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex');
const i96 = (nanosOfDay, julianDay) => {
  const b = Buffer.alloc(12);
  b.writeBigInt64LE(BigInt(nanosOfDay));
  b.writeInt32LE(julianDay, 8);
  return b;
};
const le = (bits, v) => {  // two's complement big-endian bytes for decimals
  const n = bits / 8;
  const b = Buffer.alloc(n);
  let x = BigInt.asUintN(bits, BigInt(v));
  for (let i = n - 1; i >= 0; --i) { b[i] = Number(x & 0xffn); x >>= 8n; }
  return b;
};
const interval = (months, days, millis) => {
  const b = Buffer.alloc(12);
  b.writeUInt32LE(months); b.writeUInt32LE(days, 4); b.writeUInt32LE(millis, 8);
  return b;
};
// Binary32 values that stress the shortest-digits search: every power of two
// (where the round-trip interval is lopsided), their neighbours, and random bit
// patterns from a fixed-seed generator.
function floatStress() {
  const f = new Float32Array(1), u = new Uint32Array(f.buffer);
  const out = [];
  for (let e = -149; e <= 127; ++e) {
    f[0] = 2 ** e; out.push(f[0]);
    u[0] += 1; out.push(f[0]);
    u[0] -= 2; out.push(f[0]);
  }
  let seed = 12345;
  for (let i = 0; i < 20000; ++i) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    u[0] = seed ^ (seed << 13) >>> 0;
    if (Number.isFinite(f[0])) out.push(f[0]);
  }
  return out;
}
function doubleStress() {
  const f = new Float64Array(1), u = new BigUint64Array(f.buffer);
  const out = [];
  for (let e = -1074; e <= 1023; e += 7) out.push(2 ** e);
  let seed = 987654321n;
  for (let i = 0; i < 10000; ++i) {
    seed = (seed * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    u[0] = seed;
    if (Number.isFinite(f[0])) out.push(f[0]);
  }
  return out;
}
const col = (name, type, extra = {}) => ({ name, rep: 'optional', type, ...extra });

// Each probe: file name, one column, its values (one per row; null is a null).
const probes = [
  ['uuid_logical', col('v', 'FIXED_LEN_BYTE_ARRAY', { len: 16, logical: L.UUID }),
   [hex('00112233-4455-6677-8899-aabbccddeeff'), hex('f0000000-0000-0000-0000-000000000001'), null]],
  ['flba16_plain', col('v', 'FIXED_LEN_BYTE_ARRAY', { len: 16 }),
   [hex('00112233445566778899aabbccddeeff'), null]],
  ['float16_logical', col('v', 'FIXED_LEN_BYTE_ARRAY', { len: 2, logical: L.FLOAT16 }),
   [hex('003c'), hex('0080'), hex('ff7b'), hex('007e'), hex('0100'), hex('662e'), hex('00fc'), null]],
  ['float', col('v', 'FLOAT'),
   [1.1, 0.1, -0.0, 0, 3.4028234663852886e38, 1.401298464324817e-45, 16777216, 1e21, 1.5e-7,
    123456792, 7.006492321624085e-46 * 2, NaN, -Infinity, 9.999999e-8, null]],
  ['float_stress', col('v', 'FLOAT'), floatStress()],
  ['double_stress', col('v', 'DOUBLE'), doubleStress()],
  ['double', col('v', 'DOUBLE'),
   [0.1, 10, -0.0, 1e21, 1e-7, 123456789012345680000, 5e-324, 1.7976931348623157e308, NaN,
    Infinity, 1 / 3, -2.5e-6, null]],
  ...['MILLIS', 'MICROS', 'NANOS'].flatMap((unit) => [true, false].map((utc) => [
    `time_${unit.toLowerCase()}_${utc ? 'utc' : 'local'}`,
    col('v', unit === 'MILLIS' ? 'INT32' : 'INT64', { logical: L.TIME(utc, unit),
        conv: unit === 'NANOS' ? undefined : `TIME_${unit}` }),
    [0, { MILLIS: 45296789, MICROS: 45296789012, NANOS: 45296789012345n }[unit],
     { MILLIS: 86399999, MICROS: 86399999999, NANOS: 86399999999999n }[unit], null]])),
  ['time_millis_converted_only', col('v', 'INT32', { conv: 'TIME_MILLIS' }), [45296789, null]],
  ['time_micros_converted_only', col('v', 'INT64', { conv: 'TIME_MICROS' }), [45296789012, null]],
  ...['MILLIS', 'MICROS', 'NANOS'].flatMap((unit) => [true, false].map((utc) => [
    `timestamp_${unit.toLowerCase()}_${utc ? 'utc' : 'local'}`,
    col('v', 'INT64', { logical: L.TIMESTAMP(utc, unit),
        conv: unit === 'NANOS' ? undefined : `TIMESTAMP_${unit}` }),
    [0, -1, { MILLIS: 1700000000123n, MICROS: 1700000000123456n, NANOS: 1700000000123456789n }[unit],
     { MILLIS: -62135596800001n, MICROS: -62135596800000001n, NANOS: -9223372036854775807n }[unit],
     null]])),
  ['timestamp_millis_converted_only', col('v', 'INT64', { conv: 'TIMESTAMP_MILLIS' }),
   [1700000000123n, -1, null]],
  ['timestamp_micros_converted_only', col('v', 'INT64', { conv: 'TIMESTAMP_MICROS' }),
   [1700000000123456n, -1, null]],
  ['int96', col('v', 'INT96'),
   [i96(0, 2440588), i96(1, 2440587), i96(86399999999999n, 2460000), null]],
  ...[[8, 'INT32'], [16, 'INT32'], [32, 'INT32'], [64, 'INT64']].flatMap(([bits, type]) => [
    [`uint${bits}_logical_and_converted`,
     col('v', type, { logical: L.INTEGER(bits, false), conv: `UINT_${bits}` }),
     [0, (1n << BigInt(bits)) - 1n, 1n << BigInt(bits - 1), null]],
    [`uint${bits}_logical_only`, col('v', type, { logical: L.INTEGER(bits, false) }),
     [0, (1n << BigInt(bits)) - 1n, null]],
    [`uint${bits}_converted_only`, col('v', type, { conv: `UINT_${bits}` }),
     [0, (1n << BigInt(bits)) - 1n, null]],
    [`int${bits}_logical_only`, col('v', type, { logical: L.INTEGER(bits, true) }),
     [-(1n << BigInt(bits - 1)), (1n << BigInt(bits - 1)) - 1n, null]],
  ]),
  ...[[8, 'INT32'], [16, 'INT32']].map(([bits, type]) => [
    `int${bits}_logical_and_converted`,
    col('v', type, { logical: L.INTEGER(bits, true), conv: `INT_${bits}` }),
    [-(1n << BigInt(bits - 1)), (1n << BigInt(bits - 1)) - 1n, null]]),
  ['int64_extremes', col('v', 'INT64'),
   [-9223372036854775808n, 9007199254740992n, 9007199254740993n, -9007199254740993n, null]],
  ['decimal_int32', col('v', 'INT32', { logical: L.DECIMAL(2, 9), conv: 'DECIMAL', scale: 2, precision: 9 }),
   [-5, 1230, -999999999, 0, null]],
  ['decimal_int64', col('v', 'INT64', { logical: L.DECIMAL(4, 18), conv: 'DECIMAL', scale: 4, precision: 18 }),
   [-1n, 999999999999999999n, null]],
  ['decimal_flba16', col('v', 'FIXED_LEN_BYTE_ARRAY', { len: 16, logical: L.DECIMAL(10, 38), conv: 'DECIMAL', scale: 10, precision: 38 }),
   [le(128, -(10n ** 38n - 1n)), le(128, 12345678901234567890n), null]],
  ['decimal_scale0', col('v', 'INT32', { logical: L.DECIMAL(0, 5), conv: 'DECIMAL', scale: 0, precision: 5 }),
   [-42, 42, null]],
  ['decimal_p40_bytes', col('v', 'BYTE_ARRAY', { logical: L.DECIMAL(5, 40), conv: 'DECIMAL', scale: 5, precision: 40 }),
   [le(136, 123456789012345678901234567890123456789n), le(8, -1), null]],
  ['decimal_p40_small', col('v', 'BYTE_ARRAY', { logical: L.DECIMAL(0, 40), conv: 'DECIMAL', scale: 0, precision: 40 }),
   [le(136, 1n), le(136, 1n << 64n), le(128, 1n << 64n), le(72, 1n << 64n), null]],
  ['date', col('v', 'INT32', { logical: L.DATE, conv: 'DATE' }),
   [0, -1, 19000, -719528, -719529, -1000000, 2932896, null]],
  ['interval', col('v', 'FIXED_LEN_BYTE_ARRAY', { len: 12, conv: 'INTERVAL' }),
   [interval(1, 2, 3), interval(0, 0, 86400000), null]],
  ['string_logical', col('v', 'BYTE_ARRAY', { logical: L.STRING, conv: 'UTF8' }),
   ['plain', 'quote " back \\ slash / nl \n tab \t cr \r bs \b ff \f', '\u0001\u001f\u007f',
    'é ü 中文 😀', '', null]],
  ['string_converted_only', col('v', 'BYTE_ARRAY', { conv: 'UTF8' }), ['a', null]],
  ['string_invalid_utf8', col('v', 'BYTE_ARRAY', { logical: L.STRING, conv: 'UTF8' }),
   [Buffer.from([0x61, 0xff, 0x62]), Buffer.from([0xed, 0xa0, 0x80])]],
  ['enum', col('v', 'BYTE_ARRAY', { logical: L.ENUM, conv: 'ENUM' }), ['RED', 'GREEN', null]],
  ['json', col('v', 'BYTE_ARRAY', { logical: L.JSON, conv: 'JSON' }), ['{"a":1}', null]],
  ['bson', col('v', 'BYTE_ARRAY', { logical: L.BSON, conv: 'BSON' }), [hex('0500000000'), null]],
  ['binary', col('v', 'BYTE_ARRAY'), [hex('00ff10'), Buffer.alloc(0), null]],
  ['boolean', col('v', 'BOOLEAN'), [true, false, null, true]],
  // Lists: the standard three-level form, then the legacy forms of
  // LogicalTypes.md "Backward-compatibility rules".
  ['list_three_level',
   { name: 'v', rep: 'optional', logical: L.LIST, conv: 'LIST', children: [
     { name: 'list', rep: 'repeated', children: [col('element', 'INT32')] }] },
   [{ list: [{ element: 1 }, { element: null }, { element: 3 }] }, { list: [] }, null]],
  ['list_three_level_logical_only',
   { name: 'v', rep: 'optional', logical: L.LIST, children: [
     { name: 'list', rep: 'repeated', children: [col('element', 'INT32')] }] },
   [{ list: [{ element: 1 }] }, null]],
  ['list_two_level',
   { name: 'v', rep: 'optional', conv: 'LIST', children: [
     { name: 'element', rep: 'repeated', type: 'INT32' }] },
   [{ element: [1, 2] }, { element: [] }, null]],
  ['list_array_struct',
   { name: 'v', rep: 'optional', conv: 'LIST', children: [
     { name: 'array', rep: 'repeated', children: [col('x', 'INT32')] }] },
   [{ array: [{ x: 1 }, { x: null }] }, null]],
  ['list_tuple_struct',
   { name: 'v', rep: 'optional', conv: 'LIST', children: [
     { name: 'v_tuple', rep: 'repeated', children: [col('x', 'INT32')] }] },
   [{ v_tuple: [{ x: 1 }] }, null]],
  ['repeated_primitive', { name: 'v', rep: 'repeated', type: 'INT32' }, [[1, 2], [], [3]]],
  ['map_standard',
   { name: 'v', rep: 'optional', logical: L.MAP, conv: 'MAP', children: [
     { name: 'key_value', rep: 'repeated', children: [
       { name: 'key', rep: 'required', type: 'BYTE_ARRAY', logical: L.STRING, conv: 'UTF8' },
       col('value', 'INT32')] }] },
   [{ key_value: [{ key: 'b', value: 1 }, { key: 'a', value: null }] }, { key_value: [] }, null]],
  ['map_legacy_map_key_value',
   { name: 'v', rep: 'optional', conv: 'MAP', children: [
     { name: 'map', rep: 'repeated', conv: 'MAP_KEY_VALUE', children: [
       { name: 'key', rep: 'required', type: 'BYTE_ARRAY', conv: 'UTF8' },
       col('value', 'INT32')] }] },
   [{ map: [{ key: 'k', value: 7 }] }, null]],
  // LogicalType without the legacy ConvertedType, for the types that have one.
  ['map_logical_only',
   { name: 'v', rep: 'optional', logical: L.MAP, children: [
     { name: 'key_value', rep: 'repeated', children: [
       { name: 'key', rep: 'required', type: 'BYTE_ARRAY', logical: L.STRING },
       col('value', 'INT32')] }] },
   [{ key_value: [{ key: 'b', value: 1 }] }, null]],
  ['decimal_logical_only', col('v', 'INT32', { logical: L.DECIMAL(2, 9) }), [1230, null]],
  ['decimal_converted_only', col('v', 'INT32', { conv: 'DECIMAL', scale: 2, precision: 9 }), [1230, null]],
  ['decimal_without_schema_scale', col('v', 'INT32', { logical: L.DECIMAL(2, 9), conv: 'DECIMAL' }),
   [1230, null]],
  ['date_logical_only', col('v', 'INT32', { logical: L.DATE }), [19000, null]],
  ['string_logical_only', col('v', 'BYTE_ARRAY', { logical: L.STRING }), ['a', null]],
  ['enum_logical_only', col('v', 'BYTE_ARRAY', { logical: L.ENUM }), ['RED', null]],
  ['json_logical_only', col('v', 'BYTE_ARRAY', { logical: L.JSON }), ['{}', null]],
  ...['MILLIS', 'MICROS'].flatMap((unit) => [true, false].flatMap((utc) => [
    [`timestamp_${unit.toLowerCase()}_${utc ? 'utc' : 'local'}_logical_only`,
     col('v', 'INT64', { logical: L.TIMESTAMP(utc, unit) }), [1700000000123456n, null]],
    [`time_${unit.toLowerCase()}_${utc ? 'utc' : 'local'}_logical_only`,
     col('v', unit === 'MILLIS' ? 'INT32' : 'INT64', { logical: L.TIME(utc, unit) }),
     [45296789, null]]])),
  ['unknown_logical', col('v', 'INT32', { logical: L.UNKNOWN }), [null, null]],
  ['struct_numeric_names',
   { name: 'v', rep: 'optional', children: [col('b', 'INT32'), col('1', 'INT32'), col('0', 'INT32')] },
   [{ b: 1, 1: 2, 0: 3 }, null]],
];

const outDir = process.argv[2];
if (!outDir) {
  process.stderr.write('usage: make_type_probes.mjs OUT_DIR\n');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });
for (const [name, column, values] of probes) {
  writeFile(path.join(outDir, `${name}.parquet`), [column], values.map((v) => [v]));
}
console.log(`wrote ${probes.length} files to ${outDir}`);
