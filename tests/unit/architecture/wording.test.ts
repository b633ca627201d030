import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * Counts on screens, in exports and messages go through the wording table and Intl.PluralRules
 * (src-shared/locale/wording.ts, countOf / formOf): the project's own lint configuration refuses a
 * hand-made plural, and lets other comparisons with 1 through.
 */
const eslint = new ESLint({ cwd: process.cwd() });

async function pluralProblems(filePath: string, code: string): Promise<number> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-syntax' && m.message.includes('countOf')).length;
}

describe('hand-made plurals', () => {
  it.each([
    ['src-renderer/src/features/students/X.tsx', "export const t = (n: number) => `${n} ${n === 1 ? 'lesson' : 'lessons'}`;"],
    ['src-renderer/src/ui/X.ts', "export const t = (n: number) => (n === 1 ? '1 lesson' : `${n} lessons`);"],
    ['src-shared/schedule/x.ts', "export const t = (n: number) => `${n} hour${n === 1 ? '' : 's'}`;"],
    ['src-main/x.ts', "export const t = (n: number) => (n === 1 ? 'One note was' : 'Notes were');"],
  ])('are refused in %s', async (file, code) => {
    expect(await pluralProblems(file, code)).toBe(1);
  });

  it('other tests against 1 pass, and countOf is the way', async () => {
    expect(await pluralProblems('src-shared/x.ts', 'export const t = (m: number, y: number) => (m === 1 ? y - 1 : y);')).toBe(0);
    expect(
      await pluralProblems(
        'src-renderer/src/ui/X.ts',
        "import { countOf } from '../../../src-shared/locale/count';\nimport { NOUNS } from '../../../src-shared/locale/wording';\nexport const t = (n: number) => countOf(n, NOUNS.lesson);",
      ),
    ).toBe(0);
  });
});
