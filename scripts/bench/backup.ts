/**
 * Backup and restore of the 10,000-student sample practice in Chromium (docs/backup.md "Figures"):
 * - backup: collectBackupData (every document of every collection, from IndexedDB) +
 *   createBackup (JSON, SHA-256, base64; with a passphrase PBKDF2 600,000 iterations + AES-GCM);
 * - restore: readBackup (every check, decryption) + restoreBackupData into the empty database of
 *   a fresh browser profile (the first-run screen's restore; a replacing restore writes the same
 *   into a new database).
 * Each figure is one run, without and with a passphrase; printed, never asserted.
 */
import type { BenchRow, RendererSession } from './browser';

const PASSPHRASE = 'bench passphrase for the backup';

export async function benchBackup(session: RendererSession, students = 10_000): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const fresh = async () => {
    const context = await session.browser.newContext();
    context.setDefaultTimeout(600_000);
    await context.addInitScript('globalThis.__name = (f) => f;');
    const page = await context.newPage();
    await page.goto(`${session.url}?testHooks=1`);
    await page.getByRole('button', { name: 'Load a sample practice' }).waitFor();
    return { context, page };
  };
  const source = await fresh();
  const texts: Record<string, string> = {};
  try {
    await source.page.evaluate((n) => window.__tutordeskTest!.loadSample(n), students);
    for (const protect of [false, true]) {
      const f = await source.page.evaluate((p) => window.__tutordeskTest!.benchBackup(p), protect ? PASSPHRASE : undefined);
      texts[String(protect)] = f.text;
      const label = protect ? ' with a passphrase' : '';
      rows.push({
        name: `Backup of ${students.toLocaleString('en')} students${label}: collect + createBackup`,
        value: f.collectMs + f.createMs,
        unit: 'ms',
        detail: `collect ${Math.round(f.collectMs)} ms, createBackup ${Math.round(f.createMs)} ms; ${f.records.toLocaleString('en')} records, ${(f.bytes / 1_048_576).toFixed(1)} MB`,
      });
    }
  } finally {
    await source.context.close();
  }
  for (const protect of [false, true]) {
    const target = await fresh();
    try {
      const f = await target.page.evaluate(([t, p]) => window.__tutordeskTest!.benchRestore(t!, p), [
        texts[String(protect)]!,
        protect ? PASSPHRASE : undefined,
      ] as const);
      const label = protect ? ' with a passphrase' : '';
      rows.push({
        name: `Restore of ${students.toLocaleString('en')} students${label}: readBackup + restore`,
        value: f.readMs + f.restoreMs,
        unit: 'ms',
        detail: `readBackup ${Math.round(f.readMs)} ms, restore into an empty database ${Math.round(f.restoreMs)} ms; ${f.restored.toLocaleString('en')} records, ${f.deletions} deleted`,
      });
    } finally {
      await target.context.close();
    }
  }
  return rows;
}
