import { describe, expect, it } from 'vitest';
import { inventoryFromScriptEnv } from '../../src/inventory/script-env.js';
import { nodeSpec } from '../../src/inventory/spec.js';
import { runContainer } from '../../src/runtime/docker.js';

const base = {
  NODES: 'n1=10.0.0.1, n2=10.0.0.2,n3=10.0.0.3',
  SSH_USER: 'deploy',
  IMAGE: 'ghcr.io/bootjp/elastickv:v2',
};

describe("rolling-update.sh's variables", () => {
  it('build the same docker run the script builds', () => {
    const { inv, order, overrides } = inventoryFromScriptEnv({
      ...base,
      SSH_TARGETS: 'n3=ops@bastion-3',
    });
    expect(order).toEqual(['n1', 'n2', 'n3']);
    expect(inv.nodes.map((n) => n.ssh)).toEqual([
      'deploy@10.0.0.1',
      'deploy@10.0.0.2',
      'ops@bastion-3',
    ]);
    const argv = runContainer(nodeSpec(inv, inv.nodes[0]!, overrides));
    const s = argv.join(' ');
    expect(s).toContain('--name elastickv --restart unless-stopped --network host --memory 2500m');
    expect(s).toContain('--volume /var/lib/elastickv:/var/lib/elastickv');
    expect(s).toContain(
      '-- ghcr.io/bootjp/elastickv:v2 /app --address 10.0.0.1:50051 --redisAddress 10.0.0.1:6379 --dynamoAddress 10.0.0.1:8000 --raftId n1 --raftEngine etcd --raftDataDir /var/lib/elastickv --raftRedisMap 10.0.0.1:50051=10.0.0.1:6379,10.0.0.2:50051=10.0.0.2:6379,10.0.0.3:50051=10.0.0.3:6379',
    );
    expect(nodeSpec(inv, inv.nodes[0]!, overrides).env).toEqual({ GOMEMLIMIT: '1800MiB' });
  });

  it("keeps the script's unset-versus-empty rules for the memory defaults", () => {
    const off = inventoryFromScriptEnv({
      ...base,
      CONTAINER_MEMORY_LIMIT: '',
      DEFAULT_EXTRA_ENV: '',
    });
    const spec = nodeSpec(off.inv, off.inv.nodes[0]!, off.overrides);
    expect(spec.memory).toBeUndefined();
    expect(spec.env).toEqual({});
    const over = inventoryFromScriptEnv({
      ...base,
      CONTAINER_MEMORY_LIMIT: '4g',
      EXTRA_ENV: 'GOMEMLIMIT=3GiB  FOO=bar',
    });
    expect(nodeSpec(over.inv, over.inv.nodes[0]!, over.overrides)).toMatchObject({
      memory: '4g',
      env: { GOMEMLIMIT: '3GiB', FOO: 'bar' },
    });
  });

  it('takes ROLLING_ORDER as a subset or reordering, and refuses unknown or repeated ids', () => {
    expect(inventoryFromScriptEnv({ ...base, ROLLING_ORDER: 'n3,n1' }).order).toEqual(['n3', 'n1']);
    expect(() => inventoryFromScriptEnv({ ...base, ROLLING_ORDER: 'n1,n4' })).toThrow(
      /ROLLING_ORDER names "n4", which is not in NODES \(n1, n2, n3\)/,
    );
    expect(() => inventoryFromScriptEnv({ ...base, ROLLING_ORDER: 'n1,n1' })).toThrow(
      /names "n1" twice/,
    );
    expect(() => inventoryFromScriptEnv({ ...base, NODES: 'n1=a,n1=b' })).toThrow(
      /NODES names "n1" twice/,
    );
    expect(() => inventoryFromScriptEnv({ ...base, SSH_TARGETS: 'n9=x' })).toThrow(
      /SSH_TARGETS names "n9"/,
    );
    expect(() => inventoryFromScriptEnv({})).toThrow(/NODES is not set/);
  });

  it('never turns host key checking off', () => {
    expect(inventoryFromScriptEnv({ ...base }).inv.ssh?.acceptNewHostKeys).toBe(false);
    expect(
      inventoryFromScriptEnv({ ...base, SSH_STRICT_HOST_KEY_CHECKING: 'accept-new' }).inv.ssh
        ?.acceptNewHostKeys,
    ).toBe(true);
    expect(() => inventoryFromScriptEnv({ ...base, SSH_STRICT_HOST_KEY_CHECKING: 'no' })).toThrow(
      /never turns host key checking off/,
    );
  });
});
