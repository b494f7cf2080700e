import { Dexie, type EntityTable } from 'dexie';
import type { Connection, Grant, PendingRemoval, Workspace } from './records';

export interface SettingRow {
  key: string;
  value: unknown;
}

/**
 * The extension origin's IndexedDB. Content scripts run in the web page's origin and cannot open it,
 * which is why tokens live here and not in storage.local.
 */
export class ClientHubDb extends Dexie {
  settings!: EntityTable<SettingRow, 'key'>;
  grants!: EntityTable<Grant, 'id'>;
  connections!: EntityTable<Connection, 'tenantId'>;
  workspaces!: EntityTable<Workspace, 'id'>;
  pendingRemovals!: EntityTable<PendingRemoval, 'tenantId'>;

  constructor(name = 'client-hub', options?: ConstructorParameters<typeof Dexie>[1]) {
    super(name, options);
    this.version(1).stores({
      settings: 'key',
      grants: 'id, status',
      connections: 'tenantId, grantId, workspaceId',
      workspaces: 'id, name',
      pendingRemovals: 'tenantId',
    });
  }
}
