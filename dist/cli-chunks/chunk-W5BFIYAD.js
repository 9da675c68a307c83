#!/usr/bin/env node
import { createRequire as __raftrollCreateRequire } from 'node:module';
const require = __raftrollCreateRequire(import.meta.url);
import {
  LABEL
} from "./chunk-OYZR7IG2.js";

// src/node/spec.ts
var PREVIOUS_SUFFIX = ".raftroll-prev";
var ASIDE_SUFFIX = ".raftroll-reseed-";
var previousName = (name) => `${name}${PREVIOUS_SUFFIX}`;
function withPrevious(spec, previous) {
  if (!previous) return spec;
  const labels = {
    ...spec.labels,
    [LABEL.previousImage]: previous.imageId
  };
  const fp = previous.labels[LABEL.fingerprint];
  if (fp) labels[LABEL.previousFingerprint] = fp;
  return { ...spec, labels };
}
function withTag(image, tag) {
  const at = image.indexOf("@");
  const base = at >= 0 ? image.slice(0, at) : image;
  const slash = base.lastIndexOf("/");
  const colon = base.lastIndexOf(":");
  const repo = colon > slash ? base.slice(0, colon) : base;
  return `${repo}:${tag}`;
}

export {
  PREVIOUS_SUFFIX,
  ASIDE_SUFFIX,
  previousName,
  withPrevious,
  withTag
};
