/**
 * Realistic demo data: the "Load a sample practice" button, the seed script and the benchmarks
 * all use this one generator. Deterministic for a given seed, so tests can rely on it.
 */
import { stampChange, type ChangeContext, type SyncMeta } from '../model/meta';
import { seededRandom } from '../random';
import { SAMPLE_ROOMS } from '../schedule/sample';
import { PRACTICE_SETTINGS_ID, type Family, type PracticeSettings, type Staff, type Student } from '../model/types';

export interface SampleOptions {
  students: number;
  seed?: number;
  /** Practice settings to use (defaults to a London practice in GBP). */
  currency?: string;
  locale?: string;
  timeZone?: string;
  now?: Date;
  deviceId?: string;
}

export interface SamplePractice {
  settings: PracticeSettings;
  staff: Staff[];
  families: Family[];
  students: Student[];
  /** The staff member who is "me" on this laptop. */
  meStaffId: string;
}

const FIRST = [
  'Olivia',
  'Noah',
  'Amelia',
  'Oliver',
  'Isla',
  'George',
  'Ava',
  'Arthur',
  'Mia',
  'Leo',
  'Ivy',
  'Harry',
  'Freya',
  'Muhammad',
  'Lily',
  'Jack',
  'Sophia',
  'Theo',
  'Grace',
  'Oscar',
  'Aisha',
  'Mateo',
  'Chloe',
  'Ethan',
  'Zara',
  'Kai',
  'Priya',
  'Lucas',
  'Maya',
  'Ryan',
  'Hana',
  'Daniel',
  'Elena',
  'Samuel',
  'Nia',
  'Tomás',
  'Yuki',
  'Omar',
  'Ines',
  'Felix',
];
const LAST = [
  'Smith',
  'Jones',
  'Patel',
  'Williams',
  'Brown',
  'Taylor',
  'Davies',
  'Evans',
  'Khan',
  'Wilson',
  'Johnson',
  'Roberts',
  'Wright',
  'Walker',
  'Thompson',
  'Nguyen',
  'García',
  'Murphy',
  'Kowalski',
  "O'Brien",
  'Okafor',
  'Chen',
  'Hughes',
  'Green',
  'Hall',
  'Ali',
  'Clarke',
  'Lewis',
  'Jackson',
  'Mensah',
];
const SUBJECTS = [
  'Maths',
  'English',
  'Physics',
  'Chemistry',
  'Biology',
  'French',
  'Spanish',
  'Piano',
  'Computer Science',
  'History',
  'Geography',
  '11+ prep',
  'Economics',
  'Violin',
];
const STREETS = [
  'High Street',
  'Station Road',
  'Church Lane',
  'Park Avenue',
  'Victoria Road',
  'Green Lane',
  'Mill Road',
  'King Street',
  'Queens Road',
  'The Crescent',
];
const CITIES = ['London', 'Bristol', 'Leeds', 'Oxford', 'Cambridge', 'Brighton', 'York', 'Bath'];
const GRADES = ['Year 5', 'Year 6', 'Year 7', 'Year 8', 'Year 9', 'Year 10', 'Year 11', 'Year 12', 'Year 13', 'Adult'];
const TUTORS: [string, string, string][] = [
  ['Sarah Mitchell', 'admin', '#4f46e5'],
  ['James Okoro', 'tutor', '#0891b2'],
  ['Emily Chen', 'tutor', '#db2777'],
  ['David Fernández', 'tutor', '#ea580c'],
  ['Hannah Schmidt', 'tutor', '#16a34a'],
];

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)] as T;
}

