// {{placeholders}} in container args, volumes and user: the node's id, host, ports, vars,
// data dir and the cluster's peer list, filled per node.

export class TemplateError extends Error {
  override name = 'TemplateError';
}

export type TemplateContext = Record<string, unknown>;

function lookup(ctx: TemplateContext, path: string): unknown {
  let v: unknown = ctx;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object' || !(part in v)) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

export function fill(template: string, ctx: TemplateContext, where: string): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g, (_m, path: string) => {
    const v = lookup(ctx, path);
    if (v === undefined || (typeof v === 'object' && v !== null)) {
      throw new TemplateError(
        `${where}: "{{${path}}}" is not a known value: expected one of ${Object.keys(ctx).join(', ')} (vars.* comes from the node's vars)`,
      );
    }
    return String(v);
  });
}
