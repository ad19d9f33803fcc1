/**
 * Property tests draw the same cases on every run: fast-check's seed is fixed here, so a
 * failure reproduces, and whether the suite passes depends on the code, not on the draw
 * (what Hypothesis' `derandomize` setting does for CI). To look for new counterexamples,
 * draw others: `PROPERTY_SEED=random npm test`, or a given seed with `PROPERTY_SEED=<n>`.
 * fast-check prints the seed and path of every failure, to rerun it with.
 */
import fc from 'fast-check';

/** The seed of the default draw: any fixed number does. */
const DEFAULT_SEED = 20261130;

const chosen = process.env.PROPERTY_SEED;
if (chosen !== 'random') {
  const seed = chosen === undefined || chosen === '' ? DEFAULT_SEED : Number(chosen);
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`PROPERTY_SEED is ${JSON.stringify(chosen)}; expected an integer, or 'random'`);
  }
  fc.configureGlobal({ seed });
}