function uuidFrom(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Surnames never used twice: a taken one becomes double-barrelled ("Clarke-Hughes"), deterministically. */
function uniqueSurnames(): (wanted: string) => string {
  const used = new Set<string>();
  const next = new Map<string, number>();
  return (wanted) => {
    let name = wanted;
    if (used.has(name)) {
      const others = LAST.filter((l) => l !== wanted);
      let i = next.get(wanted) ?? 0;
      do {
        const a = others[i % others.length]!;
        const b = others[Math.floor(i / others.length) % others.length]!;
        name = i < others.length ? `${wanted}-${a}` : `${wanted}-${b}-${a}`;
        i += 1;
      } while (used.has(name));
      next.set(wanted, i);
    }
    used.add(name);
    return name;
  };
}

/** Siblings never share a first name: a taken one becomes the next free name of the list. */
function distinctFirstName(wanted: string, taken: Set<string>): string {
  let i = FIRST.indexOf(wanted);
  let name = wanted;
  while (taken.has(name)) name = FIRST[(i = (i + 1) % FIRST.length)]!;
  taken.add(name);
  return name;
}

export function generateSamplePractice(opts: SampleOptions): SamplePractice {
  const rand = seededRandom(opts.seed ?? 42);
  const now = opts.now ?? new Date();
  const currency = opts.currency ?? 'GBP';
  const ctx: ChangeContext = { staffId: 'sample', deviceId: opts.deviceId ?? 'sample', now };
  const make = <T extends SyncMeta>(values: Omit<T, keyof SyncMeta>): T =>
    stampChange<T>(undefined, values as never, ctx, () => uuidFrom(rand));

  const staff = TUTORS.map(([name, role, colour], i) =>
    make<Staff>({
      name,
      email: `${name.split(' ')[0]!.toLowerCase()}@brightsidetutoring.example`,
      phone: `+44 7700 900${String(100 + i * 37).padStart(3, '0')}`,
      role: role as Staff['role'],
      payRate: { amount: role === 'admin' ? 3500 : 2800 + i * 100, currency },
      payUnit: i % 2 === 0 ? 'hour' : 'lesson',
      colour,
      username: name.split(' ')[0]!.toLowerCase(),
      active: true,
    }),
  );

  const settings = stampChange<PracticeSettings>(
    undefined,
    {
      id: PRACTICE_SETTINGS_ID,
      name: 'Brightside Tutoring',
      address: { line1: '14 Elm Court', line2: 'Suite 3', city: 'London', region: '', postalCode: 'N1 7GU', country: 'United Kingdom' },
      email: 'hello@brightsidetutoring.example',
      phone: '+44 20 7946 0321',
      currency,
      locale: opts.locale ?? 'en-GB',
      timeZone: opts.timeZone ?? 'Europe/London',
      taxId: 'GB 123 4567 89',
      logo: '',
      defaultRate: { amount: 4500, currency },
      weekStartsOn: 1,
      billing: {
        paymentTermsDays: 14,
        taxMode: 'none',
        taxRateBp: 2000,
        taxLabel: 'VAT',
        invoicePrefix: 'INV',
        paymentInstructions:
          'Bank transfer to Brightside Tutoring Ltd, sort code 12-34-56, account 12345678. Please quote the invoice number.',
      },
      attendance: {
        billable: ['attended', 'cancelled_student_late', 'no_show'],
        payable: ['attended', 'cancelled_student_late', 'no_show'],
        cancellationNoticeHours: 24,
        makeupForInTimeCancellation: true,
      },
      reminders: { enabled: true, minutesBefore: 15 },
      rooms: [...SAMPLE_ROOMS],
    } as never,
    ctx,
    () => PRACTICE_SETTINGS_ID,
  );

  const families: Family[] = [];
  const students: Student[] = [];
  const surname = uniqueSurnames();
  while (students.length < opts.students) {
    const adult = rand() < 0.12;
    // Every family gets its own surname, so the sample has no duplicate families or students
    // (issue 15: it had "Clarke family" twice). No extra random draws: the rest stays the same.
    const last = surname(pick(rand, LAST));
    const city = pick(rand, CITIES);
    const address = {
      line1: `${1 + Math.floor(rand() * 180)} ${pick(rand, STREETS)}`,
      line2: '',
      city,
      region: '',
      postalCode: `${pick(rand, ['N', 'E', 'SW', 'SE', 'W', 'NW', 'BS', 'LS', 'OX', 'CB'])}${1 + Math.floor(rand() * 19)} ${1 + Math.floor(rand() * 9)}${pick(rand, ['AB', 'DF', 'GH', 'JL', 'PQ', 'RT', 'UW', 'XY'])}`,
      country: 'United Kingdom',
    };
    const contactFirst = pick(rand, FIRST);
    const studentCount = adult ? 1 : 1 + Math.floor(rand() * rand() * 3.2);
    const firstStudentFirst = pick(rand, FIRST);
    const familyName = adult ? `${firstStudentFirst} ${last}` : `${last} family`;
    const email = `${(adult ? firstStudentFirst : contactFirst).toLowerCase()}.${last.toLowerCase().replace(/[^a-z]/g, '')}${families.length}@mail.example`;
    const phone = `+44 7${String(Math.floor(rand() * 1e9)).padStart(9, '0')}`;
    const family = make<Family>({
      kind: adult ? 'self' : 'family',
      name: familyName,
      contactName: adult ? familyName : `${contactFirst} ${last}`,
      email,
      phone,
      address,
      preferredContact: rand() < 0.7 ? 'email' : rand() < 0.5 ? 'phone' : 'sms',
      notes: rand() < 0.2 ? 'Prefers invoices at the start of the month.' : '',
      defaultRate: null,
      archived: false,
    });
    families.push(family);
    const firstNames = new Set<string>();
    for (let i = 0; i < studentCount && students.length < opts.students; i++) {
      const statusRoll = rand();
      const status = statusRoll < 0.8 ? 'active' : statusRoll < 0.92 ? 'paused' : 'archived';
      const subjects = [pick(rand, SUBJECTS)];
      if (rand() < 0.35) {
        const extra = pick(rand, SUBJECTS);
        if (!subjects.includes(extra)) subjects.push(extra);
      }
      const rateRoll = rand();
      students.push(
        make<Student>({
          firstName: distinctFirstName(i === 0 ? firstStudentFirst : pick(rand, FIRST), firstNames),
          lastName: last,
          familyId: family.id,
          status,
          subjects,
          defaultRate: rateRoll < 0.6 ? null : { amount: 3500 + Math.floor(rateRoll * 10) * 500, currency },
          email: adult ? email : rand() < 0.3 ? `${pick(rand, FIRST).toLowerCase()}${students.length}@student.example` : '',
          phone: adult ? phone : '',
          gradeLevel: adult ? 'Adult' : pick(rand, GRADES.slice(0, -1)),
          notes: rand() < 0.15 ? 'Working towards GCSE in the summer.' : '',
          archivedAt: status === 'archived' ? now.toISOString() : '',
        }),
      );
    }
  }
  return { settings, staff, families, students, meStaffId: staff[0]!.id };
}
