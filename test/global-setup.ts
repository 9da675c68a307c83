// Builds the Go reference once before any test file runs, so no test pays for it twice.
import { walrefBinary } from './helpers/walref.js';

export default function setup(): void {
  walrefBinary();
}
