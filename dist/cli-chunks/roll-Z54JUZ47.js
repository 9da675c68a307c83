#!/usr/bin/env node
import { createRequire as __raftrollCreateRequire } from 'node:module';
const require = __raftrollCreateRequire(import.meta.url);
import {
  finishNode,
  onInterrupt
} from "./chunk-25NRCJQI.js";
import {
  ClusterViews,
  DEFAULT_THRESHOLDS,
  Events,
  HostFiles,
  StepError,
  buildReport,
  caughtUp,
  freeBytes,
  ganttMarkdown,
  membership,
  nodeBase,
  nodeContext,
  phase,
  printProgress,
  quorumGuard,
  readsBeforeStop,
  replaceNode,
  retryWarnings,
  startTimeoutMsOf,
  stopGraceOf
} from "./chunk-4NKZOZNU.js";
import {
  previousName,
  withPrevious,
  withTag
} from "./chunk-W5BFIYAD.js";
import {
  observe
} from "./chunk-CJCWXONM.js";
import {
  ClusterSession,
  SCRIPT_FP_LABEL,
  hostFilesOf,
  nodeGroups,
  nodeSpec,
  predictedWalDirs,
  resolveElastickv
} from "./chunk-ED7TOYZQ.js";
import {
  splitIds,
  value
} from "./chunk-HTIQHKCO.js";
import "./chunk-6OLVQDZI.js";
import {
  takeLease
} from "./chunk-ASQ42LHN.js";
import {
  AdminSchema,
  DEFAULT_ENV,
  DEFAULT_MEMORY,
  DEFAULT_PORTS,
  ElastickvSchema,
  GO_BOOLS,
  InventoryError,
  KeyVizSchema,
  LABEL,
  MAX_CONNECT_TIMEOUT_SECONDS,
  S3Schema,
  SqsSchema,
  checkNodes,
  containerNameProblem,
  imageProblem,
  inspectImage,
  inspectManifest,
  isHostName,
  isSshUser,
  loadInventory,
  nodeIdProblem,
  parseSshTarget,
  pullImage,
  quoteCommand,
  remotePathProblem,
  renameContainer,
  runContainer,
  selectNodes,
  stopContainer,
  walRulesVersion
} from "./chunk-OYZR7IG2.js";
import "./chunk-THGSPKRE.js";
import "./chunk-6XTDMOB3.js";
import "./chunk-X6X2WM6E.js";
import {
  EXIT,
  ExitError,
  rulesFor
} from "./chunk-B2HVS2M6.js";

// src/cli/run/roll.ts
import { readFile, writeFile } from "node:fs/promises";

// src/inventory/script-env-features.ts
var FIELD_VARIABLES = {
  entrypoint: "SERVER_ENTRYPOINT",
  raftEngine: "RAFT_ENGINE",
  raftRedisMap: "RAFT_TO_REDIS_MAP",
  bootstrapMembers: "RAFT_BOOTSTRAP_MEMBERS",
  joinAsLearner: "RAFT_JOIN_NODE",
  "s3.enabled": "ENABLE_S3",
  "s3.port": "S3_PORT",
  "s3.region": "S3_REGION",
  "s3.credentialsFile": "S3_CREDENTIALS_FILE",
  "s3.pathStyleOnly": "S3_PATH_STYLE_ONLY",
  "s3.raftS3Map": "RAFT_TO_S3_MAP",
  "sqs.enabled": "ENABLE_SQS",
  "sqs.port": "SQS_PORT",
  "sqs.region": "SQS_REGION",
  "sqs.credentialsFile": "SQS_CREDENTIALS_FILE",
  "sqs.raftSqsMap": "RAFT_TO_SQS_MAP",
  "sqs.fifoPartitionMap": "SQS_FIFO_PARTITION_MAP",
  "admin.enabled": "ADMIN_ENABLED",
  "admin.address": "ADMIN_ADDRESS",
  "admin.fullAccessKeys": "ADMIN_FULL_ACCESS_KEYS",
  "admin.readOnlyAccessKeys": "ADMIN_READ_ONLY_ACCESS_KEYS",
  "admin.signingKeyFile": "ADMIN_SESSION_SIGNING_KEY_FILE",
  "admin.previousSigningKeyFile": "ADMIN_SESSION_SIGNING_KEY_PREVIOUS_FILE",
  "admin.tlsCertFile": "ADMIN_TLS_CERT_FILE",
  "admin.tlsKeyFile": "ADMIN_TLS_KEY_FILE",
  "admin.allowPlaintextNonLoopback": "ADMIN_ALLOW_PLAINTEXT_NON_LOOPBACK",
  "admin.allowInsecureDevCookie": "ADMIN_ALLOW_INSECURE_DEV_COOKIE",
  "keyviz.enabled": "KEYVIZ_ENABLED",
  "keyviz.fanoutNodes": "KEYVIZ_FANOUT_NODES",
  "keyviz.labels": "KEYVIZ_LABELS_ENABLED",
  "keyviz.keyBucketsPerRoute": "KEYVIZ_KEY_BUCKETS_PER_ROUTE",
  "keyviz.hotKeys.enabled": "KEYVIZ_HOT_KEYS_ENABLED",
  "keyviz.hotKeys.perRoute": "KEYVIZ_HOT_KEYS_PER_ROUTE",
  "keyviz.hotKeys.sampleRate": "KEYVIZ_HOT_KEYS_SAMPLE_RATE",
  "keyviz.hotKeys.queueSize": "KEYVIZ_HOT_KEYS_QUEUE_SIZE",
  "keyviz.hotKeys.maxKeyLen": "KEYVIZ_HOT_KEYS_MAX_KEY_LEN"
};
var scriptNames = (f) => FIELD_VARIABLES[f] ?? `elastickv.${f}`;
function valid(schema, section, value2) {
  const r = schema.safeParse(value2);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = [section, ...issue.path.map(String)].filter(Boolean).join(".");
  const name = FIELD_VARIABLES[field] ?? field;
  const got = issue.path.reduce(
    (v, k) => v?.[k],
    value2
  );
  throw new InventoryError(`${name} is ${JSON.stringify(got)}: it ${issue.message}`);
}
function count(vars, name, max) {
  const v = vars.get(name);
  if (v === void 0) return void 0;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max)
    throw new InventoryError(
      `${name} is ${JSON.stringify(v)}: expected empty (elastickv's default) or a whole number from 1 to ${max}`
    );
  return Number(v);
}
function featuresFromScriptEnv(vars) {
  const s3On = vars.bool("ENABLE_S3", true);
  const s3 = {
    enabled: s3On,
    port: vars.port("S3_PORT", 9e3),
    region: vars.get("S3_REGION") ?? "us-east-1",
    credentialsFile: vars.get("S3_CREDENTIALS_FILE"),
    pathStyleOnly: vars.get("S3_PATH_STYLE_ONLY") ?? "true",
    raftS3Map: vars.get("RAFT_TO_S3_MAP")
  };
  if (s3On && !GO_BOOLS.includes(s3.pathStyleOnly))
    throw new InventoryError(
      `S3_PATH_STYLE_ONLY is ${JSON.stringify(s3.pathStyleOnly)}: expected true or false`
    );
  const sqsOn = vars.bool("ENABLE_SQS", false);
  const sqs = {
    enabled: sqsOn,
    port: vars.port("SQS_PORT", 9324),
    region: vars.get("SQS_REGION") ?? "us-east-1",
    credentialsFile: vars.get("SQS_CREDENTIALS_FILE"),
    raftSqsMap: vars.get("RAFT_TO_SQS_MAP"),
    fifoPartitionMap: vars.get("SQS_FIFO_PARTITION_MAP")
  };
  const adminOn = vars.bool("ADMIN_ENABLED", false);
  const admin = {
    enabled: adminOn,
    address: vars.get("ADMIN_ADDRESS"),
    fullAccessKeys: vars.get("ADMIN_FULL_ACCESS_KEYS"),
    readOnlyAccessKeys: vars.get("ADMIN_READ_ONLY_ACCESS_KEYS"),
    signingKeyFile: vars.get("ADMIN_SESSION_SIGNING_KEY_FILE"),
    previousSigningKeyFile: vars.get("ADMIN_SESSION_SIGNING_KEY_PREVIOUS_FILE"),
    tlsCertFile: vars.get("ADMIN_TLS_CERT_FILE"),
    tlsKeyFile: vars.get("ADMIN_TLS_KEY_FILE"),
    allowPlaintextNonLoopback: vars.bool("ADMIN_ALLOW_PLAINTEXT_NON_LOOPBACK", false),
    allowInsecureDevCookie: vars.bool("ADMIN_ALLOW_INSECURE_DEV_COOKIE", false)
  };
  const kvOn = vars.bool("KEYVIZ_ENABLED", false);
  const labels = vars.bool("KEYVIZ_LABELS_ENABLED", false);
  const hotOn = vars.bool("KEYVIZ_HOT_KEYS_ENABLED", false);
  const keyviz = kvOn ? {
    enabled: true,
    fanoutNodes: vars.get("KEYVIZ_FANOUT_NODES"),
    labels,
    keyBucketsPerRoute: count(vars, "KEYVIZ_KEY_BUCKETS_PER_ROUTE", 256),
    hotKeys: hotOn ? {
      enabled: true,
      perRoute: count(vars, "KEYVIZ_HOT_KEYS_PER_ROUTE", 256),
      sampleRate: count(vars, "KEYVIZ_HOT_KEYS_SAMPLE_RATE", 1024),
      queueSize: count(vars, "KEYVIZ_HOT_KEYS_QUEUE_SIZE", 65536),
      maxKeyLen: count(vars, "KEYVIZ_HOT_KEYS_MAX_KEY_LEN", 4096)
    } : { enabled: false }
  } : { enabled: false };
  const top = valid(
    ElastickvSchema.pick({
      entrypoint: true,
      raftEngine: true,
      raftRedisMap: true,
      bootstrapMembers: true,
      joinAsLearner: true
    }),
    "",
    {
      entrypoint: vars.get("SERVER_ENTRYPOINT") ?? "/app",
      raftEngine: vars.get("RAFT_ENGINE") ?? "etcd",
      raftRedisMap: vars.get("RAFT_TO_REDIS_MAP"),
      bootstrapMembers: vars.get("RAFT_BOOTSTRAP_MEMBERS"),
      joinAsLearner: vars.get("RAFT_JOIN_NODE")
    }
  );
  return {
    ...top,
    s3: s3On ? valid(S3Schema, "s3", s3) : s3,
    sqs: sqsOn ? valid(SqsSchema, "sqs", sqs) : sqs,
    admin: adminOn ? valid(AdminSchema, "admin", admin) : admin,
    keyviz: kvOn ? valid(KeyVizSchema, "keyviz", keyviz) : keyviz,
    scriptFingerprint: true
  };
}

