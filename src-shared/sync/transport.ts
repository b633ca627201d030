/**
 * Is a sync server address safe to send a password to? The app sends the sync password with
 * Basic authentication on every request, so over `http://` it crosses the network in clear
 * text. That is fine on this computer (loopback: 127.0.0.0/8, ::1, `localhost`), and nowhere
 * else without the user saying so: an `http://` address to any other host needs an explicit
 * "send my password unencrypted" confirmation. `https://` never does.
 *
 * Used by the connection form (describe.ts), the bridge contract (`SyncCredentialsSchema`, so
 * main refuses such an address at the IPC boundary unless the request says it was confirmed)
 * and both hosts. Pure: no Electron, Node or DOM (the URL class only).
 */

/** Whether a URL's hostname (as `URL.hostname` gives it: IPv6 in brackets) is this computer. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '[::1]' || h === '::1') return true;
  // IPv4-mapped IPv6 loopback, as URL normalises it: [::ffff:7f00:1]
  const mapped = /^\[::ffff:7f([0-9a-f]{2}):[0-9a-f]{1,4}\]$/.exec(h);
  if (mapped) return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  // URL already turns 0x7f.1, 2130706433 and 127.1 into dotted decimal.
  return v4 !== null && Number(v4[1]) === 127 && v4.slice(2).every((p) => Number(p) <= 255);
}

/**
 * Whether the password would go unencrypted to another computer: an `http://` address whose
 * host is not loopback. False for `https://`, loopback and anything that is not a URL (the
 * address check reports those).
 */
export function sendsPasswordInClear(serverUrl: string): boolean {
  let u: URL;
  try {
    u = new URL(serverUrl.trim());
  } catch {
    return false;
  }
  return u.protocol === 'http:' && !isLoopbackHost(u.hostname);
}

export const PLAINTEXT_CONFIRMATION_LABEL = 'Send my password unencrypted';

/** The refusal when an `http://` address to another computer was not confirmed. */
export function plaintextRefusal(serverUrl: string): string {
  let host = serverUrl;
  try {
    host = new URL(serverUrl.trim()).host;
  } catch {
    /* keep the text */
  }
  return `${host} is reached over http://, so your password and the practice's data would cross the network unencrypted. Use an https:// address, or tick "${PLAINTEXT_CONFIRMATION_LABEL}".`;
}

/** '' when the address may be used with this confirmation, else why not. */
export function checkTransport(serverUrl: string, plaintextConfirmed: boolean | undefined): string {
  return sendsPasswordInClear(serverUrl) && plaintextConfirmed !== true ? plaintextRefusal(serverUrl) : '';
}
