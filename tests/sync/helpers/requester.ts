/**
 * The requester a sync client is given (`bridge.sync.fetch`'s signature) for tests in Node: the
 * browser bridge's own implementation (basic auth from credentials in memory), as the web build
 * uses it.
 */
import type { SyncFetchRequest, SyncFetchResponse, SyncRequester } from '../../../src-shared/sync/http-contract';
import { browserSyncFetch } from '../../../src-renderer/src/platform/browser-bridge';

export function basicAuthRequester(serverUrl: string, username: string, password: string): SyncRequester {
  return (req: SyncFetchRequest): Promise<SyncFetchResponse> => browserSyncFetch({ serverUrl, username, password }, req);
}

/** A requester that logs `METHOD path → status` of every request it sends with `inner`. */
export function loggingRequester(inner: SyncRequester, log: (line: string) => void): SyncRequester {
  return async (req) => {
    const res = await inner(req);
    log(`${req.method} ${req.path} → ${res.status}`);
    return res;
  };
}
