import { dirname, join, normalize, sep } from 'node:path';
import { importSpecifiers, type SourceFile } from './rules.js';

/**
 * Import cycles between the repository's own modules. Type-only imports count: a cycle of types
 * still means neither file can be read, moved or tested without the other (the fix is a file of
 * its own for the shared types, docs/ARCHITECTURE.md). Kept apart from the test that scans the
 * repository so the finder itself can be tested on made-up files.
 */

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts'];

/**
 * The repository file a relative specifier names, or null (a package, or a file outside the
 * scanned set). TypeScript's ESM style writes './x.js' for './x.ts'; './dir' may mean './dir/index.ts'.
 */
export function resolveSpecifier(from: string, specifier: string, known: ReadonlySet<string>): string | null {
  if (!specifier.startsWith('.')) return null;
  const target = normalize(join(dirname(from), specifier))
    .split(sep)
    .join('/');
  const stem = target.replace(/\.(js|jsx|mjs|cjs|ts|tsx|mts|cts)$/, '');
  const candidates = [
    target,
    ...SOURCE_EXTENSIONS.map((ext) => stem + ext),
    ...SOURCE_EXTENSIONS.map((ext) => `${target}/index${ext}`),
  ];
  return candidates.find((c) => known.has(c)) ?? null;
}

/** Each file's imports of other scanned files (static, type-only, re-exports, import(), require()). */
export function importGraph(files: readonly SourceFile[]): Map<string, string[]> {
  const known = new Set(files.map((f) => f.path));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = importSpecifiers(file.text)
      .map((s) => resolveSpecifier(file.path, s, known))
      .filter((t): t is string => t !== null);
    graph.set(file.path, [...new Set(targets)]);
  }
  return graph;
}

/**
 * The strongly connected components with more than one file (or a file importing itself), each
 * sorted, found with Tarjan's algorithm (iterative: the graph has ~1000 files and deep chains).
 */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: { node: string; edge: number }[] = [{ node: root, edge: 0 }];
    index.set(root, next);
    low.set(root, next);
    next += 1;
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const edges = graph.get(frame.node) ?? [];
      if (frame.edge < edges.length) {
        const to = edges[frame.edge]!;
        frame.edge += 1;
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next);
          next += 1;
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, edge: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = component.length === 1 && edges.includes(frame.node);
        if (component.length > 1 || selfLoop) components.push(component.sort());
      }
    }
  }
  return components.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/**
 * One concrete loop through a component, for the failure message: a -> b -> ... -> a, following
 * imports that stay inside the component (breadth first from its first file, so the loop is short).
 */
export function cyclePath(
  graph: ReadonlyMap<string, readonly string[]>,
  component: readonly string[],
): string[] {
  const inside = new Set(component);
  const start = component[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const to of graph.get(node) ?? []) {
      if (!inside.has(to)) continue;
      if (to === start) {
        const path = [start];
        for (let at: string | undefined = node; at !== undefined && at !== start; at = previous.get(at)) {
          path.splice(1, 0, at);
        }
        return [...path, start];
      }
      if (!previous.has(to)) {
        previous.set(to, node);
        queue.push(to);
      }
    }
  }
  return [...component];
}
