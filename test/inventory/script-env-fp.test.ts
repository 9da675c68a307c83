// The script's elastickv.deploy.config-fp, recomputed by a shell the way the script computes it
// (printf '%s\0' over its settings, then sha256sum), against the label raftroll puts on the spec;
// and the raftroll fingerprint of inventories without the new section, pinned to what it was.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SCRIPT_FP_LABEL } from '../../src/inventory/elastickv-container.js';
import { parseInventory } from '../../src/inventory/load.js';
import { inventoryFromScriptEnv } from '../../src/inventory/script-env.js';
import { nodeSpec } from '../../src/inventory/spec.js';
import { LABEL } from '../../src/runtime/docker.js';

function shellFp(values: string[]): string {
  const r = spawnSync(
    'bash',
    ['-c', `printf '%s\\0' "$@" | sha256sum | cut -d' ' -f1`, 'fp', ...values],
    {
      encoding: 'utf8',
    },
  );
  expect(r.status).toBe(0);
  return r.stdout.trim();
}

const NODES = 'n1=10.0.0.1,n2=10.0.0.2';
const REDIS = '10.0.0.1:50051=10.0.0.1:6379,10.0.0.2:50051=10.0.0.2:6379';

/** The script's config_fp inputs, in its order, for node n1, written out by name. */
function scriptInputs(o: Record<string, string>): string[] {
  const v = {
    IMAGE: 'ghcr.io/bootjp/elastickv:v2',
    SERVER_ENTRYPOINT: '/app',
    DATA_DIR: '/var/lib/elastickv',
    NODE_HOST: '10.0.0.1',
    NODE_ID: 'n1',
    RAFT_ENGINE: 'etcd',
    RAFT_BOOTSTRAP_MEMBERS: '',
    RAFT_JOIN_AS_LEARNER: 'false',
    RAFT_JOIN_MEMBERS: '',
    RAFT_PORT: '50051',
    REDIS_PORT: '6379',
    DYNAMO_PORT: '8000',
    RAFT_TO_REDIS_MAP: REDIS,
    ENABLE_S3: 'true',
    S3_PORT: '9000',
    S3_REGION: 'us-east-1',
    S3_PATH_STYLE_ONLY: 'true',
    S3_CREDENTIALS_FILE: '',
    RAFT_TO_S3_MAP: '10.0.0.1:50051=10.0.0.1:9000,10.0.0.2:50051=10.0.0.2:9000',
    ENABLE_SQS: 'false',
    SQS_PORT: '9324',
    SQS_REGION: 'us-east-1',
    SQS_CREDENTIALS_FILE: '',
    RAFT_TO_SQS_MAP: '',
    SQS_FIFO_PARTITION_MAP: '',
    EXTRA_ENV: 'GOMEMLIMIT=1800MiB',
    CONTAINER_MEMORY_LIMIT: '2500m',
    ADMIN_ENABLED: 'false',
    ADMIN_ADDRESS: '',
    ADMIN_FULL_ACCESS_KEYS: '',
    ADMIN_READ_ONLY_ACCESS_KEYS: '',
    ADMIN_SESSION_SIGNING_KEY_FILE: '',
    ADMIN_SESSION_SIGNING_KEY_PREVIOUS_FILE: '',
    ADMIN_TLS_CERT_FILE: '',
    ADMIN_TLS_KEY_FILE: '',
    ADMIN_ALLOW_PLAINTEXT_NON_LOOPBACK: 'false',
    ADMIN_ALLOW_INSECURE_DEV_COOKIE: 'false',
    KEYVIZ_ENABLED: 'false',
    keyviz_fanout_nodes: '',
    keyviz_labels_enabled: '',
    keyviz_key_buckets_per_route: '',
    keyviz_hot_keys_enabled: '',
    keyviz_hot_keys_per_route: '',
    keyviz_hot_keys_sample_rate: '',
    keyviz_hot_keys_queue_size: '',
    keyviz_hot_keys_max_key_len: '',
    ...o,
  };
  return Object.values(v);
}

