import { useFrame, useThree } from '@react-three/fiber';
import { type ReactElement, useEffect, useMemo, useRef } from 'react';
import * as THREE from 'three';
import { useStore } from 'zustand';
import type { JointId } from '../../core/ids.js';
import { useServices } from '../context.js';
import { motionUiFor } from '../motion/motionUi.js';
import type { SceneRefs } from './sceneRefs.js';

/** Screen size of a pin marker, CSS pixels. */
const PIN_PX = 9;

/**
 * A square around each pinned joint (renderer/motion/motionUi.ts pins), so the animator sees what
 * stays put while dragging. Screen-sized, facing the camera, drawn over the skeleton.
 */
export function PinMarkers({ refs }: { refs: SceneRefs }): ReactElement {
  const { editor } = useServices();
  const pins = useStore(motionUiFor(editor), (s) => s.pins);
  const invalidate = useThree((s) => s.invalidate);
  const objects = useRef(new Map<JointId, THREE.LineLoop>());
  const geometry = useMemo(
    () =>
      new THREE.BufferGeometry().setFromPoints([
        new THREE.Vector3(-1, -1, 0),
        new THREE.Vector3(1, -1, 0),
        new THREE.Vector3(1, 1, 0),
        new THREE.Vector3(-1, 1, 0),
      ]),
    [],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: a changed pin list needs a redraw
  useEffect(() => invalidate(), [pins, invalidate]);
  useFrame(({ camera }) => {
    const now = refs.readWorld();
    const group = refs.group.current;
    if (!now || !group) return;
    const pxToWorld = 1 / ((camera as THREE.OrthographicCamera).zoom * group.scale.x);
    for (const [id, object] of objects.current) {
      const joint = now.world.get(id);
      object.visible = joint !== undefined;
      if (!joint) continue;
      object.position.set(joint.position[0], joint.position[1], joint.position[2]);
      object.quaternion.copy(camera.quaternion);
      object.scale.setScalar(PIN_PX * pxToWorld);
    }
  });
  return (
    <group>
      {pins.map((id) => (
        <lineLoop
          key={id}
          geometry={geometry}
          renderOrder={30}
          frustumCulled={false}
          ref={(node) => {
            if (node) objects.current.set(id, node);
            else objects.current.delete(id);
          }}
        >
          <lineBasicMaterial color="#ff4fd8" depthTest={false} depthWrite={false} transparent />
        </lineLoop>
      ))}
    </group>
  );
}
