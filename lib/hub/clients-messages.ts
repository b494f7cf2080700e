import { z } from 'zod';
import { workspaceSchema } from './contract';
import { notifyNowResultSchema, reminderScheduleSchema, reminderSentSchema } from './reminders';

/**
 * The "Clients & reminders" part of the message contract (lib/messaging/contract.ts spreads these
 * in): a workspace's client users, invitations, reminder schedule, Notify now and who was reminded
 * when, and which accounts its clients may pick. Only with a Client Hub server; the background asks
 * it with this browser's sign-in, so the token never reaches a page.
 *
 * What a person types travels loosely here and is checked in the background with the hub's own
 * schemas, so a mistyped address gets plain words rather than "message refused".
 */
const workspaceId = z.string().min(1).max(64);

export const clientsRequestSchemas = {
  'clients.view': z.object({ type: z.literal('clients.view'), workspaceId }),
  'clients.invite': z.object({
    type: z.literal('clients.invite'),
    workspaceId,
    name: z.string().max(500),
    email: z.string().max(500),
  }),
  'clients.endSessions': z.object({
    type: z.literal('clients.endSessions'),
    workspaceId,
    userId: z.string().min(1).max(64),
  }),
  'clients.saveSchedule': z.object({
    type: z.literal('clients.saveSchedule'),
    workspaceId,
    enabled: z.boolean(),
    weekdays: z.array(z.string().max(20)).max(7),
    time: z.string().max(20),
    timeZone: z.string().max(100),
  }),
  'clients.notifyNow': z.object({
    type: z.literal('clients.notifyNow'),
    workspaceId,
    /** One press of the button: a retried message with the same key sends nothing twice. */
    pressId: z.string().min(8).max(64),
  }),
  'clients.saveAccountChoice': z.object({
    type: z.literal('clients.saveAccountChoice'),
    workspaceId,
    clientAccountChoice: z.boolean(),
    clientAccountIds: z.array(z.string().min(1).max(100)).max(2000),
  }),
} as const;

export const clientUserSchema = z.object({
  userId: z.string(),
  name: z.string(),
  email: z.string(),
  status: z.enum(['invited', 'signed in']),
  invitedAt: z.string(),
});
export type ClientUser = z.infer<typeof clientUserSchema>;

/** An account a client may be allowed to pick, from the company's chart. */
export const pickableAccountSchema = z.object({ accountId: z.string(), code: z.string(), name: z.string() });
export type PickableAccount = z.infer<typeof pickableAccountSchema>;

export const clientsViewSchema = z.object({
  workspace: workspaceSchema.pick({
    id: true,
    name: true,
    tenantId: true,
    clientAccountChoice: true,
    clientAccountIds: true,
  }),
  clients: z.array(clientUserSchema),
  schedule: reminderScheduleSchema,
  reminders: z.array(reminderSentSchema),
  /** The company's chart as this browser synced it (empty when this browser does not sync it). */
  accounts: z.array(pickableAccountSchema),
});
export type ClientsView = z.infer<typeof clientsViewSchema>;

export const clientsResponseSchemas = {
  'clients.view': clientsViewSchema,
  'clients.invite': z.object({ client: clientUserSchema, created: z.boolean() }),
  'clients.endSessions': z.object({ ended: z.literal(true) }),
  'clients.saveSchedule': reminderScheduleSchema,
  'clients.notifyNow': notifyNowResultSchema,
  'clients.saveAccountChoice': clientsViewSchema.shape.workspace,
} as const;
