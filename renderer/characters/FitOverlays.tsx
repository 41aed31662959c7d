import { useThree } from '@react-three/fiber';
import { type ReactElement, useEffect, useMemo, useRef, useState } from 'react';
import * as THREE from 'three';
import { useStore } from 'zustand';
import { hashAssetId } from '../../core/document/factory.js';
import type { Asset, Character } from '../../core/document/schema.js';
import type { AssetId } from '../../core/ids.js';
import { encodeBase64 } from '../../core/util/base64.js';
import { useEditor, useServices } from '../context.js';
import { activeCharacter } from '../state/editorStore.js';
import { setCharacterMask } from './characterActions.js';
import { fitToolsFor } from './fitTools.js';
import { useFitTools } from './useCharacters.js';

/**
 * Fit-mode overlays drawn in the active character's space (inside its placement group):
 * - the weight overlay (W): the pixels that move with the selected joint (its part of the parts
 *   rig the frame engine renders) from the host as a heat map, re-requested (debounced) whenever
 *   the skeleton or the mask changes (the host rebuilds the parts for them);
 * - the mask brush (B): the mask tints what is not figure; dragging paints into it (Alt removes,
 *   [ and ] resize), and each stroke is stored as a new mask PNG asset, one undo step.
 */

/** Above the art (0..2, and characters in front up to 3), under the skeletons (9+). */
const OVERLAY_ORDER = 4;
/** Wait this long after the last skeleton change before asking for the new parts. */
const WEIGHTS_DEBOUNCE_MS = 200;

function WeightOverlay({ character }: { character: Character }): ReactElement | null {
  const { editor, api } = useServices();
  const invalidate = useThree((s) => s.invalidate);
  const tools = fitToolsFor(editor);
  const jointId = useEditor((s) => s.selectedJointId);
  const document = useEditor((s) => s.document);
  const gesture = useEditor((s) => s.gestureLabel);
  const [image, setImage] = useState<{ url: string; width: number; height: number } | null>(null);
  const art = document?.assets[character.artAssetId];
  const jointName = character.skeleton.joints.find((j) => j.id === jointId)?.name ?? null;
  // What the parts depend on: the skeleton and the mask (and which joint is shown).
  const { skeleton, maskAssetId, id: characterId } = character;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the parts depend on the skeleton and mask, not on the rest of the document
  useEffect(() => {
    if (!jointId || !jointName) {
      tools.setState({ overlay: { state: 'no-joint' } });
      setImage(null);
      return;
    }
    let live = true;
    tools.setState({ overlay: { state: 'loading', jointName } });
    const timer = setTimeout(() => {
      const doc = editor.store.getState().document;
      if (!doc) return;
      api.getWeightOverlay({ document: doc, characterId, jointId }).then(
        (result) => {
          if (!live) return;
          setImage({
            url: `data:image/png;base64,${result.pngBase64}`,
            width: result.width,
            height: result.height,
          });
          tools.setState({ overlay: { state: 'ready', jointName } });
        },
        (error: unknown) => {
          if (!live) return;
          setImage(null);
          const message = error instanceof Error ? error.message : String(error);
          tools.setState({ overlay: { state: 'error', jointName, message } });
        },
      );
    }, WEIGHTS_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, editor, tools, characterId, jointId, jointName, skeleton, maskAssetId, gesture === null]);

  useEffect(() => () => tools.setState({ overlay: { state: 'off' } }), [tools]);

  const texture = useMemo(() => {
    if (!image) return null;
    return new THREE.TextureLoader().load(image.url, () => invalidate());
  }, [image, invalidate]);
  useEffect(() => () => texture?.dispose(), [texture]);
  if (!texture || !art) return null;
  return (
    <mesh renderOrder={OVERLAY_ORDER}>
      <planeGeometry args={[art.width, art.height]} />
      <meshBasicMaterial map={texture} transparent depthTest={false} depthWrite={false} toneMapped={false} />
    </mesh>
  );
}

const MASK_TINT_SHADER = {
  vertexShader: /* glsl */ `
    varying vec2 vUv;
    void main() {
      vUv = uv;
      gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
    }`,
  // White = figure. Outside the figure gets a red veil (a "quick mask"), the figure stays clear.
  fragmentShader: /* glsl */ `
    uniform sampler2D mask;
    varying vec2 vUv;
    void main() {
      float figure = texture2D(mask, vUv).g;
      gl_FragColor = vec4(1.0, 0.12, 0.28, (1.0 - figure) * 0.5);
    }`,
};

/** Draws a picture into a canvas as the mask: white where `alpha` (or grey level) says figure. */
function drawMaskFrom(image: HTMLImageElement, canvas: HTMLCanvasElement, fromAlpha: boolean): void {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
  const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height);
  const d = pixels.data;
  for (let i = 0; i < d.length; i += 4) {
    const figure = fromAlpha ? (d[i + 3] ?? 0) >= 128 : (d[i + 1] ?? 0) >= 128;
    const v = figure ? 255 : 0;
    d[i] = v;
    d[i + 1] = v;
    d[i + 2] = v;
    d[i + 3] = 255;
  }
  ctx.putImageData(pixels, 0, 0);
}

