// etcd's v3 JSON gateway: uint64 values arrive as decimal strings, keys and values as base64.

export const b64 = (s) => Buffer.from(s).toString('base64');
export const unb64 = (s) => Buffer.from(s ?? '', 'base64').toString();

export async function call(endpoint, path, body = {}, timeoutMs = 2000) {
  const r = await fetch(`${endpoint}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${endpoint}${path}: HTTP ${r.status} ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

export async function status(endpoint, timeoutMs = 1500) {
  const s = await call(endpoint, '/v3/maintenance/status', {}, timeoutMs);
  return {
    memberId: s.header?.member_id,
    leader: s.leader,
    raftTerm: Number(s.raftTerm ?? 0),
    raftIndex: Number(s.raftIndex ?? 0),
    raftAppliedIndex: Number(s.raftAppliedIndex ?? 0),
    version: s.version,
    errors: s.errors ?? [],
  };
}

export async function members(endpoint) {
  const r = await call(endpoint, '/v3/cluster/member/list');
  return (r.members ?? []).map((m) => ({
    id: m.ID,
    name: m.name,
    peerURLs: m.peerURLs,
    clientURLs: m.clientURLs,
    isLearner: !!m.isLearner,
  }));
}
