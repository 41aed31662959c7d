import type { KeyposeApi } from '../../core/contract/api.js';
import { applyImportedMotion } from '../../core/document/motionEdits.js';
import { parseBvh } from '../../core/io/bvh.js';
import { clipPose, resampleClip } from '../../core/motion/clip.js';
import {
  type ImportResult,
  importClip,
  prepareImport,
  type SourceMotion,
} from '../../core/motion/importMotion.js';
import type { LibraryMotion } from '../../core/motion/library.js';
import { retargetClip } from '../../core/retarget/retarget.js';
import { computeWorldTransforms } from '../../core/skeleton/kinematics.js';
import type { Skeleton } from '../../core/skeleton/types.js';
import { activeCharacter, type Editor } from '../state/editorStore.js';

/**
 * The motion library in the editor: the BVH texts come from the host (readLibraryMotion), are
 * read once per page, previewed on the current character (its bones, retargeted, in the camera
 * view) and applied with one click through the same import as any file.
 */

const sources = new WeakMap<KeyposeApi, Map<string, Promise<SourceMotion & { fps: number }>>>();

export function librarySource(
  api: KeyposeApi,
  entry: LibraryMotion,
): Promise<SourceMotion & { fps: number }> {
  let cache = sources.get(api);
  if (!cache) {
    cache = new Map();
    sources.set(api, cache);
  }
  let source = cache.get(entry.id);
  if (!source) {
    source = api.readLibraryMotion(entry.id).then(({ fileName, text }) => {
      const bvh = parseBvh(text);
      return { name: fileName, ...bvh, fps: bvh.fps.numerator / bvh.fps.denominator };
    });
    // A failed read is not kept: the next open tries again.
    source.catch(() => cache?.delete(entry.id));
    cache.set(entry.id, source);
  }
  return source;
}

/** Bone segments per frame in the camera view (x, y of parent and child), for the preview canvas. */
export interface PreviewFrames {
  readonly fps: number;
  readonly frames: readonly Float32Array[];
  /** Bounds of every frame: minX, minY, maxX, maxY. */
  readonly bounds: readonly [number, number, number, number];
}

export function previewFrames(
  skeleton: Skeleton,
  source: SourceMotion & { fps: number },
  fps: number,
): PreviewFrames {
  const prepared = prepareImport(source, skeleton);
  const clip = resampleClip(source.clip, fps);
  const { clip: out } = retargetClip({ rig: prepared.sourceRig, clip }, prepared.targetRig, {
    mapping: prepared.mapping,
    rootMotion: 'in-place',
  });
  const bones = skeleton.joints.filter((j) => j.parentId !== null);
  const bounds: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const frames: Float32Array[] = [];
  for (let f = 0; f < out.frameCount; f++) {
    const world = computeWorldTransforms(skeleton, clipPose(out, f));
    const segments = new Float32Array(bones.length * 4);
    bones.forEach((joint, i) => {
      const a = world.get(joint.parentId!)!.position;
      const b = world.get(joint.id)!.position;
      segments.set([a[0], a[1], b[0], b[1]], i * 4);
      bounds[0] = Math.min(bounds[0], a[0], b[0]);
      bounds[1] = Math.min(bounds[1], a[1], b[1]);
      bounds[2] = Math.max(bounds[2], a[0], b[0]);
      bounds[3] = Math.max(bounds[3], a[1], b[1]);
    });
    frames.push(segments);
  }
  return { fps, frames, bounds };
}

export interface LibraryApplyOptions {
  /** Remove the overall travel (keep the sway). */
  readonly inPlace: boolean;
  /** Loops repeat until the end of the project. */
  readonly fill: boolean;
}

/** Puts a library motion on the active character at the playhead: one undo step. */
export function applyLibraryMotion(
  editor: Editor,
  entry: LibraryMotion,
  source: SourceMotion & { fps: number },
  options: LibraryApplyOptions,
): ImportResult | null {
  const state = editor.store.getState();
  const character = activeCharacter(state);
  const doc = state.document;
  if (!character || !doc) return null;
  const start = editor.playhead.getState().frame;
  const cycleFrames = Math.max(1, Math.round((source.clip.frameCount / source.fps) * doc.fps));
  const repeat =
    entry.loops && options.fill ? Math.max(1, Math.ceil((doc.durationFrames - start) / cycleFrames)) : 1;
  const result = importClip(prepareImport(source, character.skeleton), character.skeleton, character.motion, {
    fps: doc.fps,
    startFrame: start,
    as: 'keys',
    rootMotion: options.inPlace ? 'in-place' : 'keep',
    repeat,
  });
  editor.actions.edit(`Apply ${entry.label}`, (d) => applyImportedMotion(d, character.id, result));
  editor.actions.setNotice(
    `${entry.label} on ${character.name}: frames ${result.frames[0]}–${result.frames[1]}`,
  );
  return result;
}
