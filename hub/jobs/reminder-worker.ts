import type { HubServices } from '../domain/context.ts';
import { queueDueReminders, REMINDER_QUEUE, reminderJobSchema, sendReminders } from '../domain/reminders.ts';
import type { Mailer } from '../email/mailer.ts';

export interface ReminderWorkerOptions {
  mailer: Mailer;
  /** Where clients reach the hub: the base of the sign-in link in each email. */
  publicUrl: string;
  /** How often this instance looks for schedules that are due. */
  tickMs: number;
  log: (message: string, error?: unknown) => void;
}

/**
 * The reminder side of one hub instance: it sends the reminder jobs it claims from the queue, and
 * every `tickMs` queues the scheduled sends that have come due (see queueDueReminders for why many
 * instances doing this at once still queue each send once).
 */
export async function startReminderWorker(services: HubServices, options: ReminderWorkerOptions) {
  await services.jobs.work(REMINDER_QUEUE, async (data) => {
    await sendReminders(services, options, reminderJobSchema.parse(data));
  });
  let ticking: Promise<unknown> | undefined;
  const tick = () => {
    ticking ??= queueDueReminders(services)
      .catch((error: unknown) => options.log('Client Hub could not queue due reminders', error))
      .finally(() => {
        ticking = undefined;
      });
  };
  const timer = setInterval(tick, options.tickMs);
  timer.unref();
  tick();
  return {
    /** Stops looking for due schedules (the queue's own stop ends the job workers). */
    async stop() {
      clearInterval(timer);
      await ticking;
    },
  };
}
