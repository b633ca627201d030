import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  checkBuilderConfig,
  icnsTypes,
  icoSizes,
  importedModules,
  isAllowedRuntimeImport,
  pngSize,
} from '../../../scripts/check-builder-config';

const root = resolve(__dirname, '../../..');

describe('electron.builder.yml (offline validation)', () => {
  it('the real configuration passes electron-builder’s schema and TutorDesk’s rules', async () => {
    const { problems, notes } = await checkBuilderConfig({ root });
    expect(problems).toEqual([]);
    expect(notes).toContain('electron-builder schema validation passed');
  });

  it('the icons are real PNG / ICO / ICNS files of the right sizes', () => {
    expect(pngSize(readFileSync(join(root, 'resources/icon.png')))).toEqual({ width: 512, height: 512 });
    expect(pngSize(readFileSync(join(root, 'resources/icons/256x256.png')))).toEqual({ width: 256, height: 256 });
    expect(icoSizes(readFileSync(join(root, 'resources/icon.ico')))).toEqual(expect.arrayContaining([16, 32, 48, 256]));
    expect(icnsTypes(readFileSync(join(root, 'resources/icon.icns')))).toEqual(expect.arrayContaining(['ic07', 'ic08', 'ic09', 'ic10']));
    expect(pngSize(Buffer.from('GIF89a............................'))).toBeNull();
  });

  describe('catches broken configurations', () => {
    let copy: string;
    beforeEach(() => {
      copy = mkdtempSync(join(tmpdir(), 'td-builder-'));
      cpSync(join(root, 'resources'), join(copy, 'resources'), { recursive: true });
      writeFileSync(join(copy, 'package.json'), readFileSync(join(root, 'package.json')));
    });
    afterEach(() => rmSync(copy, { recursive: true, force: true }));

    const withConfig = async (edit: (c: Record<string, any>) => void) => {
      const config = parse(readFileSync(join(root, 'electron.builder.yml'), 'utf8')) as Parameters<typeof edit>[0];
      edit(config);
      writeFileSync(join(copy, 'electron.builder.yml'), stringify(config));
      return (await checkBuilderConfig({ root: copy, modulesRoot: root })).problems.join('\n');
    };

    it('missing targets, wrong ids, missing files', async () => {
      expect(await withConfig((c) => (c.linux.target = ['AppImage']))).toMatch(/linux.target must include deb/);
      expect(await withConfig((c) => (c.win.target = ['portable']))).toMatch(/win.target must include nsis/);
      expect(await withConfig((c) => delete c.mac)).toMatch(/mac.target must include dmg/);
      expect(await withConfig((c) => (c.appId = 'tutordesk'))).toMatch(/appId/);
      expect(await withConfig((c) => (c.files = ['package.json']))).toMatch(/files must include out\/\*\*/);
      expect(await withConfig((c) => delete c.linux.maintainer)).toMatch(/maintainer/);
    });

    it('options electron-builder does not know', async () => {
      expect(await withConfig((c) => (c.linux.colour = 'blue'))).toMatch(/configuration/i);
    });

    it('a missing or fake icon', async () => {
      rmSync(join(copy, 'resources', 'icon.ico'));
      writeFileSync(join(copy, 'resources', 'icon.icns'), 'not an icns');
      const problems = await withConfig(() => undefined);
      expect(problems).toMatch(/win.icon .* must be an .ico/);
      expect(problems).toMatch(/mac.icon .* must be an .icns/);
    });

    it('--require-build without a build', async () => {
      writeFileSync(join(copy, 'electron.builder.yml'), readFileSync(join(root, 'electron.builder.yml')));
      const { problems } = await checkBuilderConfig({ root: copy, modulesRoot: root, requireBuild: true });
      expect(problems.join('\n')).toMatch(/built main missing/);
    });
  });

  it('finds the packages a bundle imports', () => {
    const code = `import { app } from "electron";\nimport { join } from "node:path";\nimport fs from 'fs';\nimport { z } from "zod";\nconst x = require("lodash");\nawait import("./chunk.js");`;
    expect(importedModules(code).sort()).toEqual(['./chunk.js', 'electron', 'fs', 'lodash', 'node:path', 'zod'].sort());
    expect(
      importedModules(code)
        .filter((m) => !isAllowedRuntimeImport(m))
        .sort(),
    ).toEqual(['lodash', 'zod']);
  });
});