// src/inventory/script-env-tuning.ts
function wholeNumber(vars, name, min, max) {
  const v = vars.get(name);
  if (v === void 0) return void 0;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < min || n > max)
    throw new InventoryError(
      `${name} is ${JSON.stringify(v)}: expected a whole number from ${min} to ${max}`
    );
  return n;
}
function tuningFromScriptEnv(vars) {
  const t = {};
  const notes = [];
  const health = wholeNumber(vars, "HEALTH_TIMEOUT_SECONDS", 1, 86400);
  if (health !== void 0) t.startTimeoutMs = health * 1e3;
  const transfer = wholeNumber(vars, "LEADERSHIP_TRANSFER_TIMEOUT_SECONDS", 1, 86400);
  if (transfer !== void 0) t.handoverTimeoutMs = transfer * 1e3;
  const lag = wholeNumber(vars, "LEADERSHIP_TRANSFER_MAX_LOG_LAG", 0, Number.MAX_SAFE_INTEGER);
  if (lag !== void 0) {
    t.maxLag = lag;
    notes.push(
      `LEADERSHIP_TRANSFER_MAX_LOG_LAG=${lag} becomes raftroll's max lag, which also decides when a restarted node counts as caught up (not only which follower may take leadership)`
    );
  }
  const discovery = wholeNumber(vars, "LEADER_DISCOVERY_TIMEOUT_SECONDS", 1, 3600);
  if (discovery !== void 0) t.leaderWaitMs = discovery * 1e3;
  const delay = wholeNumber(vars, "ROLLING_DELAY_SECONDS", 0, 3600);
  if (delay !== void 0) {
    t.stabilizeMs = delay * 1e3;
    notes.push(
      `ROLLING_DELAY_SECONDS=${delay} becomes the stabilization window: raftroll waits that long with the node caught up before the next one, rather than sleeping`
    );
  }
  const noKnob = [
    [
      "LEADERSHIP_TRANSFER_RETRY_ATTEMPTS",
      "raftroll tries each caught-up follower three times, backing off 0.5 s, 1 s, 2 s; this is not configurable"
    ],
    [
      "LEADERSHIP_TRANSFER_RETRY_BACKOFF_SECONDS",
      "raftroll backs off 0.5 s, 1 s, 2 s between transfer attempts; this is not configurable"
    ],
    ["RAFTADMIN_BIN", "raftroll speaks RaftAdmin itself; it builds and copies no helper binary"],
    ["RAFTADMIN_REMOTE_BIN", "raftroll copies no helper binary to the hosts"],
    [
      "RAFTADMIN_RPC_TIMEOUT_SECONDS",
      "raftroll bounds each RaftAdmin call by its own step timeouts"
    ],
    ["RAFTADMIN_ALLOW_INSECURE", "raftroll connects to RaftAdmin as elastickv serves it today"],
    ["DRY_RUN", "use `raftroll plan` for a dry run"]
  ];
  for (const [name, why] of noKnob) {
    const v = vars.get(name);
    if (v !== void 0) notes.push(`${name}=${v} is not used: ${why}`);
  }
  const dry = vars.get("DRY_RUN");
  if (dry !== void 0 && dry !== "true" && dry !== "false")
    throw new InventoryError(`DRY_RUN is ${JSON.stringify(dry)}: expected true or false`);
  return { thresholds: t, notes };
}

// src/inventory/script-env-vars.ts
import { readFileSync } from "node:fs";

