/**
 * Frame rates as exact rationals. NTSC rates are not decimals: "23.976" is 24000/1001 and "29.97"
 * is 30000/1001. Editors (Premiere, Resolve, Final Cut) conform clips whose rate is off by the
 * rounding error, so exports carry the rational itself (ffmpeg's `-framerate 24000/1001`, the BVH
 * Frame Time 1001/24000 s).
 */
export interface FrameRate {
  /** Frames per `denominator` seconds; positive integers, in lowest terms. */
  readonly numerator: number;
  readonly denominator: number;
}

/** The rates the export dialog offers, named as editors label them. */
export const STANDARD_FRAME_RATES = {
  '23.976': { numerator: 24000, denominator: 1001 },
  '24': { numerator: 24, denominator: 1 },
  '25': { numerator: 25, denominator: 1 },
  '29.97': { numerator: 30000, denominator: 1001 },
  '30': { numerator: 30, denominator: 1 },
  '50': { numerator: 50, denominator: 1 },
  '60': { numerator: 60, denominator: 1 },
} as const satisfies Record<string, FrameRate>;

export type StandardFrameRateName = keyof typeof STANDARD_FRAME_RATES;

/** The dialog's order (object keys that look like integers would iterate first). */
export const STANDARD_FRAME_RATE_NAMES: readonly StandardFrameRateName[] = [
  '23.976',
  '24',
  '25',
  '29.97',
  '30',
  '50',
  '60',
];

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** A rational rate in lowest terms; throws on non-positive or non-integer parts. */
export function frameRate(numerator: number, denominator = 1): FrameRate {
  if (!Number.isInteger(numerator) || !Number.isInteger(denominator) || numerator <= 0 || denominator <= 0) {
    throw new RangeError(`frame rate ${numerator}/${denominator} must be a ratio of positive integers`);
  }
  const g = gcd(numerator, denominator);
  return { numerator: numerator / g, denominator: denominator / g };
}

/**
 * Reads "23.976", "29.97", "24", "24000/1001", or a number. Decimal spellings of the NTSC rates
 * (23.976, 23.98, 29.97, 59.94, 47.952, 119.88) snap to N*1000/1001, because nobody means the
 * decimal literally; other decimals become exact rationals of their digits.
 */
export function parseFrameRate(input: string | number): FrameRate {
  const text = String(input).trim();
  const named = (STANDARD_FRAME_RATES as Record<string, FrameRate>)[text];
  if (named) return named;
  const ratio = /^(\d+)\s*\/\s*(\d+)$/.exec(text);
  if (ratio) return frameRate(Number(ratio[1]), Number(ratio[2]));
  if (!/^\d+(\.\d+)?$/.test(text)) throw new RangeError(`"${text}" is not a frame rate`);
  const value = Number(text);
  if (!(value > 0)) throw new RangeError(`frame rate must be positive, got "${text}"`);
  const ntscBase = Math.round((value * 1001) / 1000);
  if (!Number.isInteger(value) && Math.abs((ntscBase * 1000) / 1001 - value) < 0.006) {
    return frameRate(ntscBase * 1000, 1001);
  }
  const decimals = text.includes('.') ? text.split('.')[1]!.length : 0;
  const scale = 10 ** decimals;
  return frameRate(Math.round(value * scale), scale);
}

/** "24000/1001" or "24": the spelling ffmpeg and ffprobe use. */
export function formatFrameRate(rate: FrameRate): string {
  return rate.denominator === 1 ? String(rate.numerator) : `${rate.numerator}/${rate.denominator}`;
}

export function frameRateToNumber(rate: FrameRate): number {
  return rate.numerator / rate.denominator;
}

/** Seconds per frame (1001/24000 s at 23.976). */
export function frameDurationSec(rate: FrameRate): number {
  return rate.denominator / rate.numerator;
}

/** Start time of a frame, computed from the rational so long clips do not drift. */
export function frameToTimeSec(frameIndex: number, rate: FrameRate): number {
  return (frameIndex * rate.denominator) / rate.numerator;
}

/** The frame showing at `timeSec` (floor), computed from the rational. */
export function timeSecToFrame(timeSec: number, rate: FrameRate): number {
  // The epsilon absorbs binary rounding of times that were themselves computed from frames.
  return Math.floor((timeSec * rate.numerator) / rate.denominator + 1e-9);
}

export function frameRatesEqual(a: FrameRate, b: FrameRate): boolean {
  return a.numerator * b.denominator === b.numerator * a.denominator;
}
