/** The headers every response of the web host carries; the CSP is the page's own (app/shared/csp.ts). */
import { CONTENT_SECURITY_POLICY } from '../shared/csp.js';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  // Other sites have no business loading the editor's scripts or wasm either.
  'cross-origin-resource-policy': 'same-origin',
};

/** Kept here for the web host's imports; the table lives in app/shared/content-type.ts. */
export { contentType } from '../shared/content-type.js';
