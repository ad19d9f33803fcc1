import type * as Cdk8s from 'cdk8s';

// cdk8s is required on first use, not imported: only add-ons need it, and importing
// it made every process that loads the library pay for it, the classic profile's
// included (BENCHMARKS.md: loading the library and the example in a fresh process went
// from 124 ms to 265 ms when it came in, with the cdk8s-plus-27 the add-ons used then).
// Elsewhere in lib/, import it with `import type` only.

let cdk8sModule: typeof Cdk8s | undefined;

/** The `cdk8s` module, loaded on first call. */
export function cdk8s(): typeof Cdk8s {
  return cdk8sModule ??= require('cdk8s') as typeof Cdk8s;
}