const labelOf = (env: Record<string, string>, id = 'n1') => {
  const { inv, overrides } = inventoryFromScriptEnv({
    NODES,
    SSH_USER: 'deploy',
    IMAGE: 'ghcr.io/bootjp/elastickv:v2',
    ...env,
  });
  return nodeSpec(inv, inv.nodes.find((n) => n.id === id)!, overrides).labels[SCRIPT_FP_LABEL];
};

describe('the elastickv.deploy.config-fp label', () => {
  it.each([
    ['the defaults', {}, {}],
    [
      'S3 off, its settings still hashed as given',
      { ENABLE_S3: 'false', S3_PORT: '9100', S3_CREDENTIALS_FILE: '/s3.json' },
      { ENABLE_S3: 'false', S3_PORT: '9100', S3_CREDENTIALS_FILE: '/s3.json', RAFT_TO_S3_MAP: '' },
    ],
    [
      'the user env merged after the defaults, a user key replacing a default',
      { DEFAULT_EXTRA_ENV: 'GOMEMLIMIT=1800MiB GOGC=100', EXTRA_ENV: 'GOGC=50 A=1' },
      { EXTRA_ENV: 'GOMEMLIMIT=1800MiB GOGC=50 A=1' },
    ],
    [
      'memory and its default env switched off',
      { CONTAINER_MEMORY_LIMIT: '', DEFAULT_EXTRA_ENV: '' },
      { CONTAINER_MEMORY_LIMIT: '', EXTRA_ENV: '' },
    ],
    [
      'SQS and admin on',
      {
        ENABLE_SQS: 'true',
        SQS_FIFO_PARTITION_MAP: 'q.fifo:2=g0,g1',
        ADMIN_ENABLED: 'true',
        ADMIN_SESSION_SIGNING_KEY_FILE: '/k',
        ADMIN_READ_ONLY_ACCESS_KEYS: 'AK1',
      },
      {
        ENABLE_SQS: 'true',
        RAFT_TO_SQS_MAP: '10.0.0.1:50051=10.0.0.1:9324,10.0.0.2:50051=10.0.0.2:9324',
        SQS_FIFO_PARTITION_MAP: 'q.fifo:2=g0,g1',
        ADMIN_ENABLED: 'true',
        ADMIN_SESSION_SIGNING_KEY_FILE: '/k',
        ADMIN_READ_ONLY_ACCESS_KEYS: 'AK1',
      },
    ],
    [
      'KeyViz on with hot keys',
      {
        KEYVIZ_ENABLED: 'true',
        KEYVIZ_HOT_KEYS_ENABLED: 'true',
        KEYVIZ_HOT_KEYS_SAMPLE_RATE: '8',
      },
      {
        KEYVIZ_ENABLED: 'true',
        keyviz_labels_enabled: 'false',
        keyviz_hot_keys_enabled: 'true',
        keyviz_hot_keys_sample_rate: '8',
      },
    ],
    [
      'KeyViz knobs while KeyViz is off are not hashed',
      { KEYVIZ_LABELS_ENABLED: 'true', KEYVIZ_FANOUT_NODES: 'x:1' },
      {},
    ],
    [
      'a learner join, on the joining node',
      { RAFT_JOIN_NODE: 'n1', ROLLING_ORDER: 'n1' },
      { RAFT_JOIN_AS_LEARNER: 'true', RAFT_JOIN_MEMBERS: 'n1=10.0.0.1:50051,n2=10.0.0.2:50051' },
    ],
  ])('%s', (_name, env, inputs) => {
    expect(labelOf(env)).toBe(shellFp(scriptInputs(inputs)));
  });

  it('differs per node and per image, as the script does', () => {
    expect(labelOf({}, 'n2')).not.toBe(labelOf({}));
    const { inv, overrides } = inventoryFromScriptEnv({ NODES, SSH_USER: 'deploy' });
    const other = nodeSpec(inv, inv.nodes[0]!, {
      ...overrides,
      image: 'ghcr.io/bootjp/elastickv:v2',
    });
    expect(other.labels[SCRIPT_FP_LABEL]).toBe(labelOf({}));
  });

  it('is the same from the YAML section as from the variables', () => {
    const yaml = parseInventory(
      `engine: elastickv
nodes:
  - { id: n1, host: 10.0.0.1 }
  - { id: n2, host: 10.0.0.2 }
container: { name: elastickv, image: "ghcr.io/bootjp/elastickv:v2", dataDir: /var/lib/elastickv }
elastickv:
  s3: { credentialsFile: /etc/s3.json }
  sqs: { enabled: true, port: 9400 }
  admin: { signingKeyFile: /k, fullAccessKeys: [AK1, AK2] }
  scriptFingerprint: true
`,
      'inv.yml',
    );
    const env = {
      S3_CREDENTIALS_FILE: '/etc/s3.json',
      ENABLE_SQS: 'true',
      SQS_PORT: '9400',
      ADMIN_ENABLED: 'true',
      ADMIN_SESSION_SIGNING_KEY_FILE: '/k',
      ADMIN_FULL_ACCESS_KEYS: 'AK1,AK2',
    };
    const { inv, overrides } = inventoryFromScriptEnv({
      NODES,
      SSH_USER: 'deploy',
      IMAGE: 'ghcr.io/bootjp/elastickv:v2',
      ...env,
    });
    const fromEnv = nodeSpec(inv, inv.nodes[0]!, overrides);
    const fromYaml = nodeSpec(yaml, yaml.nodes[0]!);
    expect(fromYaml.args).toEqual(fromEnv.args);
    expect(fromYaml.volumes).toEqual(fromEnv.volumes);
    expect(fromYaml.labels).toEqual(fromEnv.labels);
  });
});

