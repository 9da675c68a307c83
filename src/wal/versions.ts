// Where etcd releases disagree about the same bytes. Each rule below names the release that
// introduced it; the decoder and loader ask these rules instead of testing versions.

import type { DecodeFailure } from './decoder.js';
import type { SkipStyle } from './proto.js';

export const ETCD_VERSIONS = ['3.4', '3.5', '3.6', '3.7'] as const;
export type EtcdVersion = (typeof ETCD_VERSIONS)[number];
export const DEFAULT_ETCD_VERSION: EtcdVersion = '3.7';

type FrameFailure = Omit<DecodeFailure, 'offset' | 'recordIndex'>;

export interface EtcdRules {
  version: EtcdVersion;
  /** How the generated protobuf code skips unknown fields. */
  skip: SkipStyle;
  /** Whether decode() resets the record before each Unmarshal (fields never carry over). */
  resetRecord: boolean;
  /** Checks a length word before the record is read; returns the error etcd gives, if any. */
  checkFrame(
    recBytes: number,
    padBytes: number,
    segmentSize: number,
    lastValidOff: number,
  ): FrameFailure | undefined;
  /** Whether wal.Repair also acts on errors that merely wrap io.ErrUnexpectedEOF. */
  repairMatchesWrappedEof: boolean;
}

const MAX_ENTRY = 10 * 1024 * 1024;

// 3.4.23 (and the 3.4 line since the backport): a length word at or above 10 MiB, padding
// included, is refused before anything is read, with its own error, so it is corruption and
// never a torn write.
function limit10MiB(recBytes: number, padBytes: number): FrameFailure | undefined {
  if (recBytes >= MAX_ENTRY - padBytes) {
    return {
      kind: 'error',
      message: `wal: max entry size limit exceeded (record of ${recBytes} bytes)`,
    };
  }
  return undefined;
}

const RULES: Record<EtcdVersion, EtcdRules> = {
  '3.4': {
    version: '3.4',
    skip: 'gogo-recursive',
    resetRecord: true,
    checkFrame: limit10MiB,
    repairMatchesWrappedEof: false,
  },
  '3.5': {
    version: '3.5',
    skip: 'gogo-depth',
    resetRecord: true,
    checkFrame: limit10MiB,
    repairMatchesWrappedEof: false,
  },
  '3.6': {
    version: '3.6',
    skip: 'gogo-depth',
    resetRecord: true,
    checkFrame: limit10MiB,
    repairMatchesWrappedEof: false,
  },
  '3.7': {
    version: '3.7',
    skip: 'gogo-depth',
    resetRecord: true,
    checkFrame: limit10MiB,
    repairMatchesWrappedEof: false,
  },
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
