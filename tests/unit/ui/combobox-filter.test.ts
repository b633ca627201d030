/**
 * The pickers' type-ahead (ui/Combobox.tsx): every word typed, in any order, ignoring case and
 * accents, over the label and the detail; the folded search text is built once per options list.
 */
import { describe, expect, it } from 'vitest';
import { filterOptions, haystacksOf, type ComboOption } from '../../../src-renderer/src/ui/Combobox';

const options: ComboOption[] = [
  { value: 'a', label: 'Lucía García', detail: 'Maths, Physics' },
  { value: 'b', label: 'Tom Smith', detail: 'English' },
  { value: 'c', label: 'Ana Garcia' },
];

describe('filterOptions', () => {
  it('keeps every option, in its order, for an empty or blank query', () => {
    expect(filterOptions(options, '')).toEqual(options);
    expect(filterOptions(options, '   ')).toEqual(options);
  });

  it('matches every word in any order, ignoring case and accents, in the label and the detail', () => {
    expect(filterOptions(options, 'garcia').map((o) => o.value)).toEqual(['a', 'c']);
    expect(filterOptions(options, 'PHYSICS lucia').map((o) => o.value)).toEqual(['a']);
    expect(filterOptions(options, 'ana smith')).toEqual([]);
  });

  it('does not build the search text while nothing is typed', () => {
    let built = 0;
    filterOptions(options, '', () => {
      built += 1;
      return [];
    });
    expect(built).toBe(0);
  });
});

describe('haystacksOf', () => {
  it('builds the search text once per options list', () => {
    const list = [...options];
    const first = haystacksOf(list);
    expect(haystacksOf(list)).toBe(first);
    expect(first).toEqual(['lucia garcia maths, physics', 'tom smith english', 'ana garcia']);
    expect(haystacksOf([...options])).not.toBe(first);
  });
});
