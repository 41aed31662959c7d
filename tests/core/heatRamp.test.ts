import { describe, expect, it } from 'vitest';
import { HEAT_COLD, HEAT_HOT, HEAT_OVERLAY_ALPHA } from '../../core/render/heatRamp.js';
import { partHeatMap } from '../../host/api/characterServices.js';

describe('the part overlay (Fit mode W) colours (core/render/heatRamp.ts)', () => {
  it("draws the joint's part hot, the rest of the figure cold, and nothing outside the figure", () => {
    const parts = partHeatMap({ width: 3, height: 1, labels: new Int16Array([0, 1, -1]) }, 0);
    expect([...parts.data.subarray(0, 3)]).toEqual([...HEAT_HOT]);
    expect([...parts.data.subarray(4, 7)]).toEqual([...HEAT_COLD]);
    expect(HEAT_HOT).not.toEqual(HEAT_COLD);
    // See-through: the art shows under the heat map.
    expect(parts.data[3]).toBe(HEAT_OVERLAY_ALPHA);
    expect(HEAT_OVERLAY_ALPHA).toBeGreaterThan(0);
    expect(HEAT_OVERLAY_ALPHA).toBeLessThan(255);
    expect([...parts.data.subarray(8, 12)]).toEqual([0, 0, 0, 0]);
  });

  it('shows the whole figure cold for a joint that owns no part', () => {
    const parts = partHeatMap({ width: 2, height: 1, labels: new Int16Array([0, 1]) }, -1);
    expect([...parts.data.subarray(0, 3)]).toEqual([...HEAT_COLD]);
    expect([...parts.data.subarray(4, 7)]).toEqual([...HEAT_COLD]);
  });
});
