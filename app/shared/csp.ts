/**
 * The renderer's Content-Security-Policy: the meta tag of app/renderer/index.html
 * (tests keep the tag equal to this), and the response header both hosts send (the
 * Electron session and the web host). A header is set before any byte of the page
 * is parsed, covers responses that are not the page, and is the only place
 * `frame-ancestors` works.
 *
 * - script-src 'self' 'wasm-unsafe-eval': our bundles, and WebAssembly compilation
 *   without allowing JavaScript eval; Zod runs jitless (nodes/schema.ts), so it needs none.
 * - style-src 'unsafe-inline': styled-components injects <style> tags.
 * - connect-src ws://127.0.0.1 / localhost: the web-mode API socket.
 * - worker-src blob: workers built from bundled code.
 */
export const CONTENT_SECURITY_POLICY = [
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
  "frame-ancestors 'none'",
].join('; ');