// src/inventory/env-file.ts
var NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
var ENV_FILE_RULES = 'only KEY=VALUE lines (optionally after "export "), # comments, and values that are bare words, \'single-quoted\' or "double-quoted" (may span lines); no $ expansion, `commands`, $(...), ~ or other shell statements';
function refuse(file, line, why) {
  throw new InventoryError(
    `${file}, line ${line}: ${why}; the file is read, never run: ${ENV_FILE_RULES}`
  );
}
function parseEnvFile(text, file) {
  const out = {};
  let i = 0;
  let line = 1;
  const n = text.length;
  const at = () => text[i];
  const skipBlanks = () => {
    while (i < n && (at() === " " || at() === "	" || at() === "\r")) i++;
  };
  const skipComment = () => {
    while (i < n && at() !== "\n") i++;
  };
  while (i < n) {
    skipBlanks();
    if (i >= n) break;
    if (at() === "\n") {
      i++;
      line++;
      continue;
    }
    if (at() === "#") {
      skipComment();
      continue;
    }
    const start = line;
    let end = i;
    while (end < n && /[A-Za-z0-9_]/.test(text[end])) end++;
    let name = text.slice(i, end);
    if (name === "export" && (text[end] === " " || text[end] === "	")) {
      i = end;
      skipBlanks();
      end = i;
      while (end < n && /[A-Za-z0-9_]/.test(text[end])) end++;
      name = text.slice(i, end);
    }
    if (!NAME.test(name) || text[end] !== "=")
      refuse(file, start, "expected a KEY=VALUE assignment");
    i = end + 1;
    let value2 = "";
    while (i < n && !" 	\r\n".includes(at())) {
      const c = at();
      if (c === "'") {
        const close = text.indexOf("'", i + 1);
        if (close < 0) refuse(file, start, `the ' quote of ${name} is never closed`);
        const piece = text.slice(i + 1, close);
        line += piece.split("\n").length - 1;
        value2 += piece;
        i = close + 1;
      } else if (c === '"') {
        i++;
        for (; ; ) {
          if (i >= n) refuse(file, start, `the " quote of ${name} is never closed`);
          const d = at();
          if (d === '"') {
            i++;
            break;
          }
          if (d === "\\") {
            const e = text[i + 1];
            if (e === "\n") {
              line++;
              i += 2;
            } else if (e !== void 0 && '$`"\\'.includes(e)) {
              value2 += e;
              i += 2;
            } else {
              value2 += d;
              i++;
            }
            continue;
          }
          if (d === "$" || d === "`")
            refuse(file, line, `${name} uses ${d === "$" ? "$ expansion" : "a `command`"}`);
          if (d === "\n") line++;
          value2 += d;
          i++;
        }
      } else if (c === "\\") {
        const e = text[i + 1];
        if (e === void 0) refuse(file, line, `${name} ends in a lone backslash`);
        if (e === "\n") line++;
        else value2 += e;
        i += 2;
      } else if (c === "$" || c === "`") {
        refuse(file, line, `${name} uses ${c === "$" ? "$ expansion" : "a `command`"}`);
      } else if (c === "~" && value2 === "" && text[i - 1] === "=") {
        refuse(file, line, `${name} starts with ~, which a shell would expand`);
      } else if ("|&;<>()".includes(c)) {
        refuse(file, line, `${name} has an unquoted ${JSON.stringify(c)}, which a shell would run`);
      } else {
        value2 += c;
        i++;
      }
    }
    skipBlanks();
    if (i < n && at() === "#") skipComment();
    else if (i < n && at() !== "\n")
      refuse(file, line, `more follows the value of ${name} (a second word or a command)`);
    out[name] = value2;
  }
  return out;
}

// src/inventory/script-vars.ts
var SCRIPT_VARIABLES = [
  // cluster and ssh
  "NODES",
  "SSH_TARGETS",
  "ROLLING_ORDER",
  "SSH_USER",
  "USER",
  "SSH_CONNECT_TIMEOUT_SECONDS",
  "SSH_STRICT_HOST_KEY_CHECKING",
  "ROLLING_UPDATE_ENV_FILE",
  "DRY_RUN",
  // the container
  "IMAGE",
  "CONTAINER_NAME",
  "DATA_DIR",
  "SERVER_ENTRYPOINT",
  "RAFT_ENGINE",
  "RAFT_PORT",
  "REDIS_PORT",
  "DYNAMO_PORT",
  "RAFT_TO_REDIS_MAP",
  "RAFT_BOOTSTRAP_MEMBERS",
  "RAFT_JOIN_NODE",
  "EXTRA_ENV",
  "DEFAULT_EXTRA_ENV",
  "CONTAINER_MEMORY_LIMIT",
  // S3 and SQS
  "ENABLE_S3",
  "S3_PORT",
  "S3_REGION",
  "S3_CREDENTIALS_FILE",
  "S3_PATH_STYLE_ONLY",
  "RAFT_TO_S3_MAP",
  "ENABLE_SQS",
  "SQS_PORT",
  "SQS_REGION",
  "SQS_CREDENTIALS_FILE",
  "RAFT_TO_SQS_MAP",
  "SQS_FIFO_PARTITION_MAP",
  // admin dashboard and KeyViz
  "ADMIN_ENABLED",
  "ADMIN_ADDRESS",
  "ADMIN_FULL_ACCESS_KEYS",
  "ADMIN_READ_ONLY_ACCESS_KEYS",
  "ADMIN_SESSION_SIGNING_KEY_FILE",
  "ADMIN_SESSION_SIGNING_KEY_PREVIOUS_FILE",
  "ADMIN_TLS_CERT_FILE",
  "ADMIN_TLS_KEY_FILE",
  "ADMIN_ALLOW_PLAINTEXT_NON_LOOPBACK",
  "ADMIN_ALLOW_INSECURE_DEV_COOKIE",
  "KEYVIZ_ENABLED",
  "KEYVIZ_FANOUT_NODES",
  "KEYVIZ_LABELS_ENABLED",
  "KEYVIZ_KEY_BUCKETS_PER_ROUTE",
  "KEYVIZ_HOT_KEYS_ENABLED",
  "KEYVIZ_HOT_KEYS_PER_ROUTE",
  "KEYVIZ_HOT_KEYS_SAMPLE_RATE",
  "KEYVIZ_HOT_KEYS_QUEUE_SIZE",
  "KEYVIZ_HOT_KEYS_MAX_KEY_LEN",
  // timing
  "HEALTH_TIMEOUT_SECONDS",
  "LEADERSHIP_TRANSFER_TIMEOUT_SECONDS",
  "LEADERSHIP_TRANSFER_MAX_LOG_LAG",
  "LEADERSHIP_TRANSFER_RETRY_ATTEMPTS",
  "LEADERSHIP_TRANSFER_RETRY_BACKOFF_SECONDS",
  "LEADER_DISCOVERY_TIMEOUT_SECONDS",
  "ROLLING_DELAY_SECONDS",
  // the script's own raftadmin helper
  "RAFTADMIN_BIN",
  "RAFTADMIN_REMOTE_BIN",
  "RAFTADMIN_RPC_TIMEOUT_SECONDS",
  "RAFTADMIN_ALLOW_INSECURE",
  // the upstream workflow's repository variables
  "NODES_RAFT_MAP",
  "SSH_TARGETS_MAP",
  "DEFAULT_EXTRA_ENV_CONFIGURED",
  "CONTAINER_MEMORY_LIMIT_CONFIGURED",
  "IMAGE_BASE"
];
var KNOWN = new Set(SCRIPT_VARIABLES);
function distance(a, b, limit) {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, k) => k);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(
        prev[j] + 1,
        cur[j - 1] + 1,
        prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)
      );
      cur.push(v);
      best = Math.min(best, v);
    }
    if (best > limit) return limit + 1;
    prev = cur;
  }
  return prev[b.length];
}
function closestVariable(name) {
  if (KNOWN.has(name)) return void 0;
  const limit = name.length < 8 ? 1 : 2;
  let best;
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
function unknownVariableWarnings(env, fileKeys = [], file = "ROLLING_UPDATE_ENV_FILE") {
  const out = [];
  const fromFile = new Set(fileKeys);
  for (const name of Object.keys(env).sort()) {
    if (KNOWN.has(name)) continue;
    const near = closestVariable(name);
    if (near)
      out.push(
        `${name} is not a variable rolling-update.sh reads; did you mean ${near}? It is ignored`
      );
    else if (fromFile.has(name))
      out.push(`${file} sets ${name}, which rolling-update.sh does not read; it is ignored`);
  }
  return out;
}

// src/inventory/script-env-vars.ts
var CONFIGURED = {
  CONTAINER_MEMORY_LIMIT: "CONTAINER_MEMORY_LIMIT_CONFIGURED",
  DEFAULT_EXTRA_ENV: "DEFAULT_EXTRA_ENV_CONFIGURED"
};
var normalizeMap = (v) => v.split(",").map((e) => e.replace(/\s/g, "")).filter(Boolean).join(",");
var ScriptVars = class {
  warnings = [];
  notes = [];
  env;
  constructor(processEnv, readFile2 = (p) => readFileSync(p, "utf8")) {
    const env = { ...processEnv };
    for (const [name, flag] of Object.entries(CONFIGURED)) {
      const f = env[flag];
      if (f === void 0) continue;
      if (f !== "true" && f !== "false" && f !== "")
        throw new InventoryError(
          `${flag} is ${JSON.stringify(f)}: expected true or false (whether the repository variable ${name} is defined)`
        );
      if (f !== "true") delete env[name];
    }
    const file = env.ROLLING_UPDATE_ENV_FILE;
    let fileKeys = [];
    if (file) {
      let text;
      try {
        text = readFile2(file);
      } catch (e) {
        const code = e.code;
        throw new InventoryError(
          `ROLLING_UPDATE_ENV_FILE is ${JSON.stringify(file)}: ${code === "ENOENT" ? "no such file" : e.message}; expected a file of KEY=VALUE lines on this machine`
        );
      }
      const assigned = parseEnvFile(text, `ROLLING_UPDATE_ENV_FILE ${file}`);
      fileKeys = Object.keys(assigned);
      Object.assign(env, assigned);
    }
    this.takeWorkflowMap(env, "NODES", "NODES_RAFT_MAP");
    this.takeWorkflowMap(env, "SSH_TARGETS", "SSH_TARGETS_MAP");
    this.warnings.push(...unknownVariableWarnings(env, fileKeys));
    this.env = env;
  }
  /** The workflow's repository variable stands in for the script's when that is empty. */
  takeWorkflowMap(env, name, workflowName) {
    const theirs = env[workflowName];
    if (!theirs) return;
    const ours = env[name];
    if (!ours) {
      env[name] = theirs;
      return;
    }
    if (normalizeMap(ours) !== normalizeMap(theirs))
      throw new InventoryError(
        `${name} and ${workflowName} are both set and differ: give one (the upstream workflow copies ${workflowName} into ${name})`
      );
  }
  /** The script's "${NAME:-default}": empty counts as unset. */
  get(name) {
    const v = this.env[name];
    return v === void 0 || v === "" ? void 0 : v;
  }
  /** The script's "${NAME-default}": only unset means the default; empty is a value. */
  raw(name) {
    return this.env[name];
  }
  /** A true/false switch, refused otherwise as the script refuses it. */
  bool(name, fallback) {
    const v = this.get(name);
    if (v === void 0) return fallback;
    if (v !== "true" && v !== "false")
      throw new InventoryError(
        `${name} is ${JSON.stringify(v)}: expected true or false (exactly, lower case)`
      );
    return v === "true";
  }
  port(name, fallback) {
    const v = this.get(name);
    if (v === void 0) return fallback;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < 1 || n > 65535)
      throw new InventoryError(`${name} is "${v}": expected a port number`);
    return n;
  }
};

