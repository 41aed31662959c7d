import { useFrame, useThree } from '@react-three/fiber';
import { type ReactElement, type RefObject, useEffect, useMemo, useRef } from 'react';
import * as THREE from 'three';
import { useServices } from '../context.js';
import type { FramePixels } from './framePixels.js';
import { recordShownFrame, type ScreenRect } from './frameProbe.js';
import { FrameTextures } from './frameTextures.js';
import { previewState, previewWanted, setShown } from './previewState.js';
import type { FrameStatus } from './scheduler.js';
import { useRenderSystem } from './useRenderSystem.js';

/**
 * The generated frame of the playhead: the scene (every character, composed in depth order by the
 * host), drawn in place of the characters' static art (all of which it hides while a frame is
 * shown: the active one's through artRef, the others' by STATIC_ART_TAG), under the skeletons. Per-frame work happens in useFrame from
 * the stores, never through React state: playback re-renders no component.
 *
 * Shown only in Pose mode, with "Show frames" on, and in the camera view: the frame is the
 * character as the orthographic camera sees it, so from an orbited view the flat art is shown.
 */

/** Rows arrive top to bottom; the plane's v runs bottom to top. */
const VERTEX_SHADER = `
varying vec2 vUv;
void main() {
  vUv = vec2(uv.x, 1.0 - uv.y);
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}`;

/** Premultiplied, sRGB-encoded texels go to the sRGB canvas unchanged (no colour conversion). */
const FRAGMENT_SHADER = `
uniform sampler2D map;
varying vec2 vUv;
void main() {
  gl_FragColor = texture2D(map, vUv);
}`;

/** userData flag of a character's static art mesh other than the active one's (SceneCharacters). */
export const STATIC_ART_TAG = 'keyposeStaticArt';

/** 1 - |w| of the camera's rotation below this: the view looks straight at the picture (< ~1.6°). */
const CAMERA_VIEW_TOLERANCE = 1e-4;

/** Width and height in output pixels. */
export interface FrameSize {
  readonly width: number;
  readonly height: number;
}

const corner = new THREE.Vector3();

function planeScreenRect(
  mesh: THREE.Mesh,
  camera: THREE.Camera,
  canvas: HTMLCanvasElement,
  size: FrameSize,
): ScreenRect {
  const bounds = canvas.getBoundingClientRect();
  mesh.updateMatrixWorld();
  const toClient = (x: number, y: number) => {
    corner.set(x, y, 0).applyMatrix4(mesh.matrixWorld).project(camera);
    return {
      x: bounds.left + ((corner.x + 1) / 2) * bounds.width,
      y: bounds.top + ((1 - corner.y) / 2) * bounds.height,
    };
  };
  const topLeft = toClient(-size.width / 2, size.height / 2);
  const bottomRight = toClient(size.width / 2, -size.height / 2);
  return {
    x: topLeft.x,
    y: topLeft.y,
    width: bottomRight.x - topLeft.x,
    height: bottomRight.y - topLeft.y,
  };
}

