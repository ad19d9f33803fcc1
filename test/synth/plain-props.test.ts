import { expect } from 'chai';
import { Construct } from 'constructs';
import * as vm from 'node:vm';
import { MAX_DEPTH, plainProps } from '../../lib/synth/plain-props';

describe('plainProps', () => {
  it('copies plain objects and arrays at any depth, so that a later change to the props changes nothing', () => {
    const props = { count: 2, labels: { team: 'a' }, taints: [{ key: 'k', effect: 'NoSchedule' }], none: undefined };
    const { props: copied, problems } = plainProps(props);
    props.labels.team = 'b';
    props.taints[0].key = 'changed';
    expect(copied).to.deep.equal({ count: 2, labels: { team: 'a' }, taints: [{ key: 'k', effect: 'NoSchedule' }], none: undefined });
    expect(problems).to.deep.equal([]);
  });

  it('leaves out the undefined values of objects when asked, as JSON and YAML do, and keeps those of arrays', () => {
    const props = { config: { a: undefined, b: { c: undefined, d: 1 }, list: [undefined, 2] }, none: undefined };
    expect(plainProps(props, { omitUndefined: true }).props).to.deep.equal({ config: { b: { d: 1 }, list: [undefined, 2] } });
    expect(Object.keys(plainProps(props, { omitUndefined: true }).props.config)).to.deep.equal(['b', 'list']);
    expect(Object.keys(plainProps(props).props.config)).to.deep.equal(['a', 'b', 'list']);
  });

  it('keeps instances of classes as the same objects, and values that are not objects as they are', () => {
    const scope = new Construct(undefined as any, 'root');
    const when = new Date(0);
    const define = (): void => undefined;
    const { props: copied } = plainProps({ scope, when, define, text: 'x', n: 1, yes: true, nothing: null });
    expect(copied.scope).to.equal(scope);
    expect(copied.when).to.equal(when);
    expect(copied.define).to.equal(define);
    expect(plainProps(5).props).to.equal(5);
    expect(plainProps(undefined).props).to.equal(undefined);
  });

  it('keeps a prototype of null, and a key named __proto__ as a key', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.a = 1;
    const { props: copied } = plainProps({ bare, tricky: JSON.parse('{"__proto__": {"polluted": true}}') as object });
    expect(Object.getPrototypeOf(copied.bare)).to.equal(null);
    expect(Object.keys(copied.tricky)).to.deep.equal(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('copies a value that two places share twice, and reports one that refers back to itself with both places', () => {
    const shared = { a: 1 };
    const twice = plainProps({ x: shared, y: [shared] });
    expect(twice.props).to.deep.equal({ x: { a: 1 }, y: [{ a: 1 }] });
    expect(twice.problems).to.deep.equal([]);
    const cyclic: Record<string, unknown> = { name: 'x', list: [] as unknown[] };
    (cyclic.list as unknown[]).push(cyclic);
    const { props: copied, problems } = plainProps({ config: cyclic });
    expect(problems).to.deep.equal(['config.list[0] refers back to config, so it has no end; expected plain data without cycles']);
    expect(copied).to.deep.equal({ config: { name: 'x', list: [undefined] } });
    const self: unknown[] = [];
    self.push(self);
    expect(plainProps(self).problems).to.deep.equal(['[0] refers back to the props themselves, so it has no end; expected plain data without cycles']);
  });

  it('reports what cannot be read, by its place, and copies the rest', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const getter = Object.defineProperty({ ok: 1 }, 'bad', { enumerable: true, get: () => { throw new Error('not now'); } });
    const traps = new Proxy({}, { ownKeys: () => { throw new Error('no keys'); } });
    const { props: copied, problems } = plainProps({ getter, list: ['a', proxy, 'c'], traps });
    expect(copied).to.deep.equal({ getter: { ok: 1 }, list: ['a', undefined, 'c'] });
    expect(problems).to.have.lengthOf(3);
    expect(problems[0]).to.equal("getter.bad can't be read (not now); expected plain data: objects, arrays, strings, numbers, booleans");
    expect(problems[1]).to.match(/^list\[1\] can't be read \(.*revoked.*\)/);
    expect(problems[2]).to.match(/^traps can't be read \(no keys\)/);
    expect(plainProps(proxy)).to.deep.include({ props: undefined });
    expect(plainProps(proxy).problems[0]).to.match(/^the props can't be read/);
  });

  it('copies plain objects of another realm as plain data', () => {
    const foreign = vm.runInNewContext('({ coreos: { units: [{ name: "a" }] } })') as Record<string, unknown>;
    const { props: copied } = plainProps({ config: foreign });
    expect(copied.config).to.not.equal(foreign);
    expect(copied.config).to.deep.equal({ coreos: { units: [{ name: 'a' }] } });
  });

  it(`reports data nested deeper than ${MAX_DEPTH} levels, by the first and last keys of its place`, () => {
    let deep: Record<string, unknown> = { end: true };
    for (let i = 0; i < 5000; i++) { deep = { a: deep }; }
    const { props: copied, problems } = plainProps({ labels: deep });
    expect(problems).to.deep.equal([`labels.a.a.a.a.a...a.a.a is nested more than ${MAX_DEPTH} levels deep; expected plain data at most ${MAX_DEPTH} levels deep`]);
    let depth = 0;
    for (let at: any = copied.labels; at !== undefined; at = at.a) { depth++; }
    expect(depth).to.equal(MAX_DEPTH - 1);
  });

  it('keeps the live props as the same objects, and names the value in its places when given a name', () => {
    const source = { get fleetMachines(): unknown[] { return []; } };
    expect(plainProps({ machines: source, folder: 'kube' }, { live: ['machines'] }).props.machines).to.equal(source);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(plainProps(cyclic, { name: 'machines' }).problems).to.deep.equal(['machines.self refers back to machines, so it has no end; expected plain data without cycles']);
  });

  it('reports, besides its own problems, the other problems less those about a place it left out', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const copy = plainProps({ containers: [proxy], etcd: proxy, image: 'x' });
    expect(copy.report([
      'containers[0] is undefined; expected a value of type object',
      "is missing 'etcd'",
      "is missing 'folder'",
      'image x is not pinned',
      'containers[1].name is missing',
    ])).to.deep.equal([
      ...copy.problems,
      "is missing 'folder'",
      'image x is not pinned',
      'containers[1].name is missing',
    ]);
    expect(copy.problems).to.have.lengthOf(2);
    // A problem that names a left-out place but says something else is kept: a key with a dot, a message that starts with the name.
    const getter = { get: () => { throw new Error('not now'); }, enumerable: true };
    const named = plainProps(Object.defineProperty({ 'a.b': 1 }, 'a', getter), { name: 'config' });
    expect(named.report(['config.a is undefined', 'config.a.b is the bigint 1n', 'config.a overlaps config.c'])).to.deep.equal([
      ...named.problems, 'config.a.b is the bigint 1n', 'config.a overlaps config.c',
    ]);
    const whole = plainProps(proxy);
    expect(whole.report(["is missing 'filePath'", "id 'x' is not a valid pod name"])).to.deep.equal([...whole.problems, "id 'x' is not a valid pod name"]);
  });
});
