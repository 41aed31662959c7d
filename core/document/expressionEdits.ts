import { ApiError } from '../contract/api.js';
import { EMPTY_FACE_MOTION } from '../face/edits.js';
import {
  EXPRESSION_CHANNELS,
  type ExpressionChannel,
  type ParsedExpression,
  parseExpression,
} from '../face/expressionText.js';
import { FACE_CHANNEL_SPECS } from '../face/params.js';
import type { FaceChannelTracks, FaceMotion } from '../face/schema.js';
import type { CharacterId } from '../ids.js';
import { evaluateNumberTrack } from '../motion/evaluate.js';
import { setFaceMotion } from './faceEdits.js';
import type { ProjectDocument } from './schema.js';

/**
 * An expression from text keyed onto a character's face channels over a frame range
 * (docs/face.md, "Expressions from text"). The result is ordinary channel keys (the user's keys,
 * `faceMotion.channels`): editable like any key, and added on top of the mouth shapes of lip sync.
 * The expression holds from `from` to `to`; over `easeFrames` before and after it eases in from and
 * back out to what the channel was doing there, so a range in the middle of a shot does not leak.
 * Keys of the expression's channels inside the eased range are replaced. One edit: one undo step.
 */

export interface ExpressionRange {
  readonly from: number;
  readonly to: number;
  /** Frames to ease in and out (default: 0.15 s at the project's frame rate). */
  readonly easeFrames?: number;
}

type ChannelTrack = NonNullable<FaceChannelTracks[ExpressionChannel]>;

function keyedTrack(
  track: ChannelTrack | undefined,
  channel: ExpressionChannel,
  value: number,
  range: { from: number; to: number; ease: number; last: number },
): ChannelTrack | undefined {
  const neutral = FACE_CHANNEL_SPECS[channel].neutral;
  const old = track ?? [];
  // A channel the expression leaves at rest and nothing keyed stays unkeyed (no clutter).
  if (old.length === 0 && value === neutral) return track;
  const inAt = range.from - range.ease;
  const outAt = range.to + range.ease;
  const kept = old.filter((k) => k.frame < Math.max(0, inAt) || k.frame > Math.min(range.last, outAt));
  const keys: ChannelTrack[number][] = [...kept];
  if (range.ease > 0 && inAt >= 0)
    keys.push({ frame: inAt, value: evaluateNumberTrack(old, inAt, neutral), interpolation: 'linear' });
  keys.push({ frame: range.from, value, interpolation: 'linear' });
  if (range.to !== range.from) keys.push({ frame: range.to, value, interpolation: 'linear' });
  if (range.ease > 0 && outAt <= range.last)
    keys.push({ frame: outAt, value: evaluateNumberTrack(old, outAt, neutral), interpolation: 'linear' });
  return keys.sort((a, b) => a.frame - b.frame);
}

/** Keys already-parsed expression values onto the character's face channels over the range. */
export function applyExpression(
  doc: ProjectDocument,
  characterId: CharacterId | string,
  expression: Pick<ParsedExpression, 'channels'>,
  range: ExpressionRange,
): ProjectDocument {
  const character = doc.characters.find((c) => c.id === characterId);
  if (!character) throw new Error(`the project has no character "${characterId}"`);
  const last = doc.durationFrames - 1;
  const from = Math.round(range.from);
  const to = Math.round(range.to);
  if (!(from >= 0 && to >= from && to <= last)) {
    throw new ApiError({
      code: 'invalid-argument',
      message: `the frame range ${range.from}-${range.to} is not within the project's frames 0-${last}`,
    });
  }
  const ease = Math.max(0, Math.round(range.easeFrames ?? doc.fps * 0.15));
  const before: FaceMotion = character.faceMotion ?? EMPTY_FACE_MOTION;
  const channels: FaceChannelTracks = { ...before.channels };
  for (const channel of EXPRESSION_CHANNELS) {
    const track = keyedTrack(channels[channel], channel, expression.channels[channel], {
      from,
      to,
      ease,
      last,
    });
    if (track) channels[channel] = track;
  }
  return setFaceMotion(doc, characterId, { ...before, channels });
}

/** Parses `text` (an `invalid-argument` ApiError names unknown words) and keys it over the range. */
export function applyExpressionText(
  doc: ProjectDocument,
  characterId: CharacterId | string,
  text: string,
  range: ExpressionRange,
): { document: ProjectDocument; expression: ParsedExpression } {
  const expression = parseExpression(text);
  return { document: applyExpression(doc, characterId, expression, range), expression };
}
