/**
 * The fixed time zone list (src-shared/model/time-zones.ts) in the app's own engine, Chromium:
 * every name in it is one Chromium accepts, and every zone Chromium offers (the Settings screen's
 * list) is in it. tests/unit/shared/time-zones.test.ts checks the same in Node.
 */
import { expect, test } from '@playwright/test';
import { TIME_ZONES } from '../../src-shared/model/time-zones';

test('Chromium accepts every listed time zone, and the list holds every zone Chromium offers', async ({ page }) => {
  await page.goto('/');
  const result = await page.evaluate(
    (zones: string[]) => {
      const rejected = zones.filter((z) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: z });
          return false;
        } catch {
          return true;
        }
      });
      const offered = Intl.supportedValuesOf('timeZone');
      return { rejected, missing: offered.filter((z) => !zones.includes(z)), offered: offered.length };
    },
    [...TIME_ZONES],
  );
  expect(result.rejected).toEqual([]);
  expect(result.missing).toEqual([]);
  expect(result.offered).toBeGreaterThan(300);
});
