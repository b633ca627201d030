/** Test builders for billing tests: real documents made with stampChange, deterministic ids. */
import { stampChange, type ChangeContext } from '../../../src-shared/model/meta';
import {
  PRACTICE_SETTINGS_ID,
  type AttendanceStatus,
  type Family,
  type Money,
  type PracticeSettings,
  type Student,
} from '../../../src-shared/model/types';
import type { BillableLesson } from '../../../src-shared/billing/rates';

export function ctxAt(iso: string, deviceId = 'dev-a', staffId = 'staff-1'): ChangeContext {
  return { staffId, deviceId, now: new Date(iso) };
}

export function idGen(prefix = 'id'): () => string {
  let n = 0;
  return () => `${prefix}-${String(++n).padStart(5, '0')}`;
}

export function makeSettings(
  over: Partial<Omit<PracticeSettings, 'billing'>> & { billing?: Partial<PracticeSettings['billing']> } = {},
): PracticeSettings {
  const { billing, ...rest } = over;
  return stampChange<PracticeSettings>(
    undefined,
    {
      id: PRACTICE_SETTINGS_ID,
      name: 'Brightside Tutoring',
      address: { line1: '14 Elm Court', line2: '', city: 'London', region: '', postalCode: 'N1 7GU', country: 'United Kingdom' },
      email: 'hello@brightside.example',
      phone: '+44 20 7946 0321',
      currency: 'GBP',
      locale: 'en-GB',
      timeZone: 'Europe/London',
      taxId: 'GB 123 4567 89',
      logo: '',
      defaultRate: { amount: 4000, currency: 'GBP' },
      weekStartsOn: 1,
      billing: {
        paymentTermsDays: 14,
        taxMode: 'none',
        taxRateBp: 2000,
        taxLabel: 'VAT',
        invoicePrefix: 'INV',
        paymentInstructions: 'Bank transfer to Brightside Tutoring Ltd, sort code 12-34-56, account 12345678.',
        ...billing,
      },
      attendance: {
        billable: ['attended', 'cancelled_student_late', 'no_show'],
        payable: ['attended', 'cancelled_student_late'],
        cancellationNoticeHours: 24,
        makeupForInTimeCancellation: true,
      },
      reminders: { enabled: false, minutesBefore: 15 },
      ...rest,
    } as Omit<PracticeSettings, 'createdAt' | 'updatedAt' | 'updatedBy' | 'deviceId' | 'fieldClock'>,
    ctxAt('2026-01-01T09:00:00Z'),
    () => PRACTICE_SETTINGS_ID,
  );
}

export function makeFamily(id: string, over: Partial<Family> = {}): Family {
  return stampChange<Family>(
    undefined,
    {
      id,
      kind: 'family',
      name: `Family ${id}`,
      contactName: 'Pat Parent',
      email: `${id}@example.com`,
      phone: '',
      address: { line1: '1 High Street', line2: '', city: 'Leeds', region: '', postalCode: 'LS1 1AA', country: 'United Kingdom' },
      preferredContact: 'email',
      notes: '',
      defaultRate: null,
      archived: false,
      ...over,
    },
    ctxAt('2026-01-01T09:00:00Z'),
    () => id,
  );
}

export function makeStudent(id: string, familyId: string, over: Partial<Student> = {}): Student {
  return stampChange<Student>(
    undefined,
    {
      id,
      firstName: `Stu${id}`,
      lastName: 'Smith',
      familyId,
      status: 'active',
      subjects: ['Maths'],
      defaultRate: null,
      email: '',
      phone: '',
      gradeLevel: '',
      notes: '',
      archivedAt: '',
      ...over,
    },
    ctxAt('2026-01-01T09:00:00Z'),
    () => id,
  );
}

export function lesson(
  occ: string,
  studentId: string,
  familyId: string,
  start: string,
  over: Partial<BillableLesson> & { status?: AttendanceStatus; rateOverride?: Money | null } = {},
): BillableLesson {
  return {
    occurrenceId: occ,
    lessonId: occ.split('@')[0] ?? occ,
    studentId,
    familyId,
    start,
    durationMinutes: 60,
    status: 'attended',
    subject: 'Maths',
    tutorId: 'tutor-1',
    rateOverride: null,
    ...over,
  };
}
