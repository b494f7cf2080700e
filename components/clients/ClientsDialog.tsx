import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ClientsView, ClientUser } from '@/lib/hub/clients-messages';
import { WEEKDAYS, type Weekday } from '@/lib/hub/reminders';
import { BackgroundError } from '@/lib/messaging/client';
import type { MessageError } from '@/lib/messaging/contract';
import { ask } from '@/lib/messaging/extension';
import { isolated } from '@/lib/text/hostile';
import { ColumnHeads } from '../ColumnHeads';
import { Dialog } from '../Dialog';
import { ProblemNotice } from '../ProblemNotice';
import { TextField } from '../TextField';
import { XeroText } from '../XeroText';

/**
 * A workspace's "Clients & reminders" (only with the firm's Client Hub server): its client users and
 * their invitations, the reminder schedule, Notify now and who was reminded when, and which accounts
 * the client may pick in the portal. The server decides who may do what; its refusal is shown as is.
 */

const asProblem = (error: unknown): MessageError =>
  error instanceof BackgroundError
    ? error.detail
    : {
        code: 'unknown',
        message: 'Client Hub could not reach its background. Reload this page and try again.',
      };

/** One section's outcome: a line saying what happened, or the problem in plain words. */
type Outcome = { done: string } | { problem: MessageError } | null;

function Outcome({ outcome, testId }: { outcome: Outcome; testId: string }) {
  if (!outcome) return null;
  if ('problem' in outcome) return <ProblemNotice problem={outcome.problem} />;
  return (
    <p class="notice" role="status" data-testid={testId}>
      {outcome.done}
    </p>
  );
}

/** One button's work: busy while it runs, then what it did or the problem. */
function useAction() {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const run = async (task: () => Promise<string>) => {
    setBusy(true);
    setOutcome(null);
    try {
      setOutcome({ done: await task() });
    } catch (error) {
      setOutcome({ problem: asProblem(error) });
    } finally {
      setBusy(false);
    }
  };
  return { busy, outcome, run };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function when(iso: string | null, timeZone?: string): string {
  if (!iso) return '';
  const options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeStyle: 'short' };
  try {
    return new Intl.DateTimeFormat(undefined, { ...options, ...(timeZone ? { timeZone } : {}) }).format(
      new Date(iso),
    );
  } catch {
    return new Intl.DateTimeFormat(undefined, options).format(new Date(iso));
  }
}

/** What Notify now did, in the words a bookkeeper expects. */
export function describeNotify(result: { queued: boolean; openQuestions: number; recipients: number }) {
  if (result.openQuestions === 0) return 'Nothing open, nothing sent.';
  if (result.recipients === 0) return 'No client is invited to this workspace yet, so nothing was sent.';
  return `Emailed ${plural(result.recipients, 'client')} about ${plural(result.openQuestions, 'open question')}.`;
}

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function ClientsDialog({
  workspaceId,
  workspaceName,
  onClose,
}: {
  workspaceId: string;
  workspaceName: string;
  onClose: () => void;
}) {
  const [view, setView] = useState<ClientsView | null>(null);
  const [loadProblem, setLoadProblem] = useState<MessageError | null>(null);
  const reload = () =>
    ask({ type: 'clients.view', workspaceId }).then(
      (next) => {
        setView(next);
        setLoadProblem(null);
      },
      (error) => setLoadProblem(asProblem(error)),
    );
  useEffect(() => {
    void reload();
  }, [workspaceId]);
  /** After Notify now, and while a reminder is on its way, the history is read again until it settles. */
  const [watchUntil, setWatchUntil] = useState(0);
  const sending = view?.reminders.some((r) => r.state === 'sending') ?? false;
  useEffect(() => {
    if (!view || (!sending && Date.now() > watchUntil)) return;
    const timer = setTimeout(() => void reload(), 1500);
    return () => clearTimeout(timer);
  }, [view, sending, watchUntil]);

  return (
    <Dialog title={`Clients & reminders for ${isolated(workspaceName)}`} onClose={onClose}>
      <div class="clients-view" data-testid="clients-view">
        {loadProblem && <ProblemNotice problem={loadProblem} />}
        {!view && !loadProblem && <p class="muted">Loading…</p>}
        {view && (
          <>
            <ClientList workspaceId={workspaceId} clients={view.clients} />
            <InviteForm workspaceId={workspaceId} onInvited={reload} />
            <ScheduleForm workspaceId={workspaceId} schedule={view.schedule} />
            <NotifyNow workspaceId={workspaceId} onSent={() => setWatchUntil(Date.now() + 60_000)} />
            <ReminderHistory view={view} onRefresh={reload} />
            <AccountChoice workspaceId={workspaceId} view={view} />
          </>
        )}
        <p class="buttons">
          <button type="button" onClick={onClose}>
            Close
          </button>
        </p>
      </div>
    </Dialog>
  );
}

