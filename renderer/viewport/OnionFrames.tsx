import { useFrame, useThree } from '@react-three/fiber';
import { type ReactElement, useEffect, useMemo, useRef } from 'react';
import * as THREE from 'three';
import { keyedFrames } from '../../core/motion/edit.js';
import { useServices } from '../context.js';
import type { FrameSize } from '../render/FrameLayer.js';
import { FrameTextures } from '../render/frameTextures.js';
import { useRenderSystem } from '../render/useRenderSystem.js';
import { activeCharacter } from '../state/editorStore.js';

/**
 * Onion skin of generated frames: the engine's frames of the previous and the next key (from the
 * frame cache, through the render system's scheduler and pixel cache), drawn as tinted ghosts
 * behind the current frame (red before, green after, the 2D convention: the current drawing stays
 * as it is, the ghosts show around it), under the skeleton. Shown
 * where FrameLayer shows generated frames (Pose mode, Show frames on, the camera view) with
 * onion skin on; the bone ghosts of SkeletonView show in every view.
 */

const VERTEX_SHADER = `
varying vec2 vUv;
void main() {
  vUv = vec2(uv.x, 1.0 - uv.y);
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}`;

/** Premultiplied texels, tinted and faded (still premultiplied). */
const FRAGMENT_SHADER = `
uniform sampler2D map;
uniform vec3 tint;
uniform float opacity;
varying vec2 vUv;
void main() {
  vec4 texel = texture2D(map, vUv);
  float grey = dot(texel.rgb, vec3(0.299, 0.587, 0.114));
  gl_FragColor = vec4(mix(texel.rgb, tint * grey * 1.6, 0.6) * opacity, texel.a * opacity);
}`;

const CAMERA_VIEW_TOLERANCE = 1e-4;
const GHOSTS = [
  { tint: new THREE.Color('#ff5c5c'), testId: 'previous' },
  { tint: new THREE.Color('#5cff8d'), testId: 'next' },
] as const;

/** Which key frames the ghosts show, for tests and the devtools (null when hidden). */
export interface OnionFramesProbe {
  previous: { frame: number; key: string } | null;
  next: { frame: number; key: string } | null;
}
let probe: OnionFramesProbe = { previous: null, next: null };
export function onionFramesShown(): OnionFramesProbe {
  return probe;
}

export function OnionFrames({ size }: { size: FrameSize }): ReactElement {
  const { editor } = useServices();
  const system = useRenderSystem();
  const invalidate = useThree((s) => s.invalidate);
  const meshes = useRef<(THREE.Mesh | null)[]>([null, null]);
  const textures = useMemo(() => new FrameTextures(64 * 1024 * 1024), []);
  const materials = useMemo(
    () =>
      GHOSTS.map(
        (ghost) =>
          new THREE.ShaderMaterial({
            uniforms: { map: { value: null }, tint: { value: ghost.tint }, opacity: { value: 0.4 } },
            vertexShader: VERTEX_SHADER,
            fragmentShader: FRAGMENT_SHADER,
            transparent: true,
            depthWrite: false,
            depthTest: false,
            blending: THREE.CustomBlending,
            blendEquation: THREE.AddEquation,
            blendSrc: THREE.OneFactor,
            blendDst: THREE.OneMinusSrcAlphaFactor,
          }),
      ),
    [],
  );
  useEffect(
    () => () => {
      textures.dispose();
      for (const m of materials) m.dispose();
      probe = { previous: null, next: null };
    },
    [textures, materials],
  );
  useEffect(() => {
    const off = system.pixels.subscribe(() => invalidate());
    return off;
  }, [system, invalidate]);

  useFrame(({ camera }) => {
    const state = editor.store.getState();
    const character = activeCharacter(state);
    const frame = editor.playhead.getState().frame;
    const cameraView = 1 - Math.abs(camera.quaternion.w) < CAMERA_VIEW_TOLERANCE;
    const show =
      state.onionSkin && state.showFrames && state.mode === 'pose' && cameraView && character !== null;
    const frames = show && character ? keyedFrames(character.motion) : [];
    const wanted = [[...frames].reverse().find((f) => f < frame), frames.find((f) => f > frame)];
    const next: OnionFramesProbe = { previous: null, next: null };
    wanted.forEach((ghostFrame, g) => {
      const mesh = meshes.current[g];
      if (!mesh) return;
      const ref = ghostFrame === undefined ? null : system.scheduler.slot(ghostFrame).ref;
      const pixels = ref ? system.pixels.get(ref.key) : undefined;
      if (ref && !pixels)
        system.pixels.request(ref.key, { urgent: false, expected: { width: ref.width, height: ref.height } });
      if (!ref || !pixels || ghostFrame === undefined) {
        mesh.visible = false;
        return;
      }
      const map = materials[g]!.uniforms.map;
      if (map) map.value = textures.get(pixels);
      mesh.visible = true;
      next[g === 0 ? 'previous' : 'next'] = { frame: ghostFrame, key: ref.key };
    });
    probe = next;
  });

  return (
    <>
      {GHOSTS.map((ghost, g) => (
        <mesh
          key={ghost.testId}
          ref={(node) => {
            meshes.current[g] = node;
          }}
          renderOrder={0.5}
          visible={false}
          material={materials[g]}
        >
          <planeGeometry args={[size.width, size.height]} />
        </mesh>
      ))}
    </>
  );
}
