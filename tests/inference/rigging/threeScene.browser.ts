import * as THREE from 'three';

/**
 * Runs in headless Chromium (bundled by threeFigure.ts): a shaded three.js humanoid made of
 * capsules, spheres and boxes, rendered with an orthographic camera that frames the picture
 * exactly (world units = pixels, origin at the picture centre, y up), so the true joints are known.
 */

export interface FigureRenderOptions {
  width: number;
  height: number;
  figureHeightPx: number;
  armAngleDeg: number;
  transparent: boolean;
  /** Free poses: each arm's own angle below horizontal (negative: raised), Left then Right. */
  armAnglesDeg?: [number, number];
  /** Elbow bend per arm (the forearm turns up by this much). */
  elbowBendDeg?: [number, number];
  /** Legs apart: each thigh turned outwards by this much (the shin follows). */
  legSpreadDeg?: number;
}

export interface FigureRender {
  dataUrl: string;
  /** Joint name -> image pixels (x right, y down). */
  joints: Record<string, [number, number]>;
  topPx: number;
  bottomPx: number;
}

function renderFigure(opts: FigureRenderOptions): FigureRender {
  const { width, height, figureHeightPx: h } = opts;
  const scene = new THREE.Scene();
  const soles = -h / 2;
  // Fractions of the height, y up from the soles; the character's left is +x.
  const at = (x: number, y: number, z = 0) => new THREE.Vector3(x * h, soles + y * h, z * h);
  const sides = [
    ['Left', 1],
    ['Right', -1],
  ] as const;
  const joints: Record<string, THREE.Vector3> = {
    Hips: at(0, 0.52),
    Spine: at(0, 0.6),
    Chest: at(0, 0.69),
    Neck: at(0, 0.835),
    Head: at(0, 0.87),
    LeftShoulder: at(0.03, 0.815),
    RightShoulder: at(-0.03, 0.815),
    LeftUpLeg: at(0.075, 0.5),
    RightUpLeg: at(-0.075, 0.5),
    LeftLeg: at(0.08, 0.285),
    RightLeg: at(-0.08, 0.285),
    LeftFoot: at(0.08, 0.045),
    RightFoot: at(-0.08, 0.045),
    LeftToeBase: at(0.08, 0.012, 0.08),
    RightToeBase: at(-0.08, 0.012, 0.08),
  };
  const hands: Record<string, THREE.Vector3> = {};
  sides.forEach(([side, sign], k) => {
    const armAngle = THREE.MathUtils.degToRad(opts.armAnglesDeg?.[k] ?? opts.armAngleDeg);
    const bend = THREE.MathUtils.degToRad(opts.elbowBendDeg?.[k] ?? 0);
    const dir = new THREE.Vector3(sign * Math.cos(armAngle), -Math.sin(armAngle), 0);
    const foreAngle = armAngle - bend;
    const fore = new THREE.Vector3(sign * Math.cos(foreAngle), -Math.sin(foreAngle), 0);
    const shoulder = at(sign * 0.115, 0.815);
    const elbow = shoulder.clone().addScaledVector(dir, 0.165 * h);
    const wrist = elbow.clone().addScaledVector(fore, 0.145 * h);
    joints[`${side}Arm`] = shoulder;
    joints[`${side}ForeArm`] = elbow;
    joints[`${side}Hand`] = wrist;
    hands[side] = wrist.clone().addScaledVector(fore, 0.085 * h);
    // Legs apart: the thigh turns outwards about the hip socket.
    const spread = THREE.MathUtils.degToRad(opts.legSpreadDeg ?? 0);
    if (spread !== 0) {
      const hip = joints[`${side}UpLeg`]!;
      const legDir = new THREE.Vector3(sign * Math.sin(spread), -Math.cos(spread), 0);
      const knee = hip.clone().addScaledVector(legDir, 0.215 * h);
      const ankle = knee.clone().addScaledVector(legDir, 0.24 * h);
      joints[`${side}Leg`] = knee;
      joints[`${side}Foot`] = ankle;
      joints[`${side}ToeBase`] = new THREE.Vector3(ankle.x, ankle.y - 0.033 * h, 0.08 * h);
    }
  });
  const j = (name: string) => joints[name]!;
  const materials = {
    skin: new THREE.MeshStandardMaterial({ color: 0xe0b090, roughness: 0.7 }),
    shirt: new THREE.MeshStandardMaterial({ color: 0x3366aa, roughness: 0.8 }),
    trousers: new THREE.MeshStandardMaterial({ color: 0x444455, roughness: 0.9 }),
    shoes: new THREE.MeshStandardMaterial({ color: 0x6b3a1e, roughness: 0.6 }),
  };
  const capsule = (a: THREE.Vector3, b: THREE.Vector3, radius: number, material: THREE.Material) => {
    const length = a.distanceTo(b);
    const mesh = new THREE.Mesh(new THREE.CapsuleGeometry(radius, length, 8, 24), material);
    mesh.position.copy(a).add(b).multiplyScalar(0.5);
    mesh.quaternion.setFromUnitVectors(new THREE.Vector3(0, 1, 0), b.clone().sub(a).normalize());
    scene.add(mesh);
  };
  // Torso: chest, waist and pelvis, a little flattened front to back.
  const torso = (y0: number, y1: number, r: number, material: THREE.Material) => {
    const mesh = new THREE.Mesh(new THREE.CapsuleGeometry(r * h, (y1 - y0) * h, 8, 24), material);
    mesh.position.set(0, soles + ((y0 + y1) / 2) * h, 0);
    mesh.scale.set(1, 1, 0.6);
    scene.add(mesh);
  };
  torso(0.66, 0.75, 0.095, materials.shirt);
  torso(0.57, 0.64, 0.082, materials.shirt);
  // Pelvis: a short sideways capsule, so the crotch sits at about 46% of the height, as in people.
  capsule(at(-0.04, 0.525), at(0.04, 0.525), 0.065 * h, materials.trousers);
  capsule(at(-0.11, 0.805), at(0.11, 0.805), 0.04 * h, materials.shirt);
  capsule(at(0, 0.78), at(0, 0.875), 0.03 * h, materials.skin);
  const head = new THREE.Mesh(new THREE.SphereGeometry(0.062 * h, 32, 24), materials.skin);
  head.position.copy(at(0, 0.93));
  head.scale.set(1, 1.13, 1);
  scene.add(head);
  for (const side of ['Left', 'Right']) {
    capsule(j(`${side}Arm`), j(`${side}ForeArm`), 0.033 * h, materials.shirt);
    capsule(j(`${side}ForeArm`), j(`${side}Hand`), 0.026 * h, materials.skin);
    capsule(j(`${side}Hand`), hands[side]!, 0.024 * h, materials.skin);
    capsule(j(`${side}UpLeg`), j(`${side}Leg`), 0.05 * h, materials.trousers);
    capsule(j(`${side}Leg`), j(`${side}Foot`), 0.038 * h, materials.trousers);
    const foot = new THREE.Mesh(new THREE.BoxGeometry(0.05 * h, 0.04 * h, 0.13 * h), materials.shoes);
    foot.position
      .copy(j(`${side}Foot`))
      .setY(j(`${side}Foot`).y - 0.025 * h)
      .setZ(0.04 * h);
    scene.add(foot);
  }
  scene.add(new THREE.AmbientLight(0xffffff, 0.6));
  const sun = new THREE.DirectionalLight(0xffffff, 2.2);
  sun.position.set(-300, 500, 800);
  scene.add(sun);

  const camera = new THREE.OrthographicCamera(-width / 2, width / 2, height / 2, -height / 2, 1, 5000);
  camera.position.set(0, 0, 2000);
  camera.lookAt(0, 0, 0);
  const canvas = document.createElement('canvas');
  const renderer = new THREE.WebGLRenderer({
    canvas,
    antialias: true,
    alpha: true,
    preserveDrawingBuffer: true,
  });
  renderer.setPixelRatio(1);
  renderer.setSize(width, height, false);
  renderer.setClearColor(0xffffff, opts.transparent ? 0 : 1);
  renderer.render(scene, camera);
  const image: Record<string, [number, number]> = {};
  for (const [name, p] of Object.entries(joints)) image[name] = [p.x + width / 2, height / 2 - p.y];
  return {
    dataUrl: canvas.toDataURL('image/png'),
    joints: image,
    topPx: height / 2 - (soles + (0.93 * h + 0.062 * 1.13 * h)),
    bottomPx: height / 2 - soles,
  };
}

(window as unknown as { renderKeyposeFigure: typeof renderFigure }).renderKeyposeFigure = renderFigure;
