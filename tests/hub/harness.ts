// The hub's test harness lives in tests/support/hub.ts, shared with the integration tests that
// drive the extension's background against a real hub.
export * from '../support/hub.ts';
