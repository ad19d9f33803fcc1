import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { Testing } from '../../lib';
import { otherCluster, seedFiles } from '../support/fixtures';
import { decodePng } from '../support/png';
import { requireTool } from '../support/required-tool';
import { twentyFiveVms } from './runbook-fixtures';

interface Element {
  [key: string]: unknown;
}

/** Parses the SVG keeping attributes, and returns every `<g class="vm">` with its texts. */
function parseSvg(svg: string): { root: Element; vms: Array<{ tier: string; name: string; ip: string; texts: string[] }> } {
  const validation = XMLValidator.validate(svg);
  expect(validation, JSON.stringify(validation)).to.equal(true);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: name => ['g', 'text', 'rect', 'line', 'path'].includes(name), parseAttributeValue: false });
  const root = parser.parse(svg).svg as Element;
  const textsOf = (element: Element): string[] => [
    ...((element.text as Element[] | undefined) ?? []).map(t => String(t['#text'])),
    ...((element.g as Element[] | undefined) ?? []).flatMap(textsOf),
  ];
  const vms = (root.g as Element[]).filter(g => g['@class'] === 'tier').flatMap(tier =>
    (tier.g as Element[]).filter(g => g['@class'] === 'vm').map(vm => ({
      tier: String(tier['@data-tier']), name: String(vm['@data-name']), ip: String(vm['@data-ip']), texts: textsOf(vm),
    })));
  return { root, vms };
}