// src/inventory/script-env.ts
function pairs(text, what) {
  return text.split(",").map((p) => p.trim()).filter(Boolean).map((p) => {
    const eq = p.indexOf("=");
    if (eq <= 0 || eq === p.length - 1)
      throw new InventoryError(`${what}: "${p}" is not id=value`);
    return [p.slice(0, eq).trim(), p.slice(eq + 1).trim()];
  });
}
function checked(vars, name, fallback, problem) {
  const v = vars.get(name) ?? fallback;
  const p = problem(v);
  if (p) throw new InventoryError(`${name} is ${JSON.stringify(v)}: it ${p}`);
  return v;
}
function connectTimeout(v) {
  if (v === void 0 || v === "") return void 0;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > MAX_CONNECT_TIMEOUT_SECONDS)
    throw new InventoryError(
      `SSH_CONNECT_TIMEOUT_SECONDS is ${JSON.stringify(v)}: expected whole seconds from 1 to ${MAX_CONNECT_TIMEOUT_SECONDS}`
    );
  return n;
}
var envWords = (v) => v.split(/\s+/).filter(Boolean).join("\n");
function ssh(vars, ids) {
  const targets = new Map(pairs(vars.get("SSH_TARGETS") ?? "", "SSH_TARGETS"));
  for (const id of targets.keys())
    if (!ids.has(id))
      throw new InventoryError(
        `SSH_TARGETS names "${id}", which is not in NODES (${[...ids].join(", ")})`
      );
  const user = vars.get("SSH_USER") ?? vars.get("USER");
  if (user !== void 0 && !isSshUser(user))
    throw new InventoryError(
      `${vars.get("SSH_USER") ? "SSH_USER" : "USER"} is ${JSON.stringify(user)}: expected a login name (letters, digits, _ . -, starting with a letter or _)`
    );
  for (const [id, t] of targets) {
    try {
      parseSshTarget(t);
    } catch (e) {
      throw new InventoryError(`SSH_TARGETS, node ${id}: ${e.message}`);
    }
  }
  const strictSet = vars.get("SSH_STRICT_HOST_KEY_CHECKING");
  const strict = strictSet ?? "yes";
  if (strict !== "yes" && strict !== "accept-new") {
    throw new InventoryError(
      `SSH_STRICT_HOST_KEY_CHECKING is "${strict}": expected yes or accept-new (raftroll never turns host key checking off)`
    );
  }
  return {
    notes: strictSet === void 0 ? [
      "SSH_STRICT_HOST_KEY_CHECKING is not set: raftroll checks host keys strictly (yes), where the script defaults to accept-new; set it to accept-new to keep the script behaviour"
    ] : [],
    nodeSsh: (id, host) => {
      const t = targets.get(id);
      return t ? t.includes("@") || !user ? t : `${user}@${t}` : user ? `${user}@${host}` : host;
    },
    settings: {
      acceptNewHostKeys: strict === "accept-new",
      sudo: true,
      connectTimeoutSec: connectTimeout(vars.get("SSH_CONNECT_TIMEOUT_SECONDS"))
    }
  };
}
function rollingOrder(vars, ids) {
  const order = (vars.get("ROLLING_ORDER") ?? "").split(",").map((x) => x.trim()).filter(Boolean);
  const seen = /* @__PURE__ */ new Set();
  for (const id of order) {
    if (!ids.has(id))
      throw new InventoryError(
        `ROLLING_ORDER names "${id}", which is not in NODES (${[...ids].join(", ")})`
      );
    if (seen.has(id)) throw new InventoryError(`ROLLING_ORDER names "${id}" twice`);
    seen.add(id);
  }
  return order;
}
function memoryDefaults(vars, warnings) {
  const memory = vars.raw("CONTAINER_MEMORY_LIMIT");
  const defaults = vars.raw("DEFAULT_EXTRA_ENV");
  const extraEnv = vars.get("EXTRA_ENV") ? envWords(vars.get("EXTRA_ENV")) : void 0;
  const o = {
    memory: memory === void 0 ? void 0 : memory.trim() || "none",
    defaultEnv: defaults === void 0 ? void 0 : envWords(defaults) || "none",
    extraEnv
  };
  const hint = (name) => `if it comes from an undefined GitHub repository variable, pass ${name}_CONFIGURED: \${{ contains(toJSON(vars), '"${name}"') }} as the upstream workflow does, or set the variable`;
  if (o.memory === "none")
    warnings.push(
      `CONTAINER_MEMORY_LIMIT is set but empty, so containers get NO memory limit (default ${DEFAULT_MEMORY}): an out-of-memory node can take its host down with it; ${hint("CONTAINER_MEMORY_LIMIT")}`
    );
  const userSetsGoMemLimit = /(^|\n)GOMEMLIMIT=/.test(extraEnv ?? "");
  if (o.defaultEnv === "none" && !userSetsGoMemLimit)
    warnings.push(
      `DEFAULT_EXTRA_ENV is set but empty, so containers get NO GOMEMLIMIT (default ${Object.entries(
        DEFAULT_ENV
      ).map(([k, v]) => `${k}=${v}`).join(
        " "
      )}): Go will not collect harder before the memory limit kills it; ${hint("DEFAULT_EXTRA_ENV")}`
    );
  return o;
}
function inventoryFromScriptEnv(env, readFile2) {
  const vars = new ScriptVars(env, readFile2);
  const warnings = [...vars.warnings];
  const notes = [...vars.notes];
  if (vars.get("NODES") === void 0 || !vars.get("NODES").trim())
    throw new InventoryError(
      'NODES is not set: expected "raftId=host,raftId=host,..." (or NODES_RAFT_MAP, or give --inventory)'
    );
  const nodes = pairs(vars.get("NODES"), "NODES");
  const ids = /* @__PURE__ */ new Set();
  for (const [id, host] of nodes) {
    if (ids.has(id)) throw new InventoryError(`NODES names "${id}" twice`);
    const bad = nodeIdProblem(id);
    if (bad) throw new InventoryError(`NODES: node id ${JSON.stringify(id)} ${bad}`);
    if (!isHostName(host))
      throw new InventoryError(
        `NODES: the host of ${id}, ${JSON.stringify(host)}, is not a DNS name or IP address`
      );
    ids.add(id);
  }
  const access = ssh(vars, ids);
  notes.push(...access.notes);
  const order = rollingOrder(vars, ids);
  const dataDir = checked(vars, "DATA_DIR", "/var/lib/elastickv", remotePathProblem);
  const elastickv = featuresFromScriptEnv(vars);
  const inv = {
    source: "the rolling-update.sh environment",
    engine: "elastickv",
    nodes: nodes.map(([id, host]) => ({ id, host, ssh: access.nodeSsh(id, host) })),
    ssh: access.settings,
    container: {
      name: checked(vars, "CONTAINER_NAME", "elastickv", containerNameProblem),
      image: checked(vars, "IMAGE", "ghcr.io/bootjp/elastickv:latest", imageProblem),
      dataDir,
      restart: "unless-stopped",
      network: "host",
      volumes: ["{{dataDir}}:{{dataDir}}"]
    },
    ports: {
      admin: vars.port("RAFT_PORT", DEFAULT_PORTS.elastickv.admin),
      redis: vars.port("REDIS_PORT", DEFAULT_PORTS.elastickv.redis),
      dynamo: vars.port("DYNAMO_PORT", DEFAULT_PORTS.elastickv.dynamo)
    },
    elastickv
  };
  checkNodes(inv, inv.source);
  const resolved = resolveElastickv(inv, elastickv, scriptNames);
  const rolled = order.length ? order : nodes.map(([id]) => id);
  if (resolved.joinAsLearner && (rolled.length !== 1 || rolled[0] !== resolved.joinAsLearner))
    throw new InventoryError(
      `RAFT_JOIN_NODE is "${resolved.joinAsLearner}": ROLLING_ORDER must name only that node (it is ${rolled.join(",")}); roll the others separately, without RAFT_JOIN_NODE`
    );
  if (resolved.joinAsLearner)
    notes.push(
      `RAFT_JOIN_NODE=${resolved.joinAsLearner}: it starts with --raftJoinAsLearner; once it is promoted, unset RAFT_JOIN_NODE and roll it again`
    );
  if (resolved.s3.enabled && !resolved.s3.credentialsFile)
    warnings.push(
      "the S3 listener is on (ENABLE_S3 defaults to true) with no S3_CREDENTIALS_FILE: it accepts any credentials; set ENABLE_S3=false if you do not use S3 (the upstream workflow refuses this combination)"
    );
  if (resolved.admin.enabled && resolved.admin.allowPlaintextNonLoopback && !resolved.admin.allowInsecureDevCookie)
    warnings.push(
      "ADMIN_ALLOW_PLAINTEXT_NON_LOOPBACK=true without ADMIN_ALLOW_INSECURE_DEV_COOKIE=true: browsers will not send the Secure session cookie over plain HTTP, so dashboard logins will not stick"
    );
  const overrides = memoryDefaults(vars, warnings);
  if (overrides.memory !== "none")
    notes.push(
      "raftroll sets --memory-swap equal to --memory, where the script leaves Docker to allow as much swap again: an elastickv node that swaps stalls its Raft heartbeats, so it should be killed and restarted, not slowed"
    );
  const tuning = tuningFromScriptEnv(vars);
  notes.push(...tuning.notes);
  return {
    inv,
    order: rolled,
    overrides,
    thresholds: tuning.thresholds,
    warnings,
    notes,
    hostFiles: hostFilesOf(resolved, scriptNames)
  };
}

