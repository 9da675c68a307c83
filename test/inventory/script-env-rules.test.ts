// What the reader refuses, warns about and notes: the script's own checks, the ones elastickv
// would only make at startup, and the conventions of the upstream workflow.

import { describe, expect, it } from 'vitest';
import { parseEnvFile } from '../../src/inventory/env-file.js';
import { inventoryFromScriptEnv } from '../../src/inventory/script-env.js';

type Env = Record<string, string | undefined>;
const base: Env = { NODES: 'n1=10.0.0.1,n2=10.0.0.2,n3=10.0.0.3', SSH_USER: 'deploy' };
const read = (env: Env, file?: string) =>
  inventoryFromScriptEnv({ ...base, ...env }, () => {
    if (file === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    return file;
  });
const admin = {
  ADMIN_ENABLED: 'true',
  ADMIN_SESSION_SIGNING_KEY_FILE: '/etc/ekv/admin.key',
  ADMIN_FULL_ACCESS_KEYS: 'AKIAFULL',
};

describe('refused', () => {
  it.each([
    [
      'a switch that is not true or false',
      { ENABLE_S3: 'yes' },
      /^ENABLE_S3 is "yes": expected true or false/,
    ],
    ['a capitalised switch', { ADMIN_ENABLED: 'True' }, /^ADMIN_ENABLED is "True"/],
    [
      'S3_PATH_STYLE_ONLY that Go cannot parse',
      { S3_PATH_STYLE_ONLY: 'maybe' },
      /S3_PATH_STYLE_ONLY is "maybe"/,
    ],
    [
      'a credentials path with ":"',
      { S3_CREDENTIALS_FILE: '/etc/a:b' },
      /^S3_CREDENTIALS_FILE is "\/etc\/a:b": it must not contain ":"/,
    ],
    [
      'a credentials path with a newline',
      { ENABLE_SQS: 'true', SQS_CREDENTIALS_FILE: '/etc/a\n/b' },
      /^SQS_CREDENTIALS_FILE is "\/etc\/a\\n\/b": it must not contain control characters/,
    ],
    [
      'a relative credentials path',
      { S3_CREDENTIALS_FILE: 's3.json' },
      /S3_CREDENTIALS_FILE is "s3.json": it must be an absolute path/,
    ],
    [
      'the admin dashboard without a signing key',
      { ...admin, ADMIN_SESSION_SIGNING_KEY_FILE: '' },
      /ADMIN_SESSION_SIGNING_KEY_FILE is not set/,
    ],
    [
      'the admin dashboard without access keys',
      { ...admin, ADMIN_FULL_ACCESS_KEYS: '' },
      /neither ADMIN_FULL_ACCESS_KEYS nor ADMIN_READ_ONLY_ACCESS_KEYS/,
    ],
    [
      'one TLS file only',
      { ...admin, ADMIN_TLS_CERT_FILE: '/c.pem' },
      /ADMIN_TLS_CERT_FILE is set without ADMIN_TLS_KEY_FILE: give both/,
    ],
    [
      'a plaintext non-loopback admin bind',
      { ...admin, ADMIN_ADDRESS: '0.0.0.0:8080' },
      /ADMIN_ADDRESS is "0.0.0.0:8080", not a loopback address/,
    ],
    [
      'a signing key path with ":"',
      { ...admin, ADMIN_SESSION_SIGNING_KEY_FILE: '/k:x' },
      /ADMIN_SESSION_SIGNING_KEY_FILE is "\/k:x"/,
    ],
    [
      'a bucket count above 256',
      { KEYVIZ_ENABLED: 'true', KEYVIZ_KEY_BUCKETS_PER_ROUTE: '257' },
      /KEYVIZ_KEY_BUCKETS_PER_ROUTE is "257"/,
    ],
    [
      'a hot-key knob that is not a number',
      {
        KEYVIZ_ENABLED: 'true',
        KEYVIZ_HOT_KEYS_ENABLED: 'true',
        KEYVIZ_HOT_KEYS_PER_ROUTE: 'lots',
      },
      /KEYVIZ_HOT_KEYS_PER_ROUTE is "lots"/,
    ],
    [
      'a derived map naming a node not in NODES',
      { RAFT_TO_S3_MAP: '10.0.0.9:50051=10.0.0.9:9000' },
      /RAFT_TO_S3_MAP names 10.0.0.9:50051, which is not the Raft address of any node/,
    ],
    [
      'a redis map naming a node not in NODES',
      { RAFT_TO_REDIS_MAP: '10.0.0.1:50051=a:1,h9:50051=b:1' },
      /RAFT_TO_REDIS_MAP names h9:50051/,
    ],
    [
      'bootstrap members naming a node not in NODES',
      { RAFT_BOOTSTRAP_MEMBERS: 'n1=10.0.0.1:50051,n9=10.0.0.9:50051' },
      /RAFT_BOOTSTRAP_MEMBERS names "n9"/,
    ],
    [
      'a learner join together with bootstrap members',
      { RAFT_JOIN_NODE: 'n3', ROLLING_ORDER: 'n3', RAFT_BOOTSTRAP_MEMBERS: 'n1=10.0.0.1:50051' },
      /RAFT_JOIN_NODE and RAFT_BOOTSTRAP_MEMBERS cannot both be set/,
    ],
    [
      'a learner join of a node not in NODES',
      { RAFT_JOIN_NODE: 'n9' },
      /RAFT_JOIN_NODE is "n9", which is not a node/,
    ],
    [
      'a learner join rolling other nodes too',
      { RAFT_JOIN_NODE: 'n3' },
      /RAFT_JOIN_NODE is "n3": ROLLING_ORDER must name only that node \(it is n1,n2,n3\)/,
    ],
    [
      'NODES and NODES_RAFT_MAP that differ',
      { NODES_RAFT_MAP: 'n1=10.0.0.1' },
      /NODES and NODES_RAFT_MAP are both set and differ/,
    ],
    [
      'a timing that is not whole seconds',
      { HEALTH_TIMEOUT_SECONDS: '5m' },
      /HEALTH_TIMEOUT_SECONDS is "5m": expected a whole number/,
    ],
    [
      'a workflow flag that is not true or false',
      { CONTAINER_MEMORY_LIMIT_CONFIGURED: 'yes' },
      /CONTAINER_MEMORY_LIMIT_CONFIGURED is "yes"/,
    ],
  ])('%s', (_name, env, message) => {
    expect(() => read(env as Env)).toThrow(message);
  });

  it('never shows an admin key that is in both lists', () => {
    expect(() => read({ ...admin, ADMIN_READ_ONLY_ACCESS_KEYS: 'AKIAFULL' })).toThrow(
      /both list 1 key\(s\) \(not shown\): a key must be in one list only/,
    );
    try {
      read({ ...admin, ADMIN_READ_ONLY_ACCESS_KEYS: 'AKIAFULL' });
    } catch (e) {
      expect((e as Error).message).not.toContain('AKIAFULL');
    }
  });
});

describe('accepted, with a warning or a note', () => {
  it('names the closest known variable for a near miss', () => {
    const r = read({ ENABLE_S33: 'false', KEYVIZ_ENABLE: 'true', PATH: '/usr/bin', HOME: '/root' });
    expect(r.warnings).toContain(
      'ENABLE_S33 is not a variable rolling-update.sh reads; did you mean ENABLE_S3? It is ignored',
    );
    expect(
      r.warnings.some((w) => w.startsWith('KEYVIZ_ENABLE is not') && w.includes('KEYVIZ_ENABLED')),
    ).toBe(true);
    expect(r.warnings.join('\n')).not.toMatch(/PATH|HOME/);
  });

  it('warns loudly whenever a memory default is off', () => {
    const r = read({ CONTAINER_MEMORY_LIMIT: '', DEFAULT_EXTRA_ENV: '' });
    expect(r.warnings.find((w) => w.startsWith('CONTAINER_MEMORY_LIMIT is set but empty'))).toMatch(
      /NO memory limit .*CONTAINER_MEMORY_LIMIT_CONFIGURED/,
    );
    expect(r.warnings.find((w) => w.startsWith('DEFAULT_EXTRA_ENV is set but empty'))).toMatch(
      /NO GOMEMLIMIT/,
    );
    const withOwn = read({ DEFAULT_EXTRA_ENV: '', EXTRA_ENV: 'GOMEMLIMIT=1GiB' });
    expect(withOwn.warnings.join('\n')).not.toMatch(/DEFAULT_EXTRA_ENV/);
    const workflow = read({
      CONTAINER_MEMORY_LIMIT: '',
      CONTAINER_MEMORY_LIMIT_CONFIGURED: 'false',
      DEFAULT_EXTRA_ENV: '',
      DEFAULT_EXTRA_ENV_CONFIGURED: 'false',
    });
    expect(workflow.warnings.join('\n')).not.toMatch(/set but empty/);
    expect(workflow.overrides.memory).toBeUndefined();
  });

  it('warns about an S3 listener without credentials, the default', () => {
    expect(read({}).warnings.join('\n')).toMatch(
      /S3 listener is on \(ENABLE_S3 defaults to true\) with no S3_CREDENTIALS_FILE/,
    );
    expect(read({ ENABLE_S3: 'false' }).warnings).toEqual([]);
  });

  it('allows a plaintext non-loopback admin bind only when asked, and warns about the cookie', () => {
    const r = read({
      ...admin,
      ENABLE_S3: 'false',
      ADMIN_ADDRESS: '0.0.0.0:8080',
      ADMIN_ALLOW_PLAINTEXT_NON_LOOPBACK: 'true',
    });
    expect(r.warnings.join('\n')).toMatch(/without ADMIN_ALLOW_INSECURE_DEV_COOKIE=true/);
    expect(read({ ...admin, ADMIN_ADDRESS: '127.0.0.1:8080' }).inv.elastickv?.admin?.address).toBe(
      '127.0.0.1:8080',
    );
  });

  it('lists the host files the plan must check, by variable', () => {
    const r = read({
      ...admin,
      S3_CREDENTIALS_FILE: '/etc/ekv/s3.json',
      SQS_CREDENTIALS_FILE: '/etc/ekv/sqs.json',
      ADMIN_TLS_CERT_FILE: '/etc/ekv/c.pem',
      ADMIN_TLS_KEY_FILE: '/etc/ekv/k.pem',
    });
    expect(r.hostFiles).toEqual([
      { path: '/etc/ekv/s3.json', setting: 'S3_CREDENTIALS_FILE' },
      { path: '/etc/ekv/admin.key', setting: 'ADMIN_SESSION_SIGNING_KEY_FILE' },
      { path: '/etc/ekv/c.pem', setting: 'ADMIN_TLS_CERT_FILE' },
      { path: '/etc/ekv/k.pem', setting: 'ADMIN_TLS_KEY_FILE' },
    ]);
  });

  it('maps the timing variables onto raftroll thresholds, and notes those it has no knob for', () => {
    const r = read({
      HEALTH_TIMEOUT_SECONDS: '120',
      LEADERSHIP_TRANSFER_TIMEOUT_SECONDS: '20',
      LEADERSHIP_TRANSFER_MAX_LOG_LAG: '5000',
      ROLLING_DELAY_SECONDS: '5',
      LEADER_DISCOVERY_TIMEOUT_SECONDS: '60',
      LEADERSHIP_TRANSFER_RETRY_ATTEMPTS: '5',
      RAFTADMIN_BIN: '/usr/local/bin/raftadmin',
      RAFTADMIN_ALLOW_INSECURE: 'false',
    });
    expect(r.thresholds).toEqual({
      startTimeoutMs: 120_000,
      handoverTimeoutMs: 20_000,
      maxLag: 5000,
      stabilizeMs: 5000,
      leaderWaitMs: 60_000,
    });
    for (const name of [
      'LEADERSHIP_TRANSFER_MAX_LOG_LAG=5000',
      'ROLLING_DELAY_SECONDS=5',
      'LEADERSHIP_TRANSFER_RETRY_ATTEMPTS=5 is not used',
      'RAFTADMIN_BIN=/usr/local/bin/raftadmin is not used',
      'RAFTADMIN_ALLOW_INSECURE=false is not used',
    ])
      expect(r.notes.some((n) => n.startsWith(name))).toBe(true);
    expect(read({}).thresholds).toEqual({});
  });

  it("takes the upstream workflow's NODES_RAFT_MAP and SSH_TARGETS_MAP", () => {
    const r = inventoryFromScriptEnv({
      NODES_RAFT_MAP: 'n1=10.0.0.1, n2=10.0.0.2',
      SSH_TARGETS_MAP: 'n2=ops@bastion-2',
      NODES: '',
      SSH_TARGETS: '',
      SSH_USER: 'deploy',
    });
    expect(r.inv.nodes.map((n) => [n.id, n.host, n.ssh])).toEqual([
      ['n1', '10.0.0.1', 'deploy@10.0.0.1'],
      ['n2', '10.0.0.2', 'ops@bastion-2'],
    ]);
    expect(read({ NODES_RAFT_MAP: 'n1=10.0.0.1,n2=10.0.0.2, n3=10.0.0.3' }).order).toEqual([
      'n1',
      'n2',
      'n3',
    ]);
  });
});

describe('ROLLING_UPDATE_ENV_FILE', () => {
  it('is read over the environment, as the script sources it', () => {
    const r = read(
      { ROLLING_UPDATE_ENV_FILE: 'deploy.env', ENABLE_SQS: 'false', IMAGE: 'x/y:1' },
      `# deploy.env
export ENABLE_SQS=true
SQS_REGION='eu west'   # quoted, blanks kept
EXTRA_ENV="A=1
  B=2"
CONTAINER_NAME=ekv\\-main
ENABLE_S3=false
`,
    );
    expect(r.inv.elastickv?.sqs).toMatchObject({ enabled: true, region: 'eu west' });
    expect(r.overrides.extraEnv).toBe('A=1\nB=2');
    expect(r.inv.container.name).toBe('ekv-main');
    expect(r.inv.container.image).toBe('x/y:1');
  });

  it('warns about a name the script does not read', () => {
    const r = read({ ROLLING_UPDATE_ENV_FILE: 'deploy.env' }, 'ENABLE_S3=false\nMY_SETTING=1\n');
    expect(r.warnings).toContain(
      'ROLLING_UPDATE_ENV_FILE sets MY_SETTING, which rolling-update.sh does not read; it is ignored',
    );
  });

  it('says so when the file is missing', () => {
    expect(() => read({ ROLLING_UPDATE_ENV_FILE: 'nope.env' })).toThrow(
      /ROLLING_UPDATE_ENV_FILE is "nope.env": no such file/,
    );
  });

  it.each([
    ['$ expansion', 'IMAGE=$BASE:1', /line 1: IMAGE uses \$ expansion/],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion, the thing refused
    ['$ in double quotes', 'A=1\nIMAGE="${BASE}:1"', /line 2: IMAGE uses \$ expansion/],
    ['command substitution', 'IMAGE=`cat tag`', /IMAGE uses a `command`/],
    ['a command', 'source other.env', /line 1: expected a KEY=VALUE assignment/],
    ['a second word', 'IMAGE=a b', /more follows the value of IMAGE/],
    ['an unclosed quote', "A='x\nB=2", /line 1: the ' quote of A is never closed/],
    ['a pipe', 'A=1|tee', /A has an unquoted "\|"/],
    ['a tilde', 'A=~/x', /A starts with ~/],
    ['appending', 'A+=1', /expected a KEY=VALUE assignment/],
  ])('refuses %s, by line, saying what is supported', (_name, text, message) => {
    expect(() => parseEnvFile(text, 'deploy.env')).toThrow(message);
    expect(() => parseEnvFile(text, 'deploy.env')).toThrow(/the file is read, never run/);
  });

  it('keeps shell quoting', () => {
    expect(
      parseEnvFile(`A='it''s'\nB="a \\"q\\" \\$x \\\\ \\n"\nC=x\\ y\nD=\nE=""\nF=a'b c'"d"\n`, 'f'),
    ).toEqual({ A: 'its', B: 'a "q" $x \\ \\n', C: 'x y', D: '', E: '', F: 'ab cd' });
  });
});
