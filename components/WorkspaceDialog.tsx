import { useState } from 'preact/hooks';
import type { Connection, Workspace } from '@/lib/db/records';
import { isolated } from '@/lib/text/hostile';
import { Dialog } from './Dialog';

interface Props {
  row: Connection;
  workspaces: Workspace[];
  onSave: (choice: { workspaceId: string } | { newWorkspaceName: string }) => Promise<void>;
  onClose: () => void;
  /** The workspaces are the firm's, on its Client Hub server (a new one is created there). */
  onServer?: boolean;
}

/** Links a Xero company to a Client Hub workspace: a new one named after it, or an existing one. */
export function WorkspaceDialog({ row, workspaces, onSave, onClose, onServer = false }: Props) {
  const companyName = row.organisation?.name ?? row.tenantName;
  const [mode, setMode] = useState<'new' | 'existing'>('new');
  const [name, setName] = useState(companyName);
  const [existing, setExisting] = useState(workspaces[0]?.id ?? '');
  const [problem, setProblem] = useState<string | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    if (mode === 'new' && !name.trim()) return setProblem('Give the new workspace a name.');
    if (mode === 'existing' && !existing) return setProblem('Choose a workspace.');
    try {
      await onSave(mode === 'new' ? { newWorkspaceName: name.trim() } : { workspaceId: existing });
      onClose();
    } catch (error) {
      setProblem(error instanceof Error ? error.message : 'Could not link the workspace.');
    }
  }

  return (
    <Dialog title={`Choose a workspace for ${isolated(companyName)}`} onClose={onClose}>
      <form onSubmit={submit}>
        {onServer && (
          <p class="muted" data-testid="workspaces-on-server">
            Workspaces are your firm’s, on its Client Hub server: everyone in the firm sees the one you link.
          </p>
        )}
        <p>
          <label>
            <input
              type="radio"
              name="workspace-mode"
              checked={mode === 'new'}
              onChange={() => setMode('new')}
            />{' '}
            Create a new workspace
          </label>
        </p>
        <p>
          <label for="new-workspace-name">New workspace name</label>
          <input
            id="new-workspace-name"
            value={name}
            disabled={mode !== 'new'}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </p>
        <p>
          <label>
            <input
              type="radio"
              name="workspace-mode"
              checked={mode === 'existing'}
              disabled={workspaces.length === 0}
              onChange={() => setMode('existing')}
            />{' '}
            Use an existing workspace
          </label>
        </p>
        {workspaces.length > 0 && (
          <p>
            <label for="existing-workspace">Existing workspace</label>
            <select
              id="existing-workspace"
              value={existing}
              disabled={mode !== 'existing'}
              onChange={(e) => setExisting(e.currentTarget.value)}
            >
              {workspaces.map((w) => (
                <option key={w.id} value={w.id}>
                  {isolated(w.name)}
                </option>
              ))}
            </select>
          </p>
        )}
        {problem && (
          <p class="notice problem" role="alert">
            {problem}
          </p>
        )}
        <p class="buttons">
          <button type="submit" class="primary">
            Link workspace
          </button>
          <button type="button" onClick={onClose}>
            Later
          </button>
        </p>
      </form>
    </Dialog>
  );
}
