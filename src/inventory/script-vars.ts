// The names rolling-update.sh and its workflow read, so that a near miss (ENABLE_S33) is caught
// instead of silently leaving the script's default in place.

export const SCRIPT_VARIABLES = [
  // cluster and ssh
  'NODES',
  'SSH_TARGETS',
  'ROLLING_ORDER',
  'SSH_USER',
  'USER',
  'SSH_CONNECT_TIMEOUT_SECONDS',
  'SSH_STRICT_HOST_KEY_CHECKING',
  'ROLLING_UPDATE_ENV_FILE',
  'DRY_RUN',
  // the container
  'IMAGE',
  'CONTAINER_NAME',
  'DATA_DIR',
  'SERVER_ENTRYPOINT',
  'RAFT_ENGINE',
  'RAFT_PORT',
  'REDIS_PORT',
  'DYNAMO_PORT',
  'RAFT_TO_REDIS_MAP',
  'RAFT_BOOTSTRAP_MEMBERS',
  'RAFT_JOIN_NODE',
  'EXTRA_ENV',
  'DEFAULT_EXTRA_ENV',
  'CONTAINER_MEMORY_LIMIT',
  // S3 and SQS
  'ENABLE_S3',
  'S3_PORT',
  'S3_REGION',
  'S3_CREDENTIALS_FILE',
  'S3_PATH_STYLE_ONLY',
  'RAFT_TO_S3_MAP',
  'ENABLE_SQS',
  'SQS_PORT',
  'SQS_REGION',
  'SQS_CREDENTIALS_FILE',
  'RAFT_TO_SQS_MAP',
  'SQS_FIFO_PARTITION_MAP',
  // admin dashboard and KeyViz
  'ADMIN_ENABLED',
  'ADMIN_ADDRESS',
  'ADMIN_FULL_ACCESS_KEYS',
  'ADMIN_READ_ONLY_ACCESS_KEYS',
  'ADMIN_SESSION_SIGNING_KEY_FILE',
  'ADMIN_SESSION_SIGNING_KEY_PREVIOUS_FILE',
  'ADMIN_TLS_CERT_FILE',
  'ADMIN_TLS_KEY_FILE',
  'ADMIN_ALLOW_PLAINTEXT_NON_LOOPBACK',
  'ADMIN_ALLOW_INSECURE_DEV_COOKIE',
  'KEYVIZ_ENABLED',
  'KEYVIZ_FANOUT_NODES',
  'KEYVIZ_LABELS_ENABLED',
  'KEYVIZ_KEY_BUCKETS_PER_ROUTE',
  'KEYVIZ_HOT_KEYS_ENABLED',
  'KEYVIZ_HOT_KEYS_PER_ROUTE',
  'KEYVIZ_HOT_KEYS_SAMPLE_RATE',
  'KEYVIZ_HOT_KEYS_QUEUE_SIZE',
  'KEYVIZ_HOT_KEYS_MAX_KEY_LEN',
  // timing
  'HEALTH_TIMEOUT_SECONDS',
  'LEADERSHIP_TRANSFER_TIMEOUT_SECONDS',
  'LEADERSHIP_TRANSFER_MAX_LOG_LAG',
  'LEADERSHIP_TRANSFER_RETRY_ATTEMPTS',
  'LEADERSHIP_TRANSFER_RETRY_BACKOFF_SECONDS',
  'LEADER_DISCOVERY_TIMEOUT_SECONDS',
  'ROLLING_DELAY_SECONDS',
  // the script's own raftadmin helper
  'RAFTADMIN_BIN',
  'RAFTADMIN_REMOTE_BIN',
  'RAFTADMIN_RPC_TIMEOUT_SECONDS',
  'RAFTADMIN_ALLOW_INSECURE',
  // the upstream workflow's repository variables
  'NODES_RAFT_MAP',
  'SSH_TARGETS_MAP',
  'DEFAULT_EXTRA_ENV_CONFIGURED',
  'CONTAINER_MEMORY_LIMIT_CONFIGURED',
  'IMAGE_BASE',
] as const;

const KNOWN = new Set<string>(SCRIPT_VARIABLES);

/** Levenshtein distance, stopping early once it exceeds `limit`. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, k) => k);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(
        prev[j]! + 1,
        cur[j - 1]! + 1,
        prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      cur.push(v);
      best = Math.min(best, v);
    }
    if (best > limit) return limit + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The known variable a name most likely meant, if it is close enough to be a typo. */
export function closestVariable(name: string): string | undefined {
  if (KNOWN.has(name)) return undefined;
  // Short names are close to too much by chance; longer ones tolerate two slips.
  const limit = name.length < 8 ? 1 : 2;
  let best: string | undefined;
  let bestD = limit + 1;
  for (const known of SCRIPT_VARIABLES) {
    const d = distance(name.toUpperCase(), known, limit);
    if (d < bestD) {
      best = known;
      bestD = d;
    }
  }
  return best;
}

/**
 * Warnings for names that look like the script's but are not: in the process environment only
 * near misses are reported (it holds much else); in the env file, which exists for the script,
 * every unknown name is.
 */
export function unknownVariableWarnings(
  env: Record<string, string | undefined>,
  fileKeys: Iterable<string> = [],
  file = 'ROLLING_UPDATE_ENV_FILE',
): string[] {
  const out: string[] = [];
  const fromFile = new Set(fileKeys);
  for (const name of Object.keys(env).sort()) {
    if (KNOWN.has(name)) continue;
    const near = closestVariable(name);
    if (near)
      out.push(
        `${name} is not a variable rolling-update.sh reads; did you mean ${near}? It is ignored`,
      );
    else if (fromFile.has(name))
      out.push(`${file} sets ${name}, which rolling-update.sh does not read; it is ignored`);
  }
  return out;
}
