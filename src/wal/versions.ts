// Where etcd releases disagree about the same bytes. The decoder and loader ask these rules
// instead of testing version numbers. Each difference was read in etcd's source at the tags
// named and, for 3.4 to 3.6, run against the real packages.
//
//   3.4  (v3.4.10 .. v3.4.45; Debian ships 3.4.23)
//        - A length word with record + padding >= 10 MiB is refused with its own error
//          (ErrMaxWALEntrySizeLimitExceeded), before anything is read: fatal, never repaired.
//        - Errors are compared with ==, and none is wrapped.
//        - Older gogo code: unknown groups skipped by recursion; an overflowing length makes
//          Go panic. walpb.Snapshot has no field 3.
//   3.5  (v3.5.7 .. v3.5.33; 3.5.0-3.5.6 differ only in how an oversized length is reported)
//        - No 10 MiB cap. A record longer than what is left of its file (record > file size -
//          offset - padding; the 8 header bytes are not subtracted) fails with an error that
//          wraps io.ErrUnexpectedEOF, and errors.Is is used everywhere, so it is repaired.
//        - gogo 1.3.2: depth-counted group skipping; overflow is a "negative length" error.
//        - walpb.Snapshot field 3 is a raftpb.ConfState that must parse.
//   3.6  (v3.6.0 .. v3.6.14) as 3.5; only error texts change (CRC errors wrapped with file and
//        offset), no verdict does.
//   3.7  (v3.7.0, v3.7.1) as 3.6, but the messages are decoded by google.golang.org/protobuf:
//        its errors never are io.ErrUnexpectedEOF, so a record whose protobuf ends mid-field is
//        corrupt unless the torn-sector rule applies (3.4-3.6 call it torn and repair it);
//        known fields with the wrong wire type are skipped instead of refused; field numbers
//        >= 2^29, a 10th varint byte above 1 and mismatched group ends are refused.

import type { SkipStyle } from '../base/proto.js';
import type { DecodeFailure } from './failure.js';

export const ETCD_VERSIONS = ['3.4', '3.5', '3.6', '3.7'] as const;
export type EtcdVersion = (typeof ETCD_VERSIONS)[number];
export const DEFAULT_ETCD_VERSION: EtcdVersion = '3.7';

type FrameFailure = Omit<DecodeFailure, 'offset' | 'recordIndex'>;

export interface EtcdRules {
  version: EtcdVersion;
  /** Which generated protobuf code decodes records and raft messages. */
  skip: SkipStyle;
  /** Whether walpb.Snapshot's field 3 (a ConfState) is parsed, and so must be valid. */
  snapshotConfState: boolean;
  /** Checks a length word before the record is read; returns the error etcd gives, if any. */
  checkFrame(
    recBytes: number,
    padBytes: number,
    segmentSize: number,
    lastValidOff: number,
  ): FrameFailure | undefined;
}

const MAX_ENTRY = 10 * 1024 * 1024;

function cap10MiB(recBytes: number, padBytes: number): FrameFailure | undefined {
  if (recBytes >= MAX_ENTRY - padBytes) {
    return { kind: 'error', message: 'wal: max entry size limit exceeded' };
  }
  return undefined;
}

function capFileSize(
  recBytes: number,
  padBytes: number,
  segmentSize: number,
  lastValidOff: number,
): FrameFailure | undefined {
  const limit = segmentSize - lastValidOff - padBytes;
  if (recBytes > limit) {
    return {
      kind: 'eof',
      message: `[wal] max entry size limit exceeded: recBytes ${recBytes} > ${limit} left in the file: unexpected EOF`,
      torn: 'short-read',
    };
  }
  return undefined;
}

const RULES: Record<EtcdVersion, EtcdRules> = {
  '3.4': { version: '3.4', skip: 'gogo-recursive', snapshotConfState: false, checkFrame: cap10MiB },
  '3.5': { version: '3.5', skip: 'gogo-depth', snapshotConfState: true, checkFrame: capFileSize },
  '3.6': { version: '3.6', skip: 'gogo-depth', snapshotConfState: true, checkFrame: capFileSize },
  '3.7': { version: '3.7', skip: 'protobuf-go', snapshotConfState: true, checkFrame: capFileSize },
};

export function rulesFor(version: string): EtcdRules {
  const r = RULES[version as EtcdVersion];
  if (!r) {
    throw new Error(
      `unknown etcd version "${version}": expected one of ${ETCD_VERSIONS.join(', ')}`,
    );
  }
  return r;
}
