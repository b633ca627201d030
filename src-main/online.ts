/**
 * Online state for the renderer: bridge isOnline() plus HostEvent {type:'online-changed'}.
 * Electron's net.isOnline() has no change event, so it is polled (every 5 s by default) and also
 * re-checked at once when the machine resumes from sleep or the renderer asks; only changes are
 * reported. net.isOnline() answers "is there a network connection", not "is the sync server up":
 * the replication's own backoff handles a server that is down.
 */
export interface OnlineWatcherOptions {
  isOnline(): boolean;
  onChange(online: boolean): void;
  intervalMs?: number;
}

export interface OnlineWatcher {
  /** Reads the current state now (emitting a change if it differs from the last one seen). */
  check(): boolean;
  stop(): void;
}

export function createOnlineWatcher(options: OnlineWatcherOptions): OnlineWatcher {
  let last = safeRead(options.isOnline);
  const check = (): boolean => {
    const now = safeRead(options.isOnline);
    if (now !== last) {
      last = now;
      options.onChange(now);
    }
    return now;
  };
  const timer = setInterval(check, options.intervalMs ?? 5000);
  timer.unref?.();
  return {
    check,
    stop: () => clearInterval(timer),
  };
}

function safeRead(isOnline: () => boolean): boolean {
  try {
    return isOnline();
  } catch {
    return true; // unknown: let the replication try
  }
}