// src/rollout/images.ts
var TargetImage = class {
  constructor(session, image) {
    this.session = session;
    this.image = image;
  }
  session;
  image;
  /** Asked once per host; an answer of '' (not there yet) is asked again, after a pull. */
  ids = /* @__PURE__ */ new Map();
  host(id) {
    return this.session.host(this.session.inv.nodes.find((n) => n.id === id));
  }
  /** The image's ID on a node's host, or '' when the host does not have it. */
  idOn(id) {
    const known = this.ids.get(id);
    if (known) return known;
    const asked = this.host(id).run(inspectImage(this.image), { allowFailure: true }).then((r) => r.code === 0 ? r.stdout.trim() : "");
    this.ids.set(id, asked);
    asked.then(
      (found) => {
        if (!found) this.ids.delete(id);
      },
      () => this.ids.delete(id)
    );
    return asked;
  }
  /**
   * Why a host that lacks the image could not pull it, or undefined: its registry is asked for
   * the manifest (nothing is downloaded), with the host's own network and credentials.
   */
  async pullProblem(id) {
    if (await this.idOn(id)) return void 0;
    const r = await this.host(id).run(inspectManifest(this.image), {
      allowFailure: true,
      timeoutMs: 6e4
    });
    return r.code === 0 ? void 0 : pullFailure(this.image, r.stderr);
  }
  async pullEverywhere(order, events) {
    await Promise.all(
      order.map(async (id) => {
        const have = await this.idOn(id);
        if (!have) {
          const r = await this.host(id).run(pullImage(this.image), {
            allowFailure: true,
            timeoutMs: 9e5
          });
          if (r.code !== 0)
            throw new StepError(
              `${id}: ${pullFailure(this.image, r.stderr)}; nothing was touched`,
              id,
              "observe"
            );
        }
        events.emit({ type: "pull", at: Date.now(), node: id, image: this.image, pulled: !have });
      })
    );
  }
};
function pullFailure(image, stderr) {
  const said = stderr.trim().split("\n").filter(Boolean).at(-1) ?? "no message";
  const why = /manifest unknown|manifest for .* not found|no such manifest|not found: manifest/i.test(stderr) ? `the tag of ${image} does not exist in its registry: check the tag` : /unauthorized|denied|authentication required|no basic auth/i.test(stderr) ? `the registry refuses ${image}: check the repository name, or log the host in (docker login)` : /no such host|lookup |dial tcp|i\/o timeout|connection refused|TLS handshake timeout/i.test(
    stderr
  ) ? `the registry of ${image} cannot be reached from this host` : `cannot pull ${image}`;
  return `${why} (docker: ${said})`;
}

