// A stand-in for GitHub's REST API: a local HTTP server that speaks the endpoints raftroll uses
// (deployments and their statuses, issues listed by label, created, updated, commented on) and
// records every call, so tests can assert what was sent.

import { createServer, type Server } from 'node:http';

export interface Call {
  method: string;
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown> | undefined;
}

export interface FakeGithub {
  url: string;
  calls: Call[];
  issues: { number: number; title: string; body: string; state: string; labels: string[] }[];
  /** Answer 403 to these path prefixes (a token without the permission). */
  forbid: string[];
  /** Never answer these path prefixes (an API that hangs). */
  hang: string[];
  /** Environments by name, as GitHub describes them, with their custom branch policies. */
  environments: Record<
    string,
    { data: Record<string, unknown>; policies?: { name: string; type: string }[] }
  >;
  close(): Promise<void>;
}

export async function fakeGithub(): Promise<FakeGithub> {
  const state: FakeGithub = {
    url: '',
    calls: [],
    issues: [],
    forbid: [],
    hang: [],
    environments: {},
    close: async () => {},
  };
  let nextId = 1000;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => {
      raw += d;
    });
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const call: Call = {
        method: req.method ?? '',
        path: u.pathname,
        query: Object.fromEntries(u.searchParams),
        body: raw ? JSON.parse(raw) : undefined,
      };
      state.calls.push(call);
      if (state.hang.some((p) => call.path.includes(p))) return; // never answers
      const send = (status: number, data: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(data));
      };
      if (state.forbid.some((p) => call.path.includes(p)))
        return send(403, { message: 'Resource not accessible by integration' });
      const m = (re: RegExp) => re.exec(call.path);
      if (call.method === 'POST' && m(/^\/repos\/[^/]+\/[^/]+\/deployments$/))
        return send(201, { id: nextId++, ...call.body });
      if (call.method === 'POST' && m(/\/deployments\/\d+\/statuses$/))
        return send(201, { id: nextId++, ...call.body });
      if (call.method === 'GET' && m(/^\/repos\/[^/]+\/[^/]+\/issues$/)) {
        const label = call.query.labels;
        return send(
          200,
          state.issues.filter(
            (i) => i.state === (call.query.state ?? 'open') && (!label || i.labels.includes(label)),
          ),
        );
      }
      if (call.method === 'POST' && m(/^\/repos\/[^/]+\/[^/]+\/issues$/)) {
        const b = call.body as { title: string; body: string; labels: string[] };
        const issue = { number: state.issues.length + 1, state: 'open', ...b };
        state.issues.push(issue);
        return send(201, issue);
      }
      const patched = call.method === 'PATCH' ? m(/\/issues\/(\d+)$/) : null;
      if (patched) {
        const issue = state.issues.find((i) => i.number === Number(patched[1]));
        if (!issue) return send(404, { message: 'Not Found' });
        Object.assign(issue, call.body);
        return send(200, issue);
      }
      if (call.method === 'GET' && m(/^\/repos\/[^/]+\/[^/]+$/))
        return send(200, { default_branch: 'main' });
      const env =
        call.method === 'GET' ? m(/\/environments\/([^/]+)(\/deployment-branch-policies)?$/) : null;
      if (env) {
        const e = state.environments[decodeURIComponent(env[1]!)];
        if (!e) return send(404, { message: 'Not Found' });
        if (!env[2]) return send(200, { name: env[1], ...e.data });
        const all = e.policies ?? [];
        return send(200, { total_count: all.length, branch_policies: all });
      }
      if (call.method === 'POST' && m(/\/issues\/\d+\/comments$/))
        return send(201, { id: nextId++, ...call.body });
      send(404, { message: `the stand-in does not serve ${call.method} ${call.path}` });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  state.url = `http://127.0.0.1:${addr.port}`;
  state.close = () =>
    new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return state;
}
