/**
 * The syntax of a container image reference, `[registry[:port]/]path[:tag][@algorithm:hex]`,
 * as Docker, containerd and the kubelet parse it: the grammar of the distribution
 * project (github.com/distribution/reference, reference.go and regexp.go: `Parse`,
 * `referencePat`, `anchoredNamePat`, `RepositoryNameTotalLengthMax`), with the digest
 * checked as go-digest's `Parse` does it (github.com/opencontainers/go-digest,
 * algorithm.go): an algorithm the program registered, with its exact hex length.
 */
import { describeValue } from '../synth/describe-value';

// The productions of regexp.go, in its order and with its names.
const ALPHANUMERIC = '[a-z0-9]+';
/** One period, one or two underscores, or any number of dashes. */
const SEPARATOR = '(?:[._]|__|[-]+)';
const DOMAIN_NAME_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const OPTIONAL_PORT = '(?::[0-9]+)?';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';
const IPV6_ADDRESS = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN_NAME = `${DOMAIN_NAME_COMPONENT}(?:\\.${DOMAIN_NAME_COMPONENT})*`;
const HOST = `(?:${DOMAIN_NAME}|${IPV6_ADDRESS})`;
const DOMAIN_AND_PORT = `${HOST}${OPTIONAL_PORT}`;
const PATH_COMPONENT = `${ALPHANUMERIC}(?:${SEPARATOR}${ALPHANUMERIC})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const NAME = `(?:${DOMAIN_AND_PORT}/)?${REMOTE_NAME}`;

/** `referencePat`: the name, then an optional tag, then an optional digest. */
const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
/** `anchoredNamePat`: splits a name into its domain and its path. */
const ANCHORED_NAME = new RegExp(`^(?:(${DOMAIN_AND_PORT})/)?(${REMOTE_NAME})$`);

/** `RepositoryNameTotalLengthMax`: the longest path (the name without its domain). */
export const REPOSITORY_NAME_MAX_LENGTH = 255;

/**
 * The digest algorithms accepted, and the length of their lowercase hex encoding. go-digest
 * accepts only the algorithms a program registers: every runtime registers sha256, and
 * distribution's own tests show sha512 refused where it is not (reference_test.go).
 */
const DIGEST_HEX_LENGTHS: Readonly<Record<string, number>> = { sha256: 64 };

/**
 * Longer input is refused before any pattern runs: no valid reference comes near it
 * (a domain, a 255-character path, a 128-character tag and a sha512 digest fit in 1000).
 */
const MAX_INPUT_LENGTH = 1000;

/** A parsed image reference. */
export interface ImageReference {
  /** Registry host and port, e.g. `registry.k8s.io`; undefined when the name has none. */
  readonly domain?: string;
  /** The repository path, e.g. `etcd` or `coredns/coredns`. */
  readonly path: string;
  readonly tag?: string;
  /** `algorithm:hex`. */
  readonly digest?: string;
}

/** The reference, or why it is not one. */
export function parseImageReference(text: string): { reference: ImageReference } | { problem: string } {
  if (text === '') {
    return { problem: 'is empty' };
  }
  if (text.length > MAX_INPUT_LENGTH) {
    return { problem: `is ${text.length} characters long` };
  }
  const match = REFERENCE.exec(text);
  if (!match) {
    if (/^-/.test(text)) {
      return { problem: 'starts with \'-\', so docker would read it as an option' };
    }
    if (/[\s]/.test(text)) {
      return { problem: 'contains white space or a line break' };
    }
    if (text !== text.toLowerCase() && REFERENCE.test(text.toLowerCase())) {
      return { problem: 'has capitals in its repository path, which must be lowercase' };
    }
    return { problem: 'does not follow the image reference grammar' };
  }
  const [, name, tag, digest] = match;
  const [, domain, path] = ANCHORED_NAME.exec(name)!;
  if (path.length > REPOSITORY_NAME_MAX_LENGTH) {
    return { problem: `has a repository path of ${path.length} characters, over the ${REPOSITORY_NAME_MAX_LENGTH} allowed` };
  }
  if (digest !== undefined) {
    const [algorithm, hex] = digest.split(':');
    const length = DIGEST_HEX_LENGTHS[algorithm];
    if (length === undefined) {
      return { problem: `has a digest of algorithm '${algorithm}', which is not one of ${Object.keys(DIGEST_HEX_LENGTHS).join(', ')}` };
    }
    if (!new RegExp(`^[a-f0-9]{${length}}$`).test(hex)) {
      return { problem: `has a ${algorithm} digest that is not ${length} lowercase hex digits` };
    }
  }
  return { reference: { domain, path, tag, digest } };
}

/**
 * Why `value` is not an image reference pinned by a tag or a digest, or undefined
 * when it is one. Without either, the runtime pulls `:latest`, whatever it is that day.
 */
export function pinnedImageProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') {
    return 'is not a string';
  }
  const parsed = parseImageReference(value);
  if ('problem' in parsed) {
    return parsed.problem;
  }
  if (parsed.reference.tag === undefined && parsed.reference.digest === undefined) {
    return 'has no tag or digest, so the runtime would pull whatever :latest is';
  }
  return undefined;
}

/** What a pinned image reference looks like, for messages. */
export const PINNED_IMAGE_EXPECTED = 'an image reference [registry[:port]/]path:tag or path@sha256:<64 hex digits>, '
  + 'with a lowercase path, such as \'registry.k8s.io/etcd:3.6.9-0\'';

/**
 * A problem line for an image-valued option or prop, or none when the value is a pinned
 * reference. Only strings are checked: a value of another type is the props schema's to report.
 */
export function imageProblems(name: string, value: unknown): string[] {
  if (typeof value !== 'string') { return []; }
  const problem = pinnedImageProblem(value);
  return problem === undefined ? [] : [`${name} ${describeValue(value)} ${problem}; expected ${PINNED_IMAGE_EXPECTED}`];
}

