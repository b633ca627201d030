/**
 * One full-text index over notes, students and families, for the single search field.
 *
 * Built on MiniSearch (in-memory inverted index, incremental add / discard / replace, prefix and
 * fuzzy matching, no dependencies). Keys are `${kind}:${id}`. Terms are lower-cased and stripped
 * of diacritics, so "Garcia" finds "García" and "eleve" finds "élève". Each word of the query must
 * match (AND); the last word also matches as a prefix while the user types (from 3 letters); words
 * of 5+ letters tolerate typos (fuzzy 0.2: 1 edit for 5-7 letters, 2 from 8) when the words as
 * typed find fewer than FUZZY_BELOW documents (fast at 50,000 notes). Very common English
 * words (STOP_WORDS) are not indexed.
 *
 * Pure: no DOM; the renderer keeps one instance and feeds it from RxDB change streams
 * (`upsert` on insert/update, `remove` on delete).
 */
import MiniSearch, { type AsPlainObject, type Options, type SearchResult } from 'minisearch';
import type { Family, Note, Student } from '../model/types';

export type SearchKind = 'note' | 'student' | 'family';

export interface SearchDoc {
  kind: SearchKind;
  id: string;
  title: string;
  /** The searchable body text. */
  text: string;
  /** Extra words that should find the document (e.g. the students' names on a note). */
  keywords?: string;
  /** For ordering equal scores and showing a date: updatedAt or the lesson's date. */
  date?: string;
  /** Students the document is about (a note's students, the student itself). */
  studentIds?: string[];
}

export interface SearchHit {
  kind: SearchKind;
  id: string;
  title: string;
  /** Up to ~160 characters of text around the first match, with … where cut. */
  snippet: string;
  /** The matched terms as found in the index (lower case, without accents), for highlighting. */
  terms: string[];
  score: number;
  date: string;
  studentIds: string[];
  /**
   * True for a note whose text is not in memory (an index loaded from its saved form keeps no
   * note text): `snippet` is empty until the text is given back with `setText`, e.g. by the
   * search service reading the few notes shown.
   */
  textUnloaded?: true;
}

export interface SearchOptions {
  limit?: number;
  kinds?: readonly SearchKind[];
}

export interface SearchIndex {
  upsert(doc: SearchDoc): void;
  upsertMany(docs: Iterable<SearchDoc>): void;
  /**
   * Bulk indexing in chunks, awaiting `yieldFn` between chunks (e.g. a 0 ms timer or
   * requestIdleCallback) so building the index of 50,000 notes at start-up does not block the UI.
   */
  upsertManyAsync(docs: Iterable<SearchDoc>, options: { yieldFn: () => Promise<void>; chunkSize?: number }): Promise<void>;
  /** Removes a document by id (any kind), or by kind and id. Unknown ids are ignored. */
  remove(id: string, kind?: SearchKind): void;
  search(query: string, options?: SearchOptions): SearchHit[];
  has(id: string, kind?: SearchKind): boolean;
  /** Gives a document's text back after a load without it (see SearchHit.textUnloaded). */
  setText(kind: SearchKind, id: string, text: string): void;
  readonly size: number;
  /** Documents of one kind in the index. */
  count(kind: SearchKind): number;
  /** Every document's kind, id and students (to rebuild bookkeeping after loading a saved index). */
  entries(): Iterable<{ kind: SearchKind; id: string; studentIds: string[] }>;
  /** The index as plain data, for `loadSearchIndex` (JSON.stringify it to save it). */
  toJSON(): SavedSearchIndex;
  clear(): void;
}

/**
 * Bumped whenever what a saved index means changes: MiniSearch's options (fields, processTerm,
 * stop words), what is stored per document, or what the search documents are made of
 * (noteSearchDoc, studentSearchDoc, familySearchDoc). A saved index of another version is not loaded.
 */
export const SEARCH_INDEX_VERSION = 2;

/** A saved index (`SearchIndex.toJSON()`). */
export interface SavedSearchIndex {
  version: number;
  mini: AsPlainObject;
  stored: Stored[];
}

const SNIPPET_STORE_CHARS = 4000;
/** Fuzzy (typo-tolerant) matching is tried only when exact/prefix matching finds fewer documents. */
export const FUZZY_BELOW = 20;
const KINDS: SearchKind[] = ['note', 'student', 'family'];

interface Indexed {
  key: string;
  title: string;
  text: string;
  keywords: string;
}

