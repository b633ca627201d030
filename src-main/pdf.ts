/**
 * HTML → PDF in the main process (bridge renderPdf/savePdf/savePdfBatch): the HTML is written to
 * a private temp file and loaded in a hidden, sandboxed BrowserWindow with JavaScript disabled and
 * its own session that refuses every request except that file and data: URLs (so a document can
 * neither run code nor phone home), then `webContents.printToPDF`.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserWindowConstructorOptions } from 'electron';
import type { PdfRequest, SavePdfBatchRequest, SavePdfBatchResult, SavePdfRequest, SaveFileResult } from '../src-shared/bridge';
import type { DialogLike } from './files';

/** The session partition of PDF windows (in memory: no "persist:" prefix). */
export const PDF_PARTITION = 'tutordesk-pdf';

export function pdfWindowOptions(): BrowserWindowConstructorOptions {
  return {
    show: false,
    width: 900,
    height: 1200,
    webPreferences: {
      sandbox: true,
      javascript: false,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      partition: PDF_PARTITION,
      spellcheck: false,
    },
  };
}

export interface PdfWindowLike {
  loadFile(path: string): Promise<void>;
  webContents: { printToPDF(options: { pageSize: 'A4' | 'Letter'; landscape: boolean; printBackground: boolean }): Promise<Uint8Array> };
  isDestroyed(): boolean;
  destroy(): void;
}

export interface PdfDeps {
  createWindow(): PdfWindowLike;
  /** Parent folder of the per-render temp folders, e.g. os.tmpdir(). */
  tmpRoot: string;
}

/** Temp folders made by this module start with this prefix (the request filter relies on it). */
export const PDF_TMP_PREFIX = 'tutordesk-pdf-';

/**
 * Decides what a PDF window may load: only our temp HTML files and data: URLs (inline images,
 * e.g. the practice logo). Install with `session.fromPartition(PDF_PARTITION).webRequest.onBeforeRequest`.
 */
export function isAllowedPdfResource(url: string, tmpRoot: string): boolean {
  if (url.startsWith('data:')) return true;
  if (!url.startsWith('file:')) return false;
  try {
    const p = resolve(fileURLToPath(url));
    const root = resolve(tmpRoot) + sep;
    return p.startsWith(root) && p.slice(root.length).startsWith(PDF_TMP_PREFIX);
  } catch {
    return false;
  }
}

/** Renders documents one after another in one hidden window (created lazily, destroyed at close). */
export class PdfSession {
  private win: PdfWindowLike | null = null;
  private dir: string | null = null;
  private count = 0;
  constructor(private readonly deps: PdfDeps) {}

  async render(req: Pick<PdfRequest, 'html' | 'pageSize' | 'landscape'>): Promise<Buffer> {
    if (!this.dir) this.dir = await mkdtemp(join(this.deps.tmpRoot, PDF_TMP_PREFIX));
    if (!this.win || this.win.isDestroyed()) this.win = this.deps.createWindow();
    const file = join(this.dir, `document-${++this.count}.html`);
    await writeFile(file, req.html, 'utf8');
    try {
      await this.win.loadFile(file);
      const pdf = await this.win.webContents.printToPDF({ pageSize: req.pageSize, landscape: req.landscape, printBackground: true });
      return Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
    } finally {
      await rm(file, { force: true });
    }
  }

  async close(): Promise<void> {
    if (this.win && !this.win.isDestroyed()) this.win.destroy();
    this.win = null;
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = null;
  }
}

export async function renderPdf(req: PdfRequest, deps: PdfDeps): Promise<Buffer> {
  const session = new PdfSession(deps);
  try {
    return await session.render(req);
  } finally {
    await session.close();
  }
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/** A portable file name ending in .pdf (the bridge schema already refuses / \ : * ? " < > |). */
export function pdfFileName(name: string): string {
  let base = name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').trim();
  base = base.replace(/\.pdf$/i, '').replace(/[. ]+$/, '');
  if (!base) base = 'document';
  if (WINDOWS_RESERVED.test(base)) base = `_${base}`;
  return `${base}.pdf`;
}

/** "Invoice.pdf", then "Invoice (2).pdf", … : never overwrites a file or reuses a name of the batch. */
export function uniqueName(name: string, taken: Set<string>, exists: (candidate: string) => boolean): string {
  const file = pdfFileName(name);
  const stem = file.slice(0, -4);
  let candidate = file;
  for (let i = 2; taken.has(candidate.toLowerCase()) || exists(candidate); i++) candidate = `${stem} (${i}).pdf`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

export interface SavePdfDeps extends PdfDeps {
  dialog: DialogLike;
  defaultDir: string;
}

export async function savePdf(req: SavePdfRequest, deps: SavePdfDeps): Promise<SaveFileResult> {
  const result = await deps.dialog.showSaveDialog({
    defaultPath: join(deps.defaultDir, pdfFileName(req.suggestedName)),
    filters: [{ name: 'PDF document', extensions: ['pdf'] }],
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  });
  if (result.canceled || !result.filePath) return { saved: false };
  const location = /\.pdf$/i.test(result.filePath) ? result.filePath : `${result.filePath}.pdf`;
  const pdf = await renderPdf(req, deps);
  await writeFile(location, pdf);
  return { saved: true, location };
}

/**
 * Asks for a folder, then renders every file into it. Existing files are never overwritten: a
 * name already present gets " (2)", " (3)", … so re-exporting a month keeps the earlier export.
 */
export async function savePdfBatch(
  req: SavePdfBatchRequest,
  deps: SavePdfDeps,
  onProgress?: (done: number, total: number) => void,
): Promise<SavePdfBatchResult> {
  const result = await deps.dialog.showOpenDialog({
    title: 'Choose a folder for the PDF files',
    buttonLabel: 'Export here',
    defaultPath: deps.defaultDir,
    properties: ['openDirectory', 'createDirectory'],
  });
  const folder = result.filePaths[0];
  if (result.canceled || !folder) return { saved: false };
  const session = new PdfSession(deps);
  const taken = new Set<string>();
  let count = 0;
  try {
    for (const file of req.files) {
      const pdf = await session.render({ html: file.html, pageSize: req.pageSize, landscape: false });
      const name = uniqueName(file.name, taken, (candidate) => existsSync(join(folder, candidate)));
      await writeFile(join(folder, name), pdf, { flag: 'wx' });
      count++;
      onProgress?.(count, req.files.length);
    }
  } finally {
    await session.close();
  }
  return { saved: true, folder, count };
}

/** Runs tasks one at a time (PDF jobs share the CPU; never a dozen hidden windows at once). */
export function serialize(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}
