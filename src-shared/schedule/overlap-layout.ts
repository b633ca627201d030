/**
 * How overlapping lessons share a day column of the time grid (week and day views), as Google
 * Calendar and Outlook draw them: lessons that overlap sit side by side in lanes; when more overlap
 * than `maxLanes` lanes can show at a readable width, the first `maxLanes` lanes are drawn and the
 * rest are counted in a "+N more" slot per hour, drawn in a narrow gutter at the column's right
 * edge (docs/schedule.md "Overlapping lessons").
 *
 * Pure and unit-free: positions are minutes since local midnight, given by the caller
 * (`layoutDay` in calendar.ts turns instants into wall-clock minutes). The lane assignment is
 * classic interval partitioning: sorted by start, each item takes the first lane that is free when
 * it starts, which uses exactly as many lanes as the most items overlapping at one moment.
 */

export interface OverlapInput<T> {
  item: T;
  /** Breaks ties between items with the same times, so the layout never depends on input order. */
  id: string;
  /** Minutes since local midnight; `endMin` > `startMin`. */
  startMin: number;
  endMin: number;
}

export interface LaidOutItem<T> {
  item: T;
  startMin: number;
  endMin: number;
  /** 0-based lane within its cluster, and the number of lanes its cluster draws. */
  lane: number;
  lanes: number;
  /** Lanes the item may use from `lane` rightwards without covering a drawn item (≥ 1). */
  span: number;
  /** Index of its cluster (items linked by overlaps) in the day, 0, 1, … in time order. */
  cluster: number;
  /** Its cluster leaves the "+N more" gutter free at the right edge (a slot is beside it). */
  gutter: boolean;
}

export interface MoreSlot<T> {
  /** The slot's time (a whole `slotMinutes` from a multiple of it), clamped to the day. */
  startMin: number;
  endMin: number;
  /** The lessons starting in the slot that have no lane, in time order. */
  hidden: T[];
  /** Every lesson starting in the slot, drawn or hidden, in time order (what "+N more" lists). */
  all: T[];
}

export interface OverlapLayout<T> {
  /** The items drawn in lanes, in time order. */
  shown: LaidOutItem<T>[];
  /** The "+N more" slots, in time order, never overlapping each other. */
  more: MoreSlot<T>[];
}

export interface OverlapOptions {
  /** Most lanes drawn side by side (≥ 1); a cluster that needs more gets "+N more" slots. */
  maxLanes?: number;
  /**
   * Lanes a cluster that needs more than `maxLanes` draws beside its "+N more" gutter (≥ 1, at
   * most `maxLanes`; default `maxLanes`): the gutter takes room the lanes of a cluster that fits
   * can use.
   */
  lanesBesideMore?: number;
  /** Length of a "+N more" slot in minutes (hidden lessons are grouped by the slot they start in). */
  slotMinutes?: number;
}

const DAY_MINUTES = 24 * 60;

interface Placed<T> extends OverlapInput<T> {
  lane: number;
  cluster: number;
}

export function layoutOverlaps<T>(items: readonly OverlapInput<T>[], options: OverlapOptions = {}): OverlapLayout<T> {
  const maxLanes = Math.max(1, Math.floor(options.maxLanes ?? Number.POSITIVE_INFINITY));
  const besideMore = Math.max(1, Math.min(maxLanes, Math.floor(options.lanesBesideMore ?? maxLanes)));
  const slotMinutes = Math.max(1, options.slotMinutes ?? 60);
  const sorted: Placed<T>[] = items
    .map((p) => ({ ...p, lane: 0, cluster: 0 }))
    .sort((a, b) => a.startMin - b.startMin || b.endMin - a.endMin || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  // 1. Clusters (items linked by overlaps) and lanes (first free lane when the item starts).
  const clusters: { items: Placed<T>[]; start: number; end: number; lanes: number }[] = [];
  let current: (typeof clusters)[number] | null = null;
  let laneEnds: number[] = [];
  for (const p of sorted) {
    if (!current || p.startMin >= current.end) {
      current = { items: [], start: p.startMin, end: p.endMin, lanes: 0 };
      clusters.push(current);
      laneEnds = [];
    }
    let lane = laneEnds.findIndex((end) => end <= p.startMin);
    if (lane === -1) {
      lane = laneEnds.length;
      laneEnds.push(p.endMin);
    } else laneEnds[lane] = p.endMin;
    p.lane = lane;
    p.cluster = clusters.length - 1;
    current.items.push(p);
    current.end = Math.max(current.end, p.endMin);
    current.lanes = laneEnds.length;
  }

  // 2. What has no lane, grouped into slots by when it starts.
  const limit = (c: { lanes: number }) => (c.lanes > maxLanes ? besideMore : c.lanes);
  const hidden = clusters.flatMap((c) => c.items.filter((p) => p.lane >= limit(c)));
  const slotOf = (minutes: number) => Math.floor(minutes / slotMinutes) * slotMinutes;
  const slots = new Map<number, MoreSlot<T>>();
  for (const p of hidden) {
    const start = slotOf(p.startMin);
    let slot = slots.get(start);
    if (!slot) {
      slot = { startMin: Math.max(0, start), endMin: Math.min(DAY_MINUTES, start + slotMinutes), hidden: [], all: [] };
      slots.set(start, slot);
    }
    slot.hidden.push(p.item);
  }
  for (const p of sorted) slots.get(slotOf(p.startMin))?.all.push(p.item);
  const more = [...slots.values()].sort((a, b) => a.startMin - b.startMin);

  // 3. Drawn items: their lanes, how far they widen, and whether their cluster leaves the gutter.
  const shown: LaidOutItem<T>[] = [];
  for (const [index, c] of clusters.entries()) {
    const lanes = limit(c);
    const gutter = more.some((m) => m.startMin < c.end && c.start < m.endMin);
    const drawn = c.items.filter((p) => p.lane < lanes);
    for (const p of drawn) {
      let span = 1;
      for (let lane = p.lane + 1; lane < lanes; lane += 1) {
        if (drawn.some((q) => q.lane === lane && q.startMin < p.endMin && p.startMin < q.endMin)) break;
        span += 1;
      }
      shown.push({ item: p.item, startMin: p.startMin, endMin: p.endMin, lane: p.lane, lanes, span, cluster: index, gutter });
    }
  }
  return { shown, more };
}
