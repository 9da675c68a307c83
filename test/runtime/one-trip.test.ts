// The steps that go to a host as one command while a node is down: stop-then-inspect,
// rename-then-run, and the env file's creation with the sweep of stale ones. They run through a
// real shell against a stand-in `docker` on PATH that records its calls and fails where it is
// told to, so the order, the "second step only after the first" rule and the error each
// failure names are what a host would see.

import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalHost } from '../../src/remote/local-host.js';
import * as containers from '../../src/runtime/containers.js';
import {
  afterStopped,
  createEnvFile,
  NOT_STOPPED,
  type RunSpec,
} from '../../src/runtime/docker.js';
import { tmp } from '../helpers/tmp.js';

const bin = tmp();
const calls = join(bin, 'calls');
const failOn = join(bin, 'fail-on');
const INSPECT = JSON.stringify([
  { Id: 'c1', Name: '/etcd', State: { Status: 'exited', Running: false }, RestartCount: 2 },
]);

// Each call is one line of its arguments; `fail-on` holds the subcommand that must fail and
// the message it prints.
writeFileSync(
  join(bin, 'docker'),
  `#!/bin/sh
echo "$*" >> '${calls}'
if [ -f '${failOn}' ] && [ "$1" = "$(head -n1 '${failOn}')" ]; then tail -n1 '${failOn}' >&2; exit 1; fi
case "$1" in
  stop) echo "$4" ;;
  container) printf '%s' '${INSPECT}' ;;
  run) echo c1 ;;
  wait) while [ ! -e '${bin}/stopped' ]; do sleep 0.02; done; echo 0 ;;
esac
`,
);
chmodSync(join(bin, 'docker'), 0o755);

const host = new LocalHost('h1');
const called = () => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : []);
const fail = (sub: string, message: string) => writeFileSync(failOn, `${sub}\n${message}\n`);

let path: string | undefined;
beforeAll(() => {
  path = process.env.PATH;
  process.env.PATH = `${bin}:${path}`;
});
afterAll(() => {
  process.env.PATH = path;
});
beforeEach(() => {
  writeFileSync(calls, '');
  writeFileSync(failOn, '');
});

describe('a command held until the container has stopped', () => {
  const ran = join(bin, 'ran');
  const gated = (waitSeconds: number) =>
    host.run(
      afterStopped('etcd', waitSeconds, ['sh', '-c', 'echo "$1" > "$2"', 'x', 'read', ran]),
      {
        allowFailure: true,
      },
    );
  beforeEach(() => {
    rmSync(join(bin, 'stopped'), { force: true });
    rmSync(ran, { force: true });
  });

  it('runs only once docker wait returns', async () => {
    const r = gated(30);
    await new Promise((res) => setTimeout(res, 300));
    expect(existsSync(ran)).toBe(false);
    writeFileSync(join(bin, 'stopped'), '');
    expect((await r).code).toBe(0);
    expect(readFileSync(ran, 'utf8')).toBe('read\n');
    expect(called()).toEqual(['wait -- etcd']);
  });

  it('runs nothing, and says so, when docker wait fails or the wait runs out', async () => {
    fail('wait', 'Error response from daemon: No such container: etcd');
    expect((await gated(30)).code).toBe(NOT_STOPPED);
    fail('nothing', '');
    expect((await gated(1)).code).toBe(NOT_STOPPED);
    expect(existsSync(ran)).toBe(false);
  });
});

describe('stopAndInspect', () => {
  it('stops, then inspects the stopped container', async () => {
    const c = await containers.stopAndInspect(host, 'etcd', 30);
    expect(called()).toEqual(['stop --time 30 -- etcd', 'container inspect -- etcd']);
    expect(c?.restartCount).toBe(2);
    expect(c?.state.running).toBe(false);
  });

  it('throws naming docker stop when the stop fails, and inspects nothing', async () => {
    fail('stop', 'Error response from daemon: cannot stop container: etcd');
    const err = await containers.stopAndInspect(host, 'etcd', 30).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/`docker stop --time \.\.\.` exited 96: .*cannot stop/);
    expect(called()).toEqual(['stop --time 30 -- etcd']);
  });

  it('answers undefined when the container is gone after the stop', async () => {
    fail('container', 'Error: No such container: etcd');
    expect(await containers.stopAndInspect(host, 'etcd', 30)).toBeUndefined();
  });

  it('throws naming docker inspect on any other inspect failure', async () => {
    fail('container', 'Cannot connect to the Docker daemon');
    const err = await containers.stopAndInspect(host, 'etcd', 30).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/`docker container inspect \.\.\.` exited 97/);
  });
});

