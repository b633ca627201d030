/**
 * A searchable picker that stays quick with thousands of choices (issue 19): the WAI-ARIA
 * combobox pattern (an editable input with `role="combobox"` and a list popup, `role="listbox"`),
 * type-ahead filtering and a virtualised list (@tanstack/react-virtual: only the visible options
 * are in the DOM, so 10,000 families cost what 10 do).
 *
 * Keyboard: ↓ / ↑ open the list and move the active option, Page Down / Page Up by a page,
 * Home / End (list open) to the first / last option, Enter chooses, Escape closes the list (a
 * second Escape is the dialog's), Tab leaves. Typing filters: an option matches when its label
 * (and detail) contains every word typed, in any order, ignoring case and accents.
 *
 * `Combobox` picks one value; `MultiCombobox` picks several (the list stays open, chosen ones
 * are listed above the input with a Remove button each).
 *
 * The list is a manual popover (the top layer, so a dialog's scrolling body never clips it)
 * placed under the input with CSS anchor positioning.
 */
import { useEffect, useId, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Icon } from './Icon';

export interface ComboOption {
  value: string;
  label: string;
  /** A second, quieter line of text (e.g. a student's subjects); also searched. */
  detail?: string;
}

const ROW_PX = 36;
const ROW_DETAIL_PX = 48;
const LIST_MAX_PX = 300;

