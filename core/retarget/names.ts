/**
 * Joint names as retargeting reads them: which side of the body, which part. Mocap files name
 * the same bone a dozen ways ("LeftUpLeg", "mixamorig:LeftUpLeg", "lThigh", "thigh.L",
 * "Bip01 L Thigh", "left_hip"); this turns each into a side and a role so skeletons can be matched
 * by meaning. Roles that some conventions use for different bones ("shoulder" is the clavicle in
 * Mixamo but the upper arm in Animated Drawings; "hip" is the pelvis in CMU but the thigh in
 * Animated Drawings) are settled per skeleton by what else it has (resolveRoles, mapping.ts).
 */

export type Side = 'left' | 'right' | 'centre';

/** Body parts that retargeting matches by name. Torso joints between hips and neck are matched by
 * their place in the spine chain instead (mapping.ts), since conventions number them differently. */
export type Role =
  | 'hips'
  | 'spine'
  | 'neck'
  | 'head'
  | 'clavicle'
  | 'upperarm'
  | 'forearm'
  | 'hand'
  | 'thigh'
  | 'shin'
  | 'foot'
  | 'toe'
  | 'tail'
  | 'jaw'
  | 'eye'
  | 'finger'
  | 'end'
  // Words whose bone depends on the rest of the skeleton (see resolveRoles in mapping.ts).
  | 'shoulder?'
  | 'hip?'
  | 'leg?'
  | 'arm?';

export interface NameInfo {
  readonly side: Side;
  readonly role: Role | null;
  /** Finger name and segment ("index", 2), or a numbered chain's index (spine 1, tail 3). */
  readonly finger?: string;
  readonly index?: number;
  /** The words the name was split into, lower case (for the mapping panel's hints). */
  readonly words: readonly string[];
}

/** Namespaces and rig prefixes that carry no meaning: "mixamorig:", "Armature|", "Bip01 ", "DEF-". */
function stripPrefixes(name: string): string {
  let s = name.trim();
  const colon = Math.max(s.lastIndexOf(':'), s.lastIndexOf('|'));
  if (colon >= 0 && colon < s.length - 1) s = s.slice(colon + 1);
  s = s.replace(/^(bip0*1|bip|bn|b|def|org|mch|cc_base|jnt|bone|sk|j)[\s_\-.]+/i, '');
  return s;
}

/** Splits camelCase, digits and separators into lower-case words: "LeftUpLeg" -> left up leg. */
export function splitWords(name: string): string[] {
  return stripPrefixes(name)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([a-zA-Z])(\d)/g, '$1 $2')
    .replace(/(\d)([a-zA-Z])/g, '$1 $2')
    .split(/[\s_\-.:|]+/)
    .filter((w) => w !== '')
    .map((w) => w.toLowerCase());
}

const SIDE_WORDS: Readonly<Record<string, Side>> = {
  left: 'left',
  l: 'left',
  lt: 'left',
  lft: 'left',
  right: 'right',
  r: 'right',
  rt: 'right',
  rgt: 'right',
};

/** Compound words first (two words that name one part), then single words. */
const COMPOUNDS: readonly [string, string, Role][] = [
  ['up', 'leg', 'thigh'],
  ['upper', 'leg', 'thigh'],
  ['low', 'leg', 'shin'],
  ['lower', 'leg', 'shin'],
  ['up', 'arm', 'upperarm'],
  ['upper', 'arm', 'upperarm'],
  ['low', 'arm', 'forearm'],
  ['lower', 'arm', 'forearm'],
  ['fore', 'arm', 'forearm'],
  ['toe', 'base', 'toe'],
  ['upper', 'chest', 'spine'],
  ['head', 'top', 'end'],
  ['toe', 'end', 'end'],
];

const WORDS: Readonly<Record<string, Role>> = {
  hips: 'hips',
  pelvis: 'hips',
  hip: 'hip?',
  spine: 'spine',
  abdomen: 'spine',
  abdomen2: 'spine',
  torso: 'spine',
  chest: 'spine',
  thorax: 'spine',
  ribcage: 'spine',
  waist: 'spine',
  back: 'spine',
  neck: 'neck',
  head: 'head',
  skull: 'head',
  jaw: 'jaw',
  eye: 'eye',
  collar: 'clavicle',
  clavicle: 'clavicle',
  scapula: 'clavicle',
  shoulder: 'shoulder?',
  shldr: 'upperarm',
  humerus: 'upperarm',
  upperarm: 'upperarm',
  arm: 'arm?',
  elbow: 'forearm',
  forearm: 'forearm',
  lowerarm: 'forearm',
  radius: 'forearm',
  ulna: 'forearm',
  hand: 'hand',
  wrist: 'hand',
  palm: 'hand',
  thigh: 'thigh',
  upleg: 'thigh',
  femur: 'thigh',
  leg: 'leg?',
  shin: 'shin',
  calf: 'shin',
  knee: 'shin',
  tibia: 'shin',
  crus: 'shin',
  foot: 'foot',
  ankle: 'foot',
  heel: 'end',
  toe: 'toe',
  toes: 'toe',
  ball: 'toe',
  tail: 'tail',
  end: 'end',
  site: 'end',
  nub: 'end',
  tip: 'end',
};

const FINGERS = new Set(['thumb', 'index', 'middle', 'ring', 'pinky', 'little', 'finger', 'pinkie']);

/** The side and role a joint name says, or role null when no word is known. */
export function readName(name: string): NameInfo {
  const raw = splitWords(name);
  let side: Side = 'centre';
  const words: string[] = [];
  // CMU "hip" files: lCollar, rShldr, lThigh (a lone lower-case l/r glued to a capitalised word).
  const glued = /^([lr])([A-Z][a-z]+)/.exec(stripPrefixes(name));
  for (const word of raw) {
    const s = SIDE_WORDS[word];
    if (s && side === 'centre') side = s;
    else if (!s) words.push(word);
  }
  if (glued && side === 'centre') side = glued[1] === 'l' ? 'left' : 'right';
  let index: number | undefined;
  const numbers = words.filter((w) => /^\d+$/.test(w)).map(Number);
  if (numbers.length > 0) index = numbers[numbers.length - 1];
  const letters = words.filter((w) => !/^\d+$/.test(w));
  const finger = letters.find((w) => FINGERS.has(w));
  if (finger) {
    return {
      side,
      role: 'finger',
      finger: finger === 'little' || finger === 'pinkie' ? 'pinky' : finger,
      ...(index !== undefined ? { index } : {}),
      words: raw,
    };
  }
  let role: Role | null = null;
  for (let i = 0; i < letters.length - 1 && role === null; i++) {
    for (const [a, b, r] of COMPOUNDS) if (letters[i] === a && letters[i + 1] === b) role = r;
  }
  if (role === null) {
    // The last known word decides ("LeftUpLegRoll" is not a thigh, but "Spine1" is a spine).
    for (const word of letters) {
      const r = WORDS[word];
      if (r) role = r;
      // "ToeEnd", "Head_End", "Hand_Nub": the end of a bone, not the bone.
      if (r === 'end' && letters.length > 1) break;
    }
  }
  if (letters.includes('end') || letters.includes('nub') || letters.includes('site')) role = 'end';
  return { side, role, ...(index !== undefined ? { index } : {}), words: raw };
}

/** "left" <-> "right"; centre stays. */
export function otherSide(side: Side): Side {
  return side === 'left' ? 'right' : side === 'right' ? 'left' : 'centre';
}
