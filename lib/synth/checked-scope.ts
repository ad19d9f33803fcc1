import { Construct } from 'constructs';
import { describeValue } from './describe-value';
import { ValidationError } from './validation-error';

/**
 * The scope of a construct about to be made, once it is known that the constructs library will
 * accept it: `new Construct(scope, id)` throws a plain `Error` ("There is already a Construct with
 * name ...") for an id that a sibling has, and a TypeError for a scope that is not a construct, before
 * the subclass's constructor can catch anything. Our public constructors call this in their `super`
 * call's arguments, `super(checkedScope(scope, id, new.target.name), id)`, so that the user gets one
 * {@link ValidationError} with the construct path, the bad value and what was expected instead.
 *
 * It throws at once, not at synth: the tree cannot hold two children with the same id, a
 * construct without a scope is in no cluster's tree, and a bound tree takes no new construct.
 * @param kind the class being made, e.g. `KubeNodeTier`, for the message
 */
export function checkedScope<T>(scope: T, id: string, kind: string): T {
  const scopePath = Construct.isConstruct(scope) ? scope.node.path : '';
  if (typeof id !== 'string' || id === '') {
    throw new ValidationError([{
      constructPath: scopePath,
      message: `${kind} id is ${describeValue(id)}; expected a non-empty string, unique among the construct's siblings, such as 'node'`,
    }]);
  }
  // Without a scope it would be a root of its own, which no synth of the cluster ever sees: it would be dropped without a word.
  if (!Construct.isConstruct(scope)) {
    throw new ValidationError([{
      constructPath: id,
      message: `the scope of ${kind} '${id}' is ${describeValue(scope)}; expected a construct, such as the cluster`,
    }]);
  }
  if (scope.node.locked) {
    // The constructs library would throw its own "Cannot add children ... during synthesis".
    throw new ValidationError([{
      constructPath: scopePath,
      message: `cannot add ${withArticle(kind)} '${id}': the tree was bound by a synth or a render (synth(), render(), bind(), Testing.render(), `
        + 'Testing.synth(), even one that threw), which fixes it; expected every construct added before the first of them, or a new tree',
    }]);
  }
  const existing = scope.node.tryFindChild(id);
  if (existing) {
    const where = scopePath === '' ? 'the root' : scopePath;
    throw new ValidationError([{
      constructPath: existing.node.path,
      message: `id '${id}' is already taken: ${where} has ${withArticle(existing.constructor.name)} with that id, so ${withArticle(kind)} cannot have it too; `
        + `expected an id no other construct in ${where} has, such as '${freeId(scope, id)}'`,
    }]);
  }
  return scope;
}

/** `a KubeNodeTier`, `an Addon`. */
function withArticle(kind: string): string {
  return `${/^[AEIOU]/.test(kind) ? 'an' : 'a'} ${kind}`;
}

/** The first of `<id>-2`, `<id>-3`, ... that no child of the scope has. */
function freeId(scope: Construct, id: string): string {
  let n = 2;
  while (scope.node.tryFindChild(`${id}-${n}`)) { n++; }
  return `${id}-${n}`;
}
