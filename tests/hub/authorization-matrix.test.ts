import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubRoutes, LOCAL_ROUTES, PUBLIC_ROUTES } from '../../hub/app.ts';
import { workspaceMember, workspace as workspaceTable } from '../../hub/db/schema/index.ts';
import { PERMISSIONS, type Reach } from '../../hub/domain/access.ts';
import { createUser } from '../../hub/domain/users.ts';
import type { RouteDef } from '../../hub/routes/define.ts';
import { HUB_ROLES, type HubRole } from '../../lib/hub/contract.ts';
import {
  type Caller,
  caller,
  DATABASE,
  type FirmFixture,
  makeFirm,
  PASSWORD,
  startTestHub,
  type TestHub,
  transaction,
  uniqueEmail,
} from './harness.ts';

/**
 * Every route of the app, for every role, on a workspace of their own (Staff: assigned; Client
 * User: invited), another workspace of their firm, and a workspace of another firm. The expected
 * answer comes from the permissions table (hub/domain/access.ts); the routes come from Hono's own
 * list, so a new route without a sample request here fails this test.
 */

type Target = 'own' | 'other' | 'other firm';
const TARGETS: Target[] = ['own', 'other', 'other firm'];

interface Place {
  workspaceId: string;
  tenantId: string;
  taskId: string;
  fileId: string;
  firmId: string;
  /** Members of this workspace (for spare workspaces made like it). */
  members: string[];
}

interface Sample {
  path: string;
  body?: unknown;
  upload?: { name: string; bytes: Uint8Array<ArrayBuffer> };
  /** A portal form, posted as a browser on the hub's own page would (Origin included). */
  form?: Record<string, string>;
}

let hub: TestHub;
let firmA: FirmFixture;
let firmB: FirmFixture;
let places: Record<Target, Place>;
let spareStaffId: string;

const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

async function furnish(
  owner: Caller,
  firmId: string,
  ws: { id: string; tenantId: string },
  members: string[],
): Promise<Place> {
  const base = `/api/workspaces/${ws.id}`;
  const upsert = await owner.request<{ tasks: { id: string }[] }>('PUT', `${base}/tasks`, {
    tasks: [{ transaction: transaction() }],
  });
  const taskId = upsert.body.tasks[0]?.id ?? '';
  await owner.request('POST', `${base}/tasks/${taskId}/comments`, { body: 'First question' });
  const file = await owner.upload<{ id: string }>(`${base}/tasks/${taskId}/files`, {
    name: 'receipt.pdf',
    bytes: PDF,
  });
  await owner.request('PUT', `/api/connections/${ws.tenantId}`, {
    organisationName: `Org ${ws.tenantId.slice(0, 4)}`,
  });
  return { workspaceId: ws.id, tenantId: ws.tenantId, taskId, fileId: file.body.id, firmId, members };
}

/** A fresh workspace placed like `target` (for requests that remove what they act on). */
async function spareWorkspace(target: Target): Promise<string> {
  const place = places[target];
  const id = randomUUID();
  const now = new Date();
  await hub.services.db
    .insert(workspaceTable)
    .values({ id, firmId: place.firmId, name: 'Spare', createdAt: now });
  if (place.members.length > 0) {
    await hub.services.db
      .insert(workspaceMember)
      .values(place.members.map((userId) => ({ workspaceId: id, userId, createdAt: now })));
  }
  return id;
}

