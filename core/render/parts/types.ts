import type { JointId } from '../../ids.js';
import type { RgbaImage } from '../types.js';

/**
 * The layered-parts rig of a character: the frame engine's whole input apart from the pose.
 *
 * The picture is cut into one part per joint that owns pixels (the bone from the joint to its
 * children, as for skin weights): each part's region is cut at its joints and completed where
 * other parts hid it in the picture (the torso's side under an arm), so a part that moves away
 * uncovers a clean edge in its owner's colours. Each part is a rigid 2.5D shape: a generalised
 * cylinder around the part's axis whose cross-section at axial position t is an ellipse of
 * half-width radius[t] around the lateral offset centre[t], depthRatio times as deep as wide.
 * Seen head-on the shape is invisible (only the layer's pixels show, exactly as a flat cut-out);
 * tilted, its rounded thickness gives foreshortened limbs their volume and a limb pointing at the
 * camera its cross-section. A sphere at each joint between a part and its parent closes the
 * joint: it fills the wedge a bent joint opens between two rigid parts, textured with the art
 * around the joint (rounded joints, like a cut-out puppet's).
 *
 * All lengths are art pixels; imagePx as in core/math/types.ts (x right, y down, pixel centres at
 * integer + 0.5). docs/ARCHITECTURE.md ("The frame engine") describes how frames are made from it.
 */
export const PARTS_FORMAT = 'parts-1';

/**
 * Version of the algorithm that cuts a picture into parts (inference/rigging/parts/): part of every
 * rig key (host/render/rigInputs.ts), so frames cached from an older cut are not reused. Bump it
 * whenever that code changes what it builds.
 */
export const PARTS_ALGORITHM_VERSION = 'cut-1';

/** An integer rectangle of art pixels. */
export interface PixelRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface RigPart {
  /** The joint whose transform moves this part. */
  readonly jointId: JointId;
  /** Rest frame in imagePx: the joint, and the unit axis along the part (lateral = (-axisV, axisU)). */
  readonly originU: number;
  readonly originV: number;
  readonly axisU: number;
  readonly axisV: number;
  /** Cross-sections every pixel along the axis from t = tMin: lateral centre and half-width (0 = empty). */
  readonly tMin: number;
  readonly centre: Float32Array;
  readonly radius: Float32Array;
  /** Depth semi-axis / lateral semi-axis of the cross-sections (1 = round limb, 0.5 = flat torso). */
  readonly depthRatio: number;
  /**
   * Depth of the cross-sections' centre at rest, as a fraction of their depth semi-axis (0 = centred
   * on the picture plane; a foot, drawn from the front, reaches forward: 0.8).
   */
  readonly depthCentre: number;
  /**
   * Depth tie-break in pixels added to the part's posed axis depth when parts overlap: larger is
   * in front at equal depth (from the picture's own overlaps and the joint hierarchy).
   */
  readonly bias: number;
  /** Where the part's layer lies in the art (its pixels outside the rect are transparent). */
  readonly rect: PixelRect;
}

export interface RigSphere {
  /** The joint at the sphere's centre; the sphere moves with this joint's part. */
  readonly jointId: JointId;
  /** Rest centre in imagePx (the joint) and radius in pixels. */
  readonly centreU: number;
  readonly centreV: number;
  readonly radius: number;
  /** Depth tie-break (below both parts that meet here, so it only shows where they leave a gap). */
  readonly bias: number;
  readonly rect: PixelRect;
}

export interface PartsRig {
  readonly format: typeof PARTS_FORMAT;
  /** The art's size. */
  readonly width: number;
  readonly height: number;
  readonly parts: readonly RigPart[];
  readonly spheres: readonly RigSphere[];
  /**
   * Straight RGBA layers, each the size of its rect: parts[0..P) then spheres[0..S). A part's
   * layer holds its own pixels and its completed hidden pieces; a sphere's the art around its joint.
   */
  readonly layers: readonly RgbaImage[];
  /** Per art pixel (row-major), the index of the part that owns it in the picture, or -1. */
  readonly labels: Int16Array;
}

/** A layer's rect, whichever kind it belongs to. */
export function layerRects(rig: PartsRig): PixelRect[] {
  return [...rig.parts.map((p) => p.rect), ...rig.spheres.map((s) => s.rect)];
}