export interface Stored {
  kind: SearchKind;
  id: string;
  title: string;
  /**
   * The start of the text, for snippets. Notes' texts are not saved (they were most of the saved
   * index: up to 4,000 characters a note), so after a load a note's is null until `setText`.
   */
  text: string | null;
  date: string;
  studentIds: string[];
}

/** Lower case, no diacritics (NFD + strip combining marks). */
export function normaliseTerm(term: string): string {
  // Fast path: plain ASCII needs no Unicode normalisation (most terms; indexing cost matters).
  return /^[\x00-\x7f]*$/.test(term)
    ? term.toLowerCase()
    : term
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase();
}

/** Very common English words: not indexed (they would match almost every note). */
export const STOP_WORDS = new Set(
  'a an and are as at be but by for from had has have he her his i if in into is it its of on or our she so that the their them then there they this to was we were what when which who will with you your'.split(
    ' ',
  ),
);

/** Up to `width` characters of `text` around the first of `terms` (normalised), with … where cut. */
export function makeSnippet(text: string, terms: string[], width = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (!flat) return '';
  const folded = normaliseTerm(flat);
  let pos = -1;
  for (const t of terms) {
    const i = folded.indexOf(t);
    if (i >= 0 && (pos < 0 || i < pos)) pos = i;
  }
  if (pos < 0 || flat.length <= width) return flat.length <= width ? flat : `${flat.slice(0, width).trimEnd()}…`;
  const start = Math.max(0, pos - Math.floor(width / 3));
  const end = Math.min(flat.length, start + width);
  return `${start > 0 ? '…' : ''}${flat.slice(start, end).trim()}${end < flat.length ? '…' : ''}`;
}

const MINI_OPTIONS: Options<Indexed> = {
  idField: 'key',
  fields: ['title', 'text', 'keywords'],
  storeFields: [],
  processTerm: (term) => {
    const t = normaliseTerm(term);
    return t.length && !STOP_WORDS.has(t) ? t : null;
  },
  searchOptions: {
    boost: { title: 3, keywords: 2 },
    combineWith: 'AND',
    // The word being typed (the last) matches as a prefix from 3 letters on; a shorter prefix
    // would expand to a large part of the vocabulary for little use.
    prefix: (term, i, terms) => i === terms.length - 1 && term.length >= 3,
    fuzzy: (term) => (term.length >= 5 ? 0.2 : false),
    maxFuzzy: 2,
  },
  autoVacuum: { minDirtCount: 2000, minDirtFactor: 0.2, batchSize: 2000, batchWait: 10 },
};

export function createSearchIndex(): SearchIndex {
  return wrapIndex(new MiniSearch<Indexed>(MINI_OPTIONS), new Map());
}

function isSaved(value: unknown): value is SavedSearchIndex {
  const v = value as Partial<SavedSearchIndex> | null | undefined;
  return !!v && v.version === SEARCH_INDEX_VERSION && !!v.mini && typeof v.mini === 'object' && Array.isArray(v.stored);
}

/**
 * The index saved by `toJSON()` (parsed), or null when it is not one of this version or does not
 * hold the same documents as its own list of them.
 */
export async function loadSearchIndex(saved: unknown): Promise<SearchIndex | null> {
  if (!isSaved(saved)) return null;
  let mini: MiniSearch<Indexed>;
  try {
    // Not loadJSAsync: it waits on a 0 ms timer after every 1,000 postings of a term, and at
    // 50,000 notes those waits (at least 4 ms each once timers nest) took seconds.
    mini = MiniSearch.loadJS<Indexed>(saved.mini, MINI_OPTIONS);
  } catch {
    return null;
  }
  const stored = new Map<string, Stored>();
  for (const s of saved.stored) stored.set(`${s.kind}:${s.id}`, s);
  if (mini.documentCount !== stored.size) return null;
  for (const key of stored.keys()) if (!mini.has(key)) return null;
  return wrapIndex(mini, stored);
}

