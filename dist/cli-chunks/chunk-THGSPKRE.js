#!/usr/bin/env node
import { createRequire as __raftrollCreateRequire } from 'node:module';
const require = __raftrollCreateRequire(import.meta.url);
import {
  ETCD_VERSIONS
} from "./chunk-B2HVS2M6.js";

// src/settings/options.ts
var OptionValueError = class extends Error {
  constructor(expected) {
    super(expected);
    this.expected = expected;
  }
  expected;
};
var SettingError = class extends Error {
  name = "SettingError";
};
function numberRule(o, expected) {
  return (raw) => {
    const n = Number(raw);
    const low = o.above ? n > o.min : n >= o.min;
    if (raw.trim() === "" || !Number.isFinite(n) || !low || n > o.max || o.whole && !Number.isInteger(n))
      throw new OptionValueError(expected);
    return n;
  };
}
function oneOf(values) {
  return (raw) => {
    if (!values.includes(raw))
      throw new OptionValueError(
        values.length === 2 ? values.join(" or ") : `one of ${values.join(", ")}`
      );
    return raw;
  };
}
var text = (raw) => raw;
var DAY = 86400;
var OPTIONS = {
  maxLag: {
    flag: "max-lag",
    input: "max-lag",
    arg: "n",
    description: "Entries a node may trail the leader's commit and still count as caught up.",
    fallback: "1000",
    parse: numberRule(
      { min: 0, max: Number.MAX_SAFE_INTEGER, whole: true },
      "a whole number of entries, 0 or more"
    )
  },
  stopGrace: {
    flag: "stop-grace",
    input: "stop-grace-seconds",
    arg: "seconds",
    description: "SIGTERM grace period before Docker kills a node (default: the inventory's container.stopGraceSeconds, else 30).",
    fallback: "",
    parse: numberRule({ min: 1, max: 3600, whole: true }, "whole seconds from 1 to 3600")
  },
  startTimeout: {
    flag: "start-timeout",
    input: "start-timeout-seconds",
    arg: "seconds",
    description: "How long a started node may take to answer Raft at all (default 300 for elastickv, whose FSM restore can take minutes; 60 for etcd).",
    fallback: "",
    parse: numberRule({ min: 0, max: DAY, above: true }, "seconds above 0, at most 86400 (a day)")
  },
  catchUpTimeout: {
    flag: "catch-up-timeout",
    input: "catch-up-timeout-seconds",
    arg: "seconds",
    description: "How long a started node may take to catch up before it counts as failed (a new container is then rolled back).",
    fallback: "300",
    parse: numberRule({ min: 0, max: DAY, above: true }, "seconds above 0, at most 86400 (a day)")
  },
  stabilize: {
    flag: "stabilize",
    input: "stabilize-seconds",
    arg: "seconds",
    description: "An extra minimum time a node must stay caught up, on top of three caught-up samples in a row.",
    fallback: "0",
    parse: numberRule({ min: 0, max: 3600 }, "seconds from 0 to 3600")
  },
  memory: {
    flag: "memory",
    input: "memory-limit",
    arg: "size",
    description: "Container memory limit (default 2500m); 'none' switches it off.",
    fallback: "",
    parse: text
  },
  defaultEnv: {
    flag: "default-env",
    input: "default-env",
    arg: "lines",
    description: "Default env as KEY=VALUE lines (default GOMEMLIMIT=1800MiB); 'none' for none.",
    fallback: "",
    parse: text
  },
  memoryPressure: {
    flag: "memory-pressure",
    input: "memory-pressure",
    arg: "fraction",
    description: "Memory use above this fraction of the container's limit is memory pressure (above 0, at most 1).",
    fallback: "0.9",
    parse: numberRule(
      { min: 0, max: 1, above: true },
      "a fraction of the memory limit, above 0 and at most 1 (0.9 is 90%)"
    )
  },
  crashLoopRestarts: {
    flag: "crash-loop-restarts",
    input: "crash-loop-restarts",
    arg: "n",
    description: "Restarts after which a container that is not running counts as crash-looping.",
    fallback: "3",
    parse: numberRule({ min: 1, max: 1e6, whole: true }, "a whole number, 1 or more")
  },
  etcd: {
    flag: "etcd",
    input: "etcd-version",
    arg: "version",
    description: "The etcd release whose WAL rules apply: 3.4, 3.5, 3.6 or 3.7. Default: the inventory's etcdVersion; 3.7 for elastickv. Required for etcd clusters.",
    fallback: "",
    parse: oneOf(ETCD_VERSIONS)
  },
  mode: {
    flag: "mode",
    input: "mode",
    arg: "mode",
    description: "diagnose (read only, the default) or auto (heal what can be healed safely).",
    fallback: "diagnose",
    parse: oneOf(["diagnose", "auto"])
  },
  rolloutMode: {
    flag: "mode",
    input: "mode",
    arg: "mode",
    description: "roll (the default): roll the cluster to the image. join: join node `node` (a new host entry of the inventory) as a learner, promote it once caught up, redeploy it as a normal member. replace: replace dead node `node`'s host with `host`. join and replace change the cluster only with dry-run false.",
    fallback: "roll",
    parse: oneOf(["roll", "join", "replace"])
  }
};
function readOption(name, raw, label, sep = ":") {
  const def = OPTIONS[name];
  const given = raw?.trim() ? raw.trim() : def.fallback || void 0;
  if (given === void 0) return void 0;
  try {
    return def.parse(given);
  } catch (e) {
    if (e instanceof OptionValueError)
      throw new SettingError(`${label(def)} is "${raw}"${sep} expected ${e.expected}`);
    throw e;
  }
}

export {
  SettingError,
  OPTIONS,
  readOption
};
