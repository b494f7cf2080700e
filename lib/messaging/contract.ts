import { z } from 'zod';
import { firmUserSchema, roleSchema } from '../db/records';
import { problemSchema } from '../errors';
import { clientsRequestSchemas, clientsResponseSchemas } from '../hub/clients-messages';
import { firmConnectionRowSchema, hubStateSchema } from '../hub/state';
import { syncPreferencesSchema } from '../settings/sync-preferences';
import { suggestionRequestSchemas, suggestionResponseSchemas } from '../suggestions/messages';
import { supportedTypeSchema } from '../sync/records';
import { taskRequestSchemas, taskResponseSchemas } from '../tasks/messages';
import { pageRequestSchemas, pageResponseSchemas } from './page-contract';
import type { OutputOf } from './standard-schema';

// The envelope and the content script's messages live in page-contract.ts.
export { type Envelope, envelopeSchema, type MessageError, messageErrorSchema } from './page-contract';

/**
 * The one contract between the extension's pages, its content script and its background. Every
 * message is validated on arrival, in both directions; nothing here ever carries a token.
 */
export const backgroundStatusSchema = z.object({
  version: z.string(),
  target: z.enum(['xero', 'sandbox']),
  startedAt: z.number(),
  xeroAppUrl: z.string(),
});
export type BackgroundStatus = z.infer<typeof backgroundStatusSchema>;

const tenantId = z.string().min(1).max(64);
const companyList = z.array(z.object({ tenantId: z.string(), name: z.string() }));

export const setupStateSchema = z.object({
  firmUser: firmUserSchema.nullable(),
  /** A role fixed by the firm through managed storage: the first-run form cannot change it. */
  managedRole: roleSchema.nullable(),
  clientIdConfigured: z.boolean(),
  redirectUri: z.string(),
  target: z.enum(['xero', 'sandbox']),
  /** The firm's Client Hub server: when connected, name and role come from it, not from firstRun. */
  hub: hubStateSchema,
});
export type SetupState = z.infer<typeof setupStateSchema>;

export const requestSchemas = {
  'background.status': z.object({ type: z.literal('background.status') }),
  'setup.state': z.object({ type: z.literal('setup.state') }),
  'setup.saveFirmUser': z.object({ type: z.literal('setup.saveFirmUser'), user: firmUserSchema }),
  'hub.state': z.object({ type: z.literal('hub.state') }),
  /** The password goes to the background only, which sends it to the server and keeps the token. */
  'hub.signIn': z.object({
    type: z.literal('hub.signIn'),
    url: z.string().trim().min(1).max(2000),
    email: z.string().trim().min(1).max(254),
    password: z.string().min(1).max(128),
  }),
  'hub.signOut': z.object({ type: z.literal('hub.signOut') }),
  'hub.check': z.object({ type: z.literal('hub.check') }),
  'hub.connections': z.object({ type: z.literal('hub.connections') }),
  'hub.workspaces': z.object({ type: z.literal('hub.workspaces') }),
  'connections.add': z.object({ type: z.literal('connections.add') }),
  'connections.check': z.object({ type: z.literal('connections.check') }),
  'connections.refresh': z.object({ type: z.literal('connections.refresh'), tenantId }),
  'connections.remove': z.object({ type: z.literal('connections.remove'), tenantId }),
  'connections.linkWorkspace': z.object({
    type: z.literal('connections.linkWorkspace'),
    tenantId,
    choice: z.union([
      z.object({ workspaceId: z.string().min(1) }),
      z.object({ newWorkspaceName: z.string().trim().min(1).max(120) }),
    ]),
  }),
  'accounts.list': z.object({ type: z.literal('accounts.list'), tenantId }),
  'accounts.save': z.object({
    type: z.literal('accounts.save'),
    tenantId,
    monitoredAccountIds: z.array(z.string().min(1).max(64)).min(1).max(500),
    types: z.array(supportedTypeSchema).min(1),
  }),
  'sync.now': z.object({ type: z.literal('sync.now'), tenantId: tenantId.optional() }),
  'sync.preferences': z.object({ type: z.literal('sync.preferences') }),
  'sync.savePreferences': z.object({
    type: z.literal('sync.savePreferences'),
    preferences: syncPreferencesSchema,
  }),
  ...pageRequestSchemas,
  ...taskRequestSchemas,
  ...suggestionRequestSchemas,
  ...clientsRequestSchemas,
} as const;

const accountChoiceSchema = z.object({
  accountId: z.string(),
  code: z.string(),
  name: z.string(),
  accountClass: z.string(),
  type: z.string(),
  suggested: z.boolean(),
});
const syncRunSummarySchema = z.object({
  tenantId: z.string(),
  name: z.string(),
  state: z.string(),
  scanned: z.number(),
  tasksCreated: z.number(),
  tasksUpdated: z.number(),
  /** Of tasksUpdated: categorised in Xero, deleted or voided there, back in a monitored account, edited. */
  tasksResolved: z.number(),
  tasksCancelled: z.number(),
  tasksReopened: z.number(),
  tasksEdited: z.number(),
  problem: problemSchema.optional(),
});

export const responseSchemas = {
  'background.status': backgroundStatusSchema,
  'setup.state': setupStateSchema,
  'setup.saveFirmUser': setupStateSchema,
  'hub.state': hubStateSchema,
  'hub.signIn': hubStateSchema,
  'hub.signOut': hubStateSchema,
  'hub.check': hubStateSchema,
  'hub.connections': z.object({ rows: z.array(firmConnectionRowSchema) }),
  'hub.workspaces': z.object({
    workspaces: z.array(z.object({ id: z.string(), name: z.string(), tenantId: z.string().nullable() })),
  }),
  'connections.add': z.object({ added: companyList, refreshed: companyList }),
  'connections.check': z.object({ checkedAt: z.number() }),
  'connections.refresh': z.object({ reconnected: z.boolean() }),
  'connections.remove': z.object({
    name: z.string(),
    state: z.enum(['removed', 'queued', 'cancelled']),
    revokedSignIn: z.boolean(),
    tasksDeleted: z.number(),
  }),
  'connections.linkWorkspace': z.object({ workspaceId: z.string() }),
  'accounts.list': z.object({
    accounts: z.array(accountChoiceSchema),
    monitoredAccountIds: z.array(z.string()),
    types: z.array(supportedTypeSchema),
  }),
  'accounts.save': z.object({ syncStarted: z.boolean() }),
  'sync.now': z.object({ runs: z.array(syncRunSummarySchema) }),
  'sync.preferences': syncPreferencesSchema,
  'sync.savePreferences': syncPreferencesSchema,
  ...pageResponseSchemas,
  ...taskResponseSchemas,
  ...suggestionResponseSchemas,
  ...clientsResponseSchemas,
} as const;

export type RequestType = keyof typeof requestSchemas;
export type RequestOf<T extends RequestType> = z.infer<(typeof requestSchemas)[T]>;
export type ResponseOf<T extends RequestType> = OutputOf<(typeof responseSchemas)[T]>;

export const anyRequestSchema = z.discriminatedUnion(
  'type',
  Object.values(requestSchemas) as unknown as [
    (typeof requestSchemas)[RequestType],
    ...(typeof requestSchemas)[RequestType][],
  ],
);
export type AnyRequest = z.infer<typeof anyRequestSchema>;
