import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  decodeContent,
  openFile,
  saveFile,
  withExtension,
  type DialogLike,
  type OpenDialogOptionsLike,
  type SaveDialogOptionsLike,
} from '../../../src-main/files';
import {
  isAllowedPdfResource,
  PDF_TMP_PREFIX,
  pdfFileName,
  pdfWindowOptions,
  renderPdf,
  savePdf,
  savePdfBatch,
  serialize,
  uniqueName,
  type PdfWindowLike,
} from '../../../src-main/pdf';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'td-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function fakeDialog(answer: { save?: string | null; open?: string[] | null }) {
  const asked: Array<SaveDialogOptionsLike | OpenDialogOptionsLike> = [];
  const dialog: DialogLike = {
    showSaveDialog: async (o) => {
      asked.push(o);
      return answer.save ? { canceled: false, filePath: answer.save } : { canceled: true };
    },
    showOpenDialog: async (o) => {
      asked.push(o);
      return answer.open ? { canceled: false, filePaths: answer.open } : { canceled: true, filePaths: [] };
    },
  };
  return { dialog, asked };
}
const csv = [{ name: 'CSV', extensions: ['csv'] }];

describe('saveFile / openFile', () => {
  it('writes UTF-8 text where the user chose, adding the extension', async () => {
    const { dialog, asked } = fakeDialog({ save: join(dir, 'students') });
    const text = '\uFEFFname,email\n"Zoë",zoe@example.org\n';
    const res = await saveFile(
      { suggestedName: 'students.csv', filters: csv, content: text, encoding: 'utf8', mimeType: 'text/csv' },
      { dialog, defaultDir: dir },
    );
    expect(res).toEqual({ saved: true, location: join(dir, 'students.csv') });
    expect(await readFile(join(dir, 'students.csv'), 'utf8')).toBe(text);
    expect(asked[0]).toMatchObject({ defaultPath: join(dir, 'students.csv'), filters: csv });
  });

  it('writes binary content from base64 and rejects malformed base64 before asking', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const { dialog } = fakeDialog({ save: join(dir, 'x.bin') });
    await saveFile(
      { suggestedName: 'x.bin', filters: [], content: bytes.toString('base64'), encoding: 'base64', mimeType: 'application/octet-stream' },
      { dialog, defaultDir: dir },
    );
    expect(readFileSync(join(dir, 'x.bin')).equals(bytes)).toBe(true);
    const never = fakeDialog({ save: join(dir, 'y.bin') });
    await expect(
      saveFile(
        { suggestedName: 'y.bin', filters: [], content: 'not base64!', encoding: 'base64', mimeType: '' },
        { dialog: never.dialog, defaultDir: dir },
      ),
    ).rejects.toThrow(/base64/);
    expect(never.asked).toHaveLength(0);
    expect(decodeContent({ content: 'aGk=', encoding: 'base64' }).toString()).toBe('hi');
  });

  it('a cancelled dialog saves nothing', async () => {
    const { dialog } = fakeDialog({ save: null });
    expect(
      await saveFile(
        { suggestedName: 'a.csv', filters: csv, content: 'x', encoding: 'utf8', mimeType: 'text/csv' },
        { dialog, defaultDir: dir },
      ),
    ).toEqual({ saved: false });
    expect(readdirSync(dir)).toEqual([]);
    expect(withExtension('/x/a.CSV', csv)).toBe('/x/a.CSV');
  });

  it('opens a text file (dropping a BOM) and refuses one over the size limit', async () => {
    const file = join(dir, 'import.csv');
    await writeFile(file, '\uFEFFname\nAda Lovelace\n', 'utf8');
    const ok = await openFile({ filters: csv, maxBytes: 1024 }, { dialog: fakeDialog({ open: [file] }).dialog, defaultDir: dir });
    expect(ok).toEqual({ opened: true, name: 'import.csv', text: 'name\nAda Lovelace\n' });
    const big = await openFile({ filters: csv, maxBytes: 10 }, { dialog: fakeDialog({ open: [file] }).dialog, defaultDir: dir });
    expect(big.opened).toBe(false);
    expect(big.opened === false && big.error).toMatch(/import\.csv is .* the limit is/);
    expect(await openFile({ filters: csv, maxBytes: 10 }, { dialog: fakeDialog({ open: null }).dialog, defaultDir: dir })).toEqual({
      opened: false,
    });
    const folder = await openFile({ filters: csv, maxBytes: 10 }, { dialog: fakeDialog({ open: [dir] }).dialog, defaultDir: dir });
    expect(folder.opened === false && folder.error).toMatch(/not a file/);
  });
});

