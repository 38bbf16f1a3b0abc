/**
 * The renderer's Content-Security-Policy: the response header both hosts send (the
 * Electron session and the web host), and without `frame-ancestors` the meta tag of
 * app/renderer/index.html (tests keep the tag equal to META_CONTENT_SECURITY_POLICY).
 * A header is set before any byte of the page is parsed, covers responses that are not
 * the page, and is the only place `frame-ancestors` works: browsers ignore it in a meta
 * tag and log an error on every load saying so.
 *
 * 'self' is the page's origin: app://studio in the desktop app (a standard, secure scheme,
 * app/main/app-protocol.ts; `file:` is never ours), http://127.0.0.1:<port> in web mode.
 *
 * - script-src 'self' 'wasm-unsafe-eval': our bundles, and WebAssembly compilation
 *   without allowing JavaScript eval; Zod runs jitless (nodes/schema.ts), so it needs none.
 * - style-src 'unsafe-inline': styled-components injects <style> tags.
 * - connect-src 'self': the tfjs-wasm fetch of its .wasm from app:// (or the web host);
 *   ws://127.0.0.1 / localhost: the web-mode API socket (the desktop app uses IPC).
 * - worker-src 'self' blob: workers built from bundled code.
 */
const POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

/** The policy of the page itself (the meta tag): everything a meta CSP can carry. */
export const META_CONTENT_SECURITY_POLICY = POLICY.join('; ');

/** The response header: the page's policy, and no framing by other sites. */
export const CONTENT_SECURITY_POLICY = [...POLICY, "frame-ancestors 'none'"].join('; ');
