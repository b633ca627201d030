import { describe, expect, it } from 'vitest';
import { combineFeatures, type FeatureManifest } from '../../../src-renderer/src/app/registry';
import { FEATURES } from '../../../src-renderer/src/app/features';

const Nothing = () => null;

describe('feature manifests', () => {
  it('the shell combines the features in one stated order', () => {
    const r = combineFeatures(FEATURES);
    const nav = (section: string) => r.screens.filter((s) => s.section === section).map((s) => s.label);
    expect(nav('practice')).toEqual(['Students', 'Families', 'Schedule', 'Today', 'Outbox']);
    expect(nav('money')).toEqual(['Invoices', 'Payments', 'Reports', 'Payroll']);
    expect(nav('admin')).toEqual(['Staff', 'Settings', 'Sync']);
    expect(r.topbar.start.map((t) => t.id)).toEqual(['search', 'notes-recovery']);
    expect(r.topbar.end.map((t) => t.id)).toEqual(['schedule-next-lesson', 'sync-status', 'auto-invoicing', 'outbox', 'backup-reminder']);
    expect(r.settingsSections.map((s) => s.title)).toEqual([
      'Schedule',
      'Rooms',
      'Attendance policy',
      'Sync',
      'Billing',
      'E-mail',
      'E-mail templates',
      'Backups',
    ]);
    expect(r.occurrencePanelSections.map((s) => s.id)).toEqual(['attendance', 'lesson-note']);
    // The sample invoices bill the sample lessons: the schedule's extender runs first.
    const schedule = FEATURES.find((f) => f.id === 'schedule')!.sampleData;
    const billing = FEATURES.find((f) => f.id === 'billing')!.sampleData;
    expect(r.sampleExtenders.indexOf(schedule!)).toBeLessThan(r.sampleExtenders.indexOf(billing!));
    expect(r.firstRun).not.toBeNull();
  });

  it('refuses two features contributing under one name', () => {
    const a: FeatureManifest = {
      id: 'a',
      screens: [{ path: '/x', label: 'X', icon: 'students', section: 'practice', component: Nothing }],
    };
    const b: FeatureManifest = {
      id: 'b',
      screens: [{ path: '/x', label: 'Y', icon: 'students', section: 'practice', component: Nothing }],
    };
    expect(() => combineFeatures([a, b])).toThrow('Two features contribute the screen /x: a and b');
    expect(() => combineFeatures([a, { id: 'a' }])).toThrow('feature a');
    expect(() =>
      combineFeatures([
        { id: 'c', firstRun: Nothing },
        { id: 'd', firstRun: Nothing },
      ]),
    ).toThrow('first-run screen: c and d');
    const s = (id: string): FeatureManifest => ({ id, settingsSections: [{ id: 'same', title: id, component: Nothing }] });
    expect(() => combineFeatures([s('e'), s('f')])).toThrow('settings section same: e and f');
  });

  it('keeps the first-run screen only when its feature says so', () => {
    expect(combineFeatures([{ id: 'c', firstRun: Nothing }]).firstRunStays()).toBe(false);
    expect(combineFeatures([{ id: 'c', firstRun: Nothing, firstRunStays: () => true }]).firstRunStays()).toBe(true);
    expect(() => combineFeatures([{ id: 'c', firstRunStays: () => true }])).toThrow('c says when the first-run screen stays but has none');
  });

  it('gives empty lesson dates when no feature provides them', () => {
    expect(combineFeatures([]).lessonDates().size).toBe(0);
  });
});