/** One request per route that would succeed for someone allowed to make it. */
const SAMPLES: Record<string, (target: Target) => Promise<Sample>> = {
  'GET /api/me': async () => ({ path: '/api/me' }),
  'GET /api/users': async () => ({ path: '/api/users' }),
  'POST /api/users': async () => ({
    path: '/api/users',
    body: { email: uniqueEmail('new'), name: 'New Person', role: 'Staff' },
  }),
  'GET /api/workspaces': async () => ({ path: '/api/workspaces' }),
  'POST /api/workspaces': async () => ({
    path: '/api/workspaces',
    body: { name: `New ${randomUUID().slice(0, 4)}` },
  }),
  'GET /api/workspaces/:workspaceId': async (t) => ({ path: `/api/workspaces/${places[t].workspaceId}` }),
  'PATCH /api/workspaces/:workspaceId': async (t) => ({
    path: `/api/workspaces/${places[t].workspaceId}`,
    body: { name: 'Renamed' },
  }),
  'DELETE /api/workspaces/:workspaceId': async (t) => ({
    path: `/api/workspaces/${await spareWorkspace(t)}`,
  }),
  'GET /api/workspaces/:workspaceId/members': async (t) => ({
    path: `/api/workspaces/${places[t].workspaceId}/members`,
  }),
  'POST /api/workspaces/:workspaceId/staff': async (t) => ({
    path: `/api/workspaces/${await spareWorkspace(t)}/staff`,
    body: { userId: spareStaffId },
  }),
  'POST /api/workspaces/:workspaceId/clients': async (t) => ({
    path: `/api/workspaces/${places[t].workspaceId}/clients`,
    body: { email: uniqueEmail('invited'), name: 'Invited Client' },
  }),
  'DELETE /api/workspaces/:workspaceId/clients/:userId/sessions': async (t) => {
    // A client user of the target workspace, to sign out.
    const client = await createUser(hub.services, hub.auth, places[t].firmId, {
      email: uniqueEmail('signed-out'),
      name: 'Signed Out Client',
      role: 'Client User',
    });
    await hub.services.db
      .insert(workspaceMember)
      .values({ workspaceId: places[t].workspaceId, userId: client.userId, createdAt: new Date() });
    return { path: `/api/workspaces/${places[t].workspaceId}/clients/${client.userId}/sessions` };
  },
  'GET /api/workspaces/:workspaceId/activity': async (t) => ({
    path: `/api/workspaces/${places[t].workspaceId}/activity`,
  }),
  'GET /api/connections': async () => ({ path: '/api/connections' }),
  'GET /api/connections/:tenantId': async (t) => ({ path: `/api/connections/${places[t].tenantId}` }),
  'PUT /api/connections/:tenantId': async (t) => ({
    path: `/api/connections/${places[t].tenantId}`,
    body: { organisationName: 'Renamed Org', health: 'needs attention' },
  }),
  'DELETE /api/connections/:tenantId': async (t) => {
    // A connection of its own, in the target's firm, to remove.
    const tenantId = randomUUID();
    const owner = t === 'other firm' ? firmB.users.Admin : firmA.users.Admin;
    await owner.request('PUT', `/api/connections/${tenantId}`, { organisationName: 'To remove' });
    return { path: `/api/connections/${tenantId}` };
  },
  'PUT /api/workspaces/:workspaceId/tasks': async (t) => ({
    path: `/api/workspaces/${places[t].workspaceId}/tasks`,
    body: { tasks: [{ transaction: transaction() }] },
  }),
  'GET /api/workspaces/:workspaceId/changes': async (t) => ({
    path: `/api/workspaces/${places[t].workspaceId}/changes?since=0`,
  }),
  'GET /api/workspaces/:workspaceId/tasks/:taskId': async (t) => ({
    path: `/api/workspaces/${places[t].workspaceId}/tasks/${places[t].taskId}`,
  }),
  'PUT /api/workspaces/:workspaceId/tasks/:taskId/status': async (t) => ({
    path: `/api/workspaces/${places[t].workspaceId}/tasks/${places[t].taskId}/status`,
    body: { status: 'Answered' },
  }),
  'GET /api/workspaces/:workspaceId/tasks/:taskId/comments': async (t) => ({
    path: `/api/workspaces/${places[t].workspaceId}/tasks/${places[t].taskId}/comments`,
  }),
  'POST /api/workspaces/:workspaceId/tasks/:taskId/comments': async (t) => ({
    path: `/api/workspaces/${places[t].workspaceId}/tasks/${places[t].taskId}/comments`,
    body: { body: 'A comment' },
  }),
  'GET /api/workspaces/:workspaceId/tasks/:taskId/files': async (t) => ({
    path: `/api/workspaces/${places[t].workspaceId}/tasks/${places[t].taskId}/files`,
  }),
  'POST /api/workspaces/:workspaceId/tasks/:taskId/files': async (t) => ({
    path: `/api/workspaces/${places[t].workspaceId}/tasks/${places[t].taskId}/files`,
    upload: { name: 'another.pdf', bytes: PDF },
  }),
  'GET /api/workspaces/:workspaceId/tasks/:taskId/files/:fileId': async (t) => ({
    path: `/api/workspaces/${places[t].workspaceId}/tasks/${places[t].taskId}/files/${places[t].fileId}`,
  }),
  'GET /api/workspaces/:workspaceId/reminders/schedule': async (t) => ({
    path: `/api/workspaces/${places[t].workspaceId}/reminders/schedule`,
  }),
  'PUT /api/workspaces/:workspaceId/reminders/schedule': async (t) => ({
    path: `/api/workspaces/${places[t].workspaceId}/reminders/schedule`,
    body: { enabled: true, weekdays: ['Monday'], time: '09:00', timeZone: 'Pacific/Auckland' },
  }),
  'POST /api/workspaces/:workspaceId/reminders/notify-now': async (t) => ({
    path: `/api/workspaces/${places[t].workspaceId}/reminders/notify-now`,
  }),
  'GET /api/workspaces/:workspaceId/reminders': async (t) => ({
    path: `/api/workspaces/${places[t].workspaceId}/reminders`,
  }),
  'PUT /api/workspaces/:workspaceId/chart': async (t) => ({
    path: `/api/workspaces/${places[t].workspaceId}/chart`,
    body: {
      accounts: [{ accountId: randomUUID(), code: '449', name: 'Motor Vehicle Expenses', type: 'EXPENSE' }],
    },
  }),
  'PUT /api/workspaces/:workspaceId/settings': async (t) => ({
    path: `/api/workspaces/${places[t].workspaceId}/settings`,
    body: { clientAccountChoice: true },
  }),
  'GET /portal': async () => ({ path: '/portal' }),
  'GET /portal/workspaces/:workspaceId': async (t) => ({
    path: `/portal/workspaces/${places[t].workspaceId}`,
  }),
  'GET /portal/workspaces/:workspaceId/tasks/:taskId': async (t) => ({
    path: `/portal/workspaces/${places[t].workspaceId}/tasks/${places[t].taskId}`,
  }),
  'GET /portal/workspaces/:workspaceId/tasks/:taskId/files/:fileId': async (t) => ({
    path: `/portal/workspaces/${places[t].workspaceId}/tasks/${places[t].taskId}/files/${places[t].fileId}`,
  }),
  'POST /portal/workspaces/:workspaceId/answers': async (t) => ({
    path: `/portal/workspaces/${places[t].workspaceId}/answers`,
    form: { taskId: places[t].taskId, answer: 'Fuel for the van' },
  }),
};