describe('stopAndInspectThen with a journal line after', () => {
  const journalDir = tmp();
  const journal = join(journalDir, 'journal.jsonl');
  // Quotes, $, backticks, % and a backslash: the line arrives as an argument, byte for byte.
  const text = `{"phase":"wal","detail":"a 'b' $HOME \`id\` %s \\n"}`;

  it('appends the line once the container is stopped and inspected, and says so', async () => {
    writeFileSync(journal, '');
    let told = 0;
    const r = await containers.stopAndInspectThen(host, 'etcd', 30, {
      path: journal,
      text,
      written: () => told++,
    });
    expect(called()).toEqual(['stop --time 30 -- etcd', 'container inspect -- etcd']);
    expect(r.info?.state.running).toBe(false);
    expect(r.line).toBe('written');
    expect(told).toBe(1);
    expect(readFileSync(journal, 'utf8')).toBe(`${text}\n`);
  });

  it('appends nothing when the stop fails, and names docker stop', async () => {
    writeFileSync(journal, '');
    fail('stop', 'Error response from daemon: cannot stop container: etcd');
    const err = await containers
      .stopAndInspectThen(host, 'etcd', 30, { path: journal, text })
      .catch((e: Error) => e);
    expect((err as Error).message).toMatch(/`docker stop --time \.\.\.` exited 96: .*cannot stop/);
    expect(readFileSync(journal, 'utf8')).toBe('');
  });

  it('gives the stopped container and the reason when the line cannot be appended', async () => {
    const nowhere = join(journalDir, 'no-such-dir', 'journal.jsonl');
    const r = await containers.stopAndInspectThen(host, 'etcd', 30, { path: nowhere, text });
    expect(r.info?.state.running).toBe(false);
    expect(r.line).toBeInstanceOf(Error);
    expect((r.line as Error).message).toMatch(/exited 98/);
  });

  it('tries no line when the container is gone after the stop', async () => {
    writeFileSync(journal, '');
    fail('container', 'Error: No such container: etcd');
    const r = await containers.stopAndInspectThen(host, 'etcd', 30, { path: journal, text });
    expect(r).toEqual({ info: undefined });
    expect(readFileSync(journal, 'utf8')).toBe('');
  });
});

describe('a prepared start with renameFirst', () => {
  const spec: RunSpec = {
    name: 'etcd',
    image: 'img:b',
    volumes: [],
    env: {},
    labels: {},
    args: ['--name', 'n1'],
  };

  it('renames the old container, then runs the new one', async () => {
    const run = await containers.prepare(host, spec);
    const started = await run.start(['etcd', 'etcd.raftroll-prev']);
    expect(started.id).toBe('c1');
    // The first look at it rides on the same command.
    expect(started.info?.restartCount).toBe(2);
    const c = called();
    expect(c[0]).toBe('rename -- etcd etcd.raftroll-prev');
    expect(c[1]).toBe('run --detach --name etcd -- img:b --name n1');
    expect(c[2]).toBe('container inspect -- etcd');
    expect(c).toHaveLength(3);
  });

  it('stands started, with no look, when the inspect after the run fails', async () => {
    fail('container', 'Error response from daemon: something went wrong');
    const run = await containers.prepare(host, spec);
    expect(await run.start(['etcd', 'etcd.raftroll-prev'])).toEqual({ id: 'c1' });
    expect(called()).toHaveLength(3);
  });

  it('runs and looks without a rename', async () => {
    const run = await containers.prepare(host, spec);
    const started = await run.start();
    expect(started.id).toBe('c1');
    expect(started.info?.id).toBe('c1');
    expect(called()).toEqual([
      'run --detach --name etcd -- img:b --name n1',
      'container inspect -- etcd',
    ]);
  });

  it('starts nothing when the rename fails, and names docker rename', async () => {
    fail('rename', 'Error response from daemon: No such container: etcd');
    const run = await containers.prepare(host, spec);
    const err = await run.start(['etcd', 'etcd.raftroll-prev']).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/`docker rename -- \.\.\.` exited 96: .*No such/);
    expect(called()).toEqual(['rename -- etcd etcd.raftroll-prev']);
  });

  it('names docker run when the run fails after the rename', async () => {
    fail('run', 'docker: Error response from daemon: Conflict.');
    const run = await containers.prepare(host, spec);
    const err = await run.start(['etcd', 'etcd.raftroll-prev']).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/`docker run --detach \.\.\.` exited 97: .*Conflict/);
    expect(called()).toHaveLength(2);
  });
});

