/** @jsxImportSource hono/jsx */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { WorkspaceRow } from '../domain/access.ts';
import { answerTasks, CLIENT_MAY_ANSWER } from '../domain/answers.ts';
import type { HubServices } from '../domain/context.ts';
import {
  PORTAL_VIEWS,
  type PortalView,
  portalQuestions,
  portalTask,
  portalWorkspace,
  portalWorkspaces,
} from '../domain/portal.ts';
import type { HubError } from '../domain/problems.ts';
import { notFound } from '../domain/problems.ts';
import { firmName } from '../domain/users.ts';
import { clientAccounts } from '../domain/workspaces.ts';
import { pageResponse } from '../portal/layout.tsx';
import { HomePage, ProblemPage, TaskPage, taskPath, WorkspacePage, workspacePath } from '../portal/pages.tsx';
import { formBody, route } from './define.ts';
import { download } from './download.ts';

/**
 * The client portal: pages for client users, signed in by cookie (the emailed link). Each page is
 * one permission of the table like any API route; the page guards (security headers, cross-site
 * form refusal) come from the app. Forms post and redirect (no script on any page).
 */

const P = '/portal/workspaces/:workspaceId';

export const showProblem = (error: HubError) => {
  const response = pageResponse(
    <ProblemPage status={error.status} title={error.title} detail={error.detail} />,
    error.status,
  );
  for (const [name, value] of Object.entries(error.headers ?? {})) response.headers.set(name, value);
  return response;
};

const redirect = (location: string) => new Response(null, { status: 303, headers: { location } });

const listQuery = z.object({
  view: z.enum(Object.keys(PORTAL_VIEWS) as [PortalView, ...PortalView[]]).catch('open'),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
  answered: z.coerce.number().int().min(1).optional().catch(undefined),
});

const oneOrMany = z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v]));

/** The answer form, one question or several ticked ones. */
export const answerFormSchema = z.object({
  taskId: oneOrMany.pipe(z.array(z.string().min(1).max(100)).max(200)).default([]),
  answer: z.string().max(10_000).default(''),
  accountId: z
    .string()
    .max(100)
    .optional()
    .transform((v) => v || undefined),
  submission: z
    .string()
    .regex(/^[\w-]{8,100}$/)
    .optional(),
  from: z.enum(['task', 'list']).default('list'),
});

type PortalBusiness = Awaited<ReturnType<typeof portalWorkspaces>>[number];

async function workspacePage(
  services: HubServices,
  workspace: WorkspaceRow,
  /** The client's businesses, counted: the one shown is among them. */
  businesses: PortalBusiness[],
  query: z.output<typeof listQuery>,
) {
  const shown = businesses.find((b) => b.id === workspace.id);
  if (!shown) throw notFound('Workspace');
  const [questions, accounts, business] = await Promise.all([
    portalQuestions(services, workspace, query.view, query.page),
    query.view === 'closed' ? Promise.resolve([]) : clientAccounts(services, workspace),
    portalWorkspace(services, workspace),
  ]);
  return pageResponse(
    <WorkspacePage
      firmName={shown.firmName}
      workspace={business}
      view={query.view}
      page={query.page}
      counts={shown.counts}
      questions={questions}
      accounts={accounts}
      submission={randomUUID()}
      answered={query.answered}
      showAllBusinesses={businesses.length > 1}
    />,
  );
}

export const portalRoutes = [
  route({
    method: 'get',
    path: '/portal',
    action: 'portal.home',
    summary: 'The client portal: the questions of your business (or your businesses, to pick one)',
    query: listQuery,
    responses: { 200: 'html' },
    problemPage: showProblem,
    handle: async ({ services, member, query }) => {
      const businesses = await portalWorkspaces(services, member);
      const [only] = businesses;
      if (businesses.length === 1 && only) {
        // Already authorised: portal.home reaches only the client's own workspaces, which these are.
        return workspacePage(services, only, businesses, query);
      }
      return pageResponse(
        <HomePage
          firmName={only?.firmName ?? (await firmName(services.db, member.firmId))}
          workspaces={businesses}
        />,
      );
    },
  }),
  route({
    method: 'get',
    path: P,
    action: 'portal.read',
    summary: "A business's questions in the portal, 50 to a page",
    query: listQuery,
    responses: { 200: 'html' },
    problemPage: showProblem,
    handle: async ({ services, member, workspace, query }) =>
      workspacePage(services, workspace, await portalWorkspaces(services, member), query),
  }),
  route({
    method: 'get',
    path: `${P}/tasks/:taskId`,
    action: 'portal.read',
    summary: 'One question in the portal: what was said, the receipts, and the answer form',
    query: z.object({ saved: z.string().optional() }),
    responses: { 200: 'html' },
    problemPage: showProblem,
    handle: async ({ services, member, workspace, params, query }) => {
      const { task, comments, files } = await portalTask(services, workspace, params.taskId ?? '');
      const mayAnswer = CLIENT_MAY_ANSWER.has(task.status);
      const [name, accounts, business] = await Promise.all([
        firmName(services.db, member.firmId),
        mayAnswer ? clientAccounts(services, workspace) : Promise.resolve([]),
        portalWorkspace(services, workspace),
      ]);
      return pageResponse(
        <TaskPage
          firmName={name}
          workspace={business}
          task={task}
          comments={comments}
          files={files}
          accounts={accounts}
          me={member.userId}
          submission={randomUUID()}
          saved={query.saved !== undefined}
          mayAnswer={mayAnswer}
        />,
      );
    },
  }),
  route({
    method: 'get',
    path: `${P}/tasks/:taskId/files/:fileId`,
    action: 'portal.read',
    summary: 'A receipt on a question, as a download',
    responses: { 200: 'binary' },
    problemPage: showProblem,
    handle: async ({ services, workspace, params }) => {
      const { files } = await portalTask(services, workspace, params.taskId ?? '');
      const file = files.find((f) => f.id === params.fileId);
      if (!file) throw notFound('Receipt');
      return download(services, file);
    },
  }),
  route({
    method: 'post',
    path: `${P}/answers`,
    action: 'portal.answer',
    summary: 'Answer one question, or several ticked ones together: words, receipts, an account',
    body: formBody(answerFormSchema),
    responses: { 303: null },
    problemPage: showProblem,
    handle: async ({ services, member, workspace, body }) => {
      const { fields, files } = body;
      const { answered } = await answerTasks(services, member, workspace, {
        taskIds: fields.taskId,
        answer: fields.answer,
        accountId: fields.accountId,
        receipts: files,
        submission: fields.submission,
      });
      const [only] = fields.taskId;
      if (fields.from === 'task' && only) return redirect(`${taskPath(workspace.id, only)}?saved=1`);
      return redirect(`${workspacePath(workspace.id)}?answered=${answered}`);
    },
  }),
];