// src/rollout/leader-balance.ts
async function pauseLeaderBalance(session, events) {
  const path = session.inv.leaderBalanceKillSwitch;
  if (!path) return async () => {
  };
  const created = [];
  const undo = async () => {
    for (const c of created)
      await c.run().catch(
        (e) => events.emit({
          type: "warning",
          at: Date.now(),
          node: c.id,
          message: `could not remove the leader-balance kill switch ${path}: ${e.message}; remove it by hand, or the scheduler stays paused`
        })
      );
  };
  try {
    for (const node of session.inv.nodes) {
      const host = session.host(node);
      const there = await host.run(["test", "-e", path], { allowFailure: true });
      if (there.code === 0) continue;
      await host.run(["touch", "--", path]);
      created.push({ id: node.id, run: () => host.run(["rm", "-f", "--", path]) });
    }
  } catch (e) {
    await undo();
    throw new StepError(
      `cannot pause the leader-balance scheduler (creating ${path}): ${e.message}; nothing was touched`,
      void 0,
      "guard"
    );
  }
  events.emit({
    type: "warning",
    at: Date.now(),
    message: `leader balancing paused for the roll (${path} on ${created.length} host(s))`
  });
  return undo;
}

// src/rollout/order.ts
function rolloutOrder(ids, views, leaderLast = true) {
  if (!leaderLast) return [...ids];
  const leader = views.find((v) => v.raft?.role === "leader")?.id;
  return leader && ids.includes(leader) ? [...ids.filter((id) => id !== leader), leader] : [...ids];
}

// src/rollout/preflight.ts
async function dataDirProblem(session, id) {
  const node = session.inv.nodes.find((n) => n.id === id);
  const dir = session.inv.container.dataDir;
  const r = await session.host(node).run(["stat", "-L", "-c", "%F", "--", dir], { allowFailure: true });
  if (r.code !== 0)
    return `its data directory ${dir} does not exist on ${node.host} (or cannot be read): create it, or fix container.dataDir in the inventory`;
  if (r.stdout.trim() !== "directory")
    return `its data directory ${dir} on ${node.host} is a ${r.stdout.trim()}, not a directory`;
  return void 0;
}
async function walLayout(session, id) {
  const inv = session.inv;
  const node = inv.nodes.find((n) => n.id === id);
  const files = new HostFiles(session.host(node));
  const { dirs, groupsRoot } = predictedWalDirs(inv, node);
  await files.survey(inv.container.dataDir);
  const errors = [];
  for (const d of dirs) {
    const st = await files.stat(d.dir);
    if (st?.kind === "dir") continue;
    const which = d.group === void 0 ? "its WAL directory" : `group ${d.group}: its WAL directory`;
    errors.push(
      `${which} ${d.dir} ${st ? "is not a directory" : "does not exist"} on ${node.host}, where the ${inv.engine} layout puts it; the node would start ${d.group === void 0 ? "with an empty log" : "that group with an empty log"}. Check container.dataDir${d.group === void 0 ? "" : " and the groups"} in the inventory, or restore the directory`
    );
  }
  const warnings = [];
  if (groupsRoot && (await files.stat(groupsRoot))?.kind === "dir") {
    const known = new Set((nodeGroups(inv).get(id) ?? []).map((g) => g.id));
    for (const e of await files.list(groupsRoot)) {
      const m = /^group-(\d+)$/.exec(e.name);
      if (e.kind !== "dir" || !m || known.has(Number(m[1]))) continue;
      warnings.push(
        `${groupsRoot}/${e.name} on ${node.host} is a Raft group directory, but group ${m[1]} is not in the inventory (${known.size ? `groups ${[...known].join(",")}` : "one group"}); raftroll neither checks its WAL before the start nor guards its quorum: add the group, or remove the directory if the group is gone`
      );
    }
  }
  return { errors, warnings };
}
async function missingMounts(session, id, spec) {
  const node = session.inv.nodes.find((n) => n.id === id);
  const sources = spec.volumes.map((v) => v.split(":")).filter((p) => p.length >= 3 && p[2].split(",").includes("ro") && p[0].startsWith("/")).map((p) => p[0]);
  const readable = await Promise.all(
    sources.map(
      async (src) => (await session.host(node).run(["test", "-r", src], { allowFailure: true })).code === 0
    )
  );
  return sources.filter((_, k) => !readable[k]).map(
    (src) => `${src} (mounted read-only into the container) does not exist or is not readable on ${node.host}: put it there first, or the container cannot start`
  );
}
function askHosts(session, ids, views, specOf, skip) {
  const out = /* @__PURE__ */ new Map();
  for (const id of ids) {
    const v = views.find((x) => x.id === id);
    if (skip?.has(id) || !v.reachable) {
      out.set(id, Promise.resolve([]));
      continue;
    }
    const asked = async () => {
      const [dir, layout, mounts] = await Promise.all([
        dataDirProblem(session, id),
        // Without a data directory the layout's own failure says nothing more.
        walLayout(session, id).catch((e) => e),
        missingMounts(session, id, specOf(id))
      ]);
      if (dir) return [dir, ...mounts];
      if (layout instanceof Error) throw layout;
      return [...layout.errors, ...mounts];
    };
    out.set(
      id,
      asked().catch((e) => e)
    );
  }
  return out;
}
async function blockers(session, order, views, t, o) {
  const sent = o.asked ?? askHosts(session, order, views, o.specOf, o.skip instanceof Set ? o.skip : void 0);
  const asked = Promise.all(order.map((id) => sent.get(id) ?? Promise.resolve([])));
  const [onHost, skip] = await Promise.all([asked, o.skip]);
  const found = [];
  let members;
  for (const [k, id] of order.entries()) {
    if (skip.has(id)) continue;
    const v = views.find((x) => x.id === id);
    if (!v.reachable) {
      found.push({ node: id, why: `${id} cannot be reached (${v.error})` });
      continue;
    }
    const mine = onHost[k];
    if (mine instanceof Error) throw mine;
    for (const why of mine) found.push({ node: id, why });
    if (!o.guard) continue;
    let guard = quorumGuard(id, views, t);
    if (!guard) {
      members ??= membership(session, views);
      guard = await members;
    }
    if (guard) found.push({ node: id, why: guard });
  }
  return found;
}
var refusal = (b) => `${b.node}: refused: ${b.why}. Nothing was touched on ${b.node}.`;

// src/rollout/plan.ts
async function planRows(run, order, views, image, specOf, found) {
  const { session, t } = run;
  const dataDir = session.inv.container.dataDir;
  const rows = [];
  for (const id of order) {
    const v = views.find((x) => x.id === id);
    const spec = specOf(id, v);
    const host = session.host(session.inv.nodes.find((n) => n.id === id));
    const disk = await freeBytes(host, dataDir);
    const imageId = await image.idOn(id);
    const refusals = found.blockers.filter((b) => b.node === id).map((b) => b.why);
    const skipped = found.skip.has(id);
    const layoutWarnings = v.reachable ? (await walLayout(session, id)).warnings : [];
    for (const message of layoutWarnings)
      run.events.emit({ type: "warning", at: Date.now(), node: id, message });
    const actions = skipped ? [] : [
      ...v.raft?.role === "leader" ? ["transfer leadership to the most caught-up healthy follower"] : [],
      quoteCommand(stopContainer(spec.name, t.stopGraceSeconds)),
      `verify the WAL under ${dataDir} (repair only a torn tail)`,
      quoteCommand(renameContainer(spec.name, previousName(spec.name))),
      `${quoteCommand(runContainer(spec))}   # env: ${Object.keys(spec.env).join(", ") || "none"} (values from a root-only file)`,
      `wait until caught up (lag <= ${t.maxLag}) in three samples in a row${t.stabilizeMs ? `, and for at least ${t.stabilizeMs} ms` : ""}`
    ];
    const notes = [
      v.reachable ? "" : `unreachable: ${v.error}`,
      "free" in disk ? `${Math.round(disk.free / 2 ** 20)} MiB free for the data dir` : `data dir: ${disk.error}`,
      imageId ? "image present" : `image not present on the host; it will be pulled`,
      ...layoutWarnings.map((w) => `warning: ${w}`),
      skipped ? "image and configuration unchanged, caught up: it would be skipped" : refusals.length ? refusals.map((why) => `a roll would refuse now: ${why}`).join("; ") : "quorum guard passes"
    ].filter(Boolean);
    rows.push({
      node: id,
      result: "planned",
      roleBefore: v.raft?.role ?? "unknown",
      imageBefore: v.container?.image ?? "none",
      imageAfter: image.image,
      wal: "not checked (dry run)",
      handover: v.raft?.role === "leader" ? "planned" : "not needed",
      finalLag: v.lag,
      message: notes.join("; "),
      actions
    });
  }
  return rows;
}