/** One part of the view, under its heading. */
function Section({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>{title}</h3>
      {children}
    </section>
  );
}

type Action = ReturnType<typeof useAction>;

/** A button that runs its section's action, saying so while it runs. */
function ActionButton({
  action,
  label,
  busyLabel,
  onClick,
}: {
  action: Action;
  label: string;
  busyLabel: string;
  /** Without it, the button submits its form. */
  onClick?: () => void;
}) {
  return (
    <p>
      <button
        type={onClick ? 'button' : 'submit'}
        class={onClick ? undefined : 'primary'}
        disabled={action.busy}
        onClick={onClick}
      >
        {action.busy ? busyLabel : label}
      </button>
    </p>
  );
}

/** A form whose submit runs `task` as its section's action; its button last. */
function ActionForm({
  action,
  task,
  label,
  busyLabel,
  noValidate,
  children,
}: {
  action: Action;
  task: () => Promise<string>;
  label: string;
  busyLabel: string;
  noValidate?: boolean;
  children: ComponentChildren;
}) {
  const submit = (event: Event) => {
    event.preventDefault();
    void action.run(task);
  };
  return (
    <form noValidate={noValidate} onSubmit={submit}>
      {children}
      <ActionButton action={action} label={label} busyLabel={busyLabel} />
    </form>
  );
}

/** A section's on/off setting, in words. */
function Switch({
  on,
  onChange,
  children,
}: {
  on: boolean;
  onChange: (on: boolean) => void;
  children: ComponentChildren;
}) {
  return (
    <p>
      <label>
        <input type="checkbox" checked={on} onChange={(e) => onChange(e.currentTarget.checked)} /> {children}
      </label>
    </p>
  );
}

/** Ticks for some of a list's items: each one's box and what it says. */
function Ticks<T>({
  items,
  keyOf,
  ticked,
  onChange,
  itemClass,
  children: describe,
}: {
  items: readonly T[];
  keyOf: (item: T) => string;
  ticked: readonly string[];
  onChange: (ticked: string[]) => void;
  itemClass: string;
  children: (item: T) => ComponentChildren;
}) {
  const toggle = (key: string) =>
    onChange(ticked.includes(key) ? ticked.filter((k) => k !== key) : [...ticked, key]);
  return (
    <>
      {items.map((item) => {
        const key = keyOf(item);
        return (
          <label key={key} class={itemClass}>
            <input type="checkbox" checked={ticked.includes(key)} onChange={() => toggle(key)} />{' '}
            {describe(item)}
          </label>
        );
      })}
    </>
  );
}