/** Sends a sample as its route takes it: JSON, a file upload, or a portal form (redirects not followed). */
async function send(who: Caller, method: string, sample: Sample) {
  if (sample.upload) return who.upload(sample.path, sample.upload);
  if (sample.form) {
    const response = await fetch(`${hub.url}${sample.path}`, {
      method,
      headers: {
        ...(who.token ? { authorization: `Bearer ${who.token}` } : {}),
        origin: hub.url,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(sample.form),
      redirect: 'manual',
    });
    return { status: response.status, body: await response.text() };
  }
  return who.request(method, sample.path, sample.body);
}

const keyOf = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

/** What the permissions table says should happen. */
function expected(def: RouteDef, role: HubRole, target: Target): 'allowed' | 403 | 404 {
  const rule = PERMISSIONS[def.action];
  const reach = rule[role];
  if (rule.scope === 'firm') {
    if (reach === 'none') return 403;
    // PUT records the caller's own firm's connection to that Xero organisation (checked below).
    if (!def.path.includes(':') || def.method === 'put') return 'allowed';
    // A firm route naming a connection reaches only the caller's firm's, and with `assigned`
    // reach only those linked to the caller's workspaces.
    if (target === 'other firm' || (reach === 'assigned' && target === 'other')) return 404;
    return 'allowed';
  }
  if (target === 'other firm') return 404;
  const seeing = PERMISSIONS['workspace.read'][role] as Reach;
  const member = target === 'own';
  if (seeing === 'none' || (seeing === 'assigned' && !member)) return 404;
  if (reach === 'none' || (reach === 'assigned' && !member)) return 403;
  return 'allowed';
}

beforeAll(async () => {
  // Mail kept in the data folder, so the local Sent mail pages are served too (access: email.test.ts).
  hub = await startTestHub({ mail: 'kept' });
  firmA = await makeFirm(hub, 'Firm A');
  firmB = await makeFirm(hub, 'Firm B');
  const spare = await createUser(hub.services, hub.auth, firmA.firmId, {
    email: uniqueEmail('spare'),
    name: 'Spare Staff',
    role: 'Staff',
    password: PASSWORD,
  });
  spareStaffId = spare.userId;
  const ownMembers = [firmA.users.Staff.userId, firmA.users['Client User'].userId];
  places = {
    own: await furnish(firmA.users.Admin, firmA.firmId, firmA.own, ownMembers),
    other: await furnish(firmA.users.Admin, firmA.firmId, firmA.other, []),
    'other firm': await furnish(firmB.users.Admin, firmB.firmId, firmB.own, []),
  };
});
afterAll(() => hub?.stop());

describe(`authorisation matrix (${DATABASE})`, () => {
  it('knows every route the app serves', () => {
    const served = new Set(hub.app.routes.map((r) => keyOf(r.method, r.path)));
    const known = new Set([
      ...hubRoutes.map((d) => keyOf(d.method, d.path)),
      ...PUBLIC_ROUTES.map((r) => keyOf(r.method, r.path)),
      ...LOCAL_ROUTES.map((r) => keyOf(r.method, r.path)),
    ]);
    expect(
      [...served].filter((k) => !known.has(k)),
      'routes served but not in the permissions table',
    ).toEqual([]);
    expect(
      [...known].filter((k) => !served.has(k)),
      'routes listed but not served',
    ).toEqual([]);
    const sampled = new Set(Object.keys(SAMPLES));
    expect(
      hubRoutes.map((d) => keyOf(d.method, d.path)).filter((k) => !sampled.has(k)),
      'routes without a sample',
    ).toEqual([]);
    expect(hubRoutes.length).toBeGreaterThanOrEqual(20);
  });

  it('keeps the policy the firm expects in the table', () => {
    const rules = Object.entries(PERMISSIONS);
    // Admins change setup: users, workspaces and Xero connections.
    for (const action of [
      'users.create',
      'workspaces.create',
      'workspace.update',
      'workspace.delete',
      'connections.write',
    ] as const) {
      expect(PERMISSIONS[action], action).toMatchObject({
        Admin: 'all',
        Manager: 'none',
        Staff: 'none',
        'Client User': 'none',
      });
    }
    // Staff and clients reach only workspaces they belong to; clients never do the firm's work.
    for (const [action, rule] of rules) {
      if (rule.scope === 'workspace') expect(rule.Staff, action).not.toBe('all');
      if (action !== 'me.read') expect(rule['Client User'], action).not.toBe('all');
    }
    // The portal is the client's: firm users never act there as if they were the client.
    for (const [action, rule] of rules) {
      if (action.startsWith('portal.')) {
        expect(rule, action).toMatchObject({
          Admin: 'none',
          Manager: 'none',
          Staff: 'none',
          'Client User': 'assigned',
        });
      }
    }
    for (const action of [
      'tasks.upsert',
      'workspace.clients.invite',
      'workspace.clients.sign-out',
      'workspace.members.read',
      'workspace.activity.read',
      'connections.read',
      'reminders.read',
      'reminders.manage',
    ] as const) {
      expect(PERMISSIONS[action]['Client User'], action).toBe('none');
    }
  });

  it('refuses every route to someone not signed in', async () => {
    const anonymous = caller(hub.url, '');
    for (const def of hubRoutes) {
      const sample = await SAMPLES[keyOf(def.method, def.path)]?.('own');
      if (!sample) throw new Error(`no sample for ${def.path}`);
      const reply = await send(anonymous, def.method.toUpperCase(), sample);
      expect(reply.status, keyOf(def.method, def.path)).toBe(401);
    }
  });

  it('answers every route, for every role, on own, other and another firm’s workspace, as the table says', async () => {
    const outcomes: string[] = [];
    const mismatches: string[] = [];
    for (const def of hubRoutes) {
      for (const role of HUB_ROLES) {
        for (const target of TARGETS) {
          const key = keyOf(def.method, def.path);
          const sample = await SAMPLES[key]?.(target);
          if (!sample) throw new Error(`no sample for ${key}`);
          const who = firmA.users[role];
          const reply = await send(who, def.method.toUpperCase(), sample);
          const want = expected(def, role, target);
          // A portal form answers with a redirect to the page that shows the result.
          const success =
            (reply.status >= 200 && reply.status < 300) || (sample.form && reply.status === 303);
          const ok = want === 'allowed' ? success : reply.status === want;
          const line = `${key} as ${role} on ${target}: expected ${want}, got ${reply.status}`;
          outcomes.push(line);
          if (!ok) mismatches.push(`${line} ${JSON.stringify(reply.body).slice(0, 200)}`);
          // An allowed answer has the shape /openapi.json promises (the same zod schema).
          const promised = def.responses[reply.status];
          if (ok && promised && typeof promised === 'object') {
            const parsed = promised.safeParse(reply.body);
            if (!parsed.success)
              mismatches.push(
                `${line}: answer does not match its schema: ${parsed.error.message.slice(0, 300)}`,
              );
          }
          // Nothing of a workspace the caller may not see ever appears in an answer.
          const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
          const sent = `${sample.path} ${JSON.stringify(sample.body)}`;
          const hidden = [
            places['other firm'],
            ...(PERMISSIONS['workspace.read'][role] === 'all' ? [] : [places.other]),
          ];
          for (const place of hidden) {
            for (const secret of [place.workspaceId, place.taskId, place.fileId, place.tenantId]) {
              if (text.includes(secret) && !sent.includes(secret))
                mismatches.push(`${line}: the answer shows ${secret} from a workspace ${role} may not see`);
            }
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(outcomes.length).toBe(hubRoutes.length * HUB_ROLES.length * TARGETS.length);
    // The table is not trivially permissive or restrictive: both kinds of answer happen.
    expect(outcomes.some((o) => o.includes('expected allowed'))).toBe(true);
    expect(outcomes.some((o) => o.includes('expected 403'))).toBe(true);
    expect(outcomes.some((o) => o.includes('expected 404'))).toBe(true);
    // Firm A's Admin recording a connection to firm B's organisation changed nothing of firm B's.
    const theirs = await firmB.users.Admin.request(
      'GET',
      `/api/connections/${places['other firm'].tenantId}`,
    );
    expect(theirs.body).toMatchObject({
      organisationName: `Org ${places['other firm'].tenantId.slice(0, 4)}`,
      health: 'healthy',
    });
    // Some 900 requests (every route, role and workspace): minutes on a busy two-core machine.
  }, 300_000);
});
