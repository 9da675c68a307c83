// What `raftroll wal verify|repair` do once chosen: the WAL engine on local files. Loaded only
// when one of them runs, so the CLI's start-up does not pay for the engine.

import { LocalFiles } from '../../remote/local-files.js';
import { RepairRefusedError, repairPath, verifyPath } from '../../wal/engine.js';
import { rulesFor } from '../../wal/versions.js';
import { EXIT, ExitError, print } from '../exit.js';
import { repairText, verifyText } from '../wal-text.js';

export async function verifyAction(path: string, o: { json?: boolean; etcd: string }) {
  const report = await verifyPath(new LocalFiles(), path, rulesFor(o.etcd));
  print(!!o.json, report, verifyText(report));
  if (report.verdict === 'torn') throw new ExitError(EXIT.torn, '');
  if (report.verdict !== 'clean') throw new ExitError(EXIT.refused, '');
}

export async function repairAction(
  path: string,
  o: { json?: boolean; etcd: string; allowLossyRepair?: boolean },
) {
  try {
    const report = await repairPath(new LocalFiles(), path, rulesFor(o.etcd), {
      allowLossy: !!o.allowLossyRepair,
    });
    print(!!o.json, report, repairText(report));
    if (report.after.verdict !== 'clean')
      throw new ExitError(
        EXIT.refused,
        `${path} is still ${report.after.verdict} after the repair`,
      );
  } catch (e) {
    if (e instanceof RepairRefusedError) {
      if (o.json) print(true, { ...e.report, refused: e.message }, '');
      throw new ExitError(EXIT.refused, e.message);
    }
    throw e;
  }
}
