// Writes the `make bench` section of docs/benchmarks.md from the medians of one
// run of ../shared/bench/run_bench.mjs (its .summary.json), between the markers
// below; the rest of the file (earlier, more specific measurements) is kept.
//
//   node bench/report.mjs SUMMARY.json RUNS docs/benchmarks.md
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';

const [summaryFile, runs, docFile] = process.argv.slice(2);
const summary = JSON.parse(fs.readFileSync(summaryFile, 'utf8'));
const BEGIN = '<!-- make bench: begin (written by bench/report.mjs) -->';
const END = '<!-- make bench: end -->';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const version = (pkg) => {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch { return '?'; }
};
const commit = (() => { try { return execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim(); } catch { return '?'; } })();
const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1] || '?';
const date = new Date(fs.statSync(summaryFile).mtimeMs).toISOString().slice(0, 10);

const WHAT = {
  W1: 'full read of lineitem, every column materialised',
  W1a: 'decode every column, one aggregate each',
  W2: '2 columns where l_shipdate in Q1 1995',
  W3_snappy: 'write lineitem from memory, snappy',
  W3_zstd: 'write lineitem from memory, zstd',
  W4: 'lineitem.csv to Parquet, snappy',
  W5: '1,000 Hive files, 3 dates + event_type',
  W6: 'events.parquet, user_id = 4242',
};
const get = (w, t, c) => summary.find((r) => r.workload === w && r.threads === t && r.contender === c);
const s = (x) => (Number.isFinite(x) ? (x < 0.1 ? x.toFixed(4) : x < 10 ? x.toFixed(3) : x.toFixed(2)) : '–');
const ratio = (r) => (r && Number.isFinite(r.ratio_vs_baseline) && r.ratio_vs_baseline > 0 ? (1 / r.ratio_vs_baseline).toFixed(2) : '–');
const mb = (r) => (r && Number.isFinite(r.maxrss_mb) ? r.maxrss_mb.toFixed(0) : '–');

const workloads = [...new Set(summary.map((r) => r.workload))];
const threads = [...new Set(summary.map((r) => r.threads))].sort();
let out = `${BEGIN}\n## Every workload of the shared harness (\`make bench\`, ${date})\n\n`;
out += `Machine: ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, ` +
  `Linux ${os.release()}. quire ${commit} (\`-O3\`, the bench preset), DuckDB ${version('@duckdb/node-api')}, ` +
  `Polars ${version('nodejs-polars')} (Node). Medians of ${runs} rounds after a warm-up round; in each ` +
  'round every contender runs once, alternating, each in a fresh process.\n\n';
out += 'Reproduce: `make bench` (or `bench/run_all.sh RUNS`). Times are the workload alone as each ' +
  'contender reports it (`elapsed_s`, no process start-up); "quire / peer" is the median over rounds ' +
  'of quire\'s time divided by the peer\'s in the same round: below 1, quire is faster. Peak RSS is ' +
  'the whole process (`/usr/bin/time`).\n\n';
for (const t of threads) {
  out += `### ${t} thread${t > 1 ? 's' : ''}\n\n`;
  out += '| workload | rows | quire s | DuckDB s | Polars s | quire / DuckDB | quire / Polars | peak RSS MB quire / DuckDB / Polars | bytes written quire / DuckDB / Polars |\n';
  out += '|---|---|---|---|---|---|---|---|---|\n';
  for (const w of workloads) {
    const q = get(w, t, 'quire'), d = get(w, t, 'duckdb'), p = get(w, t, 'polars');
    if (!q) continue;
    const written = w.startsWith('W3') || w === 'W4'
      ? [q, d, p].map((r) => (r && Number.isFinite(r.parquet_mb) ? `${r.parquet_mb.toFixed(0)} MB` : '–')).join(' / ')
      : '';
    const failed = [q, d, p].filter((r) => r && r.ok < r.runs).map((r) => `${r.contender} ${r.ok}/${r.runs} ok`);
    out += `| ${w}: ${WHAT[w] || ''}${failed.length ? ` (${failed.join(', ')})` : ''} | ${q.rows ?? '–'} | ${s(q.elapsed_s)} | ${s(d?.elapsed_s)} | ${s(p?.elapsed_s)} | ` +
      `${ratio(d)} | ${ratio(p)} | ${mb(q)} / ${mb(d)} / ${mb(p)} | ${written} |\n`;
  }
  out += '\n';
}
out += 'How each contender does the work: DuckDB materialises results with `CREATE TEMP TABLE ... AS ' +
  'SELECT`, Polars into a DataFrame, quire into Arrow-layout tables in memory (`bench/parquet/quire_runner.cc`). ' +
  'For W5 DuckDB and Polars list the Hive folders; quire reads the same 1,000 files as a table ' +
  '(a hard-linked copy made a table once by `quire table convert`, which rewrites no file), and its time ' +
  'includes reading the table\'s log (`bench/table/table_runner.cc`). Writers use each engine\'s defaults ' +
  'apart from the codec (row-group sizes and zstd levels differ, hence the file sizes).\n';
out += END;

let doc = fs.existsSync(docFile) ? fs.readFileSync(docFile, 'utf8') : '# Benchmarks\n';
const a = doc.indexOf(BEGIN), b = doc.indexOf(END);
if (a >= 0 && b > a) {
  doc = doc.slice(0, a) + out + doc.slice(b + END.length);
} else {
  // First run: after the introduction (the first "## " heading).
  const at = doc.indexOf('\n## ');
  doc = at >= 0 ? `${doc.slice(0, at + 1)}${out}\n\n${doc.slice(at + 1)}` : `${doc}\n${out}\n`;
}
fs.writeFileSync(docFile, doc);
