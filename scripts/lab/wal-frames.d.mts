export interface Frame {
  offset: number;
  recBytes: number;
  padBytes: number;
  /** Offset just past the record and its padding. */
  end: number;
}
export function frames(buf: Buffer): Frame[];
