import { describe, it, type TestContext } from 'vitest';

/**
 * The one way a test may skip for want of a tool or a permission (Chromium, a tmpfs mount): on a
 * developer's machine it skips and says why; under CI=true it FAILS, naming what is missing, so a
 * CI run can never pass with part of the suite silently switched off (.ci/run installs the tools;
 * docs/testing.md).
 */

/** 'fail' when the environment says it is CI (CI=true or 1, as CI services set it), else 'skip'. */
export function verdictOnMissing(env: NodeJS.ProcessEnv = process.env): 'skip' | 'fail' {
  const ci = env.CI?.trim().toLowerCase();
  return ci === 'true' || ci === '1' ? 'fail' : 'skip';
}

export function missingMessage(what: string): string {
  return `${what} is missing: under CI=true a test that needs it fails instead of skipping (see docs/testing.md)`;
}

/**
 * `describe` when `available`; else a skipped describe, or under CI a describe whose one test
 * fails with what is missing. Use as `describeIfAvailable(chromiumAvailable, 'Chromium at …')('…', () => …)`.
 */
export function describeIfAvailable(
  available: boolean,
  what: string,
): (name: string, body: () => void) => void {
  if (available) return (name, body) => describe(name, body);
  if (verdictOnMissing() === 'fail') {
    return (name) =>
      describe(name, () => {
        it(`needs ${what}`, () => {
          throw new Error(missingMessage(what));
        });
      });
  }
  return (name, body) => describe.skip(`${name} (skipped: ${what} is missing)`, body);
}

/** Inside a test: skips it saying why, or under CI fails it. Never returns. */
export function skipForMissing(ctx: TestContext, what: string): never {
  if (verdictOnMissing() === 'fail') throw new Error(missingMessage(what));
  return ctx.skip(`${what} is missing`);
}
