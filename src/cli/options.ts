// The command line's spelling of the shared options: one commander Option per definition in
// settings/, and the options every cluster command takes, defined once. Every command's help
// is built from these at start-up, so this file stays free of heavy imports.

import { Option } from 'commander';
import { OPTIONS, type OptionName, type OptionValue, readOption } from '../settings/options.js';
import { DEFAULT_ETCD_VERSION, ETCD_VERSIONS } from '../wal/versions.js';

/** `--flag <arg>` with the shared description (and its default, when it has a fixed one). */
export function flag(name: OptionName, description?: string): Option {
  const def = OPTIONS[name];
  // The default is applied by readOption, not by commander, so a command can tell a value the
  // user gave from one it would fall back to (an inventory or script may supply it instead).
  const text = description ?? def.description;
  return new Option(
    `--${def.flag} <${def.arg}>`,
    def.fallback && !text.includes('default') ? `${text} (default ${def.fallback})` : text,
  );
}

/** The value of a shared option from commander's raw text, refused in the CLI's words. */
export function value<K extends OptionName>(name: K, raw: unknown): OptionValue<K> | undefined {
  return readOption(name, raw === undefined ? undefined : String(raw), (d) => `--${d.flag}`);
}

/** --etcd for `wal`: which release's loader to reproduce, 3.7 unless told. */
export function walEtcdOption(): Option {
  return new Option(
    '--etcd <version>',
    'etcd release whose loader to reproduce (elastickv ships 3.7)',
  )
    .choices([...ETCD_VERSIONS])
    .default(DEFAULT_ETCD_VERSION);
}

/** --etcd for commands that read a cluster: the inventory decides unless this says otherwise. */
export function clusterEtcdOption(): Option {
  return new Option(
    '--etcd <version>',
    "etcd release whose WAL rules apply (default: the inventory's etcdVersion; 3.7 for elastickv)",
  ).choices([...ETCD_VERSIONS]);
}

export const inventoryOption = () =>
  new Option('-i, --inventory <file>', 'the cluster inventory (YAML)');
export const nodesOption = (what = 'only these nodes (comma-separated ids)') =>
  new Option('--nodes <ids>', what);

export function splitIds(ids: unknown): string[] | undefined {
  if (ids === undefined) return undefined;
  return String(ids)
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}
