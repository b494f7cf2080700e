import type { HttpBindings } from '@hono/node-server';
import type { OrganisationData } from '../data/model.ts';
import type { Principal } from './auth.ts';

/** Hono environment of the Accounting API routes: who calls, for which organisation. */
export interface ApiEnv {
  Bindings: HttpBindings;
  Variables: {
    principal: Principal;
    organisation: OrganisationData;
    /** Set when a `drop` fault destroyed the socket, so the log can say so. */
    dropped: boolean;
  };
}
