import type { ClientHubDb } from '@/lib/db/database';

/**
 * A few rows of one Xero company in every table that keeps company data, as the extension writes
 * them (tasks with their answers, staged and uploaded files, outbox jobs carrying answer text, a
 * Close, Xero's attachment list, activity, sync state). Keyed by table name so a test can check that
 * every table of the schema was filled.
 */
export function companyRows(tenantId: string, tag: string): Record<string, unknown[]> {
  const at = 1_700_000_000_000;
  const taskIds = [`task-${tag}-1`, `task-${tag}-2`];
  const txIds = [`tx-${tag}-1`, `tx-${tag}-2`];
  const snapshot = {
    date: '2026-10-01',
    contactName: `Contact ${tag}`,
    description: '',
    reference: '',
    amount: 12.34,
    currency: 'NZD',
    bankAccount: { id: `bank-${tag}`, name: 'Cheque' },
    accountCoded: null,
    hasAttachments: false,
    attachmentCount: 0,
    type: 'SPEND',
    xeroStatus: 'AUTHORISED',
  };
  return {
    connections: [],
    pendingRemovals: [
      {
        tenantId,
        tenantName: `Company ${tag}`,
        xeroConnectionId: `conn-${tag}`,
        grantId: null,
        requestedAt: at,
        attempts: 1,
      },
    ],
    accounts: [
      {
        tenantId,
        accountId: `acct-${tag}`,
        code: '498',
        name: 'Uncategorized Expense',
        type: 'EXPENSE',
        accountClass: 'EXPENSE',
        status: 'ACTIVE',
        isBankAccount: false,
      },
    ],
    bankTransactions: txIds.map((bankTransactionId) => ({
      tenantId,
      bankTransactionId,
      type: 'SPEND',
      status: 'AUTHORISED',
      date: '2026-10-01',
      contactName: `Contact ${tag}`,
      description: '',
      reference: '',
      total: 12.34,
      currency: 'NZD',
      bankAccount: { id: `bank-${tag}`, name: 'Cheque' },
      lineItems: [],
      hasAttachments: false,
      updatedDateUtc: at,
      isReconciled: false,
    })),
    clientTasks: taskIds.map((id, i) => ({
      id,
      tenantId,
      workspaceId: `ws-${tag}`,
      bankTransactionId: txIds[i],
      status: i === 0 ? 'Answered' : 'Open',
      snapshot,
      createdAt: at,
      updatedAt: at,
    })),
    taskActivity: taskIds.map((taskId) => ({
      id: `activity-${taskId}`,
      taskId,
      tenantId,
      at,
      kind: 'created',
      text: 'Task created from Xero',
      changes: [],
    })),
    syncCursors: [{ tenantId, phase: 'incremental', scopeKey: `SPEND|acct-${tag}`, modifiedSince: at }],
    syncRuns: [{ id: `run-${tag}`, tenantId, reason: 'schedule', startedAt: at, state: 'succeeded' }],
    quarantine: [
      { tenantId, source: 'BankTransactions', recordId: `bad-${tag}`, reason: 'no Total', at, raw: '{}' },
    ],
    syncSettings: [{ tenantId, types: ['SPEND'] }],
    taskMessages: [
      {
        id: `message-${tag}`,
        taskId: taskIds[0],
        tenantId,
        at,
        from: 'client',
        recordedBy: 'Ada Admin',
        text: `Secret answer ${tag}`,
        account: null,
        writtenToXeroAt: null,
      },
    ],
    taskFiles: [
      {
        id: `file-${tag}`,
        taskId: taskIds[0],
        tenantId,
        bankTransactionId: txIds[0],
        fileName: `receipt-${tag}.pdf`,
        originalName: `receipt-${tag}.pdf`,
        mimeType: 'application/pdf',
        size: 7,
        sha256: null,
        blob: new Blob(['%PDF-1.']),
        addedAt: at,
        state: 'staged',
      },
    ],
    outbox: [
      {
        id: `job-${tag}`,
        taskId: taskIds[0],
        tenantId,
        bankTransactionId: txIds[0],
        closeId: `close-${tag}`,
        seq: 1,
        payload: { kind: 'history', messageIds: [`message-${tag}`], notes: [`Secret answer ${tag}`] },
        idempotencyKey: `key-${tag}`,
        state: 'failed',
        attempts: 3,
        nextAttemptAt: at,
        createdAt: at,
        updatedAt: at,
      },
    ],
    closeRequests: [
      {
        id: `close-${tag}`,
        taskId: taskIds[0],
        requestedAt: at,
        requestedBy: 'Ada Admin',
        previousStatus: 'Answered',
        state: 'failed',
      },
    ],
    xeroAttachments: [
      { tenantId, bankTransactionId: txIds[0], updatedDateUtc: at, fetchedAt: at, attachments: [] },
    ],
    taskEvents: [
      { id: `event-${tag}`, taskId: taskIds[0], at, kind: 'answer-recorded', text: 'Answer recorded' },
    ],
    historyEntries: txIds.map((bankTransactionId) => ({
      tenantId,
      bankTransactionId,
      type: 'SPEND',
      date: '2026-10-01',
      contactId: `contact-${tag}`,
      contactName: `Contact ${tag}`,
      nameKey: `contact ${tag}`,
      accountIds: [`acct-${tag}`],
      tokens: ['power'],
    })),
    historyCursors: [
      {
        tenantId,
        fromDate: '2025-11-01',
        modifiedSince: at,
        page: 1,
        done: true,
        calls: 1,
        scanned: 2,
        finishedAt: at,
      },
    ],
    hubLinks: [
      { tenantId, workspaceId: `ws-${tag}`, workspaceName: `Workspace ${tag}`, since: 7, pulledAt: at },
    ],
    hubFiles: [
      {
        id: `hub-file-${tag}`,
        taskId: taskIds[0],
        hubTaskId: `hub-${taskIds[0]}`,
        tenantId,
        workspaceId: `ws-${tag}`,
        fileName: 'receipt.pdf',
        mimeType: 'application/pdf',
        size: 10,
        sha256: 'ab'.repeat(32),
        uploadedBy: { userId: 'client-1', name: 'Cleo Client' },
        createdAt: new Date(at).toISOString(),
        localFileId: null,
      },
    ],
    hubFileBytes: [
      {
        id: `hub-file-${tag}`,
        tenantId,
        taskId: taskIds[0],
        blob: new Blob(['%PDF-1.4 x']),
        storedAt: at,
      },
    ],
  };
}

/** Puts every row of companyRows into its table. */
export async function seedCompany(db: ClientHubDb, tenantId: string, tag: string) {
  for (const [name, rows] of Object.entries(companyRows(tenantId, tag))) {
    if (rows.length > 0) await db.table(name).bulkPut(rows);
  }
}

/** The rows of every table whose stored form mentions one of `marks` (tenant id, task ids), by table. */
export function rowsMentioning(dump: Record<string, unknown[]>, marks: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [name, rows] of Object.entries(dump)) {
    counts[name] = rows.filter((row) => {
      const text = JSON.stringify(row);
      return marks.some((mark) => text.includes(mark));
    }).length;
  }
  return counts;
}

/** Every table of the schema, enumerated at run time (db.tables), with all of its rows. */
export async function dumpAll(db: ClientHubDb): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const table of db.tables) dump[table.name] = await table.toArray();
  return dump;
}
