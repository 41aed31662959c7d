import { OrbitControls, TransformControls } from '@react-three/drei';
import { Canvas, useFrame, useThree } from '@react-three/fiber';
import { type ReactElement, type RefObject, useEffect, useMemo, useRef } from 'react';
import * as THREE from 'three';
import type { Asset } from '../../core/document/schema.js';
import type { JointId } from '../../core/ids.js';
import { ActiveCharacterOverlays, FitToolStatus } from '../characters/FitOverlays.js';
import { FitHintToast } from '../characters/ImportUI.js';
import {
  boundsKey,
  parseBounds,
  SceneCharacters,
  useActiveSceneMask,
} from '../characters/SceneCharacters.js';
import { useEditor, useServices } from '../context.js';
import { ReferenceVideoControls } from '../motion/ReferenceVideoControls.js';
import { ReferenceVideoLayer } from '../motion/ReferenceVideoLayer.js';
import { HOVER_COLOUR, jointSide, SELECTED_COLOUR, SIDE_COLOURS } from '../panels/jointStyle.js';
import { FrameLayer } from '../render/FrameLayer.js';
import { FramesToggle } from '../render/FramesToggle.js';
import { PartsPreview } from '../render/PartsPreview.js';
import { activeCharacter, type Editor } from '../state/editorStore.js';
import { createBoneGeometry, createBoneOutlineGeometry } from './boneGeometry.js';
import { IkDragHint } from './IkDragHint.js';
import { OnionFrames } from './OnionFrames.js';
import { PinMarkers } from './PinMarkers.js';
import { PointerTool } from './PointerTool.js';
import type { OrbitControlsImpl, SceneRefs, TransformControlsImpl } from './sceneRefs.js';
import { createWorldPoseReader } from './worldPose.js';

/** Distance of the orthographic camera from the picture plane (character-space pixels). */
const CAMERA_Z = 10_000;
/** Screen radius of a joint dot in CSS pixels. */
const JOINT_RADIUS_PX = 5;
const BACKGROUND = '#232323';
/** Skeleton and gizmo render after the art and ignore depth, so they are never hidden by it. */
const SKELETON_ORDER = 10;

function useInvalidateOnStores(editor: Editor): void {
  const invalidate = useThree((s) => s.invalidate);
  useEffect(() => {
    const offDocument = editor.store.subscribe(() => invalidate());
    const offPlayhead = editor.playhead.subscribe(() => invalidate());
    return () => {
      offDocument();
      offPlayhead();
    };
  }, [editor, invalidate]);
}

function ArtPlane({
  asset,
  pictureRef,
  alphaMap,
}: {
  asset: Asset;
  pictureRef?: RefObject<THREE.Mesh | null>;
  /** The character's mask in a scene of several, so its paper does not hide the others. */
  alphaMap?: THREE.Texture | null;
}): ReactElement {
  const invalidate = useThree((s) => s.invalidate);
  const texture = useMemo(() => {
    const loaded = new THREE.TextureLoader().load(`data:${asset.mime};base64,${asset.dataBase64}`, () =>
      invalidate(),
    );
    loaded.colorSpace = THREE.SRGBColorSpace;
    loaded.anisotropy = 4;
    return loaded;
  }, [asset, invalidate]);
  useEffect(() => () => texture.dispose(), [texture]);
  const border = useMemo(() => {
    const w = asset.width / 2;
    const h = asset.height / 2;
    return new THREE.BufferGeometry().setFromPoints([
      new THREE.Vector3(-w, -h, 0),
      new THREE.Vector3(w, -h, 0),
      new THREE.Vector3(w, h, 0),
      new THREE.Vector3(-w, h, 0),
    ]);
  }, [asset.width, asset.height]);
  return (
    <group>
      <mesh position={[0, 0, -1]} renderOrder={0}>
        <planeGeometry args={[asset.width, asset.height]} />
        <meshBasicMaterial color="#3a3a3a" depthWrite={false} />
      </mesh>
      <mesh renderOrder={1} ref={pictureRef}>
        <planeGeometry args={[asset.width, asset.height]} />
        {/* Keyed: three compiles alpha-map support into the shader, so adding one needs a new material. */}
        <meshBasicMaterial
          key={alphaMap ? 'masked' : 'plain'}
          map={texture}
          alphaMap={alphaMap ?? null}
          transparent
          depthWrite={false}
          toneMapped={false}
        />
      </mesh>
      <lineLoop geometry={border} renderOrder={2}>
        <lineBasicMaterial color="#5c5c5c" depthWrite={false} />
      </lineLoop>
    </group>
  );
}

