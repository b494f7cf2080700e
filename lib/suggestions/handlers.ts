import type { ClientHubDb } from '../db/database';
import type { FirmUser } from '../db/records';
import type { Handlers } from '../messaging/router';
import type { Governor } from '../sync/governor';
import type { Outbox } from '../tasks/outbox';
import { TaskActionError } from '../tasks/service';
import type { XeroApi } from '../xero/api';
import { createSuggestionActions } from './accept';
import { createHistoryReader } from './history-read';
import type { suggestionRequestSchemas } from './messages';
import { createSuggestionService } from './service';

export interface SuggestionsDeps {
  db: ClientHubDb;
  api: XeroApi;
  now: () => number;
  newId: () => string;
  outbox: Outbox;
  governor?: Governor;
  firmUser: () => Promise<FirmUser | null>;
}

type SuggestionHandlers = Pick<Handlers, keyof typeof suggestionRequestSchemas | 'suggestions.forTask'>;

/** The background's suggested accounts: the history read, suggestions, and Accept / Ask the client. */
export function startSuggestions(deps: SuggestionsDeps) {
  const service = createSuggestionService({ db: deps.db, now: deps.now });
  const history = createHistoryReader({
    db: deps.db,
    api: deps.api,
    now: deps.now,
    ...(deps.governor ? { governor: deps.governor } : {}),
  });
  const actions = createSuggestionActions({
    db: deps.db,
    now: deps.now,
    newId: deps.newId,
    outbox: deps.outbox,
    suggestions: service,
  });

  async function user(): Promise<FirmUser> {
    const found = await deps.firmUser();
    if (!found)
      throw new TaskActionError('no-firm-user', 'Tell Client Hub who you are first (Setup & Settings).');
    return found;
  }

  const handlers: SuggestionHandlers = {
    'suggestions.forTasks': async ({ taskIds }) => ({ suggestions: await service.forTasks(taskIds) }),
    // From the badge's menu inside Xero: ids and words only, shown there as text.
    'suggestions.forTask': async ({ taskId }) => {
      const [suggestion] = await service.forTasks([taskId]);
      return { suggestion: suggestion ?? null };
    },
    'suggestions.forWorkspace': async ({ workspaceId }) => ({
      suggestions: await service.forWorkspace(workspaceId),
    }),
    'suggestions.accept': async ({ accepts, onlyHigh }) =>
      actions.accept(accepts, await user(), { onlyHigh }),
    'suggestions.ask': async ({ taskId }) => actions.ask(taskId, await user()),
  };
  return { handlers, service, history, actions };
}
