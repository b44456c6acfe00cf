import { simulate } from '../simulation/driver';
import { testDatabase } from '../support/test-database';

/**
 * The seeded simulation (test/simulation) on the real engine instead of the in-memory one: the same
 * services, auditor and checks, through mongoose and FerretDB (or MONGODB_URI). Few steps: slower.
 */
const seeds = process.env.SIM_SEED ? [Number(process.env.SIM_SEED)] : [1, 2];
const steps = Number(process.env.SIM_STEPS ?? 150);

describe('simulation on the real engine', () => {
  test.each(seeds)(
    `seed %i x ${steps} steps, every step audited`,
    async (seed) => {
      await using t = await testDatabase();
      const result = await simulate({
        seed,
        steps,
        repos: t.repos,
        replay: 'SIM_SEED={seed} SIM_STEPS={steps} npx jest test/integration/simulation-engine.test.ts',
      });
      expect(result.steps).toBe(steps);
    },
    600_000,
  );
});
