import type * as Cdk8s from 'cdk8s';
import type * as Cdk8sPlus from 'cdk8s-plus-27';

// cdk8s and cdk8s-plus-27 are required on first use, not imported: only add-ons
// need them, and importing them made every process that loads the library pay
// for them, the classic profile's included (BENCHMARKS.md: loading the library
// and the example in a fresh process went from 124 ms to 265 ms when they came in).
// Elsewhere in lib/, import them with `import type` only.

let cdk8sModule: typeof Cdk8s | undefined;
let cdk8sPlusModule: typeof Cdk8sPlus | undefined;

/** The `cdk8s` module, loaded on first call. */
export function cdk8s(): typeof Cdk8s {
  return cdk8sModule ??= require('cdk8s') as typeof Cdk8s;
}

/** The `cdk8s-plus-27` module, loaded on first call. */
export function cdk8sPlus(): typeof Cdk8sPlus {
  return cdk8sPlusModule ??= require('cdk8s-plus-27') as typeof Cdk8sPlus;
}
