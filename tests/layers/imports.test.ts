import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cyclePath, importCycles, importGraph } from './cycles.js';
import { checkFile, LAYERS, repoPath, type SourceFile } from './rules.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SKIP_DIRS = new Set(['node_modules', 'build', 'dist', 'release', '.git', '.vite']);

function sourceFiles(dir: string): SourceFile[] {
  const files: SourceFile[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) files.push(...sourceFiles(path));
    } else if (/\.(ts|tsx|mts|cts)$/.test(entry.name)) {
      files.push({ path: repoPath(ROOT, path), text: readFileSync(path, 'utf8') });
    }
  }
  return files;
}

/**
 * Cycles that exist today in folders under rework by their owner, each with the way out. Exact:
 * a cycle that grows (a new file joins it) or a new one fails the test, and so does one that is gone.
 */
const KNOWN_CYCLES: readonly { files: readonly string[]; why: string }[] = [];

/** Every source file of every layer: a layer folder that is missing is an error, not an empty list. */
function layerFiles(): SourceFile[] {
  return LAYERS.flatMap((layer) => sourceFiles(join(ROOT, layer)));
}

describe('layer rules (docs/ARCHITECTURE.md)', () => {
  it('every import in every layer is allowed', () => {
    const files = layerFiles();
    // Each layer holds code: a scan that found nothing would pass every rule.
    for (const layer of LAYERS) {
      expect(
        files.filter((f) => f.path.startsWith(`${layer}/`)).length,
        `${layer}/ has no source files`,
      ).toBeGreaterThan(0);
    }
    const violations = files.flatMap(checkFile);
    const report = violations.map((v) => `${v.file}: import '${v.specifier}' — ${v.reason}`);
    expect(
      report,
      `layer violations (the rules: docs/ARCHITECTURE.md, "Layers"):\n${report.join('\n')}`,
    ).toEqual([]);
  });

  it('no import cycles, type-only imports included', () => {
    const files = layerFiles();
    const graph = importGraph(files);
    // The graph is real: most files import another of ours.
    const withEdges = [...graph.values()].filter((targets) => targets.length > 0).length;
    expect(withEdges).toBeGreaterThan(files.length / 2);
    const describe = (component: readonly string[]) =>
      `${component.join(', ')}\n    e.g. ${cyclePath(graph, component).join(' -> ')}`;
    const cycles = importCycles(graph);
    const known = new Set(KNOWN_CYCLES.map((c) => [...c.files].sort().join(',')));
    const unknown = cycles.filter((c) => !known.has(c.join(',')));
    expect(
      unknown.map(describe),
      `import cycles (move the types both sides share into a file of their own; docs/ARCHITECTURE.md, "Layers"):\n${unknown.map(describe).join('\n')}`,
    ).toEqual([]);
    // A known cycle that is gone leaves the list, so it cannot come back unnoticed.
    const found = new Set(cycles.map((c) => c.join(',')));
    const gone = KNOWN_CYCLES.filter((c) => !found.has([...c.files].sort().join(',')));
    expect(
      gone.map((c) => c.files.join(', ')),
      'these cycles are broken: remove them from KNOWN_CYCLES in tests/layers/imports.test.ts',
    ).toEqual([]);
  });
});

