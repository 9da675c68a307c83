// The wal action: verify (or repair) WAL directories on the runner's own disk, for runners
// that live on the database host. Outputs and the job summary come from the engine's report.
import { writeFile } from 'node:fs/promises';
import * as core from '@actions/core';
import { LocalFiles } from '../../remote/local-files.js';
import { type PathReport, RepairRefusedError, repairPath, verifyPath } from '../../wal/engine.js';
import { rulesFor } from '../../wal/versions.js';
import { walSummaryMarkdown } from '../wal-summary.js';
import { readSettings } from './inputs.js';

export async function run(): Promise<void> {
  try {
    const s = readSettings();
    const rules = rulesFor(s.etcdVersion);
    const files = new LocalFiles();
    let report: PathReport;
    let refused: string | undefined;
    if (s.mode === 'repair') {
      try {
        const r = await repairPath(files, s.path, rules, { allowLossy: s.allowLossyRepair });
        for (const a of r.actions) {
          core.info(
            `repaired ${a.dir}/${a.segment}: backup ${a.backup}, truncated at ${a.truncatedAt}, ${a.bytesDropped} bytes dropped`,
          );
        }
        report = r.after;
      } catch (e) {
        if (!(e instanceof RepairRefusedError)) throw e;
        report = e.report;
        refused = e.message;
      }
    } else {
      report = await verifyPath(files, s.path, rules);
    }
    await writeFile(s.reportPath, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o600 });
    core.setOutput('verdict', report.verdict);
    core.setOutput('etcd-verdict', report.etcdVerdict);
    core.setOutput('repairable', String(report.repairable));
    core.setOutput('report', s.reportPath);
    await core.summary.addRaw(walSummaryMarkdown(report), true).write();
    for (const d of report.dirs) {
      if (d.verdict !== 'clean')
        core.error(`${d.dir}: ${d.verdict}: ${d.reason}`, { title: `WAL ${d.verdict}` });
      for (const h of d.hazards) core.warning(`${d.dir}: ${h.message}`, { title: `WAL ${h.kind}` });
    }
    if (refused) core.setFailed(refused);
    else if (report.verdict !== 'clean') core.setFailed(`${s.path}: WAL is ${report.verdict}`);
  } catch (e) {
    core.setFailed(e instanceof Error ? e.message : String(e));
  }
}