/** A fake hidden BrowserWindow that records what it was asked to load and print. */
function fakePdfWindows() {
  const created: Array<{ loaded: Array<{ path: string; html: string }>; printed: unknown[]; destroyed: boolean }> = [];
  const createWindow = (): PdfWindowLike => {
    const rec = { loaded: [] as Array<{ path: string; html: string }>, printed: [] as unknown[], destroyed: false };
    created.push(rec);
    let current = '';
    return {
      loadFile: async (path) => {
        current = readFileSync(path, 'utf8'); // the file must exist while it is loaded
        rec.loaded.push({ path, html: current });
      },
      webContents: {
        printToPDF: async (options) => {
          rec.printed.push(options);
          return new Uint8Array(Buffer.from(`%PDF-1.7 ${options.pageSize} ${current.length}`));
        },
      },
      isDestroyed: () => rec.destroyed,
      destroy: () => {
        rec.destroyed = true;
      },
    };
  };
  return { created, createWindow };
}

describe('PDF rendering', () => {
  it('the PDF window is sandboxed, hidden, without JavaScript, in its own session', () => {
    const o = pdfWindowOptions();
    expect(o.show).toBe(false);
    expect(o.webPreferences).toMatchObject({
      sandbox: true,
      javascript: false,
      contextIsolation: true,
      nodeIntegration: false,
      partition: 'tutordesk-pdf',
    });
    expect(o.webPreferences?.preload).toBeUndefined();
  });

  it('renders through printToPDF with the page size and backgrounds, then cleans up', async () => {
    const { created, createWindow } = fakePdfWindows();
    const html = '<h1>Invoice INV-2026-0001</h1>';
    const pdf = await renderPdf({ html, pageSize: 'Letter', landscape: true }, { createWindow, tmpRoot: dir });
    expect(pdf.toString()).toBe(`%PDF-1.7 Letter ${html.length}`);
    expect(created).toHaveLength(1);
    expect(created[0]!.printed).toEqual([{ pageSize: 'Letter', landscape: true, printBackground: true }]);
    expect(created[0]!.loaded[0]!.html).toBe(html);
    expect(created[0]!.loaded[0]!.path.startsWith(join(dir, PDF_TMP_PREFIX))).toBe(true);
    expect(created[0]!.destroyed).toBe(true);
    expect(readdirSync(dir)).toEqual([]); // temp folder removed
  });

  it('savePdf writes the PDF where the user chose', async () => {
    const { createWindow } = fakePdfWindows();
    const target = join(dir, 'out', 'Invoice 1');
    await mkdir(join(dir, 'out'));
    const { dialog, asked } = fakeDialog({ save: target });
    const res = await savePdf(
      { html: '<p>x</p>', pageSize: 'A4', landscape: false, suggestedName: 'Invoice 1' },
      { createWindow, tmpRoot: dir, dialog, defaultDir: dir },
    );
    expect(res).toEqual({ saved: true, location: `${target}.pdf` });
    expect(readFileSync(`${target}.pdf`, 'utf8')).toMatch(/^%PDF-1\.7 A4/);
    expect(asked[0]).toMatchObject({ defaultPath: join(dir, 'Invoice 1.pdf') });
  });

  it('batch: one window, every file into the chosen folder, never overwriting', async () => {
    const { created, createWindow } = fakePdfWindows();
    const folder = join(dir, 'November');
    await mkdir(folder);
    await writeFile(join(folder, 'INV-1 Smith.pdf'), 'earlier export');
    const files = [
      { name: 'INV-1 Smith', html: '<p>1</p>' },
      { name: 'INV-2 Jones', html: '<p>22</p>' },
      { name: 'INV-2 Jones', html: '<p>333</p>' },
      { name: 'CON', html: '<p>4444</p>' },
    ];
    const progress: number[] = [];
    const res = await savePdfBatch(
      { pageSize: 'A4', files },
      { createWindow, tmpRoot: dir, dialog: fakeDialog({ open: [folder] }).dialog, defaultDir: dir },
      (done) => progress.push(done),
    );
    expect(res).toEqual({ saved: true, folder, count: 4 });
    expect(readdirSync(folder).sort()).toEqual(
      ['INV-1 Smith (2).pdf', 'INV-1 Smith.pdf', 'INV-2 Jones (2).pdf', 'INV-2 Jones.pdf', '_CON.pdf'].sort(),
    );
    expect(readFileSync(join(folder, 'INV-1 Smith.pdf'), 'utf8')).toBe('earlier export');
    expect(readFileSync(join(folder, 'INV-2 Jones (2).pdf'), 'utf8')).toBe('%PDF-1.7 A4 10');
    expect(created).toHaveLength(1);
    expect(created[0]!.printed).toHaveLength(4);
    expect(created[0]!.destroyed).toBe(true);
    expect(progress).toEqual([1, 2, 3, 4]);
    expect(readdirSync(dir).filter((n) => n.startsWith(PDF_TMP_PREFIX))).toEqual([]);
  });

  it('batch: a cancelled folder dialog renders nothing', async () => {
    const { created, createWindow } = fakePdfWindows();
    const res = await savePdfBatch(
      { pageSize: 'A4', files: [{ name: 'a', html: '<p/>' }] },
      { createWindow, tmpRoot: dir, dialog: fakeDialog({ open: null }).dialog, defaultDir: dir },
    );
    expect(res).toEqual({ saved: false });
    expect(created).toHaveLength(0);
  });

  it('names and the request filter of PDF windows', () => {
    expect(pdfFileName('Invoice.PDF')).toBe('Invoice.pdf');
    expect(pdfFileName('a/b:c')).toBe('a_b_c.pdf');
    expect(pdfFileName(' . ')).toBe('document.pdf');
    expect(pdfFileName('lpt1')).toBe('_lpt1.pdf');
    const taken = new Set<string>();
    expect(uniqueName('x', taken, () => false)).toBe('x.pdf');
    expect(uniqueName('X', taken, () => false)).toBe('X (2).pdf');
    const root = join(dir, 'tmp');
    expect(isAllowedPdfResource(pathToFileURL(join(root, `${PDF_TMP_PREFIX}abc`, 'document-1.html')).href, root)).toBe(true);
    expect(isAllowedPdfResource('data:image/png;base64,AAAA', root)).toBe(true);
    expect(isAllowedPdfResource(pathToFileURL(join(root, 'other', 'x.html')).href, root)).toBe(false);
    expect(isAllowedPdfResource('file:///etc/passwd', root)).toBe(false);
    expect(isAllowedPdfResource('https://tracker.example/pixel.gif', root)).toBe(false);
  });

  it('serialize runs PDF jobs one at a time, in order, surviving failures', async () => {
    const run = serialize();
    const log: string[] = [];
    let active = 0;
    const job =
      (name: string, fail = false) =>
      async () => {
        active++;
        expect(active).toBe(1);
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, 5));
        log.push(`end ${name}`);
        active--;
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([run(job('a')), run(job('b', true)), run(job('c'))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(existsSync(dir)).toBe(true);
  });
});
