import type { z } from 'zod';
import type { ClientHubDb } from '../db/database';
import type { Handlers } from '../messaging/router';
import { accountRecordSchema } from '../sync/records';
import type { ClientUser, PickableAccount } from './clients-messages';
import { clientInviteSchema, type workspaceMemberSchema } from './contract';
import type { HubLink } from './link';
import { reminderScheduleInputSchema } from './reminders';

/**
 * The firm's "Clients & reminders" for one workspace, asked of the Client Hub server with this
 * browser's sign-in. Who may do what is the server's rule (Admin, Manager, assigned Staff); its
 * refusal comes back in its own words (lib/hub/client.ts), nothing is decided here.
 */
export interface ClientsDeps {
  db: ClientHubDb;
  link: HubLink;
}

type ClientsHandlers = Pick<
  Handlers,
  | 'clients.view'
  | 'clients.invite'
  | 'clients.endSessions'
  | 'clients.saveSchedule'
  | 'clients.notifyNow'
  | 'clients.saveAccountChoice'
>;

/** Something the person typed that the server would refuse: said before anything is sent. */
export class ClientInputError extends Error {
  readonly code = 'invalid-input';
}

const clientOf = (member: z.output<typeof workspaceMemberSchema>): ClientUser[] =>
  member.role === 'Client User'
    ? [
        {
          userId: member.userId,
          name: member.name,
          email: member.email,
          status: member.invitation?.status ?? 'invited',
          invitedAt: member.addedAt,
        },
      ]
    : [];

/** The accounts a client could sensibly pick: active, not bank or system accounts, by code. */
async function pickableAccounts(db: ClientHubDb, tenantId: string | null): Promise<PickableAccount[]> {
  if (!tenantId) return [];
  const rows = await db.accounts.where('tenantId').equals(tenantId).toArray();
  return rows
    .flatMap((row) => {
      const parsed = accountRecordSchema.safeParse(row);
      if (!parsed.success) return [];
      const a = parsed.data;
      if (a.status !== 'ACTIVE' || a.isBankAccount || a.systemAccount) return [];
      return [{ accountId: a.accountId, code: a.code, name: a.name }];
    })
    .sort(
      (x, y) => x.code.localeCompare(y.code, undefined, { numeric: true }) || x.name.localeCompare(y.name),
    );
}

export function createClientsHandlers({ db, link }: ClientsDeps): ClientsHandlers {
  return {
    'clients.view': ({ workspaceId }) =>
      link.call(async (client) => {
        const hub = client.workspace(workspaceId);
        const [workspace, members, schedule, reminders] = await Promise.all([
          hub.read(),
          hub.members(),
          hub.schedule(),
          hub.reminders(),
        ]);
        return {
          workspace: {
            id: workspace.id,
            name: workspace.name,
            tenantId: workspace.tenantId,
            clientAccountChoice: workspace.clientAccountChoice,
            clientAccountIds: workspace.clientAccountIds,
          },
          clients: members.flatMap(clientOf),
          schedule,
          reminders,
          accounts: await pickableAccounts(db, workspace.tenantId),
        };
      }),
    'clients.invite': async ({ workspaceId, name, email }) => {
      const input = clientInviteSchema.safeParse({ name, email: email.trim() });
      if (!input.success) {
        const field = input.error.issues[0]?.path[0];
        throw new ClientInputError(
          field === 'name'
            ? 'Enter the client’s name, as they would like to be greeted in the email.'
            : 'Enter the client’s email address, such as name@business.com.',
        );
      }
      return link.call(async (client) => {
        const { member, created } = await client.workspace(workspaceId).invite(input.data);
        const [invited] = clientOf(member);
        if (!invited)
          throw new ClientInputError('That address belongs to someone in your firm, not a client.');
        return { client: invited, created };
      });
    },
    'clients.endSessions': ({ workspaceId, userId }) =>
      link.call(async (client) => {
        await client.workspace(workspaceId).endSessions(userId);
        return { ended: true as const };
      }),
    'clients.saveSchedule': async ({ workspaceId, type: _type, ...schedule }) => {
      const input = reminderScheduleInputSchema.safeParse(schedule);
      if (!input.success) throw new ClientInputError(input.error.issues[0]?.message ?? 'Check the schedule.');
      return link.call((client) => client.workspace(workspaceId).saveSchedule(input.data));
    },
    'clients.notifyNow': ({ workspaceId, pressId }) =>
      link.call((client) => client.workspace(workspaceId).notifyNow(`notify-now-${pressId}`)),
    'clients.saveAccountChoice': ({ workspaceId, clientAccountChoice, clientAccountIds }) =>
      link.call(async (client) => {
        const saved = await client
          .workspace(workspaceId)
          .saveSettings({ clientAccountChoice, clientAccountIds });
        return {
          id: saved.id,
          name: saved.name,
          tenantId: saved.tenantId,
          clientAccountChoice: saved.clientAccountChoice,
          clientAccountIds: saved.clientAccountIds,
        };
      }),
  };
}
