import { useFrame, useThree } from '@react-three/fiber';
import { type ReactElement, useEffect, useMemo } from 'react';
import * as THREE from 'three';
import type { Asset, Character, ProjectDocument } from '../../core/document/schema.js';
import { evaluateCharacterPose } from '../../core/motion/characterPose.js';
import { restPose } from '../../core/motion/pose.js';
import { computeWorldTransforms } from '../../core/skeleton/kinematics.js';
import { useEditor, useServices } from '../context.js';
import { STATIC_ART_TAG } from '../render/FrameLayer.js';
import { useFitTools } from './useCharacters.js';

/**
 * The characters of the scene other than the active one: their art in depth order (masked by
 * their mask when they have one, so a picture on paper does not hide the characters behind it)
 * and their skeleton as dimmed lines. The active character is drawn by the viewport itself.
 * While the camera view shows a generated scene frame, the frame layer hides these pictures too
 * (the frame has every character in it).
 */

/** Dimmed skeletons draw over every picture but under the active skeleton (renderOrder 10+). */
const DIM_SKELETON_ORDER = 9;

/** A picture's texture from an embedded asset (decoded by the browser, disposed with the asset). */
export function useAssetTexture(asset: Asset | undefined, colour: boolean): THREE.Texture | null {
  const invalidate = useThree((s) => s.invalidate);
  const texture = useMemo(() => {
    if (!asset) return null;
    const loaded = new THREE.TextureLoader().load(`data:${asset.mime};base64,${asset.dataBase64}`, () =>
      invalidate(),
    );
    if (colour) loaded.colorSpace = THREE.SRGBColorSpace;
    return loaded;
  }, [asset, colour, invalidate]);
  useEffect(() => () => texture?.dispose(), [texture]);
  return texture;
}

/**
 * renderOrder of a character's picture: the active one's art is drawn at 0..2 by the viewport, so
 * characters behind it get (0, 1) and characters in front (2, 3), keeping the depth order.
 */
export function artRenderOrder(index: number, activeIndex: number, count: number): number {
  const within = 0.1 + (0.8 * index) / Math.max(1, count);
  return index < activeIndex ? within : 2 + within;
}

function InactiveArt({
  character,
  doc,
  order,
}: {
  character: Character;
  doc: ProjectDocument;
  order: number;
}) {
  const art = doc.assets[character.artAssetId];
  const mask = character.maskAssetId ? doc.assets[character.maskAssetId] : undefined;
  const map = useAssetTexture(art, true);
  const alphaMap = useAssetTexture(mask, false);
  if (!art || !map) return null;
  return (
    <mesh renderOrder={order} userData={{ [STATIC_ART_TAG]: true }}>
      <planeGeometry args={[art.width, art.height]} />
      <meshBasicMaterial
        key={alphaMap ? 'masked' : 'plain'}
        map={map}
        alphaMap={alphaMap}
        transparent
        depthWrite={false}
        depthTest={false}
        toneMapped={false}
      />
    </mesh>
  );
}