interface BoneSpec {
  readonly jointId: JointId;
  readonly parentId: JointId | null;
  readonly colour: string;
}

/** A string that changes only when joints are added, removed, renamed or reparented. */
function skeletonStructure(editor: Editor): (s: ReturnType<Editor['store']['getState']>) => string {
  void editor;
  return (s) =>
    activeCharacter(s)
      ?.skeleton.joints.map((j) => `${j.id}\u0001${j.parentId ?? ''}\u0001${j.name}`)
      .join('\u0002') ?? '';
}

const UP = new THREE.Vector3(0, 1, 0);
const tmpA = new THREE.Vector3();
const tmpB = new THREE.Vector3();
const tmpDir = new THREE.Vector3();
const tmpQuat = new THREE.Quaternion();

/** Places a unit bone (see boneGeometry.ts) from `from` to `to`; hides it when degenerate. */
function placeBone(object: THREE.Object3D, from: THREE.Vector3, to: THREE.Vector3): void {
  tmpDir.subVectors(to, from);
  const lengthPx = tmpDir.length();
  object.visible = lengthPx > 1e-6;
  if (!object.visible) return;
  object.position.copy(from);
  object.quaternion.copy(tmpQuat.setFromUnitVectors(UP, tmpDir.divideScalar(lengthPx)));
  object.scale.setScalar(lengthPx);
}

