import { useThree } from '@react-three/fiber';
import { useEffect } from 'react';
import * as THREE from 'three';
import type { Character } from '../../core/document/schema.js';
import type { JointId } from '../../core/ids.js';
import { quatConjugate, quatFromAxisAngle, quatMultiply, quatNormalize } from '../../core/math/quat.js';
import type { Quat, Vec3 } from '../../core/math/types.js';
import { evaluateVec3Track } from '../../core/motion/evaluate.js';
import { setRestPosition } from '../../core/skeleton/edit.js';
import { descendantsOf, jointById, mirrorJointId } from '../../core/skeleton/query.js';
import { useServices } from '../context.js';
import { updateSkeleton } from '../state/edits.js';
import { startPoseDrag } from './ikDrag.js';
import { setJointScreenProbe } from './probe.js';
import type { OrbitControlsImpl, SceneRefs } from './sceneRefs.js';

/** How close (CSS px) the pointer must be to a joint dot or a bone to pick it. */
const JOINT_PICK_PX = 10;
const BONE_PICK_PX = 6;
const DRAG_THRESHOLD_PX = 4;

type Hit = { kind: 'joint'; jointId: JointId } | { kind: 'bone'; jointId: JointId; childId: JointId };

const ndc = new THREE.Vector2();
const raycaster = new THREE.Raycaster();
const v = new THREE.Vector3();

function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSq = dx * dx + dy * dy;
  const t = lengthSq === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / lengthSq));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/**
 * Picking and dragging on the viewport, done in screen space (a joint is "hit" within a few
 * pixels of its dot, whatever the zoom), plus the drags:
 * - Fit mode: move a joint's rest position in the plane facing the camera (Shift: with children);
 * - Pose mode: drag a joint to swing its parent bone about the view axis so the joint follows the
 *   pointer (the 2D animator's FK drag); drag the root to move the character.
 * Each drag is one undo step. Orbiting is left to OrbitControls when nothing is hit.
 */