function DimSkeleton({ character }: { character: Character }): ReactElement {
  const { editor } = useServices();
  const joints = character.skeleton.joints;
  const bones = useMemo(() => joints.filter((j) => j.parentId !== null), [joints]);
  const lineGeometry = useMemo(() => {
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.BufferAttribute(new Float32Array(bones.length * 6), 3));
    return geometry;
  }, [bones]);
  const pointGeometry = useMemo(() => {
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.BufferAttribute(new Float32Array(joints.length * 3), 3));
    return geometry;
  }, [joints]);
  useEffect(
    () => () => {
      lineGeometry.dispose();
      pointGeometry.dispose();
    },
    [lineGeometry, pointGeometry],
  );

  useFrame(() => {
    // Pose mode shows each character's own motion at the playhead; Fit mode the rest pose.
    const posed = editor.store.getState().mode === 'pose';
    const pose = posed
      ? evaluateCharacterPose(character.skeleton, character.motion, editor.playhead.getState().frame)
      : restPose();
    const world = computeWorldTransforms(character.skeleton, pose);
    const lines = lineGeometry.getAttribute('position') as THREE.BufferAttribute;
    bones.forEach((joint, i) => {
      const a = joint.parentId ? world.get(joint.parentId)?.position : undefined;
      const b = world.get(joint.id)?.position;
      if (!a || !b) return;
      lines.setXYZ(i * 2, a[0], a[1], a[2]);
      lines.setXYZ(i * 2 + 1, b[0], b[1], b[2]);
    });
    lines.needsUpdate = true;
    const points = pointGeometry.getAttribute('position') as THREE.BufferAttribute;
    joints.forEach((joint, i) => {
      const p = world.get(joint.id)?.position;
      if (p) points.setXYZ(i, p[0], p[1], p[2]);
    });
    points.needsUpdate = true;
  });

  return (
    <group>
      <lineSegments geometry={lineGeometry} renderOrder={DIM_SKELETON_ORDER} frustumCulled={false}>
        <lineBasicMaterial color="#c8c8c8" transparent opacity={0.45} depthTest={false} depthWrite={false} />
      </lineSegments>
      <points geometry={pointGeometry} renderOrder={DIM_SKELETON_ORDER} frustumCulled={false}>
        <pointsMaterial
          color="#c8c8c8"
          size={5}
          sizeAttenuation={false}
          transparent
          opacity={0.55}
          depthTest={false}
          depthWrite={false}
        />
      </points>
    </group>
  );
}

/**
 * The active character's mask texture when the scene has several characters (its picture is then
 * drawn masked like the others); null for a scene of one, where the whole picture is shown.
 */
export function useActiveSceneMask(): THREE.Texture | null {
  // While painting the mask, the whole picture shows (the brush overlay marks the mask).
  const brushing = useFitTools((s) => s.brush);
  const mask = useEditor((s) => {
    const doc = s.document;
    if (brushing && s.mode === 'fit') return undefined;
    const character = doc?.characters[s.characterIndex];
    if (!doc || doc.characters.length < 2 || !character?.maskAssetId) return undefined;
    return doc.assets[character.maskAssetId];
  });
  return useAssetTexture(mask, false);
}

export function SceneCharacters(): ReactElement | null {
  const doc = useEditor((s) => s.document);
  const activeIndex = useEditor((s) => s.characterIndex);
  if (!doc || doc.characters.length < 2) return null;
  const count = doc.characters.length;
  return (
    <>
      {doc.characters.map((character, index) =>
        index === activeIndex ? null : (
          <group
            key={character.id}
            position={character.placement.offset}
            scale={character.placement.scale}
            userData={{ characterId: character.id }}
          >
            <InactiveArt character={character} doc={doc} order={artRenderOrder(index, activeIndex, count)} />
            <DimSkeleton character={character} />
          </group>
        ),
      )}
    </>
  );
}

/**
 * The part of character space every character's picture covers, as placed (x right, y up): the
 * camera view frames it, so all the characters of a scene are on screen.
 */
export function sceneBounds(
  doc: ProjectDocument | null,
): { cx: number; cy: number; width: number; height: number } | null {
  if (!doc) return null;
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const character of doc.characters) {
    const art = doc.assets[character.artAssetId];
    if (!art) continue;
    const { offset, scale } = character.placement;
    minX = Math.min(minX, offset[0] - (art.width * scale) / 2);
    maxX = Math.max(maxX, offset[0] + (art.width * scale) / 2);
    minY = Math.min(minY, offset[1] - (art.height * scale) / 2);
    maxY = Math.max(maxY, offset[1] + (art.height * scale) / 2);
  }
  if (!Number.isFinite(minX)) return null;
  return { cx: (minX + maxX) / 2, cy: (minY + maxY) / 2, width: maxX - minX, height: maxY - minY };
}

/**
 * The scene bounds as a string (a stable value for a store selector), or '' when the camera
 * should frame the active character alone (a scene of one).
 */
export function boundsKey(doc: ProjectDocument | null): string {
  if (!doc || doc.characters.length < 2) return '';
  const b = sceneBounds(doc);
  return b ? `${b.cx} ${b.cy} ${b.width} ${b.height}` : '';
}

export function parseBounds(key: string): { cx: number; cy: number; width: number; height: number } | null {
  if (key === '') return null;
  const [cx = 0, cy = 0, width = 1, height = 1] = key.split(' ').map(Number);
  return { cx, cy, width, height };
}
