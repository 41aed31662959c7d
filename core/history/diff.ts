/**
 * Patches between two versions of immutable plain data (objects, arrays, primitives). Unchanged
 * parts of a document are shared by reference between versions, so diff() skips any pair of
 * identical references without looking inside: diffing a large document after a small edit
 * visits only the path to the edit. Values in patches are shared references, never copies.
 */
export type PatchPath = readonly (string | number)[];
export type Patch =
  | { readonly op: 'set'; readonly path: PatchPath; readonly value: unknown }
  | { readonly op: 'delete'; readonly path: PatchPath };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Patches that turn `a` into `b`: applyPatches(a, diff(a, b)) deep-equals b. */
export function diff(a: unknown, b: unknown): Patch[] {
  const patches: Patch[] = [];
  walk(a, b, [], patches);
  return patches;
}

function walk(a: unknown, b: unknown, path: (string | number)[], out: Patch[]): void {
  if (Object.is(a, b)) return;
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (let i = 0; i < a.length; i++) {
      path.push(i);
      walk(a[i], b[i], path, out);
      path.pop();
    }
    return;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const key of Object.keys(a)) {
      path.push(key);
      if (!Object.hasOwn(b, key)) out.push({ op: 'delete', path: path.slice() });
      else walk(a[key], b[key], path, out);
      path.pop();
    }
    for (const key of Object.keys(b)) {
      if (!Object.hasOwn(a, key)) out.push({ op: 'set', path: [...path, key], value: b[key] });
    }
    return;
  }
  // Different types, primitives, or arrays whose length changed: replace the whole value.
  out.push({ op: 'set', path: path.slice(), value: b });
}

function shallowCopy(v: unknown): Record<string | number, unknown> {
  if (Array.isArray(v)) return v.slice() as unknown as Record<number, unknown>;
  if (isPlainObject(v)) return { ...v };
  throw new TypeError('a patch path runs through a value that is not an object or array');
}

/**
 * Applies patches without mutating `base`: containers on each patched path are copied once,
 * everything else stays shared.
 */
export function applyPatches<T>(base: T, patches: readonly Patch[]): T {
  let root: unknown = base;
  const copied = new Set<unknown>();
  for (const patch of patches) {
    if (patch.path.length === 0) {
      root = patch.op === 'set' ? patch.value : undefined;
      copied.clear();
      continue;
    }
    if (!copied.has(root)) {
      root = shallowCopy(root);
      copied.add(root);
    }
    let parent = root as Record<string | number, unknown>;
    for (let i = 0; i < patch.path.length - 1; i++) {
      const key = patch.path[i] as string | number;
      let child = parent[key];
      if (!copied.has(child)) {
        child = shallowCopy(child);
        copied.add(child);
        parent[key] = child;
      }
      parent = child as Record<string | number, unknown>;
    }
    const last = patch.path[patch.path.length - 1] as string | number;
    if (patch.op === 'set') parent[last] = patch.value;
    else delete parent[last];
  }
  return root as T;
}
