/**
 * A proxy in front of the real test server that passes everything through, except that it
 * refuses every write of chosen documents in `_bulk_docs` with the same per-row answer, for ever
 * (`conflict`, as Apache CouchDB 3.5 answers a write naming a tombstone's revision): a server that
 * keeps refusing a write. The refused documents are taken out of the request, so the server never
 * stores them. It counts the `_bulk_docs` requests that carried them.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RefusingProxy {
  url: string;
  /** `_bulk_docs` requests that carried a refused document. */
  refusedWrites(): number;
  /** Every request the proxy saw (`METHOD path`). */
  requests(): string[];
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => resolve(body));
  });

export async function startRefusingProxy(target: string, refuse: (id: string) => boolean): Promise<RefusingProxy> {
  let refusedWrites = 0;
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const path = req.url ?? '/';
      seen.push(`${req.method} ${path}`);
      let forward = body;
      let refusedRows: { id: string; error: string; reason: string }[] = [];
      if (req.method === 'POST' && /\/_bulk_docs(\?|$)/.test(path)) {
        const parsed = JSON.parse(body) as { docs: { _id: string }[] };
        const refused = parsed.docs.filter((d) => refuse(d._id));
        if (refused.length) {
          refusedWrites++;
          refusedRows = refused.map((d) => ({ id: d._id, error: 'conflict', reason: 'Document update conflict.' }));
          forward = JSON.stringify({ ...parsed, docs: parsed.docs.filter((d) => !refuse(d._id)) });
        }
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
      const upstream = await fetch(`${target}${path}`, {
        method: req.method ?? 'GET',
        headers,
        ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: forward }),
      });
      let text = await upstream.text();
      if (refusedRows.length && upstream.ok) text = JSON.stringify([...(JSON.parse(text) as unknown[]), ...refusedRows]);
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
      res.end(text);
    })().catch((e: unknown) => {
      res.writeHead(502);
      res.end(String(e));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    refusedWrites: () => refusedWrites,
    requests: () => [...seen],
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
