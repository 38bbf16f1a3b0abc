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
 * - style-src without 'unsafe-inline': our CSS is a file, React's `style={…}` sets CSSOM
 *   properties (not subject to CSP). Two inline <style> elements remain, allowed by hash:
 *   styled-components (Rete's React plugin) in a production build makes an EMPTY <style>
 *   and fills it through CSSOM `insertRule` (speedy mode), so only the empty text must
 *   pass (EMPTY_STYLE_HASH); rete-comment-plugin appends one fixed stylesheet at import
 *   (COMMENT_PLUGIN_STYLE_HASH; test/app/main/security.test.ts recomputes it from the
 *   installed package, so an upgrade that changes the CSS fails there, not in the UI).
 * - connect-src 'self': the tfjs-wasm fetch of its .wasm from app:// (or the web host);
 *   ws://127.0.0.1 / localhost: the web-mode API socket (the desktop app uses IPC).
 * - worker-src 'self' blob: workers built from bundled code.
 */
/** sha256 of the empty string: styled-components' <style> elements before CSSOM fills them. */
export const EMPTY_STYLE_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='";
/** sha256 of the stylesheet rete-comment-plugin injects (its `___$insertStyle` argument). */
export const COMMENT_PLUGIN_STYLE_HASH = "'sha256-tluKZffUrRxCRDhQ9qDsj+w29919SBLfC8kAY+ikk9A='";

const POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  `style-src 'self' ${EMPTY_STYLE_HASH} ${COMMENT_PLUGIN_STYLE_HASH}`,
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
