// Hostile inputs at every door raftroll has: the inventory, its overrides, rolling-update.sh's
// variables, env text, the ssh command line, remote paths and secret action inputs. Each row
// says what must happen (refused with a message naming the bad thing, or carried literally),
// and every message is checked for the secret that rides along in the same input.

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { parseInventory } from '../../src/inventory/load.js';
import { inventoryFromScriptEnv } from '../../src/inventory/script-env.js';
import { nodeSpec, type Overrides } from '../../src/inventory/spec.js';
import type { Host, RunResult } from '../../src/remote/host.js';
import { absolutePath, HostFiles } from '../../src/remote/host-files.js';
import { quoteCommand } from '../../src/remote/quote.js';
import { SshHost, type SshSettings } from '../../src/remote/ssh.js';
import { envFileText, type RunSpec, runContainer } from '../../src/runtime/docker.js';
import { parseEnvLines } from '../../src/runtime/env.js';
import { cleanupTmp, tmp } from '../helpers/tmp.js';

const masked: string[] = [];
vi.mock('@actions/core', () => ({ setSecret: (s: string) => masked.push(s) }));
const { maskKey, maskSecretLines } = await import('../../src/actions/input-helpers.js');

afterAll(() => cleanupTmp());

const SECRET = 'S3CR3T-hunter2-value';
const SOURCE = '/etc/raftroll/prod.yml';

// biome-ignore lint/suspicious/noExplicitAny: rows reach into any part of the inventory
type Doc = any;
const base = (): Doc => ({
  engine: 'etcd',
  etcdVersion: '3.5',
  nodes: [
    { id: 'n1', host: '10.0.0.1' },
    { id: 'n2', host: '10.0.0.2' },
    { id: 'n3', host: 'db3.example.com', ssh: 'ops@db3' },
  ],
  ssh: { user: 'deploy', knownHostsFile: './known_hosts', connectTimeoutSec: 10 },
  container: {
    name: 'etcd',
    image: 'quay.io/coreos/etcd:v3.5.9',
    dataDir: '/var/lib/etcd',
    env: { API_TOKEN: SECRET },
  },
});

type Outcome = { error: string } | { specs: RunSpec[] };

