// Each of rolling-update.sh's variables against the docker run the script would issue for it.
// The expected lists are written out by hand from the script's run_container and its helpers.

import { describe, expect, it } from 'vitest';
import { inventoryFromScriptEnv } from '../../src/inventory/script-env.js';
import { nodeSpec } from '../../src/inventory/spec.js';
import { runContainer } from '../../src/runtime/docker.js';

type Env = Record<string, string | undefined>;

const base: Env = {
  NODES: 'n1=10.0.0.1,n2=10.0.0.2,n3=10.0.0.3',
  SSH_USER: 'deploy',
  IMAGE: 'ghcr.io/bootjp/elastickv:v2',
};

const REDIS_MAP =
  '10.0.0.1:50051=10.0.0.1:6379,10.0.0.2:50051=10.0.0.2:6379,10.0.0.3:50051=10.0.0.3:6379';
const S3_MAP =
  '10.0.0.1:50051=10.0.0.1:9000,10.0.0.2:50051=10.0.0.2:9000,10.0.0.3:50051=10.0.0.3:9000';
const HEAD = [
  '/app',
  '--address',
  '10.0.0.1:50051',
  '--redisAddress',
  '10.0.0.1:6379',
  '--dynamoAddress',
  '10.0.0.1:8000',
  '--raftId',
  'n1',
  '--raftEngine',
  'etcd',
];
const TAIL = ['--raftDataDir', '/var/lib/elastickv', '--raftRedisMap', REDIS_MAP];
const S3 = [
  '--s3Address',
  '10.0.0.1:9000',
  '--s3Region',
  'us-east-1',
  '--s3PathStyleOnly=true',
  '--raftS3Map',
  S3_MAP,
];
const NO_S3 = { ENABLE_S3: 'false' };
const DATA = '/var/lib/elastickv:/var/lib/elastickv';
const ro = (f: string) => `${f}:${f}:ro`;

interface Case {
  env: Env;
  node?: string;
  args: string[];
  volumes?: string[];
  memory?: string | undefined;
  env_?: Record<string, string>;
}

