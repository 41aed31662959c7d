import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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

describe('layer rules (DESIGN.md)', () => {
  it('every import in every layer is allowed', () => {
    const files = LAYERS.flatMap((layer) => {
      try {
        return sourceFiles(join(ROOT, layer));
      } catch {
        return [];
      }
    });
    expect(files.length).toBeGreaterThan(0);
    const violations = files.flatMap(checkFile);
    const report = violations.map((v) => `${v.file}: import '${v.specifier}' — ${v.reason}`);
    expect(report, `layer violations:\n${report.join('\n')}`).toEqual([]);
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
