import { plainProps } from '../synth/plain-props';

/**
 * A profile's options as it keeps them: their plain data copied once, as construct props are, so
 * that what cannot be read (a getter that throws, a revoked proxy) is a problem at validation,
 * worded for options, and never a throw later.
 */
export function copyOptions<T extends object>(options: T | undefined): { readonly options: T; readonly problems: string[] } {
  const copy = plainProps(options ?? {});
  return {
    options: (copy.props ?? {}) as T,
    problems: copy.problems.map(problem => (problem.startsWith('the props ')
      ? `the profile options ${problem.slice('the props '.length)}`
      : `profile option ${problem.replace(' refers back to the props themselves', ' refers back to the options themselves')}`)),
  };
}
