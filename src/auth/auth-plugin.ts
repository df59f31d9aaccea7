// Resolves the bearer token of every request to a user before the body is read, so 401 comes first.
import fp from 'fastify-plugin';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { UnauthenticatedError } from '../errors.js';
import { hashToken, sameHash } from './tokens.js';
import { withActing, type User, type UsersRepository } from './users-repository.js';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
  }
  interface FastifyContextConfig {
    /** Routes that answer without a token. */
    public?: boolean;
  }
}

/** The authenticated user of a request; routes that are not public can rely on it. */
export function currentUser(request: FastifyRequest): User {
  if (!request.user) throw new UnauthenticatedError();
  return request.user;
}

const authPlugin: FastifyPluginAsync<{ users: UsersRepository; clock: () => Date }> = async (app, { users, clock }) => {
  app.decorateRequest('user', null);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public) return;
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new UnauthenticatedError();
    const hash = hashToken(match[1] as string);
    const found = await users.bearer(hash, clock().toISOString());
    if (!found || !sameHash(found.tokenHash, hash) || !found.active) throw new UnauthenticatedError('unknown or inactive token');
    const { tokenHash: _hash, acting, ...user } = found;
    // A running delegation lends its role for this request; the audit trail names whom the delegate acts for.
    request.user = withActing(user, acting);
  });
};

export default fp(authPlugin, { name: 'auth' });