const cases: [string, Case][] = [
  [
    'nothing set: the S3 listener is on, as ENABLE_S3 defaults to true',
    { env: {}, args: [...HEAD, ...TAIL, ...S3] },
  ],
  [
    'ENABLE_S3 empty is the default, not off',
    { env: { ENABLE_S3: '' }, args: [...HEAD, ...TAIL, ...S3] },
  ],
  ['ENABLE_S3=false', { env: NO_S3, args: [...HEAD, ...TAIL] }],
  [
    'S3_PORT, S3_REGION, S3_PATH_STYLE_ONLY, S3_CREDENTIALS_FILE',
    {
      env: {
        S3_PORT: '9100',
        S3_REGION: 'ap-northeast-1',
        S3_PATH_STYLE_ONLY: 'false',
        S3_CREDENTIALS_FILE: '/etc/elastickv/s3.json',
      },
      args: [
        ...HEAD,
        ...TAIL,
        '--s3Address',
        '10.0.0.1:9100',
        '--s3Region',
        'ap-northeast-1',
        '--s3PathStyleOnly=false',
        '--raftS3Map',
        '10.0.0.1:50051=10.0.0.1:9100,10.0.0.2:50051=10.0.0.2:9100,10.0.0.3:50051=10.0.0.3:9100',
        '--s3CredentialsFile',
        '/etc/elastickv/s3.json',
      ],
      volumes: [DATA, ro('/etc/elastickv/s3.json')],
    },
  ],
  [
    'RAFT_TO_S3_MAP given',
    {
      env: { RAFT_TO_S3_MAP: '10.0.0.1:50051=s3.internal:443' },
      args: [...HEAD, ...TAIL, ...S3.slice(0, -1), '10.0.0.1:50051=s3.internal:443'],
    },
  ],
  [
    'RAFT_TO_REDIS_MAP given',
    {
      env: { ...NO_S3, RAFT_TO_REDIS_MAP: '10.0.0.1:50051=redis-1:6379' },
      args: [
        ...HEAD,
        '--raftDataDir',
        '/var/lib/elastickv',
        '--raftRedisMap',
        '10.0.0.1:50051=redis-1:6379',
      ],
    },
  ],
  [
    'ENABLE_SQS=true with the defaults',
    {
      env: { ...NO_S3, ENABLE_SQS: 'true' },
      args: [
        ...HEAD,
        ...TAIL,
        '--sqsAddress',
        '10.0.0.1:9324',
        '--sqsRegion',
        'us-east-1',
        '--raftSqsMap',
        '10.0.0.1:50051=10.0.0.1:9324,10.0.0.2:50051=10.0.0.2:9324,10.0.0.3:50051=10.0.0.3:9324',
      ],
    },
  ],
  [
    'SQS_PORT, SQS_REGION, SQS_CREDENTIALS_FILE, RAFT_TO_SQS_MAP, SQS_FIFO_PARTITION_MAP',
    {
      env: {
        ...NO_S3,
        ENABLE_SQS: 'true',
        SQS_PORT: '9400',
        SQS_REGION: 'eu-west-1',
        SQS_CREDENTIALS_FILE: '/etc/elastickv/sqs.json',
        RAFT_TO_SQS_MAP: '10.0.0.1:50051=10.0.0.1:9400',
        SQS_FIFO_PARTITION_MAP: 'orders.fifo:2=group_0,group_1',
      },
      args: [
        ...HEAD,
        ...TAIL,
        '--sqsAddress',
        '10.0.0.1:9400',
        '--sqsRegion',
        'eu-west-1',
        '--raftSqsMap',
        '10.0.0.1:50051=10.0.0.1:9400',
        '--sqsCredentialsFile',
        '/etc/elastickv/sqs.json',
        '--sqsFifoPartitionMap',
        'orders.fifo:2=group_0,group_1',
      ],
      volumes: [DATA, ro('/etc/elastickv/sqs.json')],
    },
  ],
  [
    'SQS settings while ENABLE_SQS is off change nothing',
    {
      env: { ...NO_S3, SQS_PORT: '9400', SQS_CREDENTIALS_FILE: '/x.json' },
      args: [...HEAD, ...TAIL],
    },
  ],
  [
    'ADMIN_ENABLED with a signing key and full-access keys',
    {
      env: {
        ...NO_S3,
        ADMIN_ENABLED: 'true',
        ADMIN_SESSION_SIGNING_KEY_FILE: '/etc/elastickv/admin.key',
        ADMIN_FULL_ACCESS_KEYS: 'AKIA1,AKIA2',
      },
      args: [
        ...HEAD,
        ...TAIL,
        '--adminEnabled',
        '--adminSessionSigningKeyFile',
        '/etc/elastickv/admin.key',
        '--adminFullAccessKeys',
        'AKIA1,AKIA2',
      ],
      volumes: [DATA, ro('/etc/elastickv/admin.key')],
    },
  ],
  [
    'every ADMIN_* variable',
    {
      env: {
        ...NO_S3,
        ADMIN_ENABLED: 'true',
        ADMIN_ADDRESS: '0.0.0.0:8443',
        ADMIN_SESSION_SIGNING_KEY_FILE: '/k/now',
        ADMIN_SESSION_SIGNING_KEY_PREVIOUS_FILE: '/k/before',
        ADMIN_FULL_ACCESS_KEYS: 'AKIA1',
        ADMIN_READ_ONLY_ACCESS_KEYS: 'AKIA9',
        ADMIN_TLS_CERT_FILE: '/k/cert.pem',
        ADMIN_TLS_KEY_FILE: '/k/key.pem',
        ADMIN_ALLOW_PLAINTEXT_NON_LOOPBACK: 'true',
        ADMIN_ALLOW_INSECURE_DEV_COOKIE: 'true',
      },
      args: [
        ...HEAD,
        ...TAIL,
        '--adminEnabled',
        '--adminSessionSigningKeyFile',
        '/k/now',
        '--adminListen',
        '0.0.0.0:8443',
        '--adminFullAccessKeys',
        'AKIA1',
        '--adminReadOnlyAccessKeys',
        'AKIA9',
        '--adminSessionSigningKeyPreviousFile',
        '/k/before',
        '--adminTLSCertFile',
        '/k/cert.pem',
        '--adminTLSKeyFile',
        '/k/key.pem',
        '--adminAllowPlaintextNonLoopback',
        '--adminAllowInsecureDevCookie',
      ],
      volumes: [DATA, ro('/k/now'), ro('/k/before'), ro('/k/cert.pem'), ro('/k/key.pem')],
    },
  ],
  [
    'ADMIN_* while ADMIN_ENABLED is off change nothing',
    {
      env: { ...NO_S3, ADMIN_ADDRESS: '0.0.0.0:1', ADMIN_TLS_CERT_FILE: 'x' },
      args: [...HEAD, ...TAIL],
    },
  ],
  [
    'every KEYVIZ_* variable',
    {
      env: {
        ...NO_S3,
        KEYVIZ_ENABLED: 'true',
        KEYVIZ_FANOUT_NODES: '10.0.0.2:8080,10.0.0.3:8080',
        KEYVIZ_LABELS_ENABLED: 'true',
        KEYVIZ_KEY_BUCKETS_PER_ROUTE: '64',
        KEYVIZ_HOT_KEYS_ENABLED: 'true',
        KEYVIZ_HOT_KEYS_PER_ROUTE: '128',
        KEYVIZ_HOT_KEYS_SAMPLE_RATE: '32',
        KEYVIZ_HOT_KEYS_QUEUE_SIZE: '4096',
        KEYVIZ_HOT_KEYS_MAX_KEY_LEN: '512',
      },
      args: [
        ...HEAD,
        ...TAIL,
        '--keyvizEnabled',
        '--keyvizFanoutNodes',
        '10.0.0.2:8080,10.0.0.3:8080',
        '--keyvizLabelsEnabled',
        '--keyvizKeyBucketsPerRoute',
        '64',
        '--keyvizHotKeysEnabled',
        '--keyvizHotKeysPerRoute',
        '128',
        '--keyvizHotKeysSampleRate',
        '32',
        '--keyvizHotKeysQueueSize',
        '4096',
        '--keyvizHotKeysMaxKeyLen',
        '512',
      ],
    },
  ],
  [
    'KEYVIZ_ENABLED alone; empty knobs leave elastickv its defaults',
    {
      env: { ...NO_S3, KEYVIZ_ENABLED: 'true', KEYVIZ_HOT_KEYS_ENABLED: 'true' },
      args: [...HEAD, ...TAIL, '--keyvizEnabled', '--keyvizHotKeysEnabled'],
    },
  ],
  [
    'a stale bucket count under a switched-off KeyViz stays inert',
    { env: { ...NO_S3, KEYVIZ_KEY_BUCKETS_PER_ROUTE: '9999' }, args: [...HEAD, ...TAIL] },
  ],
  [
    'RAFT_BOOTSTRAP_MEMBERS, forwarded to every node',
    {
      env: {
        ...NO_S3,
        RAFT_BOOTSTRAP_MEMBERS: 'n1=10.0.0.1:50051,n2=10.0.0.2:50051,n3=10.0.0.3:50051',
      },
      args: [
        ...HEAD,
        '--raftBootstrapMembers',
        'n1=10.0.0.1:50051,n2=10.0.0.2:50051,n3=10.0.0.3:50051',
        ...TAIL,
      ],
    },
  ],
  [
    'RAFT_JOIN_NODE: the joining node gets the learner flags',
    {
      env: { ...NO_S3, RAFT_JOIN_NODE: 'n3', ROLLING_ORDER: 'n3' },
      node: 'n3',
      args: [
        '/app',
        '--address',
        '10.0.0.3:50051',
        '--redisAddress',
        '10.0.0.3:6379',
        '--dynamoAddress',
        '10.0.0.3:8000',
        '--raftId',
        'n3',
        '--raftEngine',
        'etcd',
        '--raftJoinAsLearner',
        '--raftJoinMembers',
        'n1=10.0.0.1:50051,n2=10.0.0.2:50051,n3=10.0.0.3:50051',
        ...TAIL,
      ],
    },
  ],
  [
    'RAFT_JOIN_NODE: the other nodes do not',
    { env: { ...NO_S3, RAFT_JOIN_NODE: 'n3', ROLLING_ORDER: 'n3' }, args: [...HEAD, ...TAIL] },
  ],
  [
    'SERVER_ENTRYPOINT, RAFT_ENGINE, RAFT_PORT, REDIS_PORT, DYNAMO_PORT, DATA_DIR',
    {
      env: {
        ...NO_S3,
        SERVER_ENTRYPOINT: '/usr/local/bin/elastickv',
        RAFT_ENGINE: 'etcd',
        RAFT_PORT: '50052',
        REDIS_PORT: '6380',
        DYNAMO_PORT: '8001',
        DATA_DIR: '/srv/ekv',
      },
      args: [
        '/usr/local/bin/elastickv',
        '--address',
        '10.0.0.1:50052',
        '--redisAddress',
        '10.0.0.1:6380',
        '--dynamoAddress',
        '10.0.0.1:8001',
        '--raftId',
        'n1',
        '--raftEngine',
        'etcd',
        '--raftDataDir',
        '/srv/ekv',
        '--raftRedisMap',
        '10.0.0.1:50052=10.0.0.1:6380,10.0.0.2:50052=10.0.0.2:6380,10.0.0.3:50052=10.0.0.3:6380',
      ],
      volumes: ['/srv/ekv:/srv/ekv'],
    },
  ],
  [
    'CONTAINER_MEMORY_LIMIT, DEFAULT_EXTRA_ENV, EXTRA_ENV',
    {
      env: {
        ...NO_S3,
        CONTAINER_MEMORY_LIMIT: '4g',
        DEFAULT_EXTRA_ENV: 'GOMEMLIMIT=3GiB GOGC=200',
        EXTRA_ENV: 'GOGC=50\nELASTICKV_PEBBLE_CACHE_MB=512',
      },
      args: [...HEAD, ...TAIL],
      memory: '4g',
      env_: { GOMEMLIMIT: '3GiB', GOGC: '50', ELASTICKV_PEBBLE_CACHE_MB: '512' },
    },
  ],
  [
    'an empty CONTAINER_MEMORY_LIMIT from an undefined workflow variable keeps the default',
    {
      env: { ...NO_S3, CONTAINER_MEMORY_LIMIT: '', CONTAINER_MEMORY_LIMIT_CONFIGURED: 'false' },
      args: [...HEAD, ...TAIL],
      memory: '2500m',
    },
  ],
  [
    'an empty CONTAINER_MEMORY_LIMIT the workflow says was defined switches it off',
    {
      env: { ...NO_S3, CONTAINER_MEMORY_LIMIT: '', CONTAINER_MEMORY_LIMIT_CONFIGURED: 'true' },
      args: [...HEAD, ...TAIL],
      memory: undefined,
    },
  ],
  [
    'an empty DEFAULT_EXTRA_ENV from an undefined workflow variable keeps GOMEMLIMIT',
    {
      env: { ...NO_S3, DEFAULT_EXTRA_ENV: '', DEFAULT_EXTRA_ENV_CONFIGURED: 'false' },
      args: [...HEAD, ...TAIL],
      env_: { GOMEMLIMIT: '1800MiB' },
    },
  ],
];

describe("each of rolling-update.sh's variables gives the script's docker run", () => {
  it.each(cases)('%s', (_name, c) => {
    const { inv, overrides } = inventoryFromScriptEnv({ ...base, ...c.env });
    const node = inv.nodes.find((n) => n.id === (c.node ?? 'n1'))!;
    const spec = nodeSpec(inv, node, overrides);
    expect(spec.args).toEqual(c.args);
    expect(spec.volumes).toEqual(c.volumes ?? [DATA]);
    expect(spec.image).toBe('ghcr.io/bootjp/elastickv:v2');
    if ('memory' in c) expect(spec.memory).toBe(c.memory);
    else expect(spec.memory).toBe('2500m');
    expect(spec.env).toEqual(c.env_ ?? { GOMEMLIMIT: '1800MiB' });
    const argv = runContainer(spec);
    expect(argv.slice(argv.indexOf('--') + 1)).toEqual([spec.image, ...c.args]);
    for (const v of spec.volumes) expect(argv).toContain(v);
  });
});
