import { signUserToken, TokenVerifier, verifyToken } from '../auth/token';
import { median } from './bench-stats';

/**
 * `npm run bench:tokens`: what one bearer-token check costs. jsonwebtoken given the secret as a string
 * (the old way, a new token each time), the process's TokenVerifier on new tokens (the key object
 * built once), and on tokens it has already verified. Interleaved rounds; prints µs per check and
 * the ratios.
 */
const count = Number(process.env.BENCH_TOKENS ?? 20_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const secret = 'bench-secret-0123456789abcdef';

function microsecondsEach(check: (token: string) => unknown, tokens: readonly string[]): number {
  const started = process.hrtime.bigint();
  for (const token of tokens) check(token);
  return Number(process.hrtime.bigint() - started) / 1_000 / tokens.length;
}

function main(): void {
  console.log(`Node ${process.version}; ${count} distinct user tokens; ${rounds} rounds`);
  const results = { stringSecret: [] as number[], keyObject: [] as number[], remembered: [] as number[] };
  for (let round = 1; round <= rounds; round += 1) {
    // Distinct expiries make distinct tokens: nothing is remembered across the first two runs.
    const tokens = Array.from({ length: count }, (_, n) =>
      signUserToken(secret, 'u_alice', 3_600 + round * count + n),
    );
    const verifier = new TokenVerifier(secret, count);
    const stringSecret = microsecondsEach((token) => verifyToken(secret, token), tokens);
    const keyObject = microsecondsEach((token) => verifier.verify(token), tokens);
    const remembered = microsecondsEach((token) => verifier.verify(token), tokens);
    results.stringSecret.push(stringSecret);
    results.keyObject.push(keyObject);
    results.remembered.push(remembered);
    console.log(
      `round ${round}: string secret ${stringSecret.toFixed(1)} µs, key object ${keyObject.toFixed(1)} µs, ` +
        `remembered ${remembered.toFixed(2)} µs per check`,
    );
  }
  console.log(
    `medians: string secret ${median(results.stringSecret).toFixed(1)} µs; key object ${median(results.keyObject).toFixed(1)} µs ` +
      `(${(median(results.stringSecret) / median(results.keyObject)).toFixed(2)}x cheaper); remembered ${median(results.remembered).toFixed(2)} µs ` +
      `(${(median(results.stringSecret) / median(results.remembered)).toFixed(0)}x cheaper)`,
  );
}

main();
