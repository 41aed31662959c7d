#!/usr/bin/env node
// Runs Electronegativity (@doyensec/electronegativity) on electron/ and fails on any HIGH or
// MEDIUM finding that the reviewed allow-file (electron/electronegativity-allow.json) does not
// explain, and on allow-file entries that no longer match a finding (so the file stays true).
// `node scripts/electronegativity.mjs [--input DIR] [--allow FILE]`; part of npm test through
// tests/electron/electronegativity.test.ts.
//
// AvailableSecurityFixesGlobalCheck is left out: it downloads Electron's release list from the
// network (unreachable offline, and a different answer every week); which Electron version is
// installed is package-lock's and `npm audit`'s business, not a check of our code.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? resolve(args[i + 1]) : fallback;
};
const input = option('--input', join(root, 'electron'));
const allowFile = option('--allow', join(root, 'electron', 'electronegativity-allow.json'));
const BLOCKING = new Set(['HIGH', 'MEDIUM']);

/** CSV rows as arrays of fields ("…" quoting with "" escapes, as Electronegativity writes them). */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field.trim());
      field = '';
    } else if (c === '\n') {
      row.push(field.trim());
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field.trim()]);
  return rows;
}

const electronVersion = require(join(root, 'node_modules', 'electron', 'package.json')).version;
const bin = join(root, 'node_modules', '@doyensec', 'electronegativity', 'dist', 'index.js');
const out = mkdtempSync(join(tmpdir(), 'keypose-electronegativity-'));
const csvPath = join(out, 'findings.csv');
try {
  const run = spawnSync(
    process.execPath,
    [
      bin,
      '-i',
      input,
      '-r',
      '-e',
      electronVersion,
      '-x',
      'AvailableSecurityFixesGlobalCheck',
      '-o',
      csvPath,
      '-v',
      'false',
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (run.status !== 0) {
    console.error(`electronegativity failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
    process.exit(2);
  }
  const [header, ...rows] = parseCsv(readFileSync(csvPath, 'utf8')).filter((r) => r.length > 1);
  const col = (name) => header.indexOf(name);
  const findings = rows.map((r) => ({
    check: r[col('issue')],
    severity: r[col('severity')],
    confidence: r[col('confidence')],
    file: r[col('filename')],
    location: r[col('location')],
    sample: r[col('sample')],
  }));
  const allowed = JSON.parse(readFileSync(allowFile, 'utf8')).findings;
  const matches = (entry, f) =>
    entry.check === f.check &&
    entry.file === f.file &&
    (!entry.sample || (f.sample ?? '').includes(entry.sample));
  const unexplained = findings.filter((f) => BLOCKING.has(f.severity) && !allowed.some((e) => matches(e, f)));
  const stale = allowed.filter((e) => !findings.some((f) => matches(e, f)));
  for (const f of findings) {
    const entry = allowed.find((e) => matches(e, f));
    console.log(
      `${f.severity.padEnd(13)} ${f.check} ${f.file}:${f.location} ${entry ? `explained: ${entry.reason}` : BLOCKING.has(f.severity) ? 'UNEXPLAINED' : '(low, listed only)'}`,
    );
  }
  for (const f of unexplained) {
    console.error(`Unexplained ${f.severity} finding ${f.check} at ${f.file}:${f.location}: ${f.sample}`);
  }
  for (const e of stale)
    console.error(`Allow-file entry matches no finding any more: ${e.check} in ${e.file}`);
  console.log(
    `electronegativity: ${findings.length} findings, ${unexplained.length} unexplained, ${stale.length} stale allow entries`,
  );
  process.exit(unexplained.length > 0 || stale.length > 0 ? 1 : 0);
} finally {
  rmSync(out, { recursive: true, force: true });
}
