import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { user } from './auth.ts';

/** A firm: the hub's unit of separation. `changeSeq` is the last number its changes feed handed out. */
export const firm = pgTable('firm', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  changeSeq: bigint('change_seq', { mode: 'number' }).notNull().default(0),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A user's place in a firm: one firm per user; the role decides what they may do (hub/domain/access.ts). */
export const firmMember = pgTable(
  'firm_member',
  {
    userId: text('user_id')
      .primaryKey()
      .references(() => user.id, { onDelete: 'cascade' }),
    firmId: text('firm_id')
      .notNull()
      .references(() => firm.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['Admin', 'Manager', 'Staff', 'Client User'] }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('firm_member_firm_idx').on(t.firmId)],
);

/** One client business. Linked to at most one Xero organisation, and each organisation to one workspace. */
export const workspace = pgTable(
  'workspace',
  {
    id: text('id').primaryKey(),
    firmId: text('firm_id')
      .notNull()
      .references(() => firm.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tenantId: text('tenant_id'),
    /** Whether the client picks an account when answering (from `clientAccountIds` only). */
    clientAccountChoice: boolean('client_account_choice').notNull().default(false),
    /** The accounts of the chart the firm lets the client choose from. */
    clientAccountIds: jsonb('client_account_ids').$type<string[]>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('workspace_firm_idx').on(t.firmId),
    uniqueIndex('workspace_tenant_unique').on(t.firmId, t.tenantId).where(sql`${t.tenantId} is not null`),
  ],
);

/** Staff assigned to a workspace, and the client users invited to it. */
export const workspaceMember = pgTable(
  'workspace_member',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.userId] }),
    index('workspace_member_user_idx').on(t.userId),
  ],
);

/** A Xero organisation connected by someone in the firm: what the options page shows. Never a token. */
export const xeroConnection = pgTable(
  'xero_connection',
  {
    firmId: text('firm_id')
      .notNull()
      .references(() => firm.id, { onDelete: 'cascade' }),
    tenantId: text('tenant_id').notNull(),
    organisationName: text('organisation_name').notNull(),
    shortCode: text('short_code'),
    /** Xero's CountryCode of the organisation (ISO 3166 alpha-2): the portal's amounts and dates follow it. */
    countryCode: text('country_code'),
    monitoredAccounts: jsonb('monitored_accounts')
      .$type<{ accountId: string; name: string }[]>()
      .notNull()
      .default([]),
    health: text('health', { enum: ['healthy', 'needs attention', 'disconnected'] }).notNull(),
    lastSyncAt: timestamp('last_sync_at', { withTimezone: true }),
    connectedBy: text('connected_by')
      .notNull()
      .references(() => user.id),
    connectedAt: timestamp('connected_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.firmId, t.tenantId] })],
);

/** The chart of accounts of the workspace's Xero organisation, as the extension last uploaded it. */
export const workspaceAccount = pgTable(
  'workspace_account',
  {
    workspaceId: text('workspace_id')
      .notNull()
      .references(() => workspace.id, { onDelete: 'cascade' }),
    accountId: text('account_id').notNull(),
    code: text('code').notNull().default(''),
    name: text('name').notNull(),
    type: text('type').notNull().default(''),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.accountId] })],
);
