import type { ReactNode } from 'react';
import { normaliseTerm } from '../../../../src-shared/search/index';

/**
 * Marks the matched terms in `text`. The index's terms are lower case without accents, so the
 * text is folded the same way character by character, keeping a map back to the original
 * positions ("garcia" marks "García").
 */
export function Highlighted({ text, terms }: { text: string; terms: readonly string[] }): ReactNode {
  const wanted = terms.filter((t) => t.length > 0);
  if (!text || wanted.length === 0) return text;
  let folded = '';
  const origin: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const f = normaliseTerm(text[i]!);
    for (let k = 0; k < f.length; k += 1) origin.push(i);
    folded += f;
  }
  origin.push(text.length);
  const ranges: [number, number][] = [];
  for (const t of wanted) {
    let from = 0;
    for (;;) {
      const at = folded.indexOf(t, from);
      if (at < 0) break;
      // Only at the start of a word (prefix matches, as the index does).
      if (at === 0 || !/[\p{L}\p{N}]/u.test(folded[at - 1]!)) ranges.push([origin[at]!, origin[at + t.length]!]);
      from = at + t.length;
    }
  }
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged.at(-1);
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([...r]);
  }
  const out: ReactNode[] = [];
  let pos = 0;
  for (const [s, e] of merged) {
    if (s > pos) out.push(text.slice(pos, s));
    out.push(<mark key={s}>{text.slice(s, e)}</mark>);
    pos = e;
  }
  if (pos < text.length) out.push(text.slice(pos));
  return out;
}
