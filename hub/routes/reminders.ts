import {
  notifyNowResultSchema,
  reminderHistoryQuerySchema,
  reminderHistorySchema,
  reminderScheduleInputSchema,
  reminderScheduleSchema,
} from '../../lib/hub/reminders.ts';
import { notifyNow, reminderHistory, reminderScheduleOf, saveReminderSchedule } from '../domain/reminders.ts';
import { route } from './define.ts';

const R = '/api/workspaces/:workspaceId/reminders';

export const reminderRoutes = [
  route({
    method: 'get',
    path: `${R}/schedule`,
    action: 'reminders.read',
    summary: 'When reminder emails go out to the workspace’s client users',
    responses: { 200: reminderScheduleSchema },
    handle: async ({ services, workspace }) => ({
      status: 200,
      body: await reminderScheduleOf(services, workspace.id),
    }),
  }),
  route({
    method: 'put',
    path: `${R}/schedule`,
    action: 'reminders.manage',
    summary: 'Set the reminder days and time, in the client’s time zone',
    body: reminderScheduleInputSchema,
    responses: { 200: reminderScheduleSchema },
    handle: async ({ services, member, workspace, body }) => ({
      status: 200,
      body: await saveReminderSchedule(services, member, workspace, body),
    }),
  }),
  route({
    method: 'post',
    path: `${R}/notify-now`,
    action: 'reminders.manage',
    summary: 'Email every client user of the workspace a reminder now (nothing when no question is open)',
    responses: { 202: notifyNowResultSchema, 200: notifyNowResultSchema },
    idempotent: true,
    handle: async ({ services, member, workspace }) => {
      const result = await notifyNow(services, member, workspace);
      return { status: result.queued ? 202 : 200, body: result };
    },
  }),
  route({
    method: 'get',
    path: R,
    action: 'reminders.read',
    summary: 'Who was reminded when, newest first',
    query: reminderHistoryQuerySchema,
    responses: { 200: reminderHistorySchema },
    handle: async ({ services, workspace, query }) => ({
      status: 200,
      body: { reminders: await reminderHistory(services, workspace.id, query.limit) },
    }),
  }),
];
