import { describe, expect, it } from 'vitest';
import { layoutOverlaps, type OverlapInput } from '../../../src-shared/schedule/overlap-layout';
import { seededRandom } from '../../../src-shared/random';

/** An item from "HH:mm" times; the item is its id. */
const ev = (id: string, from: string, to: string): OverlapInput<string> => {
  const min = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  return { item: id, id, startMin: min(from), endMin: min(to) };
};
const byId = <T extends { item: string }>(list: T[]) => Object.fromEntries(list.map((p) => [p.item, p]));

/** Five lessons at 10:00–11:00 and one at 10:30–11:30, the crowded hour of a centre. */
const crowded = () => [
  ev('a', '10:00', '11:00'),
  ev('b', '10:00', '11:00'),
  ev('c', '10:00', '11:00'),
  ev('d', '10:00', '11:00'),
  ev('e', '10:00', '11:00'),
  ev('f', '10:30', '11:30'),
];

describe('layoutOverlaps', () => {
  it('gives an empty day nothing to draw', () => {
    expect(layoutOverlaps([], { maxLanes: 3 })).toEqual({ shown: [], more: [] });
  });

  it('lets a lesson that overlaps nothing use the whole width', () => {
    const { shown, more } = layoutOverlaps([ev('a', '09:00', '10:00'), ev('b', '10:00', '11:00')], { maxLanes: 3 });
    // Touching lessons do not overlap: two clusters of one lane each.
    expect(shown.map((p) => [p.item, p.lane, p.lanes, p.span, p.cluster, p.gutter])).toEqual([
      ['a', 0, 1, 1, 0, false],
      ['b', 0, 1, 1, 1, false],
    ]);
    expect(more).toEqual([]);
  });

  it('puts overlapping lessons side by side, as many lanes as overlap at once', () => {
    // a–b–c chain into one cluster but never more than two run at once: two lanes, c reuses a's.
    const { shown } = layoutOverlaps([ev('a', '16:00', '17:00'), ev('b', '16:30', '17:30'), ev('c', '17:00', '18:00')]);
    const by = byId(shown);
    expect(by.a).toMatchObject({ lane: 0, lanes: 2, cluster: 0 });
    expect(by.b).toMatchObject({ lane: 1, lanes: 2, cluster: 0 });
    expect(by.c).toMatchObject({ lane: 0, lanes: 2, cluster: 0 });
  });

  it('widens a lesson into lanes that are free for its whole duration', () => {
    const { shown } = layoutOverlaps([
      ev('a', '16:00', '18:00'),
      ev('b', '16:00', '17:00'),
      ev('d', '16:00', '16:30'),
      ev('c', '17:00', '18:00'),
    ]);
    const by = byId(shown);
    expect(by.b).toMatchObject({ lane: 1, span: 1 });
    expect(by.d).toMatchObject({ lane: 2, span: 1 });
    expect(by.c).toMatchObject({ lane: 1, span: 2 });
  });

  it('does not depend on the order the lessons are given in', () => {
    const list = crowded();
    const a = layoutOverlaps(list, { maxLanes: 3 });
    const b = layoutOverlaps([...list].reverse(), { maxLanes: 3 });
    expect(b).toEqual(a);
  });

  it('draws the first lanes and counts the rest in a "+N more" slot of the hour they start in', () => {
    const { shown, more } = layoutOverlaps(crowded(), { maxLanes: 3 });
    expect(shown.map((p) => p.item)).toEqual(['a', 'b', 'c']);
    expect(shown.every((p) => p.lanes === 3 && p.gutter)).toBe(true);
    expect(more).toEqual([{ startMin: 600, endMin: 660, hidden: ['d', 'e', 'f'], all: ['a', 'b', 'c', 'd', 'e', 'f'] }]);
  });

  it('draws every lesson when they fit, without a gutter', () => {
    const { shown, more } = layoutOverlaps(crowded(), { maxLanes: 6 });
    expect(shown).toHaveLength(6);
    expect(more).toEqual([]);
    expect(shown.every((p) => p.lanes === 6 && !p.gutter)).toBe(true);
  });

  it('keeps a cluster that only just fits at its own lane count', () => {
    const { shown, more } = layoutOverlaps(crowded().slice(0, 3), { maxLanes: 3 });
    expect(more).toEqual([]);
    expect(shown.map((p) => p.lanes)).toEqual([3, 3, 3]);
  });

  it('with one lane, shows one lesson and the rest behind "+N more"', () => {
    const { shown, more } = layoutOverlaps(crowded(), { maxLanes: 1 });
    expect(shown.map((p) => [p.item, p.lanes, p.span])).toEqual([['a', 1, 1]]);
    expect(more[0]!.hidden).toEqual(['b', 'c', 'd', 'e', 'f']);
    // A limit below one is read as one.
    expect(layoutOverlaps(crowded(), { maxLanes: 0 })).toEqual(layoutOverlaps(crowded(), { maxLanes: 1 }));
  });

  it('splits a busy afternoon into one slot per hour, not one block for the whole chain', () => {
    // Four lessons start every half hour from 15:00 to 17:30, 60 minutes each: one long cluster.
    const items: OverlapInput<string>[] = [];
    for (let h = 15 * 60; h < 18 * 60; h += 30) {
      for (let k = 0; k < 4; k += 1) {
        const id = `${h}-${k}`;
        items.push({ item: id, id, startMin: h, endMin: h + 60 });
      }
    }
    const { shown, more } = layoutOverlaps(items, { maxLanes: 3 });
    expect(new Set(shown.map((p) => p.cluster)).size).toBe(1);
    expect(more.map((m) => [m.startMin, m.endMin])).toEqual([
      [900, 960],
      [960, 1020],
      [1020, 1080],
    ]);
    // Nothing is lost: every lesson is drawn or counted in exactly one slot.
    const hidden = more.flatMap((m) => m.hidden);
    expect(hidden.length + shown.length).toBe(items.length);
    expect(new Set([...hidden, ...shown.map((p) => p.item)]).size).toBe(items.length);
    // Each slot lists every lesson that starts in it, drawn or not.
    for (const m of more) {
      expect(m.all).toEqual(items.filter((p) => p.startMin >= m.startMin && p.startMin < m.endMin).map((p) => p.item));
      expect(m.hidden.every((id) => m.all.includes(id))).toBe(true);
    }
  });

  it('leaves the gutter free in a neighbouring cluster that a slot reaches', () => {
    // 10:00–10:20 overflows; 10:30–10:50 (two lessons, they fit) sits under the same 10:00 slot.
    const { shown, more } = layoutOverlaps(
      [
        ev('a', '10:00', '10:20'),
        ev('b', '10:00', '10:20'),
        ev('c', '10:30', '10:50'),
        ev('d', '10:30', '10:50'),
        ev('e', '12:00', '13:00'),
      ],
      { maxLanes: 1 },
    );
    expect(more.map((m) => [m.startMin, m.endMin, m.hidden])).toEqual([[600, 660, ['b', 'd']]]);
    const by = byId(shown);
    expect(by.a!.gutter).toBe(true);
    expect(by.c!.gutter).toBe(true);
    expect(by.e!.gutter).toBe(false);
  });

  it('clamps a slot to the end of the day and honours another slot length', () => {
    const late = [ev('a', '23:30', '24:00'), ev('b', '23:30', '24:00'), ev('c', '23:45', '24:00')];
    expect(layoutOverlaps(late, { maxLanes: 1 }).more.map((m) => [m.startMin, m.endMin])).toEqual([[1380, 1440]]);
    expect(layoutOverlaps(late, { maxLanes: 1, slotMinutes: 30 }).more.map((m) => [m.startMin, m.endMin, m.hidden])).toEqual([
      [1410, 1440, ['b', 'c']],
    ]);
  });

  it('never draws two lessons over each other, whatever the day (random days)', () => {
    const rand = seededRandom(5);
    for (let run = 0; run < 200; run += 1) {
      const items: OverlapInput<string>[] = [];
      const n = 1 + Math.floor(rand() * 40);
      for (let i = 0; i < n; i += 1) {
        const start = 8 * 60 + Math.floor(rand() * 48) * 15;
        const length = 15 + Math.floor(rand() * 8) * 15;
        items.push({ item: `x${i}`, id: `x${i}`, startMin: start, endMin: Math.min(1440, start + length) });
      }
      const maxLanes = 1 + Math.floor(rand() * 5);
      const { shown, more } = layoutOverlaps(items, { maxLanes });
      // Drawn boxes (lane .. lane + span) never overlap in time and width, and stay within the lanes.
      for (const p of shown) {
        expect(p.lane + p.span).toBeLessThanOrEqual(p.lanes);
        expect(p.lanes).toBeLessThanOrEqual(maxLanes);
        for (const q of shown) {
          if (p === q || p.cluster !== q.cluster) continue;
          const sameTime = p.startMin < q.endMin && q.startMin < p.endMin;
          const sameLanes = p.lane < q.lane + q.span && q.lane < p.lane + p.span;
          expect(sameTime && sameLanes, `${p.item} and ${q.item}`).toBe(false);
        }
      }
      // Every lesson is drawn or hidden in one slot; slots do not overlap; a slot beside a drawn
      // lesson means that lesson's cluster leaves the gutter free.
      expect(shown.length + more.reduce((s, m) => s + m.hidden.length, 0)).toBe(n);
      for (let i = 1; i < more.length; i += 1) expect(more[i]!.startMin).toBeGreaterThanOrEqual(more[i - 1]!.endMin);
      for (const p of shown) {
        const beside = more.some((m) => m.startMin < p.endMin && p.startMin < m.endMin);
        if (beside) expect(p.gutter).toBe(true);
      }
      // Lessons are hidden only where more than maxLanes overlap at the moment they start.
      for (const m of more) {
        for (const id of m.hidden) {
          const h = items.find((p) => p.id === id)!;
          const running = items.filter((p) => p.startMin <= h.startMin && h.startMin < p.endMin).length;
          expect(running).toBeGreaterThan(maxLanes);
        }
      }
    }
  });
});

describe('layoutOverlaps with fewer lanes beside "+N more"', () => {
  it('draws a cluster that fits in all its lanes, and an overflowing one in fewer beside the gutter', () => {
    const pair = [ev('x', '08:00', '09:00'), ev('y', '08:00', '09:00')];
    const { shown, more } = layoutOverlaps([...pair, ...crowded()], { maxLanes: 2, lanesBesideMore: 1 });
    expect(shown.map((p) => [p.item, p.lanes, p.gutter])).toEqual([
      ['x', 2, false],
      ['y', 2, false],
      ['a', 1, true],
    ]);
    expect(more.map((m) => m.hidden)).toEqual([['b', 'c', 'd', 'e', 'f']]);
  });

  it('never draws more lanes beside the gutter than without it', () => {
    expect(layoutOverlaps(crowded(), { maxLanes: 2, lanesBesideMore: 5 })).toEqual(layoutOverlaps(crowded(), { maxLanes: 2 }));
  });
});