/** Lower case without accents, so "garcia" finds "García". */
export function foldForSearch(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/**
 * The folded search text of each option (label and detail), built once per options array and kept
 * while that array lives: a picker whose options are memoised across opens (e.g. keyed on the
 * students list) pays for 10,000 folds once, not on every open.
 */
const haystackCache = new WeakMap<readonly ComboOption[], readonly string[]>();
export function haystacksOf(options: readonly ComboOption[]): readonly string[] {
  let h = haystackCache.get(options);
  if (!h) {
    h = options.map((o) => foldForSearch(o.detail ? `${o.label} ${o.detail}` : o.label));
    haystackCache.set(options, h);
  }
  return h;
}

/**
 * The options whose label or detail contains every word of `query` (all of them for an empty
 * query), in their order. The search text is built only when there is something to search for.
 */
export function filterOptions<T extends ComboOption>(
  options: readonly T[],
  query: string,
  haystacks: () => readonly string[] = () => haystacksOf(options),
): T[] {
  const terms = foldForSearch(query).split(/\s+/).filter(Boolean);
  if (terms.length === 0) return options as T[];
  const h = haystacks();
  const out: T[] = [];
  for (let i = 0; i < options.length; i++) {
    const text = h[i]!;
    if (terms.every((t) => text.includes(t))) out.push(options[i]!);
  }
  return out;
}

interface CoreProps {
  label: string;
  options: readonly ComboOption[];
  /** Chosen values (one at most for a single picker). */
  chosen: readonly string[];
  multiple: boolean;
  /** A value was picked from the list. */
  onPick(value: string): void;
  /** The choices are still loading: shown in the list, and `aria-busy` on the input. */
  loading?: boolean | undefined;
  placeholder?: string | undefined;
  required?: boolean | undefined;
  error?: string | undefined;
  hint?: string | undefined;
  className?: string | undefined;
  /** The label is for screen readers only (e.g. a filter in a toolbar); the field keeps its name. */
  hideLabel?: boolean | undefined;
  /** Added to the input's classes (e.g. "input-sm"). */
  inputClassName?: string | undefined;
  autoFocus?: boolean | undefined;
  disabled?: boolean | undefined;
  /** Above the input (a multiple picker's chosen values). */
  before?: ReactNode;
}

function ComboboxCore(props: CoreProps) {
  const id = useId();
  const listId = `${id}-list`;
  const anchor = `--combo${id.replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const [open, setOpen] = useState(false);
  /** What is typed; null = not typing (a single picker then shows its chosen label). */
  const [query, setQuery] = useState<string | null>(null);
  const [active, setActive] = useState(-1);

  // The search text is built on the first keystroke, or before it when the browser is idle after opening.
  const shown = useMemo(() => filterOptions(props.options, query ?? ''), [props.options, query]);
  useEffect(() => {
    const options = props.options;
    if (options.length < 200 || typeof requestIdleCallback !== 'function') return;
    const idle = requestIdleCallback(() => haystacksOf(options), { timeout: 2000 });
    return () => cancelIdleCallback(idle);
  }, [props.options]);
  const chosenSet = useMemo(() => new Set(props.chosen), [props.chosen]);
  const hasDetail = useMemo(() => props.options.some((o) => o.detail), [props.options]);
  const rowPx = hasDetail ? ROW_DETAIL_PX : ROW_PX;

  const virtualizer = useVirtualizer({
    count: open ? shown.length : 0,
    getScrollElement: () => listRef.current,
    estimateSize: () => rowPx,
    overscan: 8,
    initialRect: { width: 400, height: LIST_MAX_PX },
  });

  // The popover follows `open`.
  useEffect(() => {
    const list = listRef.current;
    if (!list || typeof list.showPopover !== 'function') return;
    if (open && !list.matches(':popover-open')) list.showPopover();
    if (!open && list.matches(':popover-open')) list.hidePopover();
  }, [open]);

  // The active option stays in view.
  useEffect(() => {
    if (open && active >= 0) virtualizer.scrollToIndex(active, { align: 'auto' });
  }, [open, active, virtualizer]);

  const single = !props.multiple ? props.options.find((o) => o.value === props.chosen[0]) : undefined;
  const text = props.multiple ? (query ?? '') : (query ?? single?.label ?? '');

  const openList = (at?: number) => {
    setOpen(true);
    if (at !== undefined) setActive(at);
    else {
      // Open on the chosen option (a single picker), else on none.
      const i = single ? shown.findIndex((o) => o.value === single.value) : -1;
      setActive(i);
    }
  };
  const close = () => {
    setOpen(false);
    setActive(-1);
    if (!props.multiple) setQuery(null);
  };
  const pick = (o: ComboOption) => {
    props.onPick(o.value);
    if (props.multiple) inputRef.current?.focus();
    else close();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    const last = shown.length - 1;
    const page = Math.max(1, Math.floor(LIST_MAX_PX / rowPx) - 1);
    const move = (to: number) => {
      e.preventDefault();
      if (!open) openList(Math.max(0, Math.min(last, to)));
      else setActive(Math.max(0, Math.min(last, to)));
    };
    switch (e.key) {
      case 'ArrowDown':
        if (e.altKey) {
          e.preventDefault();
          if (!open) openList();
          return;
        }
        return move(open ? (active < 0 ? 0 : active + 1) : Math.max(0, active));
      case 'ArrowUp':
        if (e.altKey) {
          e.preventDefault();
          close();
          return;
        }
        return move(open ? (active < 0 ? last : active - 1) : last);
      case 'PageDown':
        return move(active + page);
      case 'PageUp':
        return move(active - page);
      case 'Home':
        if (open) move(0);
        return;
      case 'End':
        if (open) move(last);
        return;
      case 'Enter':
        if (open && active >= 0 && shown[active]) {
          e.preventDefault();
          pick(shown[active]);
        }
        return;
      case 'Escape':
        if (open || query !== null) {
          // This Escape is the list's, not the dialog's.
          e.preventDefault();
          e.stopPropagation();
          close();
          if (props.multiple) setQuery(null);
        }
        return;
      case 'Tab':
        if (open) close();
        return;
    }
  };

  const describedBy = props.error ? `${id}-error` : props.hint ? `${id}-hint` : undefined;
  const activeId = open && active >= 0 && active < shown.length ? `${id}-opt-${active}` : undefined;
  const anchorStyle = { anchorName: anchor } as CSSProperties;
  const listStyle = { positionAnchor: anchor } as CSSProperties;

  return (
    <div className={`field combo${props.className ? ` ${props.className}` : ''}`}>
      <label htmlFor={id} className={props.hideLabel ? 'sr-only' : undefined}>
        {props.label}
        {props.required && <span aria-hidden="true"> *</span>}
      </label>
      {props.before}
      <div className="combo-box" style={anchorStyle}>
        <input
          ref={inputRef}
          id={id}
          className={`input combo-input${props.inputClassName ? ` ${props.inputClassName}` : ''}`}
          type="text"
          role="combobox"
          autoComplete="off"
          spellCheck={false}
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={listId}
          aria-activedescendant={activeId}
          aria-busy={props.loading ? true : false}
          aria-invalid={props.error ? true : undefined}
          aria-describedby={describedBy}
          aria-required={props.required ? true : undefined}
          placeholder={props.placeholder}
          autoFocus={props.autoFocus}
          disabled={props.disabled}
          value={text}
          onChange={(e) => {
            setQuery(e.target.value);
            setOpen(true);
            setActive(e.target.value.trim() ? 0 : -1);
          }}
          onClick={() => (open ? close() : openList())}
          onKeyDown={onKeyDown}
          onBlur={(e) => {
            // A click on the list keeps the focus (mousedown is prevented there).
            if (e.relatedTarget instanceof Node && listRef.current?.contains(e.relatedTarget)) return;
            close();
          }}
        />
        <span className="combo-chevron" aria-hidden="true">
          <Icon name="down" size={16} />
        </span>
      </div>
      <div
        ref={listRef}
        id={listId}
        role="listbox"
        aria-label={props.label}
        aria-multiselectable={props.multiple ? true : undefined}
        popover="manual"
        className="combo-list"
        style={listStyle}
        tabIndex={-1}
        onMouseDown={(e) => e.preventDefault()}
      >
        {open && (
          <>
            {shown.length === 0 && (
              <div className="combo-empty" role="presentation">
                {props.loading ? 'Loading…' : query?.trim() ? `Nothing matches “${query.trim()}”.` : 'Nothing to choose from yet.'}
              </div>
            )}
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }} role="presentation">
              {virtualizer.getVirtualItems().map((row) => {
                const o = shown[row.index]!;
                const selected = chosenSet.has(o.value);
                return (
                  <div
                    key={o.value}
                    id={`${id}-opt-${row.index}`}
                    role="option"
                    aria-selected={selected}
                    className={`combo-option${row.index === active ? ' is-active' : ''}${selected ? ' is-chosen' : ''}`}
                    style={{ height: rowPx, transform: `translateY(${row.start}px)` }}
                    onMouseMove={() => row.index !== active && setActive(row.index)}
                    onClick={() => pick(o)}
                  >
                    <span className="combo-check" aria-hidden="true">
                      {selected && <Icon name="check" size={14} />}
                    </span>
                    <span className="combo-text">
                      <span className="combo-label">{o.label}</span>
                      {o.detail && <span className="combo-detail">{o.detail}</span>}
                    </span>
                  </div>
                );
              })}
            </div>
          </>
        )}
      </div>
      {props.hint && !props.error && (
        <span className="hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      )}
      {props.error && (
        <span className="error" id={`${id}-error`} role="alert">
          <Icon name="alert" size={14} />
          {props.error}
        </span>
      )}
    </div>
  );
}

type Common = Omit<CoreProps, 'chosen' | 'multiple' | 'onPick' | 'before'>;

/** Picks one value among many (families, students, staff, lessons). */
export function Combobox(props: Common & { value: string; onChange(value: string): void }) {
  const { value, onChange, ...rest } = props;
  const chosen = useMemo(() => (value ? [value] : []), [value]);
  return <ComboboxCore {...rest} chosen={chosen} multiple={false} onPick={onChange} />;
}

/** Picks several values; the chosen ones are listed above the input, each with a Remove button. */
export function MultiCombobox(
  props: Common & {
    values: readonly string[];
    onChange(values: string[]): void;
    /** The name of a chosen value (also for values not among the options, e.g. an archived student). */
    nameOf(value: string): string;
    /** The accessible name of the list of chosen values, e.g. "Chosen students". */
    chosenLabel: string;
  },
) {
  const { values, onChange, nameOf, chosenLabel, ...rest } = props;
  const toggle = (v: string) => onChange(values.includes(v) ? values.filter((x) => x !== v) : [...values, v]);
  const before =
    values.length > 0 ? (
      <ul className="picked" aria-label={chosenLabel}>
        {values.map((v) => (
          <li key={v} className="chip picked-chip">
            {nameOf(v)}
            <button type="button" className="chip-x" aria-label={`Remove ${nameOf(v)}`} onClick={() => toggle(v)}>
              <Icon name="x" size={12} />
            </button>
          </li>
        ))}
      </ul>
    ) : null;
  return <ComboboxCore {...rest} chosen={values} multiple onPick={toggle} before={before} />;
}
