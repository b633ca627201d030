import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

/** The import-boundary rules really reject what docs/architecture.md forbids. */
const eslint = new ESLint({ cwd: process.cwd() });

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals').map((m) => m.message);
}

describe('layer boundaries', () => {
  it('src-shared imports nothing from Electron, React, the DOM, Node or the other layers', async () => {
    expect(await problems('src-shared/x.ts', "import { app } from 'electron';\nexport const a = app;")).toHaveLength(1);
    expect(await problems('src-shared/x.ts', "import { useState } from 'react';\nexport const a = useState;")).toHaveLength(1);
    expect(await problems('src-shared/x.ts', "import { a } from '../src-renderer/src/app/App';\nexport const b = a;")).toHaveLength(1);
    expect(await problems('src-shared/x.ts', "import { readFileSync } from 'node:fs';\nexport const b = readFileSync;")).toHaveLength(1);
    expect(await problems('src-shared/x.ts', 'export const w = window.innerWidth;')).toHaveLength(1);
    expect(await problems('src-shared/x.ts', "import { z } from 'zod';\nexport const s = z.string();")).toEqual([]);
  });
  it('src-renderer and src-main never import each other', async () => {
    expect(await problems('src-renderer/src/x.ts', "import { a } from '../../src-main/menu';\nexport const b = a;")).toHaveLength(1);
    expect(await problems('src-renderer/src/x.ts', "import { ipcRenderer } from 'electron';\nexport const b = ipcRenderer;")).toHaveLength(1);
    expect(await problems('src-main/x.ts', "import { App } from '../src-renderer/src/app/App';\nexport const b = App;")).toHaveLength(1);
    expect(await problems('src-main/x.ts', "import { IPC } from '../src-shared/bridge';\nexport const b = IPC;")).toEqual([]);
  });
});
