import type { OrbitControls, TransformControls } from '@react-three/drei';
import type { ComponentRef, RefObject } from 'react';
import type * as THREE from 'three';
import type { WorldPose } from './worldPose.js';

/**
 * What the viewport's tools (pointer tool, pin markers) share with the viewport itself. In a file
 * of its own so the tools need not import Viewport.tsx, which imports them (no import cycles;
 * docs/ARCHITECTURE.md).
 */

/** drei's control instances, typed from the components (three-stdlib is only drei's dependency). */
export type OrbitControlsImpl = ComponentRef<typeof OrbitControls>;
export type TransformControlsImpl = ComponentRef<typeof TransformControls>;

export interface SceneRefs {
  readonly group: RefObject<THREE.Group | null>;
  readonly gizmo: RefObject<TransformControlsImpl | null>;
  readonly readWorld: () => WorldPose | null;
}
