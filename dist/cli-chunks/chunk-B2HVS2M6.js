#!/usr/bin/env node
import { createRequire as __raftrollCreateRequire } from 'node:module';
const require = __raftrollCreateRequire(import.meta.url);
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __require = /* @__PURE__ */ ((x) => typeof require !== "undefined" ? require : typeof Proxy !== "undefined" ? new Proxy(x, {
  get: (a, b) => (typeof require !== "undefined" ? require : a)[b]
}) : x)(function(x) {
  if (typeof require !== "undefined") return require.apply(this, arguments);
  throw Error('Dynamic require of "' + x + '" is not supported');
});
var __commonJS = (cb, mod) => function __require2() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// src/wal/versions.ts
var ETCD_VERSIONS = ["3.4", "3.5", "3.6", "3.7"];
var DEFAULT_ETCD_VERSION = "3.7";
var MAX_ENTRY = 10 * 1024 * 1024;
function cap10MiB(recBytes, padBytes) {
  if (recBytes >= MAX_ENTRY - padBytes) {
    return { kind: "error", message: "wal: max entry size limit exceeded" };
  }
  return void 0;
}
function capFileSize(recBytes, padBytes, segmentSize, lastValidOff) {
  const limit = segmentSize - lastValidOff - padBytes;
  if (recBytes > limit) {
    return {
      kind: "eof",
      message: `[wal] max entry size limit exceeded: recBytes ${recBytes} > ${limit} left in the file: unexpected EOF`,
      torn: "short-read"
    };
  }
  return void 0;
}
var RULES = {
  "3.4": { version: "3.4", skip: "gogo-recursive", snapshotConfState: false, checkFrame: cap10MiB },
  "3.5": { version: "3.5", skip: "gogo-depth", snapshotConfState: true, checkFrame: capFileSize },
  "3.6": { version: "3.6", skip: "gogo-depth", snapshotConfState: true, checkFrame: capFileSize },
  "3.7": { version: "3.7", skip: "protobuf-go", snapshotConfState: true, checkFrame: capFileSize }
};
function rulesFor(version) {
  const r = RULES[version];
  if (!r) {
    throw new Error(
      `unknown etcd version "${version}": expected one of ${ETCD_VERSIONS.join(", ")}`
    );
  }
  return r;
}

// src/cli/exit.ts
var EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  torn: 3,
  held: 3,
  refused: 4,
  interrupted: 130
};
var ExitError = class extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
  code;
};
function print(json, value, text) {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}
` : `${text}
`);
}

export {
  __require,
  __commonJS,
  __export,
  __toESM,
  ETCD_VERSIONS,
  DEFAULT_ETCD_VERSION,
  rulesFor,
  EXIT,
  ExitError,
  print
};
