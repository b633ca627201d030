/**
 * Every form × every schema limit of the field it stores into (issue 15: "every schema limit is
 * also the form's limit, checked inline with the field's name"): a value that breaks the limit
 * gives that form field the message naming the field, and a value within the limits gives none.
 */
import { describe, expect, it } from 'vitest';
import {
  FIELD_LABELS,
  FORM_FIELDS,
  formFieldErrors,
  limitMessage,
  schemaLimits,
  type FormName,
  type SchemaLimit,
} from '../../../src-shared/validation/schema-limits';

function breaking(limit: SchemaLimit): unknown {
  const v = limit.value;
  switch (limit.keyword) {
    case 'maxLength':
      return 'A'.repeat((v as number) + 1);
    case 'minLength':
      return 'A'.repeat((v as number) - 1);
    case 'minimum':
      return (v as number) - 1;
    case 'maximum':
      return (v as number) + 1;
    case 'pattern':
      return '#zz';
    case 'enum':
      return 'nonsense';
    default:
      return undefined;
  }
}

const cases = (Object.keys(FORM_FIELDS) as FormName[]).flatMap((form) =>
  Object.entries(FORM_FIELDS[form] as Record<string, readonly [Parameters<typeof schemaLimits>[0], string]>).flatMap(
    ([field, [collection, path]]) =>
      schemaLimits(collection)
        .filter((l) => l.path === path && breaking(l) !== undefined)
        .map((l) => [form, field, l.keyword, l] as const),
  ),
);

describe('form fields keep their schema limits', () => {
  it('covers every form', () => {
    expect(new Set(cases.map(([form]) => form))).toEqual(new Set(Object.keys(FORM_FIELDS)));
    expect(cases.length).toBeGreaterThan(60);
  });

  it.each(cases)('%s.%s %s', (form, field, _keyword, limit) => {
    const value = breaking(limit);
    const given = limit.path.endsWith('[]') ? ['ok', value] : value;
    const errors = formFieldErrors(form, { [field]: given } as never);
    expect(errors).toEqual({ [field]: limitMessage(limit) });
    expect(errors[field]!.startsWith(`${FIELD_LABELS[limit.collection][limit.path]}: `)).toBe(true);
  });

  it('the long room of issue 15 is a field error of the lesson form', () => {
    expect(formFieldErrors('lesson', { room: 'x'.repeat(5000), subject: 'Maths' })).toEqual({ room: 'Room: at most 100 characters' });
    expect(formFieldErrors('lesson', { room: '2', subject: 'Maths' })).toEqual({});
  });
});
