import { Component, type ReactNode } from 'react';
import { Alert } from './Alert';
import { Icon } from './Icon';

interface Props {
  /** What is drawn instead of the part that failed; `retry` draws it again. */
  fallback: (error: Error, retry: () => void) => ReactNode;
  /** When one of these changes (another screen, another record), the part is drawn again. */
  resetKeys?: readonly unknown[];
  children?: ReactNode;
}

interface State {
  error: Error | null;
  keys: readonly unknown[];
}

/**
 * Keeps a failure to draw one part of the window (a screen, a top-bar item, a table row, a panel
 * section) to that part: React unmounts everything up to the nearest boundary, so without one a
 * single record that cannot be drawn blanks the whole app. React reports the caught error on the
 * console.
 */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, keys: this.props.resetKeys ?? [] };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    const keys = props.resetKeys ?? [];
    if (keys.length === state.keys.length && keys.every((k, i) => Object.is(k, state.keys[i]))) return null;
    return { error: null, keys };
  }

  private retry = () => this.setState({ error: null });

  override render() {
    if (this.state.error) return this.props.fallback(this.state.error, this.retry);
    return this.props.children;
  }
}

/** The usual fallback: what could not be shown and why, that the rest works, and "Try again". */
export function PartFailure({ what, error, retry }: { what: string; error: Error; retry?: () => void }) {
  return (
    <Alert
      tone="error"
      role="alert"
      icon={<Icon name="alert" />}
      title={`${what} could not be shown.`}
      action={
        retry && (
          <button type="button" className="btn btn-sm" onClick={retry}>
            Try again
          </button>
        )
      }
    >
      {/[.!?]$/.test(error.message) ? error.message : `${error.message}.`} The rest of TutorDesk keeps working.
    </Alert>
  );
}
