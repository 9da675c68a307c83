import { describe, expect, it } from 'vitest';
import {
  type ContainerInfo,
  envFileText,
  fingerprint,
  parseRunThenInspect,
  type RunSpec,
  renameContainer,
  runContainer,
  StopGraceError,
  stopContainer,
  stoppedAsSeen,
} from '../../src/runtime/docker.js';
import { EnvError, mergeEnv, parseEnvLines } from '../../src/runtime/env.js';
import {
  checkMemLimits,
  MemorySettingError,
  parseDockerMemory,
  parseGoMemLimit,
} from '../../src/runtime/memory.js';

const spec: RunSpec = {
  name: 'etcd',
  image: 'raftroll-lab/etcd:b',
  restart: 'unless-stopped',
  network: 'host',
  memory: '2500m',
  volumes: ['/var/lib/etcd:/var/lib/etcd'],
  labels: { 'org.raftroll.fingerprint': 'x', team: 'db' },
  env: { GOMEMLIMIT: '1800MiB', SECRET: "s3cr3t 'quoted'" },
  args: ['--name', 'n1'],
};

describe('docker argv', () => {
  it('passes the env as a file: no key or value in argv, nothing from the client environment', () => {
    const argv = runContainer(spec, '/tmp/raftroll-env.abc');
    expect(argv).not.toContain('--env');
    expect(argv.join(' ')).not.toContain('GOMEMLIMIT');
    expect(argv.join(' ')).not.toContain('1800MiB');
    expect(argv.join(' ')).not.toContain('s3cr3t');
    expect(argv).toEqual([
      'docker',
      'run',
      '--detach',
      '--name',
      'etcd',
      '--restart',
      'unless-stopped',
      '--network',
      'host',
      '--memory',
      '2500m',
      '--memory-swap',
      '2500m',
      '--volume',
      '/var/lib/etcd:/var/lib/etcd',
      '--label',
      'org.raftroll.fingerprint=x',
      '--label',
      'team=db',
      '--env-file',
      '/tmp/raftroll-env.abc',
      '--',
      'raftroll-lab/etcd:b',
      '--name',
      'n1',
    ]);
  });

  it('omits --env-file without variables, and shows a placeholder when no file is given', () => {
    expect(runContainer({ ...spec, env: {} }, '/tmp/f')).not.toContain('--env-file');
    const shown = runContainer(spec);
    expect(shown[shown.indexOf('--env-file') + 1]).toBe('<env-file>');
  });

  it('omits --memory when the limit is switched off', () => {
    expect(runContainer({ ...spec, memory: undefined })).not.toContain('--memory');
  });

  it('stops gracefully, never with rm -f, and only with a bounded grace', () => {
    expect(stopContainer('etcd', 30)).toEqual(['docker', 'stop', '--time', '30', '--', 'etcd']);
    for (const bad of [0, -1, 3601, 1e9, 2.5, Number.NaN])
      expect(() => stopContainer('etcd', bad)).toThrow(StopGraceError);
    expect(() => stopContainer('etcd', 86400)).toThrow(
      /stop grace is 86400: expected whole seconds from 1 to 3600/,
    );
  });

  it('renames after --', () => {
    expect(renameContainer('etcd', 'etcd.raftroll-prev')).toEqual([
      'docker',
      'rename',
      '--',
      'etcd',
      'etcd.raftroll-prev',
    ]);
  });

  it("writes the env file in docker's literal format: KEY=value to the end of the line", () => {
    expect(envFileText({ B: "it's", A: ' x y ', C: '$(id) `id` ; "a" b' })).toBe(
      'A= x y \nB=it\'s\nC=$(id) `id` ; "a" b\n',
    );
  });

  it('refuses what the format cannot carry, naming the key and never the value', () => {
    const cases: [string, RegExp][] = [
      ['line1\nline2-s3cr3t', /line break/],
      ['s3cr3t\r', /carriage return/],
      ['"s3cr3t"', /starts and ends with "/],
      ["'s3cr3t'", /starts and ends with '/],
      ['s3cr3t\uD800', /lone surrogate/],
      [`s3cr3t${'x'.repeat(70_000)}`, /line limit/],
    ];
    for (const [value, why] of cases) {
      let message = '';
      try {
        envFileText({ TOKEN: value });
      } catch (e) {
        expect(e).toBeInstanceOf(EnvError);
        message = (e as Error).message;
      }
      expect(message).toMatch(why);
      expect(message).toMatch(/the value of TOKEN/);
      expect(message).not.toContain('s3cr3t');
    }
  });

  it("fingerprints the spec, not raftroll's own labels", () => {
    expect(fingerprint(spec)).toBe(
      fingerprint({ ...spec, labels: { ...spec.labels, 'org.raftroll.fingerprint': 'y' } }),
    );
    expect(fingerprint(spec)).not.toBe(fingerprint({ ...spec, image: 'raftroll-lab/etcd:a' }));
    expect(fingerprint(spec)).not.toBe(
      fingerprint({ ...spec, env: { ...spec.env, SECRET: 'other' } }),
    );
  });

  it('keeps the fingerprint of an unchanged spec: containers started before still match', () => {
    // Computed by the release that passed env through the client's environment.
    expect(fingerprint(spec)).toBe(
      '3650ff74d66fbfb4bd44c2e6f08d301414056ab84d82401c9db85c69e7c3c2c5',
    );
  });
});

describe('memory settings', () => {
  it('reads Docker and Go units', () => {
    expect(parseDockerMemory('2500m')).toBe(2500 * 1024 ** 2);
    expect(parseDockerMemory('2g')).toBe(2 * 1024 ** 3);
    expect(parseGoMemLimit('1800MiB')).toBe(1800 * 1024 ** 2);
    expect(parseGoMemLimit('1536MiB')).toBe(1.5 * 1024 ** 3);
    expect(parseGoMemLimit('1073741824')).toBe(1024 ** 3);
  });

  it('refuses what Go refuses at startup, and limits no host could have', () => {
    for (const bad of [
      '1.5GiB',
      ' 1800MiB',
      '1800MiB ',
      '+1GiB',
      '-1',
      '1 GiB',
      '1gib',
      '9999999TiB',
    ])
      expect(() => parseGoMemLimit(bad), bad).toThrow(MemorySettingError);
    expect(() => parseGoMemLimit('1.5GiB')).toThrow(/1.5GiB is 1536MiB/);
    expect(() => parseDockerMemory('2000000g')).toThrow(/above 1 PiB/);
    expect(() => parseDockerMemory('99999999999999999999999999m')).toThrow(/above 1 PiB/);
    expect(parseDockerMemory('1048576g')).toBe(1024 ** 5);
    expect(() => checkMemLimits(undefined, '1.5GiB')).toThrow(MemorySettingError);
    expect(() => checkMemLimits(undefined, 'off')).not.toThrow();
    expect(() => checkMemLimits('2500m', 'off')).toThrow(/GOMEMLIMIT=off under/);
  });

  it('rejects GOMEMLIMIT at or above the limit, showing both in MiB', () => {
    expect(() => checkMemLimits('2500m', '1800MiB')).not.toThrow();
    expect(() => checkMemLimits('2g', '2GiB')).toThrow(
      /GOMEMLIMIT=2GiB \(2048 MiB\) is not below the container memory limit 2g \(2048 MiB\)/,
    );
    expect(() => checkMemLimits('1g', '3000MiB')).toThrow(MemorySettingError);
  });

  it('names bad values and what was expected', () => {
    expect(() => parseDockerMemory('2.5GB')).toThrow(
      /"2.5GB" is not a Docker memory size: expected a whole number with b, k, m or g/,
    );
    expect(() => parseGoMemLimit('1800M')).toThrow(
      /expected a whole number with an optional B, KiB, MiB, GiB or TiB/,
    );
  });
});

describe('env', () => {
  it('lets a user key replace the default of the same name', () => {
    expect(mergeEnv({ GOMEMLIMIT: '1800MiB', A: '1' }, { GOMEMLIMIT: '1GiB' })).toEqual({
      GOMEMLIMIT: '1GiB',
      A: '1',
    });
  });

  it('parses KEY=VALUE lines, keeping = and spaces in values', () => {
    expect(parseEnvLines('A=1\n\n# note\nB= x=y \n', 'extra env')).toEqual({ A: '1', B: ' x=y ' });
    expect(parseEnvLines('none', 'default env')).toEqual({});
  });

  it('rejects keys that are not POSIX names, naming the line and never its text', () => {
    expect(() => parseEnvLines('A=1\n1BAD=2', 'extra env')).toThrow(EnvError);
    expect(() => parseEnvLines('A=1\n1BAD=2', 'extra env')).toThrow(
      /^extra env, line 2: the name before "=" is not a valid environment variable name/,
    );
    expect(() => parseEnvLines('A=1\n1BAD=2', 'extra env')).not.toThrow(/1BAD/);
    expect(() => parseEnvLines('JUSTTEXT', 'extra env')).toThrow(
      /^extra env, line 1: expected KEY=VALUE, found no "=" \(the line is not shown\)$/,
    );
  });
});

describe('stoppedAsSeen', () => {
  const running: ContainerInfo = {
    id: 'c1',
    name: 'etcd',
    image: 'img:a',
    imageId: 'sha256:a',
    labels: {},
    state: {
      status: 'running',
      running: true,
      restarting: false,
      oomKilled: false,
      exitCode: 0,
      startedAt: '2026-12-03T09:00:00.1Z',
      finishedAt: '0001-01-01T00:00:00Z',
    },
    restartCount: 1,
    restartPolicy: 'unless-stopped',
    memory: 0,
    env: {},
  };
  const stopped = (
    o: { id?: string; startedAt?: string; restartCount?: number; running?: boolean } = {},
  ) => ({
    ...running,
    id: o.id ?? running.id,
    restartCount: o.restartCount ?? running.restartCount,
    state: {
      ...running.state,
      status: o.running ? 'running' : 'exited',
      running: !!o.running,
      startedAt: o.startedAt ?? running.state.startedAt,
      finishedAt: '2026-12-03T09:05:00Z',
    },
  });

  it('holds for the run seen running, now stopped', () => {
    expect(stoppedAsSeen(running, stopped())).toBe(true);
  });

  it('fails for a run started again, another container, a running one or none', () => {
    expect(stoppedAsSeen(running, stopped({ startedAt: '2026-12-03T09:04:00Z' }))).toBe(false);
    expect(stoppedAsSeen(running, stopped({ restartCount: 2 }))).toBe(false);
    expect(stoppedAsSeen(running, stopped({ id: 'c2' }))).toBe(false);
    expect(stoppedAsSeen(running, stopped({ running: true }))).toBe(false);
    expect(stoppedAsSeen(running, undefined)).toBe(false);
    expect(
      stoppedAsSeen({ ...running, state: { ...running.state, restarting: true } }, stopped()),
    ).toBe(false);
  });
});

describe('parseRunThenInspect', () => {
  const inspect = (id: string) =>
    JSON.stringify([
      { Id: id, Name: '/etcd', State: { Status: 'running', Running: true }, RestartCount: 0 },
    ]);

  it('gives the id, and the container the inspect saw', () => {
    const r = parseRunThenInspect(`c1\n${inspect('c1')}\n`);
    expect(r.id).toBe('c1');
    expect(r.info?.state.running).toBe(true);
  });

  it('gives the id alone when the inspect printed nothing, something else, or another container', () => {
    expect(parseRunThenInspect('c1\n')).toEqual({ id: 'c1' });
    expect(parseRunThenInspect('c1\nnot json')).toEqual({ id: 'c1' });
    expect(parseRunThenInspect(`c1\n${inspect('c2')}`)).toEqual({ id: 'c1' });
  });
});