describe('inventories without the elastickv section', () => {
  // Fingerprints as the release before the section computed them: a roll after upgrading raftroll
  // must not restart a node whose inventory did not change.
  const ETCD = `engine: etcd
nodes:
  - { id: e1, host: 10.0.0.1 }
  - { id: e2, host: 10.0.0.2 }
  - { id: e3, host: 10.0.0.3 }
container:
  name: etcd
  image: quay.io/coreos/etcd:v3.5.17
  dataDir: /var/lib/etcd
  labels: { team: storage }
`;
  const EKV = `engine: elastickv
nodes:
  - { id: n1, host: 10.0.1.1 }
  - { id: n2, host: 10.0.1.2 }
container:
  name: elastickv
  image: ghcr.io/bootjp/elastickv:v1
  dataDir: /var/lib/elastickv
  memory: 3g
  env: { FOO: bar }
`;
  it.each([
    ['etcd', ETCD, 'e1', 'd92d1524029d436570f7d63328234bb8d680be59bc130b6851112b7c48ad3fb3'],
    ['etcd', ETCD, 'e3', '25acd2fb7cdeb73553c7be9622a7729c61ea0caecbbd3aebac5abe0e478d607b'],
    ['elastickv', EKV, 'n1', '974f926861119e2127ada1372f23620e32167e66660ecf35e5a384817d9aec7d'],
    ['elastickv', EKV, 'n2', '6ad44083bd06c327de8063b1b4eefebd10a27c48500063cd080e71992ed35899'],
  ])('%s node %s keeps its fingerprint', (_engine, text, id, fp) => {
    const inv = parseInventory(text, 'inv.yml');
    const spec = nodeSpec(inv, inv.nodes.find((n) => n.id === id)!);
    expect(spec.labels[LABEL.fingerprint]).toBe(fp);
    expect(spec.labels[SCRIPT_FP_LABEL]).toBeUndefined();
  });
});
