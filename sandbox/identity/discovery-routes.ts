import { Hono } from 'hono';
import { authenticate } from '../api/auth.ts';
import { ALLOWED_SCOPES } from '../config.ts';
import type { SandboxContext } from '../context.ts';

/** OpenID discovery document, JWKS and userinfo, all on the sandbox's one origin. */
export function discoveryRoutes(ctx: SandboxContext): Hono {
  const app = new Hono();

  app.get('/.well-known/openid-configuration', (c) => {
    const base = ctx.baseUrl();
    return c.json({
      issuer: base,
      jwks_uri: `${base}/.well-known/openid-configuration/jwks`,
      authorization_endpoint: `${base}/identity/connect/authorize`,
      token_endpoint: `${base}/connect/token`,
      userinfo_endpoint: `${base}/connect/userinfo`,
      revocation_endpoint: `${base}/connect/revocation`,
      scopes_supported: [...ALLOWED_SCOPES],
      claims_supported: ['sub', 'email', 'given_name', 'family_name', 'xero_userid', 'global_session_id'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
      request_parameter_supported: false,
    });
  });

  app.get('/.well-known/openid-configuration/jwks', (c) => c.json({ keys: [ctx.key.publicJwk] }));

  app.get('/connect/userinfo', (c) => {
    const principal = authenticate(ctx, c.req.header('authorization'));
    if (principal instanceof Response) return principal;
    const user = ctx.state.userById(principal.userId);
    if (!user) return c.body(null, 401);
    return c.json({
      sub: user.userId,
      xero_userid: user.userId,
      email: user.email,
      given_name: user.firstName,
      family_name: user.lastName,
      preferred_username: user.email,
    });
  });

  return app;
}