function SkeletonView({ refs }: { refs: SceneRefs }): ReactElement {
  const { editor } = useServices();
  const structure = useEditor(skeletonStructure(editor));
  const bones = useMemo<BoneSpec[]>(
    () =>
      structure
        ? structure.split('\u0002').map((entry) => {
            const [id, parent, name] = entry.split('\u0001') as [string, string, string];
            return {
              jointId: id as JointId,
              parentId: parent ? (parent as JointId) : null,
              colour: SIDE_COLOURS[jointSide({ name })],
            };
          })
        : [],
    [structure],
  );
  const boneGeometry = useMemo(createBoneGeometry, []);
  const outlineGeometry = useMemo(createBoneOutlineGeometry, []);
  const jointGeometry = useMemo(() => new THREE.CircleGeometry(1, 20), []);
  const boneObjects = useRef(new Map<JointId, THREE.Group>());
  const jointObjects = useRef(new Map<JointId, THREE.Group>());
  /** Ghost bones of the onion skin: [previous key, next key] → bone meshes by joint. */
  const ghostObjects = useRef([new Map<JointId, THREE.Mesh>(), new Map<JointId, THREE.Mesh>()]);
  const colour = useMemo(() => new THREE.Color(), []);

  useFrame(({ camera }) => {
    const now = refs.readWorld();
    const group = refs.group.current;
    if (!now || !group) return;
    const state = editor.store.getState();
    const pxToWorld = 1 / ((camera as THREE.OrthographicCamera).zoom * group.scale.x);

    for (const bone of bones) {
      const joint = now.world.get(bone.jointId);
      const object = jointObjects.current.get(bone.jointId);
      if (joint && object) {
        object.position.set(joint.position[0], joint.position[1], joint.position[2]);
        object.quaternion.copy(camera.quaternion);
        const selected = state.selectedJointId === bone.jointId;
        const hovered = state.hoveredJointId === bone.jointId;
        const radius = JOINT_RADIUS_PX * (selected ? 1.5 : bone.parentId === null ? 1.3 : 1) * pxToWorld;
        object.scale.setScalar(radius);
        const fill = object.children[1] as THREE.Mesh<THREE.BufferGeometry, THREE.MeshBasicMaterial>;
        fill.material.color.set(selected ? SELECTED_COLOUR : hovered ? HOVER_COLOUR : bone.colour);
      }
      const boneObject = boneObjects.current.get(bone.jointId);
      const parent = bone.parentId ? now.world.get(bone.parentId) : undefined;
      if (boneObject && parent && joint) {
        tmpA.set(parent.position[0], parent.position[1], parent.position[2]);
        tmpB.set(joint.position[0], joint.position[1], joint.position[2]);
        placeBone(boneObject, tmpA, tmpB);
        const owner = bone.parentId;
        const active = state.selectedJointId === owner;
        const hovered = state.hoveredJointId === owner;
        const fill = boneObject.children[0] as THREE.Mesh<THREE.BufferGeometry, THREE.MeshBasicMaterial>;
        const parentSpec = bones.find((b) => b.jointId === owner);
        colour.set(active ? SELECTED_COLOUR : hovered ? HOVER_COLOUR : (parentSpec?.colour ?? bone.colour));
        fill.material.color.copy(colour);
        fill.material.opacity = active ? 0.75 : 0.5;
      }
    }

    const ghosts = [now.previousKey, now.nextKey];
    for (let g = 0; g < 2; g++) {
      const ghost = ghosts[g];
      const show = state.onionSkin && ghost !== null && ghost !== undefined;
      for (const [jointId, mesh] of ghostObjects.current[g] ?? []) {
        const bone = bones.find((b) => b.jointId === jointId);
        const a = show && bone?.parentId ? ghost?.world.get(bone.parentId) : undefined;
        const b = show ? ghost?.world.get(jointId) : undefined;
        if (!a || !b) {
          mesh.visible = false;
          continue;
        }
        tmpA.set(a.position[0], a.position[1], a.position[2]);
        tmpB.set(b.position[0], b.position[1], b.position[2]);
        placeBone(mesh, tmpA, tmpB);
      }
    }
  });

  return (
    <group>
      {[0, 1].map((g) =>
        bones
          .filter((bone) => bone.parentId !== null)
          .map((bone) => (
            <mesh
              key={`ghost-${g}-${bone.jointId}`}
              ref={(node) => {
                if (node) ghostObjects.current[g]?.set(bone.jointId, node);
                else ghostObjects.current[g]?.delete(bone.jointId);
              }}
              geometry={boneGeometry}
              renderOrder={SKELETON_ORDER - 1}
              frustumCulled={false}
              visible={false}
            >
              {/* Previous key red, next key green: the onion-skin convention of 2D tools. */}
              <meshBasicMaterial
                color={g === 0 ? '#ff5c5c' : '#5cff8d'}
                transparent
                opacity={0.35}
                depthTest={false}
                depthWrite={false}
                side={THREE.DoubleSide}
              />
            </mesh>
          )),
      )}
      {bones
        .filter((bone) => bone.parentId !== null)
        .map((bone) => (
          <group
            key={`bone-${bone.jointId}`}
            ref={(node) => {
              if (node) boneObjects.current.set(bone.jointId, node);
              else boneObjects.current.delete(bone.jointId);
            }}
          >
            <mesh geometry={boneGeometry} renderOrder={SKELETON_ORDER} frustumCulled={false}>
              <meshBasicMaterial
                color={bone.colour}
                transparent
                opacity={0.5}
                depthTest={false}
                depthWrite={false}
                side={THREE.DoubleSide}
              />
            </mesh>
            <lineSegments geometry={outlineGeometry} renderOrder={SKELETON_ORDER + 1} frustumCulled={false}>
              <lineBasicMaterial
                color="#111111"
                transparent
                opacity={0.85}
                depthTest={false}
                depthWrite={false}
              />
            </lineSegments>
          </group>
        ))}
      {bones.map((bone) => (
        <group
          key={`joint-${bone.jointId}`}
          ref={(node) => {
            if (node) jointObjects.current.set(bone.jointId, node);
            else jointObjects.current.delete(bone.jointId);
          }}
        >
          {/* transparent: three draws opaque objects first, so only the transparent pass
              orders the dots after the (transparent) bones by renderOrder. */}
          <mesh geometry={jointGeometry} scale={1.45} renderOrder={SKELETON_ORDER + 2} frustumCulled={false}>
            <meshBasicMaterial color="#101010" transparent depthTest={false} depthWrite={false} />
          </mesh>
          <mesh geometry={jointGeometry} renderOrder={SKELETON_ORDER + 3} frustumCulled={false}>
            <meshBasicMaterial color={bone.colour} transparent depthTest={false} depthWrite={false} />
          </mesh>
        </group>
      ))}
    </group>
  );
}

/**
 * The 3D gizmo of the selected joint in Pose mode: rotation rings (local axes), or the move arrows
 * for the root. A drag is one undo step (begin/preview/end on the history).
 */
