import { describe, expect, it } from 'vitest';
import { jointId } from '../../core/ids.js';
import { HEAT_COLD, HEAT_HOT, HEAT_STOPS, heatColour } from '../../core/render/heatRamp.js';
import { partHeatMap } from '../../host/api/characterServices.js';
import { weightOverlay } from '../../inference/rigging/weights.js';

describe('the overlays colour ramp (core/render/heatRamp.ts)', () => {
  it('runs from blue at 0 to red at 1 through its stops, clamped outside', () => {
    expect(heatColour(0)).toEqual([20, 40, 160]);
    expect(heatColour(1)).toEqual([230, 40, 30]);
    expect(heatColour(0.5)).toEqual(HEAT_STOPS[2]);
    // Half way between the first two stops: (20+0)/2, (40+170)/2, (160+220)/2.
    expect(heatColour(0.125)).toEqual([10, 105, 190]);
    expect(heatColour(-3)).toEqual(heatColour(0));
    expect(heatColour(7)).toEqual(heatColour(1));
    expect(heatColour(Number.NaN)).toEqual(heatColour(0));
  });

  it('is the one ramp both overlays draw with: weight 1 and a part pixel share the hot colour, 0 the cold', () => {
    const weights = {
      width: 2,
      height: 1,
      jointIds: [jointId('Hips'), jointId('Spine')],
      // Hips owns pixel 0 fully, Spine pixel 1.
      data: new Float32Array([1, 0, 0, 1]),
    };
    const mask = { width: 2, height: 1, data: new Uint8Array([255, 255]) };
    const skin = weightOverlay(weights, jointId('Hips'), mask);
    const parts = partHeatMap({ width: 2, height: 1, labels: new Int16Array([0, 1]) }, 0);
    expect([...skin.data]).toEqual([...parts.data]);
    expect([...parts.data.subarray(0, 3)]).toEqual([...HEAT_HOT]);
    expect([...parts.data.subarray(4, 7)]).toEqual([...HEAT_COLD]);
    expect(parts.data[3]).toBeGreaterThan(0);
    expect(parts.data[3]).toBeLessThan(255);
  });
});
