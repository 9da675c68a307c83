// A step of a node's procedure that did not go through: where (node, phase), and the report row
// for the node when the step got far enough to have one (a rollback, a failed start).

import type { NodeRow, Phase } from '../events/events.js';

export class StepError extends Error {
  override name = 'StepError';
  constructor(
    message: string,
    readonly node?: string,
    readonly phase?: Phase,
    readonly row?: NodeRow,
  ) {
    super(message);
  }
}
