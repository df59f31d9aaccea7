// Response headers every answer carries unless its route set its own: no sniffing, and no copy kept by any cache.
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';

/**
 * Swagger UI's page (`/docs`): its scripts and styles are files of the service; it sets inline style attributes
 * and draws icons from data: URLs. No framing, no plugins, no base rewriting.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Sets, where the route did not:
 * - `X-Content-Type-Options: nosniff`, so a browser never reads a JSON answer (or a stored document) as a page;
 * - `Cache-Control: no-store`: API answers carry personal data, decrypted confidential notes, sealed documents and
 *   newly issued tokens, none of which a browser or proxy may keep. The web page's files set their own
 *   (`no-cache`, revalidated by ETag).
 * Written as a plugin rather than with @fastify/helmet, which is not a dependency of the service.
 */
const securityHeaders: FastifyPluginAsync = async (app) => {
  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('x-content-type-options')) reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
};

export default fp(securityHeaders, { name: 'security-headers' });
