import { describe, expect, it } from 'vitest';
import {
  envFileText,
  fingerprint,
  type RunSpec,
  runContainer,
  stopContainer,
  withEnvFile,
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
  it('passes env by name only: no value in argv', () => {
    const argv = runContainer(spec);
    expect(argv).toContain('GOMEMLIMIT');
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
      '--env',
      'GOMEMLIMIT',
      '--env',
      'SECRET',
      '--',
      'raftroll-lab/etcd:b',
      '--name',
      'n1',
    ]);
  });

  it('omits --memory when the limit is switched off', () => {
    expect(runContainer({ ...spec, memory: undefined })).not.toContain('--memory');
  });

  it('stops gracefully, never with rm -f', () => {
    expect(stopContainer('etcd', 30)).toEqual(['docker', 'stop', '--time', '30', '--', 'etcd']);
  });

  it('wraps the command in a constant loader script', () => {
    const a = withEnvFile('/tmp/e1', ['docker', 'ps']);
    const b = withEnvFile('/tmp/other file', ['docker', 'run', '$(x)']);
    expect(a[2]).toBe(b[2]);
    expect(b.slice(3)).toEqual(['raftroll-env', '/tmp/other file', 'docker', 'run', '$(x)']);
  });

  it('quotes env values in the file', () => {
    expect(envFileText({ B: "it's", A: 'x y\nz' })).toBe("A='x y\nz'\nB='it'\\''s'\n");
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
});

describe('memory settings', () => {
  it('reads Docker and Go units', () => {
    expect(parseDockerMemory('2500m')).toBe(2500 * 1024 ** 2);
    expect(parseDockerMemory('2g')).toBe(2 * 1024 ** 3);
    expect(parseGoMemLimit('1800MiB')).toBe(1800 * 1024 ** 2);
    expect(parseGoMemLimit('1.5GiB')).toBe(1.5 * 1024 ** 3);
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
      /expected a number with B, KiB, MiB, GiB or TiB/,
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

  it('rejects keys that are not POSIX names, naming the line', () => {
    expect(() => parseEnvLines('A=1\n1BAD=2', 'extra env')).toThrow(EnvError);
    expect(() => parseEnvLines('A=1\n1BAD=2', 'extra env')).toThrow(
      /extra env, line 2: "1BAD" is not a valid environment variable name/,
    );
    expect(() => parseEnvLines('JUSTTEXT', 'extra env')).toThrow(
      /line 1: "JUSTTEXT" is not KEY=VALUE/,
    );
  });
});
