/**
 * Valid documents of every collection for the sync tests, generated from the app's JSON schemas
 * (so the tests keep working when other features add fields), with readable overrides.
 */
import { collectionSchemas, type CollectionDocTypes, type CollectionName } from '../../../src-shared/model/schemas';
import { META_FIELDS, stampChange, type ChangeContext, type SyncMeta } from '../../../src-shared/model/meta';

type Schema = Record<string, unknown>;

/** A value that satisfies `schema` (required fields only for objects). */
export function sampleValue(schema: Schema): unknown {
  if (Array.isArray(schema.oneOf))
    return (schema.oneOf as Schema[]).some((s) => s.type === 'null') ? null : sampleValue((schema.oneOf as Schema[])[0]!);
  if (Array.isArray(schema.enum)) return schema.enum[0];
  switch (schema.type) {
    case 'string': {
      const pattern = typeof schema.pattern === 'string' ? schema.pattern : '';
      if (pattern.includes('A-Z]{3}') || (schema.minLength === 3 && schema.maxLength === 3)) return 'GBP';
      if (pattern.includes('#')) return '#336699';
      if (typeof schema.minLength === 'number') return 'x'.repeat(schema.minLength);
      return '';
    }
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? Math.max(schema.minimum, 0) : 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      for (const r of (schema.required ?? []) as string[]) if (props[r]) out[r] = sampleValue(props[r]);
      return out;
    }
    default:
      return null;
  }
}

export type Values<C extends CollectionName> = Omit<CollectionDocTypes[C], keyof SyncMeta>;

export function valuesFor<C extends CollectionName>(collection: C, overrides: Partial<Values<C>> = {}): Values<C> {
  const schema = collectionSchemas[collection] as unknown as { properties: Record<string, Schema>; required: string[] };
  const out: Record<string, unknown> = {};
  for (const r of schema.required) {
    if ((META_FIELDS as readonly string[]).includes(r)) continue;
    if (schema.properties[r]) out[r] = sampleValue(schema.properties[r]);
  }
  return { ...out, ...overrides } as Values<C>;
}

export function makeDoc<C extends CollectionName>(
  collection: C,
  id: string,
  overrides: Partial<Values<C>>,
  ctx: ChangeContext,
): CollectionDocTypes[C] {
  return stampChange<CollectionDocTypes[C]>(undefined, { ...valuesFor(collection, overrides), id } as never, ctx, () => id);
}

export const studentValues = (o: Partial<Values<'students'>> = {}) =>
  valuesFor('students', {
    firstName: 'Ada',
    lastName: 'Lovelace',
    familyId: 'fam-1',
    status: 'active',
    subjects: ['Maths'],
    email: 'ada@example.com',
    ...o,
  });
export const familyValues = (o: Partial<Values<'families'>> = {}) => valuesFor('families', { kind: 'family', name: 'Byron', ...o });
export const noteValues = (o: Partial<Values<'notes'>> = {}) =>
  valuesFor('notes', { kind: 'lesson', studentIds: ['stu-1'], authorId: 'staff-1', title: 'Lesson', body: '', ...o });
export const lessonValues = (o: Partial<Values<'lessons'>> = {}) =>
  valuesFor('lessons', {
    tutorId: 'staff-1',
    studentIds: ['stu-1'],
    subject: 'Maths',
    start: '2026-03-02T16:00:00.000Z',
    durationMinutes: 60,
    timeZone: 'Europe/London',
    rrule: 'FREQ=WEEKLY',
    ...o,
  });
export const occurrenceValues = (o: Partial<Values<'occurrences'>> = {}) =>
  valuesFor('occurrences', { lessonId: 'l1', originalStart: '2026-03-02T16:00:00.000Z', status: 'scheduled', ...o });
export const invoiceValues = (o: Partial<Values<'invoices'>> = {}) =>
  valuesFor('invoices', { kind: 'invoice', familyId: 'fam-1', status: 'draft', currency: 'GBP', notes: '', ...o });
