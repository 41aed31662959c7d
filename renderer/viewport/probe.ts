import type { JointId } from '../../core/ids.js';

/**
 * Where a joint is drawn on screen (client CSS pixels), as the mounted viewport reports it. Read
 * by the debug hook so browser tests can point at joints exactly as a user would.
 */
export type JointScreenProbe = (jointId: JointId) => { x: number; y: number } | null;

let current: JointScreenProbe | null = null;

export function setJointScreenProbe(probe: JointScreenProbe | null): void {
  current = probe;
}

export function jointScreenPosition(jointId: JointId): { x: number; y: number } | null {
  return current ? current(jointId) : null;
}
