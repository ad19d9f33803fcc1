import { expect } from 'chai';
import { ExecCommand, SystemdUnit } from '../../lib';
import { escapeDirectiveValue, escapeExecArg } from '../../lib/formats/systemd-unit';
import { parseUnit } from '../support/unit-syntax';

describe('systemd units', () => {
  it('doubles % so specifiers are not expanded', () => {
    expect(escapeDirectiveValue('100% done')).to.equal('100%% done');
    expect(escapeExecArg('--fmt=%h')).to.equal('--fmt=%%h');
  });

  it('keeps ${NAME} environment references and doubles any other $', () => {
    expect(escapeExecArg('--address=${COREOS_PUBLIC_IPV4}')).to.equal('--address=${COREOS_PUBLIC_IPV4}');
    expect(escapeExecArg('$(reboot)')).to.equal('$$(reboot)');
    expect(escapeExecArg('$HOME')).to.equal('$$HOME');
  });

  it('quotes arguments with spaces or quotes', () => {
    expect(escapeExecArg('{"Network":"10.11.0.0/16"}')).to.equal('\'{"Network":"10.11.0.0/16"}\'');
    expect(escapeExecArg("it's")).to.equal('"it\'s"');
    expect(escapeExecArg('a "b" \\ c')).to.equal('"a \\"b\\" \\\\ c"');
  });

  it('fails when a value or argument would break the line', () => {
    expect(() => escapeDirectiveValue('a\nExecStart=/bin/sh')).to.throw(/single lines/);
    expect(() => escapeExecArg('--a=b\n')).to.throw(/single lines/);
    expect(() => escapeExecArg('')).to.throw(/non-empty/);
  });

  it('keeps a short command on one line', () => {
    expect(ExecCommand.of('/usr/bin/install', '-d', '-m', '0700', '/var/lib/etcd').render()).to.equal('/usr/bin/install -d -m 0700 /var/lib/etcd');
  });

  it('puts each --flag of a long command on its own continued line, and reads back the same command', () => {
    const flags = ['--config=/etc/kubernetes/kubelet-config.yaml', '--kubeconfig=/etc/kubernetes/kubelet.conf', '--node-ip=192.168.56.21'];
    const unit = SystemdUnit.of({ name: 'Service', directives: [['ExecStart', ExecCommand.of('/opt/bin/kubelet', ...flags, 'positional', 'next')]] });
    expect(unit.render()).to.equal(`[Service]\nExecStart=/opt/bin/kubelet \\\n  ${flags.join(' \\\n  ')} \\\n  positional next\n`);
    expect(parseUnit(unit.render())).to.deep.equal({
      sections: [{ name: 'Service', directives: [['ExecStart', ['/opt/bin/kubelet', ...flags, 'positional', 'next'].join(' ')]] }], problems: [],
    });
  });

  it('fails when unit text has an unknown section, a bare line or a stray continuation', () => {
    expect(parseUnit('[Servce]\nA=b\n').problems).to.deep.equal(['line 1: unknown section [Servce]']);
    expect(parseUnit('[Unit]\nnot a directive\n').problems).to.deep.equal(["line 2: 'not a directive' is not Key=value"]);
    expect(parseUnit('[Service]\nExecStart=/bin/true \\\n\n[Unit]\n').problems).to.deep.equal(["line 2: stray '\\' continuation at the end of ExecStart="]);
    expect(parseUnit('A=b\n').problems).to.deep.equal(['line 1: A= comes before any [Section]']);
  });
});
