// The shape of a decode failure, shared by the decoder that finds it and the per-release rules
// that judge it.

import type { ProtoFailure } from '../base/proto.js';

/** A decode failure in etcd's terms, with where it happened. */
export interface DecodeFailure extends ProtoFailure {
  /** Offset of the frame that failed, in its segment (etcd's lastValidOff). */
  offset: number;
  /** 0-based index of the failing record within its segment. */
  recordIndex: number;
  /** The frame's declared sizes, when the length word was read whole. */
  frame?: { recBytes: number; padBytes: number };
  /** Why etcd called it torn, when it did. */
  torn?: 'short-read' | 'zero-sector' | 'short-frame' | 'proto-eof';
}