describe('a prepared start with its journal line first', () => {
  const spec: RunSpec = {
    name: 'etcd',
    image: 'img:b',
    volumes: [],
    env: {},
    labels: {},
    args: ['--name', 'n1'],
  };
  const journalDir = tmp();
  const journal = join(journalDir, 'journal.jsonl');
  const line = { path: journal, text: '{"phase":"start"}' };
  beforeEach(() => writeFileSync(journal, '{"phase":"wal"}\n'));

  it('appends the line, then renames the old container and runs the new one', async () => {
    const run = await containers.prepare(host, spec);
    expect((await run.start(['etcd', 'etcd.raftroll-prev'], line)).id).toBe('c1');
    expect(readFileSync(journal, 'utf8')).toBe('{"phase":"wal"}\n{"phase":"start"}\n');
    expect(called()).toEqual([
      'rename -- etcd etcd.raftroll-prev',
      'run --detach --name etcd -- img:b --name n1',
      'container inspect -- etcd',
    ]);
  });

  it('touches no container when the line cannot be appended, and names the append', async () => {
    const run = await containers.prepare(host, spec);
    let told = 0;
    const gone = {
      ...line,
      path: join(journalDir, 'missing', 'journal.jsonl'),
      written: () => told++,
    };
    const err = await run.start(['etcd', 'etcd.raftroll-prev'], gone).catch((e: Error) => e);
    expect(told).toBe(0);
    expect((err as Error).message).toMatch(/`sh -c printf >> "\$1" \.\.\.` exited 95/);
    expect(readFileSync(calls, 'utf8')).toBe('');
  });

  it('carries the line as an argument, byte for byte, and says when it is down', async () => {
    const odd = `{"detail":"it's \\"$HOME\\" \`x\` %s \\\\ ;|&"}`;
    let told = 0;
    const run = await containers.prepare(host, spec);
    await run.start(['etcd', 'etcd.raftroll-prev'], {
      path: journal,
      text: odd,
      written: () => told++,
    });
    expect(readFileSync(journal, 'utf8')).toBe(`{"phase":"wal"}\n${odd}\n`);
    expect(told).toBe(1);
  });

  it('keeps the rename and run failures their own, after the line', async () => {
    fail('run', 'docker: Error response from daemon: Conflict.');
    let told = 0;
    const run = await containers.prepare(host, spec);
    const err = await run
      .start(['etcd', 'etcd.raftroll-prev'], { ...line, written: () => told++ })
      .catch((e: Error) => e);
    // The line went down before the run failed: the journal's owner is told so.
    expect(told).toBe(1);
    expect((err as Error).message).toMatch(/`docker run --detach \.\.\.` exited 97: .*Conflict/);
    expect(readFileSync(journal, 'utf8')).toMatch(/"start"/);
  });

  it('appends the line before the rename when the env file could not be made', async () => {
    const failed = Promise.reject(new Error('mktemp failed'));
    const err = await containers
      .startPrepared(host, failed, ['etcd', 'etcd.raftroll-prev'], line)
      .catch((e: Error) => e);
    expect((err as Error).message).toBe('mktemp failed');
    expect(readFileSync(journal, 'utf8')).toMatch(/"start"/);
    expect(called()).toEqual(['rename -- etcd etcd.raftroll-prev']);
  });
});

/** A fresh directory that mktemp -t uses (TMPDIR) for the tests of the enclosing describe. */
function tmpdirFor(): string {
  const dir = tmp();
  let before: string | undefined;
  beforeAll(() => {
    before = process.env.TMPDIR;
    process.env.TMPDIR = dir;
  });
  afterAll(() => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  });
  return dir;
}

describe('createEnvFile', () => {
  const dir = tmpdirFor();

  it('writes stdin to a new 0600 file, and sweeps only env files older than the age', async () => {
    const old = join(dir, 'raftroll-env.OLDOLDOLD1');
    const young = join(dir, 'raftroll-env.YOUNGYOUN1');
    const other = join(dir, 'unrelated');
    for (const f of [old, young, other]) writeFileSync(f, 'x');
    const past = new Date(Date.now() - 20 * 60_000);
    utimesSync(old, past, past);
    utimesSync(other, past, past);
    const r = await host.run(createEnvFile(10), { input: 'A=1\nB=two\n' });
    const path = r.stdout.trim();
    expect(path.startsWith(`${dir}/raftroll-env.`)).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('A=1\nB=two\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(young)).toBe(true);
    expect(existsSync(other)).toBe(true);
  });

  it('writes nothing where mktemp gives a path raftroll could not use, and says why', async () => {
    const spaced = join(tmp(), 'a b');
    mkdirSync(spaced);
    process.env.TMPDIR = spaced;
    try {
      const r = await host.run(createEnvFile(10), { input: 'A=1\n', allowFailure: true });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/expected an absolute path without spaces \(check TMPDIR/);
      expect(readdirSync(spaced)).toEqual([]);
    } finally {
      process.env.TMPDIR = dir;
    }
  });
});

describe('a prepared start long after its env file was written', () => {
  const dir = tmpdirFor();
  afterAll(() => {
    vi.useRealTimers();
  });

  it('renames the old container even when writing the file again fails, and runs nothing', async () => {
    const spec: RunSpec = {
      name: 'etcd',
      image: 'img:b',
      volumes: [],
      env: { SECRET_TOKEN: 'x' },
      labels: {},
      args: [],
    };
    vi.useFakeTimers({ toFake: ['Date'] });
    const run = await containers.prepare(host, spec);
    const file = readdirSync(dir).find((n) => n.startsWith('raftroll-env.'))!;
    // The rewrite fails: its path is now a directory.
    rmSync(join(dir, file));
    mkdirSync(join(dir, file));
    vi.setSystemTime(Date.now() + 6 * 60_000);
    const err = await run.start(['etcd', 'etcd.raftroll-prev']).catch((e: Error) => e);
    vi.useRealTimers();
    expect((err as Error).message).toMatch(/Is a directory/);
    expect(called()).toEqual(['rename -- etcd etcd.raftroll-prev']);
  });
});