// src/rollout/skip.ts
function sameConfig(labels, spec) {
  if (labels[LABEL.fingerprint] === spec.labels[LABEL.fingerprint]) return true;
  const script = spec.labels[SCRIPT_FP_LABEL];
  return !!script && !labels[LABEL.fingerprint] && labels[SCRIPT_FP_LABEL] === script;
}
function upToDate(v, spec, targetImageId, t) {
  const c = v.container;
  return !!c?.state.running && !!targetImageId && c.imageId === targetImageId && sameConfig(c.labels, spec) && caughtUp(v, t) === void 0;
}

// src/rollout/rollout.ts
var Rollout = class {
  constructor(inv, session, opts, events) {
    this.inv = inv;
    this.session = session;
    this.opts = opts;
    this.events = events;
    this.run0 = {
      session,
      t: opts.thresholds,
      rules: rulesFor(opts.etcdVersion ?? "3.7"),
      events,
      views: new ClusterViews(session)
    };
    for (const n of inv.nodes) this.baseSpec(n.id);
    this.target = new TargetImage(session, opts.image);
  }
  inv;
  session;
  opts;
  events;
  rows = [];
  /** The last node's work after its catch-up (its row is told once it is done). */
  finishing;
  run0;
  target;
  baseSpec(id) {
    const node = this.inv.nodes.find((n) => n.id === id);
    return nodeSpec(this.inv, node, { ...this.opts.overrides, image: this.opts.image });
  }
  async run() {
    const selected = (this.opts.nodes?.length ? this.opts.nodes : this.inv.nodes.map((n) => n.id)).map((id) => {
      const n = this.inv.nodes.find((x) => x.id === id);
      if (!n)
        throw new StepError(
          `node "${id}" is not in the inventory: expected one of ${this.inv.nodes.map((x) => x.id).join(", ")}`
        );
      return n.id;
    });
    const early = [];
    let started = false;
    const warn = (node, message) => started ? this.events.emit({ type: "warning", at: Date.now(), node, message }) : early.push({ node, message });
    const leasing = this.opts.lease || this.opts.dryRun ? Promise.resolve(this.opts.lease) : takeLease(this.session, `raftroll roll ${this.opts.image}`, {
      image: this.opts.image,
      onWarning: warn
    });
    leasing.catch(() => {
    });
    let views;
    let order;
    let asked;
    try {
      views = await observe(this.session, this.inv.nodes);
      order = rolloutOrder(selected, views, this.opts.leaderLast ?? true);
      asked = askHosts(this.session, order, views, (id) => this.baseSpec(id));
    } catch (e) {
      const own = await leasing.catch(() => void 0);
      if (own && own !== this.opts.lease) await own.release();
      started = true;
      for (const w of early.splice(0)) warn(w.node, w.message);
      throw e;
    }
    this.events.emit({
      type: "rollout-start",
      at: Date.now(),
      image: this.opts.image,
      order,
      dryRun: !!this.opts.dryRun
    });
    started = true;
    for (const w of early.splice(0)) warn(w.node, w.message);
    let lease = this.opts.lease;
    let resume;
    try {
      lease = await leasing;
      if (lease) this.run0.journal = lease;
      const skipping = this.upToDate(order, views);
      skipping.catch(() => {
      });
      const found = await blockers(this.session, order, views, this.run0.t, {
        skip: skipping,
        guard: !!this.opts.dryRun,
        specOf: (id) => this.baseSpec(id),
        asked
      });
      const skip = await skipping;
      if (this.opts.dryRun) {
        const specOf = (id, v) => withPrevious(this.baseSpec(id), v.container);
        const rows = await planRows(this.run0, order, views, this.target, specOf, {
          skip,
          blockers: found
        });
        for (const row of rows) this.addRow(row);
        if (found.length) throw new StepError(refusal(found[0]), found[0].node, "guard");
        await this.pullable(order.filter((id) => !skip.has(id)));
        this.events.emit({ type: "rollout-end", at: Date.now(), result: "success" });
        return { result: "success", rows: this.rows };
      }
      if (found.length) throw new StepError(refusal(found[0]), found[0].node, "guard");
      resume = await pauseLeaderBalance(this.session, this.events);
      await this.target.pullEverywhere(order, this.events);
      for (const id of order) {
        if (this.opts.signal?.aborted || await this.rollNode(id, skip.has(id)) === "interrupted") {
          await this.finished();
          const message = `interrupted before ${id}; every node is in a safe state`;
          this.events.emit({ type: "rollout-end", at: Date.now(), result: "interrupted", message });
          return { result: "interrupted", rows: this.rows, message };
        }
      }
      await this.finished();
      this.events.emit({ type: "rollout-end", at: Date.now(), result: "success" });
      return { result: "success", rows: this.rows };
    } catch (e) {
      const unfinished = await this.finished().then(
        () => void 0,
        (x) => x.message
      );
      const first = e.message;
      const message = unfinished && unfinished !== first ? `${first}; also: ${unfinished}` : first;
      const where = e instanceof StepError ? { node: e.node, phase: e.phase } : {};
      this.events.emit({
        type: "rollout-end",
        at: Date.now(),
        result: "failure",
        message,
        ...where
      });
      return { result: "failure", rows: this.rows, message, ...where };
    } finally {
      await resume?.();
      const kept = await lease?.release();
      if (kept) this.events.emit({ type: "warning", at: Date.now(), message: kept });
    }
  }
  /** A plan proves the roll's pull would work on every host that lacks the image. */
  async pullable(order) {
    const problems = await Promise.all(order.map((id) => this.target.pullProblem(id)));
    const k = problems.findIndex(Boolean);
    if (k >= 0)
      throw new StepError(`${order[k]}: ${problems[k]}; nothing was touched`, order[k], "observe");
  }
  /** The nodes a roll would skip as the cluster stands now (none when forced). */
  async upToDate(order, views) {
    const skip = /* @__PURE__ */ new Set();
    if (this.opts.force) return skip;
    const reachable = order.filter((id) => views.find((x) => x.id === id).reachable);
    const ids = await Promise.all(reachable.map((id) => this.target.idOn(id)));
    for (const [k, id] of reachable.entries()) {
      const v = views.find((x) => x.id === id);
      const spec = withPrevious(this.baseSpec(id), v.container);
      if (upToDate(v, spec, ids[k], this.run0.t)) skip.add(id);
    }
    return skip;
  }
  /** Waits for the last node's work after its catch-up. */
  async finished() {
    const f = this.finishing;
    this.finishing = void 0;
    await f;
  }
  addRow(row) {
    this.rows.push(row);
    this.events.emit({ type: "node-result", at: Date.now(), node: row.node, row });
  }
  /**
   * `likelySkipped`: the preflight found the node up to date (it is judged again here).
   * 'interrupted': a stop was asked for before anything was done to the node.
   */
  async rollNode(id, likelySkipped) {
    this.events.emit({ type: "phase", at: Date.now(), node: id, phase: "observe" });
    const pre = likelySkipped ? void 0 : readsBeforeStop(nodeBase(this.run0, id));
    const views = await this.run0.views.get(1e3);
    await this.finished();
    if (this.opts.signal?.aborted) {
      if (pre) await Promise.all([pre.leftover.catch(() => {
      }), pre.early]);
      return "interrupted";
    }
    const v = views.find((x) => x.id === id);
    const ctx = nodeContext(this.run0, id, withPrevious(this.baseSpec(id), v.container));
    const row = {
      node: id,
      result: "updated",
      roleBefore: v.raft?.role ?? "unknown",
      imageBefore: v.container?.image ?? "none",
      imageAfter: this.opts.image,
      wal: "not checked",
      handover: "not needed"
    };
    if (!this.opts.force && upToDate(v, ctx.spec, await this.target.idOn(id), this.run0.t)) {
      phase(ctx, "skip", "image and configuration unchanged, caught up");
      this.addRow({ ...row, result: "skipped", wal: "not touched", finalLag: v.lag });
      if (pre) await Promise.all([pre.leftover.catch(() => {
      }), pre.early]);
      return;
    }
    try {
      let done;
      const replaced = await replaceNode(ctx, v, views, row, {
        pre,
        finishLater: (d) => {
          done = d;
        }
      });
      if (!done) this.addRow(replaced);
      else {
        this.finishing = done.then(
          () => this.addRow(replaced),
          (x) => {
            this.addRow(replaced);
            throw new StepError(
              `${id}: caught up, but its end could not be written to the journal (${x.message}); the nodes after ${id} were not touched`,
              id,
              "catch-up"
            );
          }
        );
        this.finishing.catch(() => {
        });
      }
    } catch (e) {
      if (e instanceof StepError && e.row) this.addRow(e.row);
      throw e;
    }
  }
};

