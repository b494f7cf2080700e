export * from './auth.ts';
export * from './firm.ts';
export * from './ops.ts';
export * from './reminders.ts';
export * from './tasks.ts';
