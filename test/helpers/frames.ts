// The tests aim damage with the lab's own independent frame walk.
export { type Frame, frames } from '../../lab/wal-frames.js';