/** Loads the inventory and builds every node's spec, as a rollout does before touching one. */
function attempt(mutate: (d: Doc) => void, o: Overrides = {}): Outcome {
  const d = base();
  mutate(d);
  try {
    const inv = parseInventory(stringify(d), SOURCE);
    return { specs: inv.nodes.map((n) => nodeSpec(inv, n, o)) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function refused(out: Outcome, message: RegExp): string {
  if (!('error' in out)) throw new Error(`expected a refusal matching ${message}, it was accepted`);
  expect(out.error).toMatch(message);
  expect(out.error).not.toContain(SECRET);
  return out.error;
}

function accepted(out: Outcome): RunSpec[] {
  if ('error' in out) throw new Error(`expected acceptance, got: ${out.error}`);
  return out.specs;
}

const set =
  (path: string, value: unknown) =>
  (d: Doc): void => {
    const keys = path.split('.');
    let o = d;
    for (const k of keys.slice(0, -1)) o = o[k] ??= {};
    o[keys.at(-1)!] = value;
  };

describe('inventory: refused before anything runs, naming the field', () => {
  const rows: [string, (d: Doc) => void, RegExp][] = [
    // ssh would read these as options, or a shell as commands.
    [
      'host as an ssh option',
      set('nodes.0.host', '-oProxyCommand=touch /tmp/x'),
      /line \d+: nodes\.0\.host: must be a DNS name or an IP address/,
    ],
    ['host with ;', set('nodes.0.host', 'h1;id'), /nodes\.0\.host: must be a DNS name/],
    ['host with $(...)', set('nodes.0.host', '$(id)'), /nodes\.0\.host: must be a DNS name/],
    ['host with backticks', set('nodes.0.host', '`id`'), /nodes\.0\.host: must be a DNS name/],
    ['host with a quote', set('nodes.0.host', "h'1"), /nodes\.0\.host: must be a DNS name/],
    ['host with a newline', set('nodes.0.host', 'h1\nh2'), /nodes\.0\.host: must be a DNS name/],
    ['host as a URI', set('nodes.0.host', 'ssh://h1:22'), /nodes\.0\.host: must be a DNS name/],
    [
      'ssh target as an option',
      set('nodes.2.ssh', '-oProxyCommand=touch /tmp/x'),
      /nodes\.2\.ssh: must be host or user@host/,
    ],
    [
      'ssh target whose host is an option',
      set('nodes.2.ssh', 'ops@-oProxyCommand=x'),
      /nodes\.2\.ssh: must be host or user@host/,
    ],
    [
      'ssh target whose user is an option',
      set('nodes.2.ssh', '-oProxyCommand=x@db3'),
      /nodes\.2\.ssh: must be host or user@host/,
    ],
    ['ssh target as a URI', set('nodes.2.ssh', 'ssh://ops@db3:2222'), /nodes\.2\.ssh/],
    [
      'ssh.user as an option',
      set('ssh.user', '-oProxyCommand=touch /tmp/x'),
      /line \d+: ssh\.user: must be a login name/,
    ],
    ['ssh.user with ;', set('ssh.user', 'root;id'), /ssh\.user: must be a login name/],
    ['ssh.user with $(...)', set('ssh.user', '$(id)'), /ssh\.user: must be a login name/],
    ['connect timeout 0', set('ssh.connectTimeoutSec', 0), /ssh\.connectTimeoutSec/],
    ['connect timeout huge', set('ssh.connectTimeoutSec', 1e9), /ssh\.connectTimeoutSec/],
    ['connect timeout fraction', set('ssh.connectTimeoutSec', 1.5), /ssh\.connectTimeoutSec/],
    ['ssh option with a newline', set('ssh.options', ['ProxyJump=b\nx']), /ssh\.options\.0/],
    ['ssh option as a flag', set('ssh.options', ['-oProxyCommand=x']), /ssh\.options\.0/],
    ['known_hosts with a space', set('ssh.knownHostsFile', './a b'), /ssh\.knownHostsFile/],
    ['known_hosts with %', set('ssh.knownHostsFile', '/etc/%d/kh'), /ssh\.knownHostsFile/],
    ['identity file with ..', set('ssh.identityFile', '../../id'), /ssh\.identityFile.*"\.\."/],
    // find and docker --volume read these.
    ['dataDir relative', set('container.dataDir', 'data'), /container\.dataDir: must be an abs/],
    ['dataDir as a find flag', set('container.dataDir', '-delete'), /container\.dataDir/],
    ['dataDir with ..', set('container.dataDir', '/var/../etc'), /container\.dataDir: must be n/],
    ['dataDir trailing /', set('container.dataDir', '/var/lib/etcd/'), /container\.dataDir/],
    ['dataDir with a newline', set('container.dataDir', '/var/lib\n/etc'), /container\.dataDir/],
    ['dataDir with :', set('container.dataDir', '/a:/etc'), /container\.dataDir.*":"/],
    ['container name with ;', set('container.name', 'etcd;id'), /container\.name/],
    ['container name with a newline', set('container.name', 'etcd\nx'), /container\.name/],
    ['container name as a flag', set('container.name', '-x'), /container\.name/],
    ['image with a newline', set('container.image', 'etcd\n-x'), /container\.image/],
    ['image as a flag', set('container.image', '--privileged'), /container\.image/],
    ['image with $(...)', set('container.image', 'etcd$(id)'), /container\.image/],
    ['restart with ;', set('container.restart', 'always; id'), /container\.restart/],
    ['stop grace 0', set('container.stopGraceSeconds', 0), /container\.stopGraceSeconds/],
    ['stop grace a day', set('container.stopGraceSeconds', 86400), /stopGraceSeconds/],
    // Ids and addresses that would let two nodes be taken for one another.
    [
      'ids equal once sanitized',
      (d) => {
        d.nodes[0].id = 'a b';
        d.nodes[1].id = 'a_b';
      },
      /nodes "a b" and "a_b" have the same id once made safe for file and socket names/,
    ],
    [
      'ids differing in case only',
      (d) => {
        d.nodes[0].id = 'Node';
        d.nodes[1].id = 'node';
      },
      /nodes "Node" and "node" have the same id once made safe/,
    ],
    ['a repeated id', set('nodes.1.id', 'n1'), /nodes "n1" and "n1" have the same id "n1"/],
    ['id with ,', set('nodes.0.id', 'n1,x=http://evil:2380'), /nodes\.0\.id: must not contain/],
    ['id with a newline', set('nodes.0.id', 'n1\nn2'), /nodes\.0\.id: must not contain control/],
    [
      'one host for two nodes',
      set('nodes.1.host', '10.0.0.1'),
      /nodes "n1" and "n2" have the same host 10\.0\.0\.1: each node needs its own address/,
    ],
    [
      'one ssh destination for two nodes',
      set('nodes.1.ssh', 'ops@DB3'),
      /nodes "n2" and "n3" have the same ssh destination ops@db3: each node must be reached/,
    ],
    [
      'an explicit target equal to a derived one',
      set('nodes.2.ssh', 'deploy@10.0.0.1'),
      /nodes "n1" and "n3" have the same ssh destination/,
    ],
    // Values that pass the schema but would cost a stop and a rollback.
    [
      'GOMEMLIMIT with decimals',
      set('container.env.GOMEMLIMIT', '1.5GiB'),
      /GOMEMLIMIT "1\.5GiB" is not a Go memory limit/,
    ],
    ['GOMEMLIMIT beyond int64', set('container.env.GOMEMLIMIT', '9999999TiB'), /than Go can/],
    ['a huge --memory', set('container.memory', '99999999999999999999g'), /above 1 PiB/],
    ['a fractional --memory', set('container.memory', '1.5g'), /not a Docker memory size/],
    // Env values docker's env file cannot carry literally: named by key, never shown.
    [
      'a secret with a line break',
      set('container.env.API_TOKEN', `${SECRET}\nMORE=x`),
      /node n1: container env: the value of API_TOKEN contains a line break/,
    ],
    [
      'a secret ending in CR',
      set('container.env.API_TOKEN', `${SECRET}\r`),
      /the value of API_TOKEN ends with a carriage return/,
    ],
    [
      'a quoted secret',
      set('container.env.API_TOKEN', `"${SECRET}"`),
      /the value of API_TOKEN starts and ends with "/,
    ],
    [
      'an env key with a shell command',
      set('container.env', { 'X;id': SECRET }),
      /"X;id" is not a valid environment variable name/,
    ],
  ];
  it.each(rows)('%s', (_name, mutate, message) => {
    refused(attempt(mutate), message);
  });
});

describe('inventory: carried literally, as one argument', () => {
  const nasty = `$(touch /tmp/pwned) \`id\` ; | && 'q' "d" é`;
  it.each([
    ['an env value full of shell syntax', 'container.env.API_TOKEN', nasty],
    ['a label value with ;', 'container.labels', { team: 'db; rm -rf /' }],
    ['a node var with $(...)', 'nodes.0.vars', { zone: '$(id)' }],
    ['a dataDir with spaces and ;', 'container.dataDir', '/srv/my data;x'],
    ['an ssh_config alias with _', 'nodes.2.ssh', 'db_3'],
    ['an IPv6 host', 'nodes.0.host', 'fd00::1'],
  ])('%s', (_name, path, value) => {
    const [s] = accepted(
      attempt((d) => {
        set(path, value)(d);
        if (path === 'nodes.0.vars') {
          d.container.args = ['--zone={{vars.zone}}'];
          for (const n of d.nodes.slice(1)) n.vars = { zone: 'z' };
        }
      }),
    );
    const argv = runContainer(s!, '/tmp/env');
    if (path === 'container.env.API_TOKEN') {
      expect(argv.join('\n')).not.toContain('pwned');
      expect(envFileText(s!.env)).toBe(`API_TOKEN=${nasty}\nGOMEMLIMIT=1800MiB\n`);
    }
    if (path === 'container.labels') expect(argv).toContain('team=db; rm -rf /');
    if (path === 'nodes.0.vars') expect(argv).toContain('--zone=$(id)');
    if (path === 'container.dataDir') expect(argv).toContain('/srv/my data;x:/srv/my data;x');
  });

  it('keeps a value with a lone quote, an inner quote pair and a trailing space', () => {
    const [s] = accepted(attempt(set('container.env', { A: '"', B: 'x "y" z', C: ' v ' })));
    expect(envFileText(s!.env)).toBe('A="\nB=x "y" z\nC= v \nGOMEMLIMIT=1800MiB\n');
  });
});

describe('overrides: refused when the spec is built', () => {
  it.each([
    ['a secret on a line without =', { extraEnv: `A=1\n${SECRET}` }, /extra env, line 2: expected/],
    [
      'a base64 secret whose padding looks like KEY=',
      { extraEnv: `c2Vj+cmV0/${SECRET}==` },
      /extra env, line 1: the name before "=" is not a valid environment variable name/,
    ],
    ['a default env line without =', { defaultEnv: SECRET }, /default env, line 1/],
    ['GOMEMLIMIT with decimals', { extraEnv: 'GOMEMLIMIT=1.5GiB' }, /not a Go memory limit/],
    ['an image override as a flag', { image: '--privileged' }, /node n1: image "--privileged"/],
    ['an image override with a newline', { image: 'etcd\nx' }, /node n1: image/],
    ['a huge memory override', { memory: '2000000g' }, /container memory limit "2000000g"/],
  ] as [string, Overrides, RegExp][])('%s', (_name, o, message) => {
    refused(
      attempt(() => {}, o),
      message,
    );
  });
});

describe("rolling-update.sh's variables", () => {
  const env = { NODES: 'n1=10.0.0.1,n2=10.0.0.2', SSH_USER: 'deploy', EXTRA_ENV: '' };
  const load = (over: Record<string, string | undefined>): Outcome => {
    try {
      const { inv, overrides } = inventoryFromScriptEnv({ ...env, ...over });
      return { specs: inv.nodes.map((n) => nodeSpec(inv, n, overrides)) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  };
  it.each([
    ['SSH_USER as an option', { SSH_USER: '-oProxyCommand=x' }, /^SSH_USER is "-oProxyCommand/],
    ['USER as an option', { SSH_USER: '', USER: '-oX=y' }, /^USER is "-oX=y": expected a login/],
    ['SSH_USER with ;', { SSH_USER: 'a;id' }, /SSH_USER is "a;id"/],
    ['a target as an option', { SSH_TARGETS: 'n1=-oProxyCommand=x' }, /SSH_TARGETS, node n1/],
    ['a target host as an option', { SSH_TARGETS: 'n1=u@-oX=y' }, /SSH_TARGETS, node n1/],
    ['a target user as an option', { SSH_TARGETS: 'n1=-l@h1' }, /SSH_TARGETS, node n1/],
    ['a node host as an option', { NODES: 'n1=-oX=y,n2=h2' }, /NODES: the host of n1/],
    ['a node host with $(...)', { NODES: 'n1=$(id),n2=h2' }, /NODES: the host of n1/],
    ['ids equal once sanitized', { NODES: 'a b=h1,a_b=h2' }, /nodes "a b" and "a_b" have the same/],
    ['one host for two nodes', { NODES: 'n1=h1,n2=h1' }, /nodes "n1" and "n2" have the same host/],
    ['a timeout that is not a number', { SSH_CONNECT_TIMEOUT_SECONDS: '5s' }, /whole seconds/],
    ['a timeout of 0', { SSH_CONNECT_TIMEOUT_SECONDS: '0' }, /SSH_CONNECT_TIMEOUT_SECONDS is "0"/],
    ['a huge timeout', { SSH_CONNECT_TIMEOUT_SECONDS: '99999' }, /from 1 to 300/],
    ['a timeout in exponent form', { SSH_CONNECT_TIMEOUT_SECONDS: '1e2' }, /whole seconds/],
    [
      'a relative DATA_DIR',
      { DATA_DIR: 'data' },
      /^DATA_DIR is "data": it must be an absolute path/,
    ],
    ['a DATA_DIR with ..', { DATA_DIR: '/var/../etc' }, /DATA_DIR is "\/var\/\.\.\/etc"/],
    ['a DATA_DIR flag', { DATA_DIR: '-delete' }, /DATA_DIR is "-delete"/],
    ['a CONTAINER_NAME with ;', { CONTAINER_NAME: 'e;id' }, /CONTAINER_NAME is "e;id"/],
    ['an IMAGE flag', { IMAGE: '--privileged' }, /IMAGE is "--privileged"/],
    ['an EXTRA_ENV secret without =', { EXTRA_ENV: `A=1 ${SECRET}` }, /extra env, line 2/],
    ['an EXTRA_ENV GOMEMLIMIT with decimals', { EXTRA_ENV: 'GOMEMLIMIT=1.5GiB' }, /Go memory/],
  ])('%s is refused', (_name, over, message) => {
    refused(load(over), message);
  });

  it('takes a valid timeout, target and env', () => {
    const { inv } = inventoryFromScriptEnv({
      ...env,
      SSH_CONNECT_TIMEOUT_SECONDS: '15',
      SSH_TARGETS: 'n2=ops@bastion-2',
    });
    expect(inv.ssh?.connectTimeoutSec).toBe(15);
    expect(inv.nodes[1]!.ssh).toBe('ops@bastion-2');
    accepted(load({ EXTRA_ENV: `TOKEN=${SECRET}` }));
  });
});

describe('env text', () => {
  it.each([
    ['no =', `${SECRET}`, /line 1: expected KEY=VALUE, found no "="/],
    ['an invalid key', `A=1\n\n9${SECRET}=x`, /line 3: the name before "="/],
    ['a key with a space', `MY KEY=${SECRET}`, /line 1: the name before "="/],
    ['a key with $(...)', `$(id)=${SECRET}`, /line 1: the name before "="/],
    ['an empty key', `=${SECRET}`, /line 1: the name before "="/],
  ])('refuses %s, by line number only', (_name, text, message) => {
    let error = '';
    try {
      parseEnvLines(text, 'extra env');
    } catch (e) {
      error = (e as Error).message;
    }
    expect(error).toMatch(message);
    expect(error).not.toContain(SECRET);
    expect(error).not.toContain('hunter2');
  });

  it('takes the value after the first = literally', () => {
    expect(parseEnvLines(`A=${SECRET}==\nB= $(id);\`x\` `, 'extra env')).toEqual({
      A: `${SECRET}==`,
      B: ' $(id);`x` ',
    });
  });
});

describe('ssh command line', () => {
  // A stand-in ssh on PATH that records its argv, so the exact command line is checked.
  const bin = tmp();
  const log = join(bin, 'argv');
  writeFileSync(
    join(bin, 'ssh'),
    `#!/bin/sh\nfor a in "$@"; do printf '%s\\0' "$a"; done > '${log}'\nprintf 'ok'\n`,
  );
  chmodSync(join(bin, 'ssh'), 0o755);
  const controlDir = join(tmp(), 'c');
  mkdirSync(controlDir);
  const make = (name: string, over: Partial<SshSettings> = {}) =>
    new SshHost(name, { target: 'deploy@db1.example.com', controlDir, ...over });
  const sshArgv = async (h: SshHost, argv: string[]) => {
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      await h.run(argv);
    } finally {
      process.env.PATH = path;
    }
    return readFileSync(log, 'utf8').split('\0').slice(0, -1);
  };

  it('puts the destination after every option and a --, the user after -l', async () => {
    const args = await sshArgv(make('n1', { port: 2222 }), ['echo', '$(id); `x`']);
    expect(args.slice(-7)).toEqual([
      '-l',
      'deploy',
      '-p',
      '2222',
      '--',
      'db1.example.com',
      "echo '$(id); `x`'",
    ]);
    // Nothing before the -- starts a word ssh would take from the inventory unchecked.
    expect(args.indexOf('--')).toBe(args.length - 3);
  });

  it.each([
    '-oProxyCommand=touch /tmp/x',
    'root@-oProxyCommand=x',
    '-oProxyCommand=x@host',
    'root@host;id',
    'root@$(id)',
    'root@host\nx',
    'ssh://root@host:22',
    'root@',
    '',
  ])('refuses the target %j before running ssh', (target) => {
    expect(() => make('n1', { target })).toThrow(/ssh target .* expected/);
  });

  it.each([
    [{ connectTimeoutSec: 0 }, /connect timeout is 0: expected whole seconds from 1 to 300/],
    [{ connectTimeoutSec: 1e9 }, /connect timeout is 1000000000/],
    [{ connectTimeoutSec: 2.5 }, /connect timeout is 2\.5/],
    [{ port: 0 }, /ssh port 0/],
    [{ options: ['ProxyCommand=x\ny'] }, /ssh option/],
    [{ identityFile: '/keys/%d id' }, /identity file/],
    [{ knownHostsFile: 'relative/kh' }, /known_hosts file/],
    [{ controlDir: '/tmp/a b' }, /control directory/],
    [{ controlDir: `/tmp/${'x'.repeat(100)}` }, /too long for a unix socket/],
  ] as [Partial<SshSettings>, RegExp][])('refuses %j', (over, message) => {
    expect(() => make('n1', over)).toThrow(message);
  });

  const controlPath = (h: SshHost) => h.sshArgs().find((a) => a.startsWith('ControlPath='));
  it('gives nodes whose names differ only once sanitized their own sockets', () => {
    const a = make('a b', { target: 'root@127.0.1.1' });
    const b = make('a_b', { target: 'root@127.0.1.2' });
    const c = make('a/b', { target: 'root@127.0.1.3' });
    const paths = [a, b, c].map(controlPath);
    expect(new Set(paths).size).toBe(3);
    // Also one name on two targets, or two ports.
    expect(controlPath(make('n1', { target: 'root@h1' }))).not.toBe(
      controlPath(make('n1', { target: 'root@h2' })),
    );
    expect(controlPath(make('n1', { port: 22 }))).not.toBe(controlPath(make('n1', { port: 23 })));
    for (const p of paths)
      expect(Buffer.byteLength(p!.slice('ControlPath='.length))).toBeLessThan(91);
  });
});

describe('remote paths', () => {
  const ran: string[][] = [];
  const host: Host = {
    name: 'n1',
    address: 'h1',
    run: async (argv): Promise<RunResult> => {
      ran.push([...argv]);
      return { code: 0, stdout: '', stderr: '' };
    },
    readStream: () => (async function* () {})(),
    tunnel: () => Promise.reject(new Error('no tunnels here')),
    close: async () => {},
  };
  const files = new HostFiles(host);

  it.each([
    '-delete',
    '-exec',
    '(',
    '!',
    'relative/wal',
    '/var/../etc',
    '/var/lib/',
    '/var//lib',
    '/a/./b',
    '',
  ])('refuses %j before find runs', async (p) => {
    ran.length = 0;
    await expect(files.findWalDirs(p)).rejects.toThrow(/not an absolute, normalized path/);
    await expect(files.list(p)).rejects.toThrow(/not an absolute, normalized path/);
    await expect(files.stat(p)).rejects.toThrow(/not an absolute, normalized path/);
    await expect(files.truncate(p, 0)).rejects.toThrow(/not an absolute, normalized path/);
    expect(ran).toEqual([]);
  });

  it('hands an absolute path to find as its first argument, literally', async () => {
    ran.length = 0;
    await files.findWalDirs('/srv/a b;$(id)');
    expect(ran[0]!.slice(0, 2)).toEqual(['find', '/srv/a b;$(id)']);
    expect(absolutePath('/')).toBe('/');
  });
});

describe('quoting for the remote shell', () => {
  it.each([
    ['a ;', 'a; touch /tmp/pwned'],
    ['$(...)', '$(touch /tmp/pwned)'],
    ['backticks', '`touch /tmp/pwned`'],
    ['single quotes', "it's 'quoted'"],
    ['double quotes', '"x" "$HOME"'],
    ['a newline', 'line1\nline2'],
    ['a leading dash', '-n'],
    ['globs and tilde', '* ~ ?'],
  ])('carries %s as one literal argument', (_name, arg) => {
    const r = spawnSync('sh', ['-c', quoteCommand(['printf', '[%s]', arg])], { encoding: 'utf8' });
    expect(r.stdout).toBe(`[${arg}]`);
  });
});

describe('secret action inputs', () => {
  it('masks every line of extra env, with or without =, and each value', () => {
    masked.length = 0;
    maskSecretLines(`TOKEN=${SECRET}\n  ${SECRET}-bare  \nX=ab\n`);
    expect(masked).toContain(SECRET);
    expect(masked).toContain(`TOKEN=${SECRET}`);
    expect(masked).toContain(`${SECRET}-bare`);
    expect(masked).toContain('X=ab');
    // Fragments too short to hide anything would star out ordinary log text.
    expect(masked).not.toContain('ab');
  });

  it('masks every line of an ssh key, short ones too', () => {
    masked.length = 0;
    maskKey('-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nkQ==\n-----END');
    expect(masked).toContain('b3BlbnNzaC1rZXktdjEAAAAA');
    expect(masked).toContain('kQ==');
  });
});