export function PointerTool({ refs }: { refs: SceneRefs }): null {
  const { editor } = useServices();
  const gl = useThree((s) => s.gl);
  const camera = useThree((s) => s.camera);
  const controls = useThree((s) => s.controls) as OrbitControlsImpl | null;

  useEffect(() => {
    const element = gl.domElement;

    const toScreen = (p: Vec3, group: THREE.Group, rect: DOMRect): [number, number] => {
      v.set(p[0], p[1], p[2]).applyMatrix4(group.matrixWorld).project(camera);
      return [((v.x + 1) / 2) * rect.width, ((1 - v.y) / 2) * rect.height];
    };

    const pick = (clientX: number, clientY: number): Hit | null => {
      const now = refs.readWorld();
      const group = refs.group.current;
      if (!now || !group) return null;
      const rect = element.getBoundingClientRect();
      const x = clientX - rect.left;
      const y = clientY - rect.top;
      let best: Hit | null = null;
      let bestDistance = JOINT_PICK_PX;
      const screen = new Map<JointId, [number, number]>();
      for (const [id, transform] of now.world) {
        const s = toScreen(transform.position, group, rect);
        screen.set(id, s);
        const d = Math.hypot(s[0] - x, s[1] - y);
        if (d <= bestDistance) {
          bestDistance = d;
          best = { kind: 'joint', jointId: id };
        }
      }
      if (best) return best;
      bestDistance = BONE_PICK_PX;
      for (const joint of now.character.skeleton.joints) {
        if (!joint.parentId) continue;
        const a = screen.get(joint.parentId);
        const b = screen.get(joint.id);
        if (!a || !b) continue;
        const d = distanceToSegment(x, y, a[0], a[1], b[0], b[1]);
        if (d <= bestDistance) {
          bestDistance = d;
          best = { kind: 'bone', jointId: joint.parentId, childId: joint.id };
        }
      }
      return best;
    };

    /** Where the pointer ray meets the plane through `throughCharacter` facing the camera. */
    const pointOnViewPlane = (
      clientX: number,
      clientY: number,
      throughCharacter: Vec3,
    ): THREE.Vector3 | null => {
      const group = refs.group.current;
      if (!group) return null;
      const rect = element.getBoundingClientRect();
      ndc.set(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1);
      raycaster.setFromCamera(ndc, camera);
      const through = new THREE.Vector3(...throughCharacter).applyMatrix4(group.matrixWorld);
      const normal = camera.getWorldDirection(new THREE.Vector3());
      const plane = new THREE.Plane().setFromNormalAndCoplanarPoint(normal, through);
      const hit = raycaster.ray.intersectPlane(plane, new THREE.Vector3());
      return hit ? group.worldToLocal(hit) : null;
    };

    /** The axis pointing from the picture towards the viewer, in character space. */
    const viewAxis = (): Vec3 => {
      const d = camera.getWorldDirection(new THREE.Vector3()).negate();
      return [d.x, d.y, d.z];
    };

    const gizmoHot = () => {
      const gizmo = refs.gizmo.current as
        | (THREE.Object3D & { axis: string | null; dragging: boolean })
        | null;
      return !!gizmo && (gizmo.axis !== null || gizmo.dragging);
    };

    const setCursor = (hit: Hit | null) => {
      element.style.cursor = hit ? 'pointer' : '';
    };

    const onHover = (event: PointerEvent) => {
      if (event.buttons !== 0) return;
      const hit = gizmoHot() ? null : pick(event.clientX, event.clientY);
      setCursor(hit);
      editor.actions.hoverJoint(hit ? hit.jointId : null);
    };

    const onLeave = () => editor.actions.hoverJoint(null);

    const onDown = (event: PointerEvent) => {
      if (event.button !== 0 || gizmoHot()) return;
      const hit = pick(event.clientX, event.clientY);
      const startX = event.clientX;
      const startY = event.clientY;
      if (!hit) {
        // Empty space: orbiting belongs to OrbitControls; a plain click clears the selection.
        const onUp = (up: PointerEvent) => {
          window.removeEventListener('pointerup', onUp);
          if (Math.hypot(up.clientX - startX, up.clientY - startY) < DRAG_THRESHOLD_PX) {
            editor.actions.selectJoint(null);
          }
        };
        window.addEventListener('pointerup', onUp);
        return;
      }
      if (controls) controls.enabled = false;
      editor.actions.selectJoint(hit.jointId);
      const dragged: JointId = hit.kind === 'bone' ? hit.childId : hit.jointId;
      const drag = startDrag(dragged, event.shiftKey);
      let dragging = false;
      const onMove = (move: PointerEvent) => {
        if (!dragging && Math.hypot(move.clientX - startX, move.clientY - startY) < DRAG_THRESHOLD_PX) return;
        if (!drag) return;
        if (!dragging) {
          dragging = true;
          editor.actions.beginGesture(drag.label);
          // Show the joint whose channels the drag changes (a swing rotates the parent).
          editor.actions.selectJoint(drag.target);
        }
        drag.move(move.clientX, move.clientY);
      };
      const onUp = () => {
        window.removeEventListener('pointermove', onMove);
        window.removeEventListener('pointerup', onUp);
        window.removeEventListener('pointercancel', onUp);
        if (dragging) editor.actions.endGesture();
        if (controls) controls.enabled = true;
      };
      window.addEventListener('pointermove', onMove);
      window.addEventListener('pointerup', onUp);
      window.addEventListener('pointercancel', onUp);
    };

    /** Sets up the drag of joint `jointId`; null when nothing can be dragged from there. */
    const startDrag = (jointId: JointId, withChildren: boolean) => {
      const now = refs.readWorld();
      const state = editor.store.getState();
      if (!now) return null;
      const character: Character = now.character;
      const joint = jointById(character.skeleton, jointId);
      const position = now.world.get(jointId)?.position;
      if (!joint || !position) return null;
      const grabbed = pointOnViewPlane(startPointer.x, startPointer.y, position);
      if (!grabbed) return null;
      const characterId = character.id;

      if (state.mode === 'fit') {
        const moving = withChildren ? [jointId, ...descendantsOf(character.skeleton, jointId)] : [jointId];
        // With X-mirror on, each moved joint's left/right counterpart follows, reflected across x = 0.
        const movingSet = new Set<JointId>(moving);
        const moves: { id: JointId; rest: Vec3; sign: 1 | -1 }[] = [];
        for (const id of moving) {
          const rest = jointById(character.skeleton, id)?.restPosition;
          if (rest) moves.push({ id, rest, sign: 1 });
          const twin = state.fitMirror ? mirrorJointId(character.skeleton, id) : null;
          const twinRest =
            twin && twin !== id ? jointById(character.skeleton, twin)?.restPosition : undefined;
          if (twin && twinRest && !movingSet.has(twin)) moves.push({ id: twin, rest: twinRest, sign: -1 });
        }
        return {
          target: jointId,
          label: `Fit ${joint.name}`,
          move(clientX: number, clientY: number) {
            const at = pointOnViewPlane(clientX, clientY, position);
            if (!at) return;
            const delta = at.sub(grabbed);
            editor.actions.edit(`Fit ${joint.name}`, (doc) =>
              updateSkeleton(doc, characterId, (skeleton) => {
                let next = skeleton;
                for (const { id, rest, sign } of moves) {
                  next = setRestPosition(next, id, [
                    rest[0] + sign * delta.x,
                    rest[1] + delta.y,
                    rest[2] + delta.z,
                  ]);
                }
                return next;
              }),
            );
          },
        };
      }

      // IK: a limb under an IK target, IK drag (E), or the root with pinned effectors (ikDrag.ts).
      const poseDrag = startPoseDrag(editor, character, jointId);
      if (poseDrag) {
        return {
          target: poseDrag.target,
          label: poseDrag.label,
          move(clientX: number, clientY: number) {
            const at = pointOnViewPlane(clientX, clientY, position);
            if (!at) return;
            const delta = at.sub(grabbed);
            poseDrag.moveTo([position[0] + delta.x, position[1] + delta.y, position[2] + delta.z]);
          },
        };
      }

      if (joint.parentId === null) {
        const frame = editor.playhead.getState().frame;
        const startTranslation = evaluateVec3Track(character.motion.rootTranslation, frame);
        return {
          target: jointId,
          label: 'Move root',
          move(clientX: number, clientY: number) {
            const at = pointOnViewPlane(clientX, clientY, position);
            if (!at) return;
            const delta = at.sub(grabbed);
            editor.actions.setRootTranslation([
              startTranslation[0] + delta.x,
              startTranslation[1] + delta.y,
              startTranslation[2] + delta.z,
            ]);
          },
        };
      }

      const parent = jointById(character.skeleton, joint.parentId);
      const pivot = now.world.get(joint.parentId);
      if (!parent || !pivot) return null;
      const grandParentRotation: Quat = parent.parentId
        ? (now.world.get(parent.parentId)?.rotation ?? [0, 0, 0, 1])
        : [0, 0, 0, 1];
      const startWorldRotation = pivot.rotation;
      const axis = viewAxis();
      const pivotVec = new THREE.Vector3(...pivot.position);
      const axisVec = new THREE.Vector3(...axis);
      const planar = (p: THREE.Vector3) => {
        const d = p.clone().sub(pivotVec);
        return d.sub(axisVec.clone().multiplyScalar(d.dot(axisVec)));
      };
      const from = planar(new THREE.Vector3(...position));
      if (from.lengthSq() < 1e-9) return null;
      return {
        target: parent.id,
        label: `Rotate ${parent.name}`,
        move(clientX: number, clientY: number) {
          const at = pointOnViewPlane(clientX, clientY, position);
          if (!at) return;
          const to = planar(at);
          if (to.lengthSq() < 1e-9) return;
          const angleRad = Math.atan2(from.clone().cross(to).dot(axisVec), from.dot(to));
          // World rotation of the parent bone, swung about the view axis; back to its local frame.
          const world = quatMultiply(quatFromAxisAngle(axis, angleRad), startWorldRotation);
          const local = quatNormalize(quatMultiply(quatConjugate(grandParentRotation), world));
          editor.actions.setJointRotation(parent.id, local);
        },
      };
    };

    const startPointer = { x: 0, y: 0 };
    const onDownCapture = (event: PointerEvent) => {
      startPointer.x = event.clientX;
      startPointer.y = event.clientY;
      onDown(event);
    };

    setJointScreenProbe((jointId) => {
      const position = refs.readWorld()?.world.get(jointId)?.position;
      const group = refs.group.current;
      if (!position || !group) return null;
      const rect = element.getBoundingClientRect();
      const [x, y] = toScreen(position, group, rect);
      return { x: rect.left + x, y: rect.top + y };
    });

    element.addEventListener('pointermove', onHover);
    element.addEventListener('pointerleave', onLeave);
    element.addEventListener('pointerdown', onDownCapture);
    return () => {
      setJointScreenProbe(null);
      element.removeEventListener('pointermove', onHover);
      element.removeEventListener('pointerleave', onLeave);
      element.removeEventListener('pointerdown', onDownCapture);
    };
  }, [gl, camera, controls, editor, refs]);

  return null;
}