// src/cli/run/roll.ts
async function extraEnvOf(o) {
  if (o.extraEnv !== void 0 && o.extraEnvFile !== void 0)
    throw new ExitError(EXIT.usage, "give --extra-env or --extra-env-file, not both");
  if (o.extraEnvFile === void 0) return o.extraEnv;
  const file = String(o.extraEnvFile);
  return readFile(file, "utf8").catch((e) => {
    throw new ExitError(
      EXIT.usage,
      `--extra-env-file ${file}: ${e.code === "ENOENT" ? "no such file" : e.message}; expected a file of KEY=VALUE lines`
    );
  });
}
async function takeOverAndFinish(session, image, events, t, etcdVersion) {
  const warn = (node, message) => events.emit({ type: "warning", at: Date.now(), node, message });
  const lease = await takeLease(session, `raftroll roll ${image}`, {
    takeOverStale: true,
    image,
    onWarning: warn
  });
  for (const x of lease.takenOver)
    process.stdout.write(
      `took over the stale lease on ${x.node} of ${x.previous.purpose} by ${x.previous.user}@${x.previous.host} pid ${x.previous.pid} (since ${x.previous.takenAt})
`
    );
  const run = {
    session,
    t,
    rules: rulesFor(etcdVersion),
    events,
    views: new ClusterViews(session),
    journal: lease
  };
  for (const e of lease.inherited()) {
    const f = await finishNode(run, e);
    process.stdout.write(
      `finishing ${f.node} (the run died at ${f.phase}): ${f.outcome}: ${f.message}
`
    );
    if (f.outcome !== "finished") {
      const kept = await lease.release();
      throw new ExitError(
        EXIT.failed,
        `${f.node} could not be finished, so the rollout did not go on${kept ? `; ${kept}` : ""}`
      );
    }
  }
  return lease;
}
async function rollAction(name, o) {
  if (!o.inventory === !o.fromScriptEnv)
    throw new ExitError(EXIT.usage, "give --inventory <file> or --from-script-env (one of them)");
  const fromEnv = o.fromScriptEnv ? inventoryFromScriptEnv(process.env) : void 0;
  const inv = fromEnv?.inv ?? await loadInventory(String(o.inventory));
  if (!o.image && !o.imageTag && fromEnv && process.env.IMAGE) o.image = process.env.IMAGE;
  if (!o.image && !o.imageTag)
    throw new ExitError(EXIT.usage, "give --image-tag <tag> or --image <ref>");
  const image = o.image ? String(o.image) : withTag(inv.container.image, String(o.imageTag));
  const nodes = !o.nodes && fromEnv ? fromEnv.order : o.nodes ? selectNodes(inv, splitIds(o.nodes)).map((n) => n.id) : void 0;
  const script = fromEnv?.thresholds ?? {};
  const thresholds = {
    ...DEFAULT_THRESHOLDS,
    ...script.handoverTimeoutMs ? { handoverTimeoutMs: script.handoverTimeoutMs } : {},
    ...script.leaderWaitMs ? { leaderWaitMs: script.leaderWaitMs } : {},
    maxLag: o.maxLag === void 0 && script.maxLag !== void 0 ? script.maxLag : value("maxLag", o.maxLag),
    stopGraceSeconds: stopGraceOf(inv, value("stopGrace", o.stopGrace)),
    startTimeoutMs: o.startTimeout === void 0 && script.startTimeoutMs ? script.startTimeoutMs : startTimeoutMsOf(inv, value("startTimeout", o.startTimeout)),
    catchUpTimeoutMs: value("catchUpTimeout", o.catchUpTimeout) * 1e3,
    stabilizeMs: o.stabilize === void 0 && script.stabilizeMs !== void 0 ? script.stabilizeMs : value("stabilize", o.stabilize) * 1e3
  };
  for (const w of fromEnv?.warnings ?? []) process.stderr.write(`raftroll: warning: ${w}
`);
  for (const n of fromEnv?.notes ?? []) process.stdout.write(`note: ${n}
`);
  const overrides = {
    memory: o.memory ?? fromEnv?.overrides.memory,
    defaultEnv: o.defaultEnv ?? fromEnv?.overrides.defaultEnv,
    extraEnv: await extraEnvOf(o) ?? fromEnv?.overrides.extraEnv
  };
  const events = new Events();
  printProgress(events);
  const interrupt = onInterrupt();
  const session = await ClusterSession.open(inv, { onRetry: retryWarnings(events) });
  try {
    const etcdVersion = walRulesVersion(inv, o.etcd);
    const lease = o.takeOverStale && name === "roll" ? await takeOverAndFinish(session, image, events, thresholds, etcdVersion) : void 0;
    const r = await new Rollout(
      inv,
      session,
      {
        image,
        nodes,
        dryRun: name === "plan",
        overrides,
        leaderLast: o.leaderLast !== false,
        etcdVersion,
        thresholds,
        signal: interrupt.signal,
        lease
      },
      events
    ).run();
    if (name === "plan") {
      for (const row of r.rows) {
        process.stdout.write(
          `
${row.node} (${row.roleBefore}): ${row.message}
${(row.actions ?? []).map((a) => `    ${a}`).join("\n")}
`
        );
      }
    }
    const report = buildReport(events.log);
    if (o.jsonReport)
      await writeFile(String(o.jsonReport), `${JSON.stringify(report, null, 2)}
`, {
        mode: 384
      });
    if (o.timeline)
      await writeFile(
        String(o.timeline),
        ganttMarkdown(`${name} ${report.image}`, report.timeline, report.durationMs)
      );
    if (r.result === "interrupted")
      throw new ExitError(EXIT.interrupted, r.message ?? "interrupted");
    if (r.result !== "success") throw new ExitError(EXIT.failed, r.message ?? "the rollout failed");
  } finally {
    interrupt.dispose();
    await session.close();
  }
}
export {
  rollAction
};