function ClientList({ workspaceId, clients }: { workspaceId: string; clients: ClientUser[] }) {
  const action = useAction();
  const endSessions = (client: ClientUser) =>
    action.run(async () => {
      await ask({ type: 'clients.endSessions', workspaceId, userId: client.userId });
      return `${isolated(client.name)} is signed out on every device. They can sign in again from an emailed link.`;
    });
  return (
    <Section id="clients" title="Client users">
      {clients.length === 0 ? (
        <p class="muted">Nobody from this business is invited yet.</p>
      ) : (
        <table aria-label="Client users">
          <ColumnHeads names={['Name', 'Email', 'Invitation', 'Actions']} />
          <tbody>
            {clients.map((client) => (
              <tr key={client.userId}>
                <th scope="row">
                  <XeroText text={client.name} />
                </th>
                <td>
                  <XeroText text={client.email} />
                </td>
                <td data-testid="invitation-status">
                  {client.status === 'signed in' ? 'Signed in' : 'Invited'}
                </td>
                <td>
                  <button type="button" disabled={action.busy} onClick={() => void endSessions(client)}>
                    End sessions<span class="visually-hidden"> of {isolated(client.name)}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Outcome outcome={action.outcome} testId="sessions-result" />
    </Section>
  );
}

function InviteForm({ workspaceId, onInvited }: { workspaceId: string; onInvited: () => void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const action = useAction();
  const invite = async () => {
    const result = await ask({ type: 'clients.invite', workspaceId, name, email });
    setName('');
    setEmail('');
    onInvited();
    const address = isolated(result.client.email);
    return result.created
      ? `Invitation emailed to ${address}.`
      : `${address} was already invited: the invitation was emailed again.`;
  };
  return (
    <Section id="invite" title="Invite client">
      <p class="muted">
        They get an email saying who asks and why, with a link to sign in. No password is needed.
      </p>
      {/* noValidate: a mistyped address gets our plain words, not the browser's bubble. */}
      <ActionForm action={action} task={invite} label="Invite client" busyLabel="Inviting…" noValidate>
        <TextField id="invite-name" label="Client’s name" value={name} onValue={setName} autoComplete="off" />
        <TextField
          id="invite-email"
          label="Client’s email"
          type="email"
          value={email}
          onValue={setEmail}
          autoComplete="off"
        />
      </ActionForm>
      <Outcome outcome={action.outcome} testId="invite-result" />
    </Section>
  );
}

function ScheduleForm({ workspaceId, schedule }: { workspaceId: string; schedule: ClientsView['schedule'] }) {
  const [enabled, setEnabled] = useState(schedule.enabled);
  const [days, setDays] = useState<Weekday[]>(schedule.weekdays.length ? schedule.weekdays : ['Monday']);
  const [time, setTime] = useState(schedule.time || '09:00');
  const [timeZone, setTimeZone] = useState(schedule.timeZone || browserZone());
  const [nextSendAt, setNextSendAt] = useState(schedule.nextSendAt);
  const action = useAction();
  const save = async () => {
    const saved = await ask({
      type: 'clients.saveSchedule',
      workspaceId,
      enabled,
      weekdays: days,
      time,
      timeZone: timeZone.trim(),
    });
    setNextSendAt(saved.nextSendAt);
    return saved.enabled
      ? `Saved: reminders go out on ${saved.weekdays.join(', ')} at ${saved.time} (${saved.timeZone}).`
      : 'Saved: no reminders are sent on a schedule.';
  };
  return (
    <Section id="schedule" title="Reminder schedule">
      <ActionForm action={action} task={save} label="Save schedule" busyLabel="Saving…">
        <Switch on={enabled} onChange={setEnabled}>
          Email the clients a reminder on a schedule
        </Switch>
        <fieldset disabled={!enabled}>
          <legend>Days</legend>
          <Ticks
            items={WEEKDAYS}
            keyOf={(day) => day}
            ticked={days}
            onChange={(ticked) => setDays(ticked as Weekday[])}
            itemClass="day"
          >
            {(day) => day}
          </Ticks>
        </fieldset>
        <p>
          <label for="schedule-time">Time</label>
          <input
            id="schedule-time"
            type="time"
            value={time}
            disabled={!enabled}
            onInput={(e) => setTime(e.currentTarget.value)}
          />
        </p>
        <TextField
          id="schedule-zone"
          label="Client’s time zone"
          value={timeZone}
          onValue={setTimeZone}
          placeholder="Pacific/Auckland"
          describedBy="schedule-zone-hint"
        >
          <span class="muted" id="schedule-zone-hint">
            {' '}
            A time zone name such as Pacific/Auckland or America/New_York.
          </span>
        </TextField>
      </ActionForm>
      {nextSendAt && (
        <p class="muted" data-testid="next-reminder">
          Next reminder: {when(nextSendAt, timeZone)} in the client’s time zone.
        </p>
      )}
      <Outcome outcome={action.outcome} testId="schedule-result" />
    </Section>
  );
}

function NotifyNow({ workspaceId, onSent }: { workspaceId: string; onSent: () => void }) {
  const action = useAction();
  const notify = () =>
    action.run(async () => {
      const result = await ask({ type: 'clients.notifyNow', workspaceId, pressId: crypto.randomUUID() });
      if (result.queued) onSent();
      return describeNotify(result);
    });
  return (
    <Section id="notify" title="Notify now">
      <p class="muted">Emails each client user how many questions are open, with a link to answer them.</p>
      <ActionButton action={action} label="Notify now" busyLabel="Sending…" onClick={() => void notify()} />
      <Outcome outcome={action.outcome} testId="notify-result" />
    </Section>
  );
}

const STATE_WORDS = { sent: 'emailed', sending: 'on its way', failed: 'not sent yet, trying again' } as const;

function ReminderHistory({ view, onRefresh }: { view: ClientsView; onRefresh: () => void }) {
  return (
    <Section id="history" title="Who was reminded when">
      {view.reminders.length === 0 ? (
        <p class="muted">No reminder has been sent yet.</p>
      ) : (
        <ul class="plain" data-testid="reminder-history">
          {view.reminders.map((r) => (
            <li key={r.id}>
              <XeroText text={r.name} /> (<XeroText text={r.email} />) · {when(r.sentAt ?? r.createdAt)} ·{' '}
              {plural(r.openQuestions, 'open question')} · {r.trigger === 'now' ? 'Notify now' : 'schedule'} ·{' '}
              {STATE_WORDS[r.state]}
            </li>
          ))}
        </ul>
      )}
      <p>
        <button type="button" onClick={onRefresh}>
          Refresh history
        </button>
      </p>
    </Section>
  );
}

function AccountChoice({ workspaceId, view }: { workspaceId: string; view: ClientsView }) {
  const [on, setOn] = useState(view.workspace.clientAccountChoice);
  const [allowed, setAllowed] = useState(view.workspace.clientAccountIds);
  const action = useAction();
  const save = async () => {
    const saved = await ask({
      type: 'clients.saveAccountChoice',
      workspaceId,
      clientAccountChoice: on,
      clientAccountIds: allowed,
    });
    return saved.clientAccountChoice
      ? `Saved: the client may pick from ${plural(saved.clientAccountIds.length, 'account')}.`
      : 'Saved: the client does not pick an account.';
  };
  return (
    <Section id="account-choice" title="Account choice">
      <ActionForm action={action} task={save} label="Save account choice" busyLabel="Saving…">
        <Switch on={on} onChange={setOn}>
          Let the client pick the account
        </Switch>
        {view.accounts.length === 0 ? (
          <p class="muted">
            This browser has not synced this company’s chart of accounts, so there are no accounts to offer.
            Choose them from the browser that syncs the company.
          </p>
        ) : (
          <fieldset class="account-list" disabled={!on}>
            <legend>Accounts the client may pick</legend>
            <Ticks
              items={view.accounts}
              keyOf={(a) => a.accountId}
              ticked={allowed}
              onChange={setAllowed}
              itemClass="account"
            >
              {(a) => (
                <>
                  {a.code && <span class="muted">{a.code} </span>}
                  <XeroText text={a.name} />
                </>
              )}
            </Ticks>
          </fieldset>
        )}
      </ActionForm>
      <Outcome outcome={action.outcome} testId="account-choice-result" />
    </Section>
  );
}
