import { describe, expect, it } from 'vitest';
import { SCRIPT_FP_LABEL } from '../../src/inventory/elastickv-container.js';
import { sameConfig } from '../../src/rollout/skip.js';
import { LABEL, type RunSpec } from '../../src/runtime/docker.js';

const spec = (labels: Record<string, string>) =>
  ({ name: 'x', image: 'i', args: [], env: {}, volumes: [], labels }) as unknown as RunSpec;

describe('the same configuration', () => {
  it("is raftroll's own fingerprint", () => {
    expect(sameConfig({ [LABEL.fingerprint]: 'a' }, spec({ [LABEL.fingerprint]: 'a' }))).toBe(true);
    expect(sameConfig({ [LABEL.fingerprint]: 'a' }, spec({ [LABEL.fingerprint]: 'b' }))).toBe(
      false,
    );
  });

  it("or, for a container the deploy script started, the script's fingerprint", () => {
    const want = spec({ [LABEL.fingerprint]: 'r', [SCRIPT_FP_LABEL]: 's' });
    expect(sameConfig({ [SCRIPT_FP_LABEL]: 's' }, want)).toBe(true);
    expect(sameConfig({ [SCRIPT_FP_LABEL]: 'other' }, want)).toBe(false);
    // A container raftroll started is judged by raftroll's own fingerprint only.
    expect(sameConfig({ [LABEL.fingerprint]: 'old', [SCRIPT_FP_LABEL]: 's' }, want)).toBe(false);
    // No script fingerprint on the spec: nothing to compare.
    expect(sameConfig({ [SCRIPT_FP_LABEL]: 's' }, spec({ [LABEL.fingerprint]: 'r' }))).toBe(false);
  });
});
