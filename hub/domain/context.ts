import type { DatabaseKind, HubDb } from '../db/client.ts';
import type { Mailer, SentMailStore } from '../email/mailer.ts';
import type { JobQueue } from '../jobs/queue.ts';
import type { FileStore } from '../storage/files.ts';
import type { Clock } from './clock.ts';

/** What the domain needs from the outside world, passed in (tests and benches pass their own). */
export interface Deps {
  db: HubDb;
  clock: Clock;
}

export interface HubLimits {
  /** Largest JSON request body, bytes. */
  jsonBodyBytes: number;
  /** Largest file upload request, bytes (a 10 MB file plus its form fields). */
  uploadBodyBytes: number;
  /** Largest portal answer (its receipts plus the form), bytes. */
  portalBodyBytes: number;
  signInAttemptsPerMinute: number;
}

export const DEFAULT_LIMITS: HubLimits = {
  jsonBodyBytes: 2 * 1024 * 1024,
  uploadBodyBytes: 10 * 1024 * 1024 + 64 * 1024,
  // Three receipts of 10 MB each, and the words.
  portalBodyBytes: 3 * 10 * 1024 * 1024 + 64 * 1024,
  signInAttemptsPerMinute: 10,
};

export interface HubServices extends Deps {
  kind: DatabaseKind;
  files: FileStore;
  limits: HubLimits;
  /** The durable job queue (reminder emails). */
  jobs: JobQueue;
  mailer: Mailer;
  /** Mail kept in the data folder when no SMTP server is configured (the local Sent mail page). */
  sentMail?: SentMailStore | undefined;
  /** The address people reach the hub at: links in emails start with it. */
  publicUrl: string;
}
