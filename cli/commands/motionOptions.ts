import type { Character, ProjectDocument } from '../../core/document/schema.js';
import type { ImportOptions } from '../../core/motion/importMotion.js';
import { type JointMapping, setMappingPair } from '../../core/retarget/mapping.js';
import type { RootMotion } from '../../core/retarget/retarget.js';
import { UsageError } from '../command.js';

/**
 * The import options `keypose motion import` and `keypose render --motion` share, read from the
 * command line. Defaults are the editor's: keys, 0.5° / 0.5 px tolerance, at frame 0, travelling
 * root, feet held on contacts.
 */
export const MOTION_IMPORT_FLAGS: Readonly<Record<string, string>> = {
  '--as': 'as',
  '--tolerance': 'tolerance',
  '--tolerance-px': 'tolerancePx',
  '--start': 'start',
  '--root': 'root',
  '--feet': 'feet',
  '--trim': 'trim',
  '--loop': 'loop',
  '--repeat': 'repeat',
  '--blend': 'blend',
  '--map': 'map',
};

export const MOTION_IMPORT_USAGE =
  '[--as keys|layer] [--tolerance 0.5] [--tolerance-px 0.5] [--start 0] [--root keep|in-place|none] ' +
  '[--feet on|off] [--trim 0-119] [--loop BLEND_FRAMES] [--repeat N] [--blend FRAMES] [--map Target=Source,...]';

function wholeNumber(text: string, flag: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${flag} must be a whole number ≥ ${min}, got "${text}".`);
  return n;
}

function nonNegative(text: string, flag: string): number {
  const n = Number(text);
  if (!(n >= 0) || !Number.isFinite(n)) throw new UsageError(`${flag} must be a number ≥ 0, got "${text}".`);
  return n;
}

export function importOptionsFrom(
  values: ReadonlyMap<string, string>,
  fps: number,
): Omit<ImportOptions, 'mapping'> {
  const as = values.get('as') ?? 'keys';
  if (as !== 'keys' && as !== 'layer') throw new UsageError(`--as must be keys or layer, got "${as}".`);
  const root = values.get('root') ?? 'keep';
  if (!['keep', 'in-place', 'none'].includes(root))
    throw new UsageError(`--root must be keep, in-place or none, got "${root}".`);
  const feet = values.get('feet') ?? 'on';
  if (feet !== 'on' && feet !== 'off') throw new UsageError(`--feet must be on or off, got "${feet}".`);
  let trim: { start: number; end: number } | undefined;
  const trimText = values.get('trim');
  if (trimText !== undefined) {
    const m = /^(\d+)-(\d+)$/.exec(trimText);
    if (!m || Number(m[2]) < Number(m[1]))
      throw new UsageError(`--trim must be FIRST-LAST source frames, got "${trimText}".`);
    trim = { start: Number(m[1]), end: Number(m[2]) };
  }
  const rotationDeg = values.has('tolerance') ? nonNegative(values.get('tolerance')!, '--tolerance') : 0.5;
  const translationPx = values.has('tolerancePx')
    ? nonNegative(values.get('tolerancePx')!, '--tolerance-px')
    : 0.5;
  return {
    fps,
    as,
    rootMotion: root as RootMotion,
    fixFeet: feet === 'on',
    startFrame: values.has('start') ? wholeNumber(values.get('start')!, '--start', 0) : 0,
    tolerance: { rotationDeg, translationPx },
    ...(trim ? { trim } : {}),
    ...(values.has('loop') ? { loopBlendFrames: wholeNumber(values.get('loop')!, '--loop', 0) } : {}),
    ...(values.has('repeat') ? { repeat: wholeNumber(values.get('repeat')!, '--repeat', 1) } : {}),
    ...(values.has('blend') ? { blendFrames: wholeNumber(values.get('blend')!, '--blend', 0) } : {}),
  };
}

/** The automatic mapping with the pairs `--map Target=Source,Target=` changes (empty source: unmapped). */
export function mappingWith(
  auto: JointMapping,
  text: string | undefined,
  character: Character,
  sourceJoints: readonly string[],
): JointMapping {
  if (text === undefined) return auto;
  let mapping = auto;
  for (const pair of text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const [target, source] = pair.split('=').map((s) => s.trim());
    const joint = character.skeleton.joints.find((j) => j.id === target || j.name === target);
    if (!joint) throw new UsageError(`--map: the character has no joint "${target}".`);
    if (source && !sourceJoints.includes(source))
      throw new UsageError(`--map: the motion has no joint "${source}".`);
    mapping = setMappingPair(mapping, joint.id, source ? source : null);
  }
  return mapping;
}

export function characterNamed(document: ProjectDocument, name: string | undefined): Character | undefined {
  return name ? document.characters.find((c) => c.id === name || c.name === name) : document.characters[0];
}

/** The character `--character` names (by id or name; the first without it), or a usage error. */
export function requireCharacter(document: ProjectDocument, name: string | undefined): Character {
  const character = characterNamed(document, name);
  if (!character) throw new UsageError(`the project has no character "${name}".`);
  return character;
}