describe('topology.svg', () => {
  it('is well-formed XML, one group per tier holding one group per VM, each labelled with its name and address', () => {
    const { root, vms } = parseSvg(seedFiles()['topology.svg']);
    expect(root['@xmlns']).to.equal('http://www.w3.org/2000/svg');
    expect(vms.map(vm => [vm.tier, vm.name, vm.ip])).to.deep.equal([
      ['etcd', 'etcd-01', '10.10.10.11'], ['etcd', 'etcd-02', '10.10.10.12'], ['etcd', 'etcd-03', '10.10.10.13'],
      ['node', 'node-01', '10.10.10.100'], ['node', 'node-02', '10.10.10.101'], ['node', 'node-03', '10.10.10.102'], ['node', 'node-04', '10.10.10.103'],
    ]);
    for (const vm of vms) {
      expect(vm.texts, vm.name).to.include.members([vm.name, `eth1 ${vm.ip}`]);
    }
    const master = vms.find(vm => vm.name === 'node-01')!;
    expect(master.texts).to.include.members(['kube master', 'pod kube-master', 'apiserver', 'controller-manager', 'scheduler', 'kubelet', 'fleet', 'etcd2 proxy']);
    expect(vms[0].texts).to.include.members(['etcd peer', 'etcd2 peer']);
  });

  it('contains every VM and address of another cluster, and of a 25-VM cluster', () => {
    const other = parseSvg(Testing.render(otherCluster())['topology.svg']).vms;
    expect(other.map(vm => vm.name)).to.deep.equal([1, 2, 3, 4, 5].map(i => `kv-0${i}`).concat([1, 2, 3, 4, 5, 6].map(i => `worker-0${i}`)));
    expect(other.map(vm => vm.texts.find(t => t.startsWith('eth1 ')))).to.deep.equal(
      [21, 22, 23, 24, 25, 51, 52, 53, 54, 55, 56].map(octet => `eth1 192.168.56.${octet}`));
    const big = parseSvg(Testing.render(twentyFiveVms())['topology.svg']);
    expect(big.vms).to.have.length(25);
    expect(new Set(big.vms.map(vm => vm.ip)).size).to.equal(25);
  });

  it('is deterministic and uses no absolute paths or scripts', () => {
    const svg = Testing.render(twentyFiveVms())['topology.svg'];
    expect(Testing.render(twentyFiveVms())['topology.svg']).to.equal(svg);
    expect(svg).not.to.match(/<script|javascript:|href=/);
  });

  describe('rendered in headless Chromium', () => {
    let tmp: string;
    before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-vagrant-kubernetes-svg-')); });
    after(() => { fs.rmSync(tmp, { recursive: true, force: true }); });

    /** Screenshots an SVG at its own size and decodes the PNG. */
    function screenshot(name: string, svg: string) {
      const width = Number(/<svg[^>]* width="(\d+)"/.exec(svg)![1]);
      const height = Number(/<svg[^>]* height="(\d+)"/.exec(svg)![1]);
      const svgPath = path.join(tmp, `${name}.svg`);
      const pngPath = path.join(tmp, `${name}.png`);
      fs.writeFileSync(svgPath, svg);
      const run = spawnSync('chromium', [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--hide-scrollbars', `--user-data-dir=${path.join(tmp, `profile-${name}`)}`,
        `--screenshot=${pngPath}`, `--window-size=${width},${height}`, `file://${svgPath}`,
      ], { encoding: 'utf-8', timeout: 60_000 });
      expect(fs.existsSync(pngPath), `chromium wrote no PNG (status ${run.status}): ${run.stderr}`).to.equal(true);
      return { width, height, png: decodePng(fs.readFileSync(pngPath)) };
    }

    /** Pixels within a small distance of a colour. */
    function countNear(png: ReturnType<typeof decodePng>, hex: string, distance = 24): number {
      const target = [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16));
      let n = 0;
      for (let y = 0; y < png.height; y++) {
        for (let x = 0; x < png.width; x++) {
          const rgb = png.rgb(x, y);
          if (Math.abs(rgb[0] - target[0]) + Math.abs(rgb[1] - target[1]) + Math.abs(rgb[2] - target[2]) <= distance) { n++; }
        }
      }
      return n;
    }

    it('draws a non-trivial picture of the seed cluster: boxes in each role colour, and text', function () {
      requireTool(this, 'chromium', 'apt-get install -y --no-install-recommends chromium');
      const { width, height, png } = screenshot('default', seedFiles()['topology.svg']);
      expect([png.width, png.height]).to.deep.equal([width, height]);
      const total = png.width * png.height;
      const white = countNear(png, '#ffffff', 6);
      expect(1 - white / total, 'share of drawn pixels').to.be.within(0.05, 0.6);
      // The header bands of the etcd peers, the master and the minions (solid fills), their outlines, and dark text.
      expect(countNear(png, '#fdf3e1', 6), 'etcd peer headers').to.be.greaterThan(3 * 100 * 30);
      expect(countNear(png, '#e6effa', 6), 'master header').to.be.greaterThan(100 * 30);
      expect(countNear(png, '#e3f3e9', 6), 'minion headers').to.be.greaterThan(3 * 100 * 30);
      expect(countNear(png, '#b7791f', 90), 'etcd peer outlines').to.be.greaterThan(200);
      expect(countNear(png, '#2f855a', 90), 'minion outlines').to.be.greaterThan(200);
      expect(countNear(png, '#1a202c', 90), 'text').to.be.greaterThan(2000);
      // The top-left corner is background, the network bar is drawn where the SVG says.
      expect(png.rgb(2, 2)).to.deep.equal([255, 255, 255]);
    });

    it('draws all 25 VMs of a large cluster, every row hanging off its network bar', function () {
      requireTool(this, 'chromium', 'apt-get install -y --no-install-recommends chromium');
      const svg = Testing.render(twentyFiveVms())['topology.svg'];
      const { png } = screenshot('large', svg);
      const bars = [...svg.matchAll(/<rect x="24" y="([\d.]+)" width="[\d.]+" height="30" rx="6" fill="#edf2f7"/g)].map(m => Number(m[1]));
      expect(bars.length).to.be.greaterThan(2);
      for (const y of bars) {
        expect(png.rgb(40, Math.round(y + 15)), `bar at y=${y}`).to.deep.equal([0xed, 0xf2, 0xf7]);
      }
      expect(countNear(png, '#e3f3e9', 6), 'minion headers').to.be.greaterThan(21 * 100 * 30);
    });
  });
});
