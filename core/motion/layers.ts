import { quatConjugate, quatMultiply, quatNormalize } from '../math/quat.js';
import type { Quat, Vec3 } from '../math/types.js';
import { evaluateLayers } from './evaluate.js';
import type { Keyframe, Motion, MotionLayer, Track } from './types.js';

/**
 * Clip layers (docs/motion.md, "Layers"): keys are added on top of the layers, so keying a joint
 * to a rotation the animator sees means storing the offset from what the layers give there.
 * These helpers turn a wanted (full) value into the key that produces it, and edit layers.
 */

/** The key that makes `joint` show `full` at `frame` over the motion's layers. */
export function keyRotationFor(motion: Motion, joint: string, frame: number, full: Quat): Quat {
  if (!motion.layers || motion.layers.length === 0) return full;
  const base = evaluateLayers(motion.layers, frame).rotations[joint];
  return base ? quatNormalize(quatMultiply(quatConjugate(base), full)) : full;
}

/** The root key that puts the root at `full` (from rest) at `frame` over the motion's layers. */
export function keyRootFor(motion: Motion, frame: number, full: Vec3): Vec3 {
  if (!motion.layers || motion.layers.length === 0) return full;
  const base = evaluateLayers(motion.layers, frame).rootTranslation;
  return [full[0] - base[0], full[1] - base[1], full[2] - base[2]];
}

/** Keys holding full values, turned into keys over the motion's layers (each at its own frame). */
export function rotationKeysOverLayers(motion: Motion, joint: string, keys: Track<Quat>): Keyframe<Quat>[] {
  return keys.map((k) => ({ ...k, value: keyRotationFor(motion, joint, k.frame, k.value) }));
}

export function rootKeysOverLayers(motion: Motion, keys: Track<Vec3>): Keyframe<Vec3>[] {
  return keys.map((k) => ({ ...k, value: keyRootFor(motion, k.frame, k.value) }));
}

function updateLayer(
  motion: Motion,
  layerId: string,
  fn: (layer: MotionLayer) => MotionLayer | null,
): Motion {
  const layers = motion.layers ?? [];
  const index = layers.findIndex((l) => l.id === layerId);
  if (index < 0) throw new Error(`the motion has no layer "${layerId}"`);
  const next = fn(layers[index]!);
  const out = layers.slice();
  if (next === null) out.splice(index, 1);
  else out[index] = next;
  if (out.length === 0) {
    const { layers: _gone, ...rest } = motion;
    return rest;
  }
  return { ...motion, layers: out };
}

export function setLayerWeight(motion: Motion, layerId: string, weight: number): Motion {
  if (!(weight >= 0 && weight <= 1)) throw new RangeError(`a layer's weight is 0..1, got ${weight}`);
  return updateLayer(motion, layerId, (l) => ({ ...l, weight }));
}

export function setLayerMuted(motion: Motion, layerId: string, muted: boolean): Motion {
  return updateLayer(motion, layerId, (l) => {
    const { muted: _old, ...rest } = l;
    return muted ? { ...rest, muted: true } : rest;
  });
}

export function removeLayer(motion: Motion, layerId: string): Motion {
  return updateLayer(motion, layerId, () => null);
}
