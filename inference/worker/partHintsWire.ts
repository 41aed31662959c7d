import { jointId } from '../../core/ids.js';
import type { PartHints } from '../rigging/partHints.js';

/**
 * PSD part hints between the worker and the host (core/contract/jobs.ts partHintsWireSchema):
 * one byte per pixel, v > 0 = parts[v - 1], 0 = no hint. The rig sends them with its result for
 * the document to keep; the host sends them back when it loads the character (the parts rig).
 */
export interface PartHintsWire {
  readonly owner: Uint8Array;
  readonly parts: readonly { readonly name: string; readonly jointIds: readonly string[] }[];
}

/** At most 255 parts fit a byte; layers beyond (never seen in practice) are left unhinted. */
const MAX_PARTS = 255;

export function partHintsToWire(hints: PartHints): {
  owner: Uint8Array;
  parts: { name: string; jointIds: string[] }[];
} {
  const owner = new Uint8Array(hints.owner.length);
  for (let p = 0; p < owner.length; p++) {
    const part = hints.owner[p]!;
    if (part >= 0 && part < MAX_PARTS) owner[p] = part + 1;
  }
  const parts = hints.parts
    .slice(0, MAX_PARTS)
    .map((part) => ({ name: part.name, jointIds: [...part.jointIds] }));
  return { owner, parts };
}

export function partHintsFromWire(wire: PartHintsWire, widthPx: number, heightPx: number): PartHints {
  if (wire.owner.length !== widthPx * heightPx) {
    throw new Error(`expected a ${widthPx}x${heightPx} part hint map, got ${wire.owner.length} bytes`);
  }
  const owner = new Int16Array(wire.owner.length);
  for (let p = 0; p < owner.length; p++) {
    const v = wire.owner[p]!;
    // A value naming no part (a map edited by hand) is no hint rather than an error.
    owner[p] = v > 0 && v <= wire.parts.length ? v - 1 : -1;
  }
  return {
    owner,
    parts: wire.parts.map((part) => ({ name: part.name, jointIds: part.jointIds.map(jointId) })),
  };
}
