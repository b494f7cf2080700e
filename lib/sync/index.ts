export { type AccountChoices, accountChoices } from './accounts';
export {
  companyLockName,
  createSyncEngine,
  type SyncEngine,
  type SyncEngineDeps,
  type SyncOptions,
  type SyncProgress,
  scopeKeyOf,
} from './engine';
export { createGovernor, type Governor, type GovernorOptions, type Priority, realSleep } from './governor';
export * from './records';
export { applyTransaction, qualifies, snapshotChanges, type TaskScope } from './rules';
export { backfillFromDate, ianaTimeZone } from './timezone';
