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
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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

const electronVersion = require(join(root, 'node_modules', 'electron', 'package.json')).version;
// The library, not the command: the command writes its CSV with two unordered async writes (the
// header can land after the rows and erase them), so its file is not a reliable answer.
const electronegativity = require('@doyensec/electronegativity');
const runElectronegativity = electronegativity.default ?? electronegativity;
{
  const result = await runElectronegativity(
    {
      input,
      isRelative: true,
      customScan: [],
      excludeFromScan: ['availablesecurityfixesglobalcheck'],
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    },
    false,
  );
  for (const error of result.errors) {
    console.error(`electronegativity could not parse ${error.file}: ${error.message}`);
  }
  if (result.errors.some((e) => !e.tolerable)) process.exit(2);
  const findings = result.issues.map((issue) => ({
    check: issue.id,
    severity: issue.severity.name,
    confidence: issue.confidence.name,
    file: issue.file,
    location: `${issue.location.line}:${issue.location.column}`,
    sample: issue.sample ?? '',
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
}