function wrapIndex(mini: MiniSearch<Indexed>, stored: Map<string, Stored>): SearchIndex {
  const keyOf = (kind: SearchKind, id: string) => `${kind}:${id}`;

  const index: SearchIndex = {
    upsert(doc) {
      const key = keyOf(doc.kind, doc.id);
      const entry: Indexed = { key, title: doc.title, text: doc.text, keywords: doc.keywords ?? '' };
      if (stored.has(key)) mini.replace(entry);
      else mini.add(entry);
      stored.set(key, {
        kind: doc.kind,
        id: doc.id,
        title: doc.title,
        text: doc.text.slice(0, SNIPPET_STORE_CHARS),
        date: doc.date ?? '',
        studentIds: doc.studentIds ?? [],
      });
    },
    upsertMany(docs) {
      for (const d of docs) index.upsert(d);
    },
    async upsertManyAsync(docs, { yieldFn, chunkSize = 500 }) {
      let n = 0;
      for (const d of docs) {
        index.upsert(d);
        n += 1;
        if (n % chunkSize === 0) await yieldFn();
      }
    },
    remove(id, kind) {
      for (const k of kind ? [kind] : KINDS) {
        const key = keyOf(k, id);
        if (!stored.has(key)) continue;
        mini.discard(key);
        stored.delete(key);
      }
    },
    has(id, kind) {
      return (kind ? [kind] : KINDS).some((k) => stored.has(keyOf(k, id)));
    },
    setText(kind, id, text) {
      const s = stored.get(keyOf(kind, id));
      if (s && s.text === null) s.text = text.slice(0, SNIPPET_STORE_CHARS);
    },
    search(query, options = {}) {
      const q = query.trim();
      if (!q) return [];
      const kinds = options.kinds ? new Set(options.kinds) : null;
      const base = kinds ? { filter: (r: SearchResult) => kinds.has(String(r.id).slice(0, String(r.id).indexOf(':')) as SearchKind) } : {};
      // Typo tolerance is costly on a large index (each long word expands to many near terms),
      // and pointless when the words as typed already match plenty: fuzzy matching is only used
      // when exact and prefix matching find fewer than FUZZY_BELOW documents.
      let results: SearchResult[] = mini.search(q, { ...base, fuzzy: false });
      if (results.length < FUZZY_BELOW) results = mini.search(q, base);
      const limit = options.limit ?? 50;
      const hits: SearchHit[] = [];
      for (const r of results) {
        const s = stored.get(String(r.id));
        if (!s) continue;
        hits.push({
          kind: s.kind,
          id: s.id,
          title: s.title,
          snippet: s.text === null ? '' : makeSnippet(s.text || s.title, r.terms),
          terms: r.terms,
          score: r.score,
          date: s.date,
          studentIds: s.studentIds,
          ...(s.text === null ? { textUnloaded: true as const } : {}),
        });
        if (hits.length >= limit) break;
      }
      return hits;
    },
    get size() {
      return stored.size;
    },
    count(kind) {
      let n = 0;
      for (const s of stored.values()) if (s.kind === kind) n += 1;
      return n;
    },
    *entries() {
      for (const s of stored.values()) yield { kind: s.kind, id: s.id, studentIds: s.studentIds };
    },
    toJSON() {
      const saved = [...stored.values()].map((s) => (s.kind === 'note' ? { ...s, text: null } : s));
      return { version: SEARCH_INDEX_VERSION, mini: mini.toJSON(), stored: saved };
    },
    clear() {
      mini.removeAll();
      stored.clear();
    },
  };
  return index;
}

/** The search document of a note; `studentName` adds the students' names as keywords. */
export function noteSearchDoc(note: Note, studentName?: (id: string) => string): SearchDoc {
  const text = [
    note.body,
    note.covered && `Covered: ${note.covered}`,
    note.homework && `Homework: ${note.homework}`,
    note.nextSteps && `Next steps: ${note.nextSteps}`,
    ...note.conflicts.map((c) => c.body),
  ]
    .filter(Boolean)
    .join('\n');
  return {
    kind: 'note',
    id: note.id,
    title: note.title || (note.kind === 'lesson' ? 'Lesson note' : 'Progress note'),
    text,
    keywords: studentName ? note.studentIds.map(studentName).join(' ') : '',
    date: note.updatedAt,
    studentIds: note.studentIds,
  };
}

export function studentSearchDoc(s: Student): SearchDoc {
  return {
    kind: 'student',
    id: s.id,
    title: `${s.firstName} ${s.lastName}`.trim(),
    text: [s.subjects.join(', '), s.gradeLevel, s.notes].filter(Boolean).join('\n'),
    keywords: [s.email, s.phone].filter(Boolean).join(' '),
    date: s.updatedAt,
    studentIds: [s.id],
  };
}

export function familySearchDoc(f: Family): SearchDoc {
  return {
    kind: 'family',
    id: f.id,
    title: f.name,
    text: [f.contactName, f.notes, [f.address.line1, f.address.city, f.address.postalCode].filter(Boolean).join(', ')]
      .filter(Boolean)
      .join('\n'),
    keywords: [f.email, f.phone].filter(Boolean).join(' '),
    date: f.updatedAt,
    studentIds: [],
  };
}