function PoseGizmo({ refs }: { refs: SceneRefs }): ReactElement | null {
  const { editor } = useServices();
  const mode = useEditor((s) => s.mode);
  const selected = useEditor((s) => s.selectedJointId);
  const gizmoMode = useEditor((s) => s.gizmo);
  const isRoot = useEditor((s) => {
    const character = activeCharacter(s);
    return character?.skeleton.joints.find((j) => j.id === s.selectedJointId)?.parentId === null;
  });
  const proxy = useMemo(() => new THREE.Object3D(), []);
  const dragging = useRef(false);
  const dragStart = useRef<{ parentRotation: THREE.Quaternion; restRoot: THREE.Vector3 } | null>(null);
  const translate = gizmoMode === 'translate' && isRoot;

  useFrame(() => {
    if (dragging.current || !selected) return;
    const now = refs.readWorld();
    const joint = now?.world.get(selected);
    if (!joint) return;
    proxy.position.set(joint.position[0], joint.position[1], joint.position[2]);
    proxy.quaternion.set(joint.rotation[0], joint.rotation[1], joint.rotation[2], joint.rotation[3]);
    proxy.updateMatrixWorld();
  });

  if (mode !== 'pose' || !selected) return null;

  return (
    <>
      <primitive object={proxy} />
      <TransformControls
        ref={refs.gizmo}
        object={proxy}
        mode={translate ? 'translate' : 'rotate'}
        space={translate ? 'world' : 'local'}
        size={0.8}
        onMouseDown={() => {
          const now = refs.readWorld();
          if (!now) return;
          const joint = now.character.skeleton.joints.find((j) => j.id === selected);
          const parent = joint?.parentId ? now.world.get(joint.parentId) : undefined;
          const rest = joint?.restPosition ?? [0, 0, 0];
          dragStart.current = {
            parentRotation: parent
              ? new THREE.Quaternion(
                  parent.rotation[0],
                  parent.rotation[1],
                  parent.rotation[2],
                  parent.rotation[3],
                )
              : new THREE.Quaternion(),
            restRoot: new THREE.Vector3(rest[0], rest[1], rest[2]),
          };
          dragging.current = true;
          editor.actions.beginGesture(translate ? 'Move root' : `Rotate ${joint?.name ?? 'joint'}`);
        }}
        onObjectChange={() => {
          const start = dragStart.current;
          if (!dragging.current || !start) return;
          if (translate) {
            const t = proxy.position.clone().sub(start.restRoot);
            editor.actions.setRootTranslation([t.x, t.y, t.z]);
          } else {
            // local = parentWorld⁻¹ · world (core's kinematics: R_j = R_parent · local_j).
            const local = start.parentRotation.clone().invert().multiply(proxy.quaternion).normalize();
            editor.actions.setJointRotation(selected, [local.x, local.y, local.z, local.w]);
          }
        }}
        onMouseUp={() => {
          dragging.current = false;
          dragStart.current = null;
          editor.actions.endGesture();
        }}
      />
    </>
  );
}

