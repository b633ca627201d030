/** Shared set-up for benchmarks that run the built renderer in Debian's Chromium. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from '@playwright/test';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * A browser context with its own profile on disk, as the desktop app has, removed on close.
 * Chromium keeps an ordinary (incognito) context's IndexedDB in memory, and there, measured here
 * with Chromium 150, a transaction's cost per `put` grows with the puts before it in the same
 * transaction (130 µs each in a transaction of 1,000, 281 in one of 20,000, 539 in one of 40,000;
 * on disk 132–170 µs whatever the size; docs/speed.md "The pull's stalls"). Benches that time
 * IndexedDB work use this, so they measure what a user's laptop does. The profile is removed
 * when the context closes.
 */
export async function openDiskContext(
  options: { bypassCSP?: boolean; viewport?: { width: number; height: number } } = {},
): Promise<BrowserContext> {
  const dir = mkdtempSync(join(tmpdir(), 'tutordesk-bench-profile-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    ...options,
  });
  context.on('close', () => {
    // Chromium may still be writing to the profile as the event arrives: retry, and leave the
    // temporary directory behind rather than fail the bench.
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
    } catch {}
  });
  return context;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

export interface RendererSession {
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Builds the renderer's test build (the product's UI plus the test hooks the benchmarks drive,
 * out-e2e/renderer), serves it with `vite preview` and launches Chromium.
 */
export async function openRenderer(): Promise<RendererSession> {
  await new Promise<void>((resolve, reject) => {
    const p = spawn('npm', ['run', '--silent', 'build:web', '--', '--logLevel', 'warn'], { stdio: 'inherit' });
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`renderer build failed (${code})`))));
  });
  const port = await freePort();
  const server: ChildProcess = spawn(
    'npx',
    [
      'vite',
      'preview',
      '--config',
      'vite.renderer.config.ts',
      '--mode',
      'e2e',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--strictPort',
    ],
    {
      stdio: 'ignore',
      detached: true,
    },
  );
  const url = `http://127.0.0.1:${port}/`;
  await waitForHttp(url, 30_000);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  return {
    url,
    browser,
    async close() {
      await browser.close();
      try {
        process.kill(-server.pid!, 'SIGTERM');
      } catch {}
    },
  };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A goal in a form the summary can check: the figure `op` `value` (in the row's unit). */
export interface BenchTarget {
  op: '<=' | '>=';
  value: number;
}

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** The goal as people read it, e.g. "≤ 1,000 ms". */
  goal?: string;
  /** The same goal, machine-readable: the "Issue 19 goals" table decides met / not met with it. */
  target?: BenchTarget;
  /** Which issue 19 figure this row is (scripts/bench.ts, ISSUE_19_GOALS), when it is one. */
  figure?: string;
  detail?: string;
}

/** Whether `value` meets `target`. */
export function meets(value: number, target: BenchTarget): boolean {
  return target.op === '<=' ? value <= target.value : value >= target.value;
}

/** A trace being recorded by startTrace; `stop()` ends it and writes the file. */
export interface BenchTrace {
  stop(): Promise<void>;
}

/**
 * With BENCH_TRACE=<prefix> set, a Chromium performance trace (main-thread tasks, style, layout,
 * paint and sampled JS, as DevTools records them) of a section's timed interactions is written to
 * `<prefix>-<section>.json` when `stop()` is called, for opening in DevTools' Performance panel;
 * without it, nothing. Recorded through the page's DevTools session, so it also works in a context
 * with a profile on disk. Tracing slows the page down: the figures of a traced run are not the ones
 * to report.
 */
export async function startTrace(page: import('@playwright/test').Page, section: string): Promise<BenchTrace | undefined> {
  const prefix = process.env.BENCH_TRACE;
  if (!prefix) return undefined;
  const cdp = await page.context().newCDPSession(page);
  const events: unknown[] = [];
  cdp.on('Tracing.dataCollected', (e: { value: unknown[] }) => events.push(...e.value));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: {
      includedCategories: [
        'devtools.timeline',
        'disabled-by-default-devtools.timeline',
        'v8.execute',
        'disabled-by-default-v8.cpu_profiler',
        'blink.user_timing',
      ],
    },
  });
  return {
    async stop() {
      const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
      await cdp.send('Tracing.end');
      await complete;
      writeFileSync(`${prefix}-${section}.json`, JSON.stringify({ traceEvents: events }));
      await cdp.detach();
    },
  };
}