function canvasToPng(canvas: HTMLCanvasElement): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (!blob) {
        reject(new Error('the mask could not be encoded as PNG'));
        return;
      }
      blob.arrayBuffer().then((buffer) => resolve(new Uint8Array(buffer)), reject);
    }, 'image/png');
  });
}

function MaskBrush({ character }: { character: Character }): ReactElement | null {
  const { editor } = useServices();
  const gl = useThree((s) => s.gl);
  const camera = useThree((s) => s.camera);
  const invalidate = useThree((s) => s.invalidate);
  const document = useEditor((s) => s.document);
  const art = document?.assets[character.artAssetId];
  const maskAsset = character.maskAssetId ? document?.assets[character.maskAssetId] : undefined;
  const group = useRef<THREE.Group>(null);
  const cursor = useRef<THREE.LineLoop>(null);
  /** The mask asset the canvas holds now (so a stroke we stored ourselves is not reloaded). */
  const loadedFrom = useRef<string | null>(null);
  const canvas = useMemo(() => {
    const c = window.document.createElement('canvas');
    c.width = art?.width ?? 1;
    c.height = art?.height ?? 1;
    return c;
  }, [art?.width, art?.height]);
  const texture = useMemo(() => new THREE.CanvasTexture(canvas), [canvas]);
  useEffect(() => () => texture.dispose(), [texture]);
  const material = useMemo(
    () =>
      new THREE.ShaderMaterial({
        ...MASK_TINT_SHADER,
        uniforms: { mask: { value: texture } },
        transparent: true,
        depthTest: false,
        depthWrite: false,
      }),
    [texture],
  );
  useEffect(() => () => material.dispose(), [material]);
  const circle = useMemo(() => {
    const points: THREE.Vector3[] = [];
    for (let i = 0; i < 48; i++) {
      const a = (i / 48) * Math.PI * 2;
      points.push(new THREE.Vector3(Math.cos(a), Math.sin(a), 0));
    }
    return new THREE.BufferGeometry().setFromPoints(points);
  }, []);
  useEffect(() => () => circle.dispose(), [circle]);

  // (Re)load the canvas from the stored mask, or from the art's alpha when there is none yet.
  const source = maskAsset ?? art;
  const sourceKey = character.maskAssetId ?? `art:${character.artAssetId}`;
  useEffect(() => {
    if (!source || loadedFrom.current === sourceKey) return;
    let live = true;
    const image = new Image();
    image.onload = () => {
      if (!live) return;
      drawMaskFrom(image, canvas, source === art);
      loadedFrom.current = sourceKey;
      texture.needsUpdate = true;
      invalidate();
    };
    image.src = `data:${source.mime};base64,${source.dataBase64}`;
    return () => {
      live = false;
    };
  }, [source, sourceKey, art, canvas, texture, invalidate]);

  useEffect(() => {
    const element = gl.domElement;
    const host = element.parentElement ?? element;
    const ndc = new THREE.Vector2();
    const raycaster = new THREE.Raycaster();
    const plane = new THREE.Plane();
    const toLocal = (clientX: number, clientY: number): THREE.Vector3 | null => {
      const g = group.current;
      if (!g) return null;
      const rect = element.getBoundingClientRect();
      ndc.set(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
      raycaster.setFromCamera(ndc, camera);
      plane.set(new THREE.Vector3(0, 0, 1), 0).applyMatrix4(g.matrixWorld);
      const hit = raycaster.ray.intersectPlane(plane, new THREE.Vector3());
      return hit ? g.worldToLocal(hit) : null;
    };
    /** Character space (x right, y up, origin at the picture centre) to picture pixels. */
    const toImagePx = (p: THREE.Vector3): [number, number] => [
      p.x + canvas.width / 2,
      canvas.height / 2 - p.y,
    ];
    const showCursor = (p: THREE.Vector3 | null) => {
      const ring = cursor.current;
      if (!ring) return;
      ring.visible = p !== null;
      if (p) {
        ring.position.set(p.x, p.y, 0);
        ring.scale.setScalar(fitToolsFor(editor).getState().brushSizePx / 2);
      }
      invalidate();
    };

    const onHover = (event: PointerEvent) => showCursor(toLocal(event.clientX, event.clientY));
    const onLeave = () => showCursor(null);
    const onDown = (event: PointerEvent) => {
      if (event.button !== 0) return;
      const start = toLocal(event.clientX, event.clientY);
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      if (!start || !ctx) return;
      // The brush owns the pointer: no joint picking, no orbiting while it is on.
      event.stopPropagation();
      event.preventDefault();
      const characterId = character.id;
      const remove = event.altKey;
      const sizePx = fitToolsFor(editor).getState().brushSizePx;
      ctx.strokeStyle = remove ? '#000' : '#fff';
      ctx.fillStyle = ctx.strokeStyle;
      ctx.lineWidth = sizePx;
      ctx.lineCap = 'round';
      ctx.lineJoin = 'round';
      let last = toImagePx(start);
      ctx.beginPath();
      ctx.arc(last[0], last[1], sizePx / 2, 0, Math.PI * 2);
      ctx.fill();
      texture.needsUpdate = true;
      invalidate();
      const onMove = (move: PointerEvent) => {
        const at = toLocal(move.clientX, move.clientY);
        showCursor(at);
        if (!at) return;
        const next = toImagePx(at);
        ctx.beginPath();
        ctx.moveTo(last[0], last[1]);
        ctx.lineTo(next[0], next[1]);
        ctx.stroke();
        last = next;
        texture.needsUpdate = true;
      };
      const onUp = () => {
        window.removeEventListener('pointermove', onMove);
        window.removeEventListener('pointerup', onUp);
        window.removeEventListener('pointercancel', onUp);
        canvasToPng(canvas).then(
          (bytes) => {
            const id = hashAssetId(bytes) as AssetId;
            const asset: Asset = {
              mime: 'image/png',
              width: canvas.width,
              height: canvas.height,
              dataBase64: encodeBase64(bytes),
              sourceName: 'mask',
            };
            loadedFrom.current = id;
            setCharacterMask(editor, characterId, id, asset);
          },
          (error: unknown) =>
            editor.actions.pushError({
              title: 'Could not store the painted mask',
              message: error instanceof Error ? error.message : String(error),
            }),
        );
      };
      window.addEventListener('pointermove', onMove);
      window.addEventListener('pointerup', onUp);
      window.addEventListener('pointercancel', onUp);
    };
    host.addEventListener('pointerdown', onDown, { capture: true });
    element.addEventListener('pointermove', onHover);
    element.addEventListener('pointerleave', onLeave);
    return () => {
      host.removeEventListener('pointerdown', onDown, { capture: true });
      element.removeEventListener('pointermove', onHover);
      element.removeEventListener('pointerleave', onLeave);
    };
  }, [gl, camera, canvas, texture, invalidate, editor, character.id]);

  // The ring follows the brush size as [ and ] change it.
  const sizePx = useStore(fitToolsFor(editor), (s) => s.brushSizePx);
  useEffect(() => {
    cursor.current?.scale.setScalar(sizePx / 2);
    invalidate();
  }, [sizePx, invalidate]);

  if (!art) return null;
  return (
    <group ref={group}>
      <mesh renderOrder={OVERLAY_ORDER} material={material}>
        <planeGeometry args={[art.width, art.height]} />
      </mesh>
      <lineLoop ref={cursor} geometry={circle} renderOrder={OVERLAY_ORDER + 1} visible={false}>
        <lineBasicMaterial color="#ffffff" transparent opacity={0.9} depthTest={false} depthWrite={false} />
      </lineLoop>
    </group>
  );
}

/** The Fit-mode overlays of the active character; rendered inside its placement group. */
export function ActiveCharacterOverlays(): ReactElement | null {
  const mode = useEditor((s) => s.mode);
  const character = useEditor(activeCharacter);
  const weights = useFitTools((s) => s.weights);
  const brush = useFitTools((s) => s.brush);
  if (mode !== 'fit' || !character) return null;
  return (
    <>
      {weights ? <WeightOverlay character={character} /> : null}
      {brush ? <MaskBrush key={character.id} character={character} /> : null}
    </>
  );
}

/** One line in the viewport's overlay saying what the Fit tools show. */
export function FitToolStatus(): ReactElement | null {
  const mode = useEditor((s) => s.mode);
  const weights = useFitTools((s) => s.weights);
  const brush = useFitTools((s) => s.brush);
  const sizePx = useFitTools((s) => s.brushSizePx);
  const overlay = useFitTools((s) => s.overlay);
  if (mode !== 'fit' || (!weights && !brush)) return null;
  const parts: string[] = [];
  if (brush) parts.push(`Mask brush ${sizePx} px · drag adds · Alt-drag removes · [ ] size`);
  if (weights) {
    if (overlay.state === 'no-joint' || overlay.state === 'off') parts.push('Weights: select a joint');
    else if (overlay.state === 'loading') parts.push(`Weights: ${overlay.jointName}…`);
    else if (overlay.state === 'ready') parts.push(`Weights: ${overlay.jointName}`);
    else if (overlay.state === 'error') parts.push(`Weights unavailable: ${overlay.message}`);
  }
  return (
    <span className="fit-tool-status" data-testid="fit-tool-status" data-overlay={overlay.state}>
      {parts.join(' · ')}
    </span>
  );
}