function CameraRig({ asset }: { asset: Asset | null }): null {
  const camera = useThree((s) => s.camera);
  const size = useThree((s) => s.size);
  const controls = useThree((s) => s.controls) as OrbitControlsImpl | null;
  const invalidate = useThree((s) => s.invalidate);
  const { editor } = useServices();
  const placement = useEditor((s) => activeCharacter(s)?.placement ?? null);
  const moved = useRef(false);

  useEffect(() => {
    if (!controls) return;
    const onStart = () => {
      moved.current = true;
    };
    controls.addEventListener('start', onStart);
    return () => controls.removeEventListener('start', onStart);
  }, [controls]);

  // Several characters: frame them all (with one, this is its picture as placed).
  const bounds = parseBounds(useEditor((s) => boundsKey(s.document)));
  const width = bounds?.width ?? asset?.width ?? 1000;
  const height = bounds?.height ?? asset?.height ?? 1000;
  const scale = bounds ? 1 : (placement?.scale ?? 1);
  const [cx, cy] = bounds ? [bounds.cx, bounds.cy] : (placement?.offset ?? [0, 0, 0]);

  const snap = () => {
    const ortho = camera as THREE.OrthographicCamera;
    ortho.position.set(cx, cy, CAMERA_Z);
    ortho.up.set(0, 1, 0);
    ortho.lookAt(cx, cy, 0);
    // Frame the whole picture with a small margin.
    ortho.zoom = Math.min(size.width / (width * scale), size.height / (height * scale)) * 0.92;
    ortho.updateProjectionMatrix();
    if (controls) {
      controls.target.set(cx, cy, 0);
      controls.update();
    }
    invalidate();
  };
  const snapRef = useRef(snap);
  snapRef.current = snap;

  // biome-ignore lint/correctness/useExhaustiveDependencies: re-snaps when the picture changes
  useEffect(() => {
    moved.current = false;
    snapRef.current();
  }, [width, height, scale, cx, cy, controls]);

  // C (the camera view command) is an event: snap back whatever was orbited.
  useEffect(
    () =>
      editor.events.on('camera-view', () => {
        moved.current = false;
        snapRef.current();
      }),
    [editor],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: keeps the framing on resize until the user orbits
  useEffect(() => {
    if (!moved.current) snapRef.current();
  }, [size.width, size.height]);

  return null;
}

function Scene(): ReactElement {
  const { editor } = useServices();
  useInvalidateOnStores(editor);
  const asset = useEditor((s) => {
    const character = activeCharacter(s);
    return character ? (s.document?.assets[character.artAssetId] ?? null) : null;
  });
  const placement = useEditor((s) => activeCharacter(s)?.placement ?? null);
  const resolution = useEditor((s) => s.document?.resolution ?? null);
  const sceneMask = useActiveSceneMask();
  const group = useRef<THREE.Group>(null);
  const gizmo = useRef<TransformControlsImpl>(null);
  /** The static art's picture mesh: the frame layer hides it while a generated frame is shown. */
  const artPicture = useRef<THREE.Mesh>(null);
  const readWorld = useMemo(() => createWorldPoseReader(editor), [editor]);
  const refs = useMemo<SceneRefs>(() => ({ group, gizmo, readWorld }), [readWorld]);

  return (
    <>
      <color attach="background" args={[BACKGROUND]} />
      <OrbitControls makeDefault enableDamping={false} zoomToCursor screenSpacePanning />
      <CameraRig asset={asset} />
      <group
        ref={group}
        position={placement ? [placement.offset[0], placement.offset[1], placement.offset[2]] : [0, 0, 0]}
        scale={placement?.scale ?? 1}
      >
        {asset ? <ArtPlane asset={asset} pictureRef={artPicture} alphaMap={sceneMask} /> : null}
        {asset ? <PartsPreview artRef={artPicture} /> : null}
        <ActiveCharacterOverlays />
        <SkeletonView refs={refs} />
        <PoseGizmo refs={refs} />
        <PinMarkers refs={refs} />
      </group>
      {asset && resolution ? <FrameLayer size={resolution} artRef={artPicture} /> : null}
      {asset && resolution ? <OnionFrames size={resolution} /> : null}
      {resolution ? <ReferenceVideoLayer size={resolution} /> : null}
      <SceneCharacters />
      <PointerTool refs={refs} />
    </>
  );
}

function ViewportOverlay(): ReactElement {
  const mode = useEditor((s) => s.mode);
  const onion = useEditor((s) => s.onionSkin);
  return (
    <div className="viewport-overlay">
      <span className={`mode-badge mode-${mode}`} data-testid="mode-badge">
        {mode === 'fit' ? 'FIT' : 'POSE'}
      </span>
      <span className="viewport-hint">
        {mode === 'fit'
          ? 'Drag joints onto the art · Shift-drag moves children too'
          : 'Click a joint to select · drag a joint to swing its bone · gizmo rotates in 3D · auto-key on'}
        {onion ? ' · onion skin' : ''}
        <IkDragHint />
      </span>
      <FitToolStatus />
      <ReferenceVideoControls />
      <FramesToggle />
    </div>
  );
}

export function Viewport(): ReactElement {
  return (
    <div className="viewport" data-testid="viewport">
      <Canvas
        orthographic
        flat
        frameloop="demand"
        dpr={[1, 2]}
        camera={{ position: [0, 0, CAMERA_Z], near: 1, far: CAMERA_Z * 4, zoom: 1 }}
        gl={{ antialias: true, preserveDrawingBuffer: true }}
        style={{ position: 'absolute', inset: 0 }}
        data-testid="viewport-canvas"
      >
        <Scene />
      </Canvas>
      <ViewportOverlay />
      <FitHintToast />
    </div>
  );
}
