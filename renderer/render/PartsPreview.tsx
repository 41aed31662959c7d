import { useFrame, useThree } from '@react-three/fiber';
import { type ReactElement, type RefObject, useEffect, useMemo, useRef, useState } from 'react';
import * as THREE from 'three';
import type { Character } from '../../core/document/schema.js';
import { useEditor, useServices } from '../context.js';
import { activeCharacter } from '../state/editorStore.js';
import { createWorldPoseReader } from '../viewport/worldPose.js';
import { recordPreviewDraw } from './frameProbe.js';
import { previewState, previewWanted, setShown } from './previewState.js';
import { useRenderSystem } from './useRenderSystem.js';

/**
 * The live preview while posing: the active character's parts rig (the same layers the frame
 * engine renders, own and completed hidden pieces) as textured planes in three.js, each moved by
 * its joint's posed transform every drawn frame. Shown during a drag and when playing frames not
 * rendered yet, until the engine's frame for the pose arrives (previewState.ts); in the picture's
 * plane it matches the engine's frame exactly (same rigid maps), out of the plane a part is a
 * turned flat card (the engine draws its rounded volume) and joint spheres are left out.
 *
 * Drawn inside the active character's placement group, in character space (x right, y up,
 * origin at the picture's centre), so placement and camera apply as to the static art.
 */

/** Above the static art (0..3), under the skeletons (9+). */
const PREVIEW_ORDER = 4;
/** Ask for the layers this long after the last rig change (Fit-mode drags change it often). */
const LAYERS_DEBOUNCE_MS = 150;

interface PreviewPart {
  readonly jointId: string;
  readonly group: THREE.Group;
  readonly mesh: THREE.Mesh;
  readonly depthBias: number;
}

/** What the parts rig depends on (core: host/render/rigInputs.ts rigKeyOf); posing does not change it. */
function rigInputsKey(character: Character): string {
  const rest = character.skeleton.joints.map((j) => [j.id, j.parentId, ...j.restPosition]);
  return JSON.stringify([
    character.artAssetId,
    character.maskAssetId ?? '',
    character.partHints ?? null,
    rest,
  ]);
}

function useLayers(character: Character | null): { rigKey: string; parts: PreviewPart[] } | null {
  const { editor, api } = useServices();
  const invalidate = useThree((s) => s.invalidate);
  const [layers, setLayers] = useState<{ rigKey: string; parts: PreviewPart[] } | null>(null);
  const inputs = character ? rigInputsKey(character) : null;
  const characterId = character?.id ?? null;

  useEffect(() => {
    if (!characterId || inputs === null) return;
    let live = true;
    const made: PreviewPart[] = [];
    const timer = setTimeout(() => {
      const doc = editor.store.getState().document;
      if (!doc) return;
      api.getPartLayers({ document: doc, characterId }).then(
        (result) => {
          if (!live) return;
          const loader = new THREE.TextureLoader();
          for (const part of result.parts) {
            const texture = loader.load(`data:image/png;base64,${part.pngBase64}`, () => invalidate());
            texture.colorSpace = THREE.SRGBColorSpace;
            const material = new THREE.MeshBasicMaterial({
              map: texture,
              transparent: true,
              depthTest: false,
              depthWrite: false,
              toneMapped: false,
            });
            const mesh = new THREE.Mesh(new THREE.PlaneGeometry(part.width, part.height), material);
            // The layer's rect in character space (y up, origin at the picture's centre).
            mesh.position.set(
              part.x + part.width / 2 - result.width / 2,
              result.height / 2 - (part.y + part.height / 2),
              0,
            );
            const group = new THREE.Group();
            group.matrixAutoUpdate = false;
            group.add(mesh);
            made.push({ jointId: part.jointId, group, mesh, depthBias: part.depthBias });
          }
          setLayers({ rigKey: result.rigKey, parts: made });
          previewState.setState({ readyRigKey: result.rigKey });
        },
        () => {
          // No preview for a rig that cannot be built: the frame layer reports the error.
          if (live) setLayers(null);
        },
      );
    }, LAYERS_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
      previewState.setState({ readyRigKey: null });
      for (const p of made) {
        const material = p.mesh.material as THREE.MeshBasicMaterial;
        material.map?.dispose();
        material.dispose();
        p.mesh.geometry.dispose();
      }
    };
  }, [api, editor, invalidate, characterId, inputs]);
  return layers;
}

const rest = new THREE.Matrix4();
const rotation = new THREE.Matrix4();
const quaternion = new THREE.Quaternion();

export function PartsPreview({ artRef }: { artRef: RefObject<THREE.Object3D | null> }): ReactElement | null {
  const { editor } = useServices();
  const system = useRenderSystem();
  const character = useEditor((s) => activeCharacter(s) ?? null);
  const layers = useLayers(character);
  const root = useRef<THREE.Group>(null);
  const readWorld = useMemo(() => createWorldPoseReader(editor), [editor]);

  useEffect(() => {
    const node = root.current;
    if (!node || !layers) return;
    for (const p of layers.parts) node.add(p.group);
    return () => {
      for (const p of layers.parts) node.remove(p.group);
    };
  }, [layers]);

  useFrame(() => {
    const node = root.current;
    if (!node) return;
    const state = editor.store.getState();
    const frameIndex = editor.playhead.getState().frame;
    const status = system.scheduler.slot(frameIndex).status;
    const ready = layers !== null && previewState.getState().readyRigKey === layers.rigKey;
    const show = state.mode === 'pose' && state.showFrames && previewWanted(status, ready);
    node.visible = show;
    if (!show || !layers) return;
    setShown('preview');
    if (artRef.current) artRef.current.visible = false;
    const world = readWorld();
    const joints = new Map(world?.character.skeleton.joints.map((j) => [j.id as string, j]) ?? []);
    const order: { part: PreviewPart; depth: number }[] = [];
    for (const part of layers.parts) {
      const joint = joints.get(part.jointId);
      const posed = world?.world.get(part.jointId as never);
      if (!joint || !posed) {
        part.group.visible = false;
        continue;
      }
      part.group.visible = true;
      // posed point = position + R (point - rest): T(position) R T(-rest).
      const [rx, ry, rz] = joint.restPosition;
      quaternion.set(posed.rotation[0], posed.rotation[1], posed.rotation[2], posed.rotation[3]);
      rotation.makeRotationFromQuaternion(quaternion);
      rest.makeTranslation(-rx, -ry, -rz);
      part.group.matrix.makeTranslation(posed.position[0], posed.position[1], posed.position[2]);
      part.group.matrix.multiply(rotation).multiply(rest);
      part.group.matrixWorldNeedsUpdate = true;
      order.push({ part, depth: posed.position[2] + part.depthBias });
    }
    // Back to front, as the engine orders parts at equal depth (its tie-break bias included).
    order.sort((a, b) => a.depth - b.depth);
    order.forEach(({ part }, i) => {
      part.mesh.renderOrder = PREVIEW_ORDER + i / (order.length + 1);
    });
    recordPreviewDraw();
  });

  return <group ref={root} visible={false} />;
}
