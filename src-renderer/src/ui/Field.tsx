import { useId, type ReactNode } from 'react';
import { Icon } from './Icon';

interface BaseProps {
  label: string;
  error?: string | undefined;
  hint?: string;
  className?: string;
}

function Messages({ id, error, hint }: { id: string; error?: string | undefined; hint?: string | undefined }) {
  return (
    <>
      {hint && !error && (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {error && (
        <span className="error" id={`${id}-error`} role="alert">
          <Icon name="alert" size={14} />
          {error}
        </span>
      )}
    </>
  );
}

function describedBy(id: string, error?: string, hint?: string): string | undefined {
  if (error) return `${id}-error`;
  if (hint) return `${id}-hint`;
  return undefined;
}

export function TextField(
  props: BaseProps & {
    value: string;
    onChange: (v: string) => void;
    type?: string;
    placeholder?: string;
    required?: boolean;
    prefix?: string;
    autoFocus?: boolean;
    inputMode?: 'decimal' | 'email' | 'tel' | 'text';
    list?: string;
  },
) {
  const id = useId();
  const input = (
    <input
      id={id}
      className="input"
      type={props.type ?? 'text'}
      value={props.value}
      placeholder={props.placeholder}
      required={props.required}
      autoFocus={props.autoFocus}
      inputMode={props.inputMode}
      list={props.list}
      aria-invalid={props.error ? true : undefined}
      aria-describedby={describedBy(id, props.error, props.hint)}
      onChange={(e) => props.onChange(e.target.value)}
    />
  );
  return (
    <div className={`field ${props.className ?? ''}`}>
      <label htmlFor={id}>
        {props.label}
        {props.required && <span aria-hidden="true"> *</span>}
      </label>
      {props.prefix ? (
        <div className="input-with-prefix">
          <span aria-hidden="true">{props.prefix}</span>
          {input}
        </div>
      ) : (
        input
      )}
      <Messages id={id} error={props.error} hint={props.hint} />
    </div>
  );
}

export function TextArea(props: BaseProps & { value: string; onChange: (v: string) => void; rows?: number; placeholder?: string }) {
  const id = useId();
  return (
    <div className={`field ${props.className ?? ''}`}>
      <label htmlFor={id}>{props.label}</label>
      <textarea
        id={id}
        className="input"
        rows={props.rows ?? 3}
        value={props.value}
        placeholder={props.placeholder}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy(id, props.error, props.hint)}
        onChange={(e) => props.onChange(e.target.value)}
      />
      <Messages id={id} error={props.error} hint={props.hint} />
    </div>
  );
}

export function SelectField(
  props: BaseProps & {
    value: string;
    onChange: (v: string) => void;
    options: { value: string; label: string }[];
    required?: boolean;
    children?: ReactNode;
  },
) {
  const id = useId();
  return (
    <div className={`field ${props.className ?? ''}`}>
      <label htmlFor={id}>
        {props.label}
        {props.required && <span aria-hidden="true"> *</span>}
      </label>
      <select
        id={id}
        className="input"
        value={props.value}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy(id, props.error, props.hint)}
        onChange={(e) => props.onChange(e.target.value)}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <Messages id={id} error={props.error} hint={props.hint} />
    </div>
  );
}

export function Checkbox(props: { label: string; checked: boolean; onChange: (v: boolean) => void }) {
  const id = useId();
  return (
    <div className="checkbox">
      <input id={id} type="checkbox" checked={props.checked} onChange={(e) => props.onChange(e.target.checked)} />
      <label htmlFor={id}>{props.label}</label>
    </div>
  );
}
