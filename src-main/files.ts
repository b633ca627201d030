/**
 * Save/open through the OS dialogs (bridge saveFile/openFile). Payloads are validated in ipc.ts
 * before they get here; this module also enforces the size limit of openFile and checks base64.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { OpenFileRequest, OpenFileResult, SaveFileRequest, SaveFileResult, FileFilter } from '../src-shared/bridge';

export interface SaveDialogOptionsLike {
  title?: string;
  defaultPath?: string;
  filters?: FileFilter[];
  properties?: Array<'createDirectory' | 'showOverwriteConfirmation'>;
}
export interface OpenDialogOptionsLike {
  title?: string;
  defaultPath?: string;
  filters?: FileFilter[];
  properties: Array<'openFile' | 'openDirectory' | 'createDirectory' | 'promptToCreate'>;
  buttonLabel?: string;
}
/** The part of Electron's `dialog` used here, already bound to the parent window. */
export interface DialogLike {
  showSaveDialog(options: SaveDialogOptionsLike): Promise<{ canceled: boolean; filePath?: string }>;
  showOpenDialog(options: OpenDialogOptionsLike): Promise<{ canceled: boolean; filePaths: string[] }>;
}

export interface FileDeps {
  dialog: DialogLike;
  /** Where dialogs start, e.g. app.getPath('documents'). */
  defaultDir: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes the content of a save request; throws on malformed base64. */
export function decodeContent(req: Pick<SaveFileRequest, 'content' | 'encoding'>): Buffer {
  if (req.encoding === 'utf8') return Buffer.from(req.content, 'utf8');
  const clean = req.content.replace(/\s+/g, '');
  if (clean.length % 4 !== 0 || !BASE64.test(clean)) throw new Error('The file content is not valid base64.');
  return Buffer.from(clean, 'base64');
}

/** Appends the first filter's extension when the user typed a name without one. */
export function withExtension(filePath: string, filters: FileFilter[]): string {
  const ext = filters[0]?.extensions[0];
  if (!ext || ext === '*' || /\.[^./\\]+$/.test(basename(filePath))) return filePath;
  return `${filePath}.${ext}`;
}

export async function saveFile(req: SaveFileRequest, deps: FileDeps): Promise<SaveFileResult> {
  const data = decodeContent(req); // fail before asking the user anything
  const result = await deps.dialog.showSaveDialog({
    defaultPath: join(deps.defaultDir, req.suggestedName),
    filters: req.filters,
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  });
  if (result.canceled || !result.filePath) return { saved: false };
  const location = withExtension(result.filePath, req.filters);
  await writeFile(location, data);
  return { saved: true, location };
}

export async function openFile(req: OpenFileRequest, deps: FileDeps): Promise<OpenFileResult> {
  const result = await deps.dialog.showOpenDialog({ defaultPath: deps.defaultDir, filters: req.filters, properties: ['openFile'] });
  const file = result.filePaths[0];
  if (result.canceled || !file) return { opened: false };
  return readTextFile(file, req.maxBytes, req.read ?? 'text');
}

const mib = (n: number): string => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`);

/** Reads a UTF-8 text file of at most maxBytes (a BOM is dropped, as the browser's File.text() does). */
export async function readTextFile(file: string, maxBytes: number, read: 'text' | 'bytes' = 'text'): Promise<OpenFileResult> {
  const name = basename(file);
  const info = await stat(file);
  if (!info.isFile()) return { opened: false, error: `${name} is not a file.` };
  if (info.size > maxBytes) return { opened: false, error: `${name} is ${mib(info.size)}; the limit is ${mib(maxBytes)}.` };
  const data = await readFile(file);
  // The file may have grown since stat().
  if (data.length > maxBytes) return { opened: false, error: `${name} is larger than ${mib(maxBytes)}.` };
  if (read === 'bytes') return { opened: true, name, text: '', bytes: data.toString('base64') };
  return { opened: true, name, text: new TextDecoder('utf-8').decode(data) };
}
