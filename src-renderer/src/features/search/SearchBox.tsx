/**
 * The one search field of the top bar: notes, students and families, grouped by kind with
 * snippets. Keyboard: Ctrl/Cmd+K or the menu's Find… focuses it, ↑/↓ choose, Enter opens,
 * Escape closes. A combobox with a listbox popup (WAI-ARIA combobox pattern).
 */
import { useDeferredValue, useEffect, useId, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useApp } from '../../app/AppContext';
import { navigate } from '../../app/router';
import { getBridge } from '../../platform/bridge';
import { Icon } from '../../ui/Icon';
import { formatWhen } from '../../ui/format';
import type { SearchHit, SearchKind } from '../../../../src-shared/search/index';
import { getSearchService } from './search-service';
import { Highlighted } from './highlight';
import './search.css';

export const SEARCH_LABEL = 'Search notes, students and families';

const GROUPS: { kind: SearchKind; label: string; max: number }[] = [
  { kind: 'student', label: 'Students', max: 5 },
  { kind: 'family', label: 'Families', max: 4 },
  { kind: 'note', label: 'Notes', max: 8 },
];
const SEARCH_LIMIT = 300;

/** Where a result leads. */
export function hitRoute(hit: Pick<SearchHit, 'kind' | 'id' | 'studentIds'>): string | null {
  if (hit.kind === 'student') return `/students?id=${encodeURIComponent(hit.id)}`;
  if (hit.kind === 'family') return `/families?id=${encodeURIComponent(hit.id)}`;
  const student = hit.studentIds[0];
  return student ? `/students/timeline?id=${encodeURIComponent(student)}&note=${encodeURIComponent(hit.id)}` : null;
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

export function SearchBox() {
  const app = useApp();
  const service = useMemo(() => getSearchService(app.db), [app.db]);
  const version = useSyncExternalStore(service.subscribe, service.version);
  const [query, setQuery] = useState('');
  // The field echoes every keystroke at once; the results follow as soon as they are computed
  // (a fast typist does not wait for the results of letters already replaced).
  const shownQuery = useDeferredValue(query);
  const [open, setOpen] = useState(false);
  const [textsRead, setTextsRead] = useState(0);
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const listId = useId();
  const optionId = (i: number) => `${listId}-o${i}`;

  useEffect(() => {
    const focus = () => {
      inputRef.current?.focus();
      inputRef.current?.select();
      setOpen(true);
    };
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        focus();
      }
    };
    window.addEventListener('keydown', onKey);
    const off = getBridge().onEvent((e) => {
      if (e.type === 'menu' && e.command === 'find') focus();
    });
    return () => {
      window.removeEventListener('keydown', onKey);
      off();
    };
  }, []);

  const { groups, flat, total } = useMemo(() => {
    const hits = shownQuery.trim() ? service.search(shownQuery, { limit: SEARCH_LIMIT }) : [];
    const groups = GROUPS.map((g) => {
      const all = hits.filter((h) => h.kind === g.kind);
      return { ...g, hits: all.slice(0, g.max), count: all.length };
    }).filter((g) => g.count > 0);
    return { groups, flat: groups.flatMap((g) => g.hits), total: hits.length };
    // `version` re-runs the search when the index changes (a note saved elsewhere), `textsRead`
    // when notes' texts were read for their snippets.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shownQuery, service, version, textsRead]);

  useEffect(() => setActive(0), [shownQuery]);

  // Notes' snippets that a loaded index does not hold: the few notes shown are read, which gives
  // the index their texts, and the search runs again with them.
  useEffect(() => {
    if (!flat.some((h) => h.textUnloaded)) return;
    let live = true;
    service.completeSnippets(flat).then(
      () => live && setTextsRead((n) => n + 1),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [flat, service]);

  const go = (hit: SearchHit | undefined) => {
    if (!hit) return;
    const to = hitRoute(hit);
    if (!to) return;
    setOpen(false);
    setQuery('');
    inputRef.current?.blur();
    navigate(to);
  };

  const showPopup = open && query.trim().length > 0;
  const studentNames = (ids: string[]) =>
    ids
      .map((id) => service.studentName(id))
      .filter(Boolean)
      .join(', ');
  const dateFmt = new Intl.DateTimeFormat(app.settings?.locale ?? 'en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: app.settings?.timeZone,
  });

  let index = -1;
  return (
    <div className="topsearch" onBlur={(e) => !e.currentTarget.contains(e.relatedTarget) && setOpen(false)}>
      <Icon name="search" size={16} />
      <input
        ref={inputRef}
        className="input"
        type="search"
        role="combobox"
        aria-label={SEARCH_LABEL}
        aria-expanded={showPopup}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={showPopup && flat.length > 0 ? optionId(active) : undefined}
        placeholder="Search notes, students, families…"
        autoComplete="off"
        spellCheck={false}
        value={query}
        onFocus={() => setOpen(true)}
        onChange={(e) => {
          setQuery(e.target.value);
          setOpen(true);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setOpen(true);
            setActive((a) => (flat.length ? (a + 1) % flat.length : 0));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => (flat.length ? (a - 1 + flat.length) % flat.length : 0));
          } else if (e.key === 'Enter') {
            e.preventDefault();
            go(flat[active]);
          } else if (e.key === 'Escape') {
            if (showPopup) {
              e.preventDefault();
              setOpen(false);
            } else if (query) {
              e.preventDefault();
              setQuery('');
            }
          }
        }}
      />
      {!query && (
        <span className="kbd topsearch-kbd" aria-hidden="true">
          {isMac ? '⌘K' : 'Ctrl K'}
        </span>
      )}
      {showPopup && (
        <div className="topsearch-pop" onMouseDown={(e) => e.preventDefault()}>
          <div id={listId} role="listbox" aria-label="Search results" data-query={shownQuery} aria-busy={shownQuery !== query}>
            {groups.map((g) => (
              <div key={g.kind} role="group" aria-labelledby={`${listId}-${g.kind}`} className="topsearch-group">
                <div className="topsearch-group-title" id={`${listId}-${g.kind}`} role="presentation">
                  <span>{g.label}</span>
                  <span className="muted">
                    {g.count > g.hits.length ? `${g.hits.length} of ${g.count}${total >= SEARCH_LIMIT ? '+' : ''}` : g.count}
                  </span>
                </div>
                {g.hits.map((hit) => {
                  index += 1;
                  const i = index;
                  const who = hit.kind === 'note' ? studentNames(hit.studentIds) : '';
                  return (
                    <div
                      key={`${hit.kind}:${hit.id}`}
                      id={optionId(i)}
                      role="option"
                      aria-selected={i === active}
                      className="topsearch-option"
                      onMouseMove={() => i !== active && setActive(i)}
                      onClick={() => go(hit)}
                    >
                      <span className={`topsearch-icon kind-${hit.kind}`} aria-hidden="true">
                        <Icon name={hit.kind === 'student' ? 'user' : hit.kind === 'family' ? 'family' : 'notes'} size={15} />
                      </span>
                      <span className="topsearch-text">
                        <span className="topsearch-title">
                          <Highlighted text={hit.title} terms={hit.terms} />
                          {who && <span className="topsearch-meta"> · {who}</span>}
                          {hit.kind === 'note' && hit.date && <span className="topsearch-meta"> · {formatWhen(dateFmt, hit.date)}</span>}
                        </span>
                        {hit.snippet && hit.snippet !== hit.title && (
                          <span className="topsearch-snippet">
                            <Highlighted text={hit.snippet} terms={hit.terms} />
                          </span>
                        )}
                      </span>
                    </div>
                  );
                })}
              </div>
            ))}
          </div>
          {flat.length === 0 && (
            <p className="topsearch-empty" role="status">
              {service.status === 'building' && flat.length === 0
                ? `Building the search index… (${service.size.toLocaleString(app.settings?.locale)} so far)`
                : service.status === 'error'
                  ? `Search is unavailable: ${service.error}`
                  : `Nothing matches “${shownQuery.trim()}”.`}
            </p>
          )}
          {flat.length > 0 && (
            <p className="topsearch-foot muted" aria-hidden="true">
              <span className="kbd">↑</span> <span className="kbd">↓</span> to choose · <span className="kbd">Enter</span> to open ·{' '}
              <span className="kbd">Esc</span> to close
            </p>
          )}
        </div>
      )}
    </div>
  );
}