export function FrameLayer({
  size,
  artRef,
}: {
  /**
   * The output frame's size (the document's resolution). The host composes the characters into
   * the output frame with their placements, so the layer sits at the scene origin, outside the
   * active character's placement group: drawing it inside would apply a placement twice.
   */
  size: FrameSize;
  /** The static art's mesh, hidden while a generated frame covers it. */
  artRef: RefObject<THREE.Object3D | null>;
}): ReactElement {
  const { editor } = useServices();
  const system = useRenderSystem();
  const invalidate = useThree((s) => s.invalidate);
  const mesh = useRef<THREE.Mesh>(null);
  const textures = useMemo(() => new FrameTextures(), []);
  const material = useMemo(
    () =>
      new THREE.ShaderMaterial({
        uniforms: { map: { value: null } },
        vertexShader: VERTEX_SHADER,
        fragmentShader: FRAGMENT_SHADER,
        transparent: true,
        depthWrite: false,
        blending: THREE.CustomBlending,
        blendEquation: THREE.AddEquation,
        blendSrc: THREE.OneFactor,
        blendDst: THREE.OneMinusSrcAlphaFactor,
        blendSrcAlpha: THREE.OneFactor,
        blendDstAlpha: THREE.OneMinusSrcAlphaFactor,
      }),
    [],
  );
  /** Per frame index, the last key whose pixels were shown: kept on screen while newer ones load. */
  const lastShown = useRef(new Map<number, string>());

  useEffect(
    () => () => {
      textures.dispose();
      material.dispose();
      recordShownFrame(null, null);
    },
    [textures, material],
  );

  useEffect(() => {
    const offScheduler = system.scheduler.subscribe(() => invalidate());
    const offPixels = system.pixels.subscribe(() => invalidate());
    return () => {
      offScheduler();
      offPixels();
    };
  }, [system, invalidate]);

  useFrame(({ camera, gl, scene }) => {
    const node = mesh.current;
    if (!node) return;
    const state = editor.store.getState();
    const frameIndex = editor.playhead.getState().frame;
    const cameraView = 1 - Math.abs(camera.quaternion.w) < CAMERA_VIEW_TOLERANCE;
    let pixels: FramePixels | null = null;
    let status: FrameStatus = 'missing';
    if (state.showFrames && state.mode === 'pose' && cameraView) {
      const slot = system.scheduler.slot(frameIndex);
      status = slot.status;
      if (slot.ref) {
        pixels = system.pixels.get(slot.ref.key) ?? null;
        if (pixels) lastShown.current.set(frameIndex, slot.ref.key);
        else {
          system.pixels.request(slot.ref.key, {
            urgent: true,
            expected: { width: slot.ref.width, height: slot.ref.height },
          });
        }
      }
      // While a newer frame's pixels load, the last ones shown for this frame stay (not the art).
      if (!pixels && slot.ref) {
        const previous = lastShown.current.get(frameIndex);
        pixels = previous ? (system.pixels.get(previous) ?? null) : null;
        if (pixels) status = 'stale';
      }
    }
    const art = artRef.current;
    // The live preview (PartsPreview.tsx) stands in while the engine's frame for the pose is not
    // there: it draws the active character, so neither the frame nor its static art shows.
    const previewReady = previewState.getState().readyRigKey !== null;
    // A frame that is ready but whose pixels are still loading shows the last ones instead
    // (status 'stale' above): an older pose. The preview, which has the pose now, stands in for it
    // as for any stale frame; before, the viewport flashed back to the pose before a drag for as
    // long as the new frame's pixels took to arrive (tests/e2e/preview.test.ts).
    const slotStatus = status === 'stale' ? 'stale' : system.scheduler.slot(frameIndex).status;
    if (state.showFrames && state.mode === 'pose' && previewWanted(slotStatus, previewReady)) {
      node.visible = false;
      if (art) art.visible = false;
      scene.traverse((object) => {
        if (object.userData[STATIC_ART_TAG] === true) object.visible = true;
      });
      recordShownFrame(null, null);
      setShown('preview');
      return;
    }
    const showArt = pixels === null;
    scene.traverse((object) => {
      if (object.userData[STATIC_ART_TAG] === true) object.visible = showArt;
    });
    if (!pixels) {
      node.visible = false;
      if (art) art.visible = true;
      recordShownFrame(null, null);
      setShown('art');
      return;
    }
    setShown('engine');
    const map = material.uniforms.map;
    if (map) map.value = textures.get(pixels);
    node.visible = true;
    if (art) art.visible = false;
    recordShownFrame(
      { frameIndex, key: pixels.key, status, width: pixels.width, height: pixels.height },
      () => planeScreenRect(node, camera, gl.domElement, size),
    );
  });

  return (
    <mesh ref={mesh} renderOrder={1} visible={false} material={material}>
      <planeGeometry args={[size.width, size.height]} />
    </mesh>
  );
}