describe('the checker', () => {
  const check = (path: string, text: string) => checkFile({ path, text }).map((v) => v.specifier);

  it('keeps core free of everything but zod', () => {
    expect(check('core/a.ts', "import { z } from 'zod';\nimport { x } from './b.js';")).toEqual([]);
    expect(check('core/a.ts', "import fs from 'node:fs';")).toEqual(['node:fs']);
    expect(check('core/a.ts', "import * as THREE from 'three';")).toEqual(['three']);
    expect(check('core/math/a.ts', "import { s } from '../../host/x.js';")).toEqual(['../../host/x.js']);
  });

  it('enforces the folder table, including type-only imports, re-exports and dynamic imports', () => {
    expect(check('renderer/a.tsx', "import type { X } from '../host/api/services.js';")).toEqual([
      '../host/api/services.js',
    ]);
    expect(check('renderer/a.tsx', "export { y } from '../electron/bridge.js';")).toEqual([
      '../electron/bridge.js',
    ]);
    expect(check('host/a.ts', "const m = await import('../inference/engine.js');")).toEqual([
      '../inference/engine.js',
    ]);
    expect(check('host/worker/w.ts', "import { e } from '../../inference/engine.js';")).toEqual([]);
    expect(check('cli/main.ts', "import { s } from '../host/api/services.js';")).toEqual([]);
    expect(check('cli/main.ts', "import { s } from '../electron/main.js';")).toEqual(['../electron/main.js']);
    expect(check('electron/main.ts', "import { s } from '../host/api/services.js';")).toEqual([]);
    expect(check('inference/a.ts', "import { s } from '../host/x.js';")).toEqual(['../host/x.js']);
  });

  it('confines electron, onnxruntime-node, react and three', () => {
    expect(check('host/a.ts', "import { app } from 'electron';")).toEqual(['electron']);
    expect(check('electron/main.ts', "import { app } from 'electron';")).toEqual([]);
    expect(check('host/a.ts', "import ort from 'onnxruntime-node';")).toEqual(['onnxruntime-node']);
    expect(check('inference/a.ts', "import ort from 'onnxruntime-node';")).toEqual([]);
    expect(check('cli/a.ts', "import { useState } from 'react';")).toEqual(['react']);
    expect(check('host/a.ts', "import { Canvas } from '@react-three/fiber';")).toEqual([
      '@react-three/fiber',
    ]);
    expect(
      check(
        'host/export/gltf.ts',
        "import { GLTFExporter } from 'three/examples/jsm/exporters/GLTFExporter.js';",
      ),
    ).toEqual([]);
    expect(check('host/project/a.ts', "import * as THREE from 'three';")).toEqual(['three']);
    expect(
      check('renderer/a.tsx', "import * as THREE from 'three';\nimport { useState } from 'react';"),
    ).toEqual([]);
    expect(check('renderer/a.ts', "import { readFile } from 'node:fs/promises';")).toEqual([
      'node:fs/promises',
    ]);
  });

  it('ignores imports mentioned in comments and strings', () => {
    expect(check('core/a.ts', "// import fs from 'node:fs';\nconst s = \"import x from 'three'\";")).toEqual(
      [],
    );
  });
});

describe('the cycle finder', () => {
  const graphOf = (files: Record<string, string>) =>
    importGraph(Object.entries(files).map(([path, text]) => ({ path, text })));

  it('finds a cycle made of type-only imports, and resolves ./x.js to x.ts and ./dir to dir/index.ts', () => {
    const graph = graphOf({
      'core/a.ts': "import type { B } from './b.js';\nexport type A = { b: B };",
      'core/b.ts': "import type { C } from './sub';\nexport type B = { c: C };",
      'core/sub/index.ts': "import type { A } from '../a.js';\nexport type C = { a: A };",
      'core/free.ts': "import type { A } from './a.js';",
    });
    const cycles = importCycles(graph);
    expect(cycles).toEqual([['core/a.ts', 'core/b.ts', 'core/sub/index.ts']]);
    expect(cyclePath(graph, cycles[0]!)).toEqual([
      'core/a.ts',
      'core/b.ts',
      'core/sub/index.ts',
      'core/a.ts',
    ]);
  });

  it('sees re-exports, dynamic imports and a file importing itself; a chain is not a cycle', () => {
    expect(
      importCycles(
        graphOf({
          'host/a.ts': "export { x } from './b.js';",
          'host/b.ts': "const m = await import('./a.js');",
        }),
      ),
    ).toEqual([['host/a.ts', 'host/b.ts']]);
    expect(importCycles(graphOf({ 'host/self.ts': "import { x } from './self.js';" }))).toEqual([
      ['host/self.ts'],
    ]);
    expect(
      importCycles(
        graphOf({
          'core/a.ts': "import { b } from './b.js';",
          'core/b.ts': "import { c } from './c.js';\nimport { z } from 'zod';",
          'core/c.ts': '// import { a } from "./a.js";',
        }),
      ),
    ).toEqual([]);
  });
});
