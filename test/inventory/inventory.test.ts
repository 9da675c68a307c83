import { describe, expect, it } from 'vitest';
import { joiningSpec } from '../../src/inventory/joining.js';
import {
  InventoryError,
  parseInventory,
  selectNodes,
  walRulesVersion,
} from '../../src/inventory/load.js';
import { nodeSpec } from '../../src/inventory/spec.js';
import { runContainer } from '../../src/runtime/docker.js';

const ELASTICKV = `
engine: elastickv
nodes:
  - { id: n1, host: 10.0.0.1 }
  - { id: n2, host: 10.0.0.2 }
  - { id: n3, host: 10.0.0.3, ssh: deploy@db3 }
ssh:
  user: deploy
  knownHostsFile: ./known_hosts
container:
  name: elastickv
  image: ghcr.io/bootjp/elastickv:v1
  dataDir: /var/lib/elastickv
`;

describe('inventory', () => {
  const inv = parseInventory(ELASTICKV, '/etc/raftroll/prod.yml');

  it('applies the elastickv preset: the flags its own deploy script passes', () => {
    const s = nodeSpec(inv, inv.nodes[1]!);
    expect(s.args).toEqual([
      '/app',
      '--address',
      '10.0.0.2:50051',
      '--redisAddress',
      '10.0.0.2:6379',
      '--dynamoAddress',
      '10.0.0.2:8000',
      '--raftId',
      'n2',
      '--raftEngine',
      'etcd',
      '--raftDataDir',
      '/var/lib/elastickv',
      '--raftRedisMap',
      '10.0.0.1:50051=10.0.0.1:6379,10.0.0.2:50051=10.0.0.2:6379,10.0.0.3:50051=10.0.0.3:6379',
    ]);
    expect(s.volumes).toEqual(['/var/lib/elastickv:/var/lib/elastickv']);
    expect(inv.ssh?.knownHostsFile).toBe('/etc/raftroll/known_hosts');
  });

  it('defaults to --memory 2500m and GOMEMLIMIT=1800MiB', () => {
    const s = nodeSpec(inv, inv.nodes[0]!);
    expect(s.memory).toBe('2500m');
    expect(s.env).toEqual({ GOMEMLIMIT: '1800MiB' });
    const argv = runContainer(s);
    expect(argv.slice(argv.indexOf('--memory'), argv.indexOf('--memory') + 2)).toEqual([
      '--memory',
      '2500m',
    ]);
  });

  it('lets both defaults be overridden, and switched off with "none"', () => {
    expect(
      nodeSpec(inv, inv.nodes[0]!, { memory: '4g', extraEnv: 'GOMEMLIMIT=3GiB\nFOO=bar' }),
    ).toMatchObject({
      memory: '4g',
      env: { GOMEMLIMIT: '3GiB', FOO: 'bar' },
    });
    const off = nodeSpec(inv, inv.nodes[0]!, { memory: 'none', defaultEnv: 'none' });
    expect(off.memory).toBeUndefined();
    expect(off.env).toEqual({});
    expect(runContainer(off)).not.toContain('--memory');
  });

  it('refuses a GOMEMLIMIT that does not fit under the memory limit', () => {
    expect(() => nodeSpec(inv, inv.nodes[0]!, { memory: '1g' })).toThrow(
      /GOMEMLIMIT=1800MiB \(1800 MiB\) is not below the container memory limit 1g \(1024 MiB\)/,
    );
  });

  it('changes the fingerprint when the image or env changes, not otherwise', () => {
    const a = nodeSpec(inv, inv.nodes[0]!);
    expect(nodeSpec(inv, inv.nodes[0]!).labels['org.raftroll.fingerprint']).toBe(
      a.labels['org.raftroll.fingerprint'],
    );
    expect(
      nodeSpec(inv, inv.nodes[0]!, { image: 'x:2' }).labels['org.raftroll.fingerprint'],
    ).not.toBe(a.labels['org.raftroll.fingerprint']);
  });

  it('names an unknown node instead of skipping it', () => {
    expect(selectNodes(inv, ['n3', 'n1']).map((n) => n.id)).toEqual(['n3', 'n1']);
    expect(() => selectNodes(inv, ['n4'])).toThrow(
      /node "n4" is not in \/etc\/raftroll\/prod\.yml: expected one of n1, n2, n3/,
    );
  });

  it.each([
    [
      'engine: etcd\nnodes: []\ncontainer: {name: db, image: b, dataDir: /c}\n',
      /line 2: nodes: Too small/,
    ],
    [
      'engine: consul\nnodes: [{id: a, host: b}]\ncontainer: {name: db, image: b, dataDir: /c}\n',
      /line 1: engine: Invalid option: expected one of "etcd"\|"elastickv"/,
    ],
    [
      'engine: etcd\nnodes:\n  - id: a\n    hots: b\ncontainer: {name: db, image: b, dataDir: /c}\n',
      /line 3: nodes\.0/,
    ],
    [
      'engine: etcd\nnodes: [{id: a, host: b}, {id: a, host: c}]\ncontainer: {name: db, image: b, dataDir: /c}\n',
      /inv\.yml: nodes "a" and "a" have the same id "a": ids must be unique/,
    ],
    ['engine: etcd\n  nodes: - [\n', /not valid YAML/],
  ])('reports bad input with the line and the field (%#)', (text, message) => {
    expect(() => parseInventory(text, 'inv.yml')).toThrow(InventoryError);
    expect(() => parseInventory(text, 'inv.yml')).toThrow(message);
  });

  it('takes the WAL rules from the caller, then the inventory; for etcd it will not guess', () => {
    expect(walRulesVersion(inv)).toBe('3.7'); // elastickv ships 3.7
    const etcd = parseInventory(
      'engine: etcd\nnodes: [{id: a, host: h}]\ncontainer: {name: db, image: b, dataDir: /c}\n',
      'e.yml',
    );
    expect(() => walRulesVersion(etcd)).toThrow(/engine etcd: give etcdVersion/);
    expect(walRulesVersion(etcd, '3.5')).toBe('3.5');
    expect(walRulesVersion({ ...etcd, etcdVersion: '3.4' })).toBe('3.4');
  });

  it('a re-seeded member joins the running cluster instead of founding a new one', () => {
    const etcd = parseInventory(
      'engine: etcd\nnodes: [{id: a, host: h}]\ncontainer: {name: db, image: b, dataDir: /d}\n',
      'e.yml',
    );
    // The preset itself joins (`existing`); an inventory that founds the cluster says `new`.
    const preset = nodeSpec(etcd, etcd.nodes[0]!);
    const founding = {
      ...preset,
      args: [
        ...preset.args.map((x) => (x === 'existing' ? 'new' : x)),
        '--initial-cluster-state=new',
      ],
    };
    const self = [{ id: '1', name: 'a', address: 'http://h:2380', voter: false }];
    const joined = joiningSpec(etcd, founding, self, 'a', 'http://h:2380');
    expect(joined.args).toEqual(preset.args);
    expect(joined.args.slice(-2)).toEqual(['--initial-cluster-state', 'existing']);
    // The fingerprint follows the args actually run.
    expect(joined.labels['org.raftroll.fingerprint']).toBe(
      preset.labels['org.raftroll.fingerprint'],
    );
    const ekv = nodeSpec(inv, inv.nodes[0]!);
    const withBootstrap = {
      ...ekv,
      args: [...ekv.args, '--raftBootstrap', '--raftBootstrap=true', '--raftBootstrapMembers', 'x'],
    };
    const ekvJoined = joiningSpec(inv, withBootstrap, [], 'n1', '10.0.0.1:50051');
    expect(ekvJoined.args).toEqual([
      ...ekv.args,
      '--raftJoinAsLearner',
      '--raftJoinMembers',
      'n1=10.0.0.1:50051',
    ]);
  });

  it('refuses a host that ssh would read as an option', () => {
    const bad =
      'engine: etcd\nnodes: [{id: a, host: "-oProxyCommand=touch /tmp/x"}]\ncontainer: {name: db, image: b, dataDir: /c}\n';
    expect(() => parseInventory(bad, 'x.yml')).toThrow(
      /line 2: nodes\.0\.host: must be a DNS name or an IP address \(letters, digits, \. - _; never starting with "-"\)/,
    );
  });

  it('reports an unknown placeholder with the node and the field', () => {
    const bad = parseInventory(`${ELASTICKV}  args: ["--x={{nope}}"]\n`, 'inv.yml');
    expect(() => nodeSpec(bad, bad.nodes[0]!)).toThrow(
      /inv\.yml: node n1: container\.args\[0\]: "\{\{nope\}\}" is not a known value/,
    );
  });
});
