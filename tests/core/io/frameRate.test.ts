import { describe, expect, test } from 'vitest';
import {
  formatFrameRate,
  frameDurationSec,
  frameRatesEqual,
  frameToTimeSec,
  parseFrameRate,
  STANDARD_FRAME_RATE_NAMES,
  STANDARD_FRAME_RATES,
  timeSecToFrame,
} from '../../../core/io/frameRate.js';
import { formatTimecode, parseTimecode } from '../../../core/io/timecode.js';

describe('frame rates are exact rationals', () => {
  test.each([
    ['23.976', '24000/1001'],
    ['23.98', '24000/1001'],
    ['24', '24'],
    ['25', '25'],
    ['29.97', '30000/1001'],
    ['30', '30'],
    ['50', '50'],
    ['59.94', '60000/1001'],
    ['60', '60'],
    ['24000/1001', '24000/1001'],
    ['48/2', '24'],
    ['12.5', '25/2'],
  ])('%s -> %s', (input, expected) => {
    expect(formatFrameRate(parseFrameRate(input))).toBe(expected);
  });

  test('numbers too, and the standard table', () => {
    expect(parseFrameRate(23.976)).toEqual(STANDARD_FRAME_RATES['23.976']);
    expect(parseFrameRate(30)).toEqual({ numerator: 30, denominator: 1 });
    expect(STANDARD_FRAME_RATE_NAMES).toEqual(['23.976', '24', '25', '29.97', '30', '50', '60']);
  });

  test('garbage is rejected', () => {
    expect(() => parseFrameRate('fast')).toThrow(/not a frame rate/);
    expect(() => parseFrameRate('0')).toThrow();
    expect(() => parseFrameRate('24/0')).toThrow();
  });

  test('times come from the rational and do not drift over a long clip', () => {
    const ntsc = STANDARD_FRAME_RATES['23.976'];
    expect(frameDurationSec(ntsc)).toBe(1001 / 24000);
    // One hour of 23.976 material is 86,313.6 frames: frame 86400 starts at 3603.6 s.
    expect(frameToTimeSec(86400, ntsc)).toBeCloseTo(3603.6, 9);
    for (const f of [0, 1, 1000, 123456]) expect(timeSecToFrame(frameToTimeSec(f, ntsc), ntsc)).toBe(f);
    expect(frameRatesEqual(parseFrameRate('48000/2002'), ntsc)).toBe(true);
  });
});

describe('SMPTE timecode', () => {
  const fps24 = STANDARD_FRAME_RATES['24'];
  const ntsc30 = STANDARD_FRAME_RATES['29.97'];
  test('non-drop counts at the nominal rate', () => {
    expect(formatTimecode(0, fps24)).toBe('00:00:00:00');
    expect(formatTimecode(86400, STANDARD_FRAME_RATES['23.976'])).toBe('01:00:00:00');
    expect(formatTimecode(25 * 3661 + 7, STANDARD_FRAME_RATES['25'])).toBe('01:01:01:07');
    expect(parseTimecode('01:00:00:00', fps24)).toBe(86400);
  });

  test('29.97 drop-frame skips :00 and :01 each minute except every tenth', () => {
    expect(formatTimecode(1799, ntsc30, { dropFrame: true })).toBe('00:00:59;29');
    expect(formatTimecode(1800, ntsc30, { dropFrame: true })).toBe('00:01:00;02');
    expect(formatTimecode(17982, ntsc30, { dropFrame: true })).toBe('00:10:00;00');
    // One hour of drop-frame labels is 107,892 frames (= 3600 s * 29.97).
    expect(formatTimecode(107892, ntsc30, { dropFrame: true })).toBe('01:00:00;00');
    expect(parseTimecode('01:00:00;00', ntsc30)).toBe(107892);
    for (const f of [0, 1, 1799, 1800, 1801, 17981, 17982, 50000, 107891]) {
      expect(parseTimecode(formatTimecode(f, ntsc30, { dropFrame: true }), ntsc30)).toBe(f);
    }
    expect(() => parseTimecode('00:01:00;00', ntsc30)).toThrow(/does not exist/);
    expect(() => formatTimecode(0, fps24, { dropFrame: true })).toThrow(/29.97/);
  });
});
