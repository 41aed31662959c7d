import type { FrameRate } from './frameRate.js';

/**
 * SMPTE timecode HH:MM:SS:FF. Timecode counts frames at the nominal (integer) rate: 24 for
 * 23.976, 30 for 29.97, so "01:00:00:00" at 23.976 is frame 86400, not one wall-clock hour.
 *
 * Drop-frame (only for 29.97 and 59.94, written with ';' before the frames) skips the labels
 * :00 and :01 (:00-:03 at 59.94) at the start of every minute except every tenth minute, so that
 * the label stays within a frame of wall-clock time.
 */
export interface TimecodeOptions {
  readonly dropFrame?: boolean;
}

/** Frames per timecode second: the rate rounded to an integer (24 for 23.976). */
export function timecodeBase(rate: FrameRate): number {
  return Math.round(rate.numerator / rate.denominator);
}

function dropFramesPerMinute(rate: FrameRate, dropFrame: boolean): number {
  if (!dropFrame) return 0;
  if (rate.denominator !== 1001 || (rate.numerator !== 30000 && rate.numerator !== 60000)) {
    throw new RangeError('drop-frame timecode exists only for 29.97 and 59.94 fps');
  }
  return rate.numerator === 30000 ? 2 : 4;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Timecode label of a frame index (frame 0 = 00:00:00:00). Wraps at 24 hours. */
export function formatTimecode(frameIndex: number, rate: FrameRate, options: TimecodeOptions = {}): string {
  if (!Number.isInteger(frameIndex) || frameIndex < 0) {
    throw new RangeError(`timecode needs a non-negative integer frame, got ${frameIndex}`);
  }
  const base = timecodeBase(rate);
  const drop = dropFramesPerMinute(rate, options.dropFrame ?? false);
  let labelIndex = frameIndex;
  if (drop > 0) {
    const framesPer10Min = base * 600 - drop * 9;
    const framesPerMin = base * 60 - drop;
    const tens = Math.floor(frameIndex / framesPer10Min);
    const rest = frameIndex % framesPer10Min;
    labelIndex += drop * 9 * tens;
    if (rest >= drop) labelIndex += drop * Math.floor((rest - drop) / framesPerMin);
  }
  labelIndex %= base * 86400;
  const ff = labelIndex % base;
  const totalSec = Math.floor(labelIndex / base);
  const separator = drop > 0 ? ';' : ':';
  return `${pad2(Math.floor(totalSec / 3600))}:${pad2(Math.floor(totalSec / 60) % 60)}:${pad2(totalSec % 60)}${separator}${pad2(ff)}`;
}

/**
 * Frame index of a timecode label. A ';' (or '.') before the frames means drop-frame; labels a
 * drop-frame count skips are rejected.
 */
export function parseTimecode(text: string, rate: FrameRate): number {
  const match = /^(\d{2}):(\d{2}):(\d{2})([:;.,])(\d{2})$/.exec(text.trim());
  if (!match) throw new RangeError(`"${text}" is not a timecode (HH:MM:SS:FF)`);
  const [hh, mm, ss, ff] = [match[1], match[2], match[3], match[5]].map(Number) as [
    number,
    number,
    number,
    number,
  ];
  const dropFrame = match[4] === ';' || match[4] === ',' || match[4] === '.';
  const base = timecodeBase(rate);
  const drop = dropFramesPerMinute(rate, dropFrame);
  if (mm > 59 || ss > 59 || ff >= base)
    throw new RangeError(`timecode "${text}" is out of range at ${base} fps`);
  if (drop > 0 && ss === 0 && ff < drop && mm % 10 !== 0) {
    throw new RangeError(`timecode "${text}" does not exist in drop-frame counting`);
  }
  const totalMinutes = hh * 60 + mm;
  const labelIndex = (hh * 3600 + mm * 60 + ss) * base + ff;
  return labelIndex - drop * (totalMinutes - Math.floor(totalMinutes / 10));
}
