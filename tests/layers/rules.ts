import { builtinModules } from 'node:module';
import { dirname, join, normalize, relative, sep } from 'node:path';
import ts from 'typescript';

/**
 * The layer rules of docs/ARCHITECTURE.md as data, and a checker over source text. Kept apart from the
 * test that scans the repository so the checker itself can be tested on made-up files.
 */

export type Layer = 'core' | 'inference' | 'host' | 'electron' | 'renderer' | 'cli' | 'bench';
export const LAYERS: readonly Layer[] = ['core', 'inference', 'host', 'electron', 'renderer', 'cli', 'bench'];

/** Which top-level folders each layer may import from (its own folder included). */
const ALLOWED_FOLDERS: Record<Layer, readonly string[]> = {
  core: ['core'],
  inference: ['core', 'inference'],
  host: ['core', 'host'],
  electron: ['core', 'host', 'electron'],
  renderer: ['core', 'renderer'],
  cli: ['core', 'host', 'cli'],
  // docs/ARCHITECTURE.md: bench imports "all" (test fixtures included).
  bench: ['core', 'inference', 'host', 'electron', 'renderer', 'cli', 'bench', 'assets', 'tests'],
};

/** host/ reaches inference only inside the worker process, whose code lives in host/worker/. */
const EXTRA_FOLDERS: { under: string; folders: readonly string[] }[] = [
  { under: 'host/worker/', folders: ['inference'] },
];

/** Packages confined to some folders (path prefixes); core's allow-list is separate. */
const CONFINED_PACKAGES: { packages: readonly string[]; allowedUnder: readonly string[]; why: string }[] = [
  { packages: ['electron'], allowedUnder: ['electron/'], why: "'electron' only in electron/" },
  {
    packages: ['onnxruntime-node'],
    allowedUnder: ['inference/', 'bench/'],
    why: "'onnxruntime-node' only in inference/ (and bench/, which measures it directly)",
  },
  {
    packages: ['react', 'react-dom', '@react-three/fiber', '@react-three/drei'],
    allowedUnder: ['renderer/'],
    why: 'React only in renderer/',
  },
  {
    packages: ['three'],
    allowedUnder: ['renderer/', 'host/export/', 'bench/'],
    why: 'three only in renderer/ (and host/export/ for glTF)',
  },
];

const CORE_PACKAGES = new Set(['zod']);
const NODE_BUILTINS = new Set(builtinModules);

export interface SourceFile {
  /** Path relative to the repository root, with forward slashes. */
  path: string;
  text: string;
}

export interface Violation {
  file: string;
  specifier: string;
  reason: string;
}

/** Every module specifier a file imports: static, type-only, re-exports, import() and require(). */
export function importSpecifiers(text: string): string[] {
  // TypeScript's own pre-processor: it skips comments and strings and sees `import type`,
  // `export … from`, import() and require().
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** The package name of a bare specifier: 'three/examples/x' -> 'three', '@a/b/c' -> '@a/b'. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function layerOf(path: string): Layer | null {
  const top = path.split('/')[0] as Layer;
  return LAYERS.includes(top) ? top : null;
}

export function checkFile(file: SourceFile): Violation[] {
  const layer = layerOf(file.path);
  if (!layer) return [];
  const violations: Violation[] = [];
  for (const specifier of importSpecifiers(file.text)) {
    if (specifier.startsWith('.')) {
      const target = normalize(join(dirname(file.path), specifier))
        .split(sep)
        .join('/');
      if (target.startsWith('..')) {
        violations.push({ file: file.path, specifier, reason: 'imports from outside the repository' });
        continue;
      }
      const folder = target.split('/')[0]!;
      const extra = EXTRA_FOLDERS.filter((e) => file.path.startsWith(e.under)).flatMap((e) => e.folders);
      if (!ALLOWED_FOLDERS[layer].includes(folder) && !extra.includes(folder)) {
        violations.push({
          file: file.path,
          specifier,
          reason: `${layer}/ may import only ${ALLOWED_FOLDERS[layer].join(', ')} (docs/ARCHITECTURE.md, "Layers"), not ${folder}/`,
        });
      }
      continue;
    }
    const bare = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
    const pkg = packageName(bare);
    if (layer === 'core') {
      if (!CORE_PACKAGES.has(pkg)) {
        violations.push({
          file: file.path,
          specifier,
          reason: 'core/ imports nothing but zod (it runs anywhere: no Node, no DOM, no UI)',
        });
      }
      continue;
    }
    if (specifier.startsWith('node:') || NODE_BUILTINS.has(bare)) {
      if (layer === 'renderer') {
        violations.push({
          file: file.path,
          specifier,
          reason: 'renderer/ runs in the browser: no Node built-ins',
        });
      }
      continue;
    }
    for (const rule of CONFINED_PACKAGES) {
      if (rule.packages.includes(pkg) && !rule.allowedUnder.some((prefix) => file.path.startsWith(prefix))) {
        violations.push({ file: file.path, specifier, reason: rule.why });
      }
    }
  }
  return violations;
}

/** Repository-relative path with forward slashes (Windows checkouts too). */
export function repoPath(root: string, absolute: string): string {
  return relative(root, absolute).split(sep).join('/');
}
