import { useState } from 'preact/hooks';
import type { FirmUser, Role } from '@/lib/db/records';
import { firmUserSchema } from '@/lib/db/records';
import { TextField } from './TextField';

interface Props {
  managedRole: Role | null;
  onSave: (user: FirmUser) => Promise<void>;
}

/** First run: who is using Client Hub here, and their Client Hub role. */
export function FirstRunForm({ managedRole, onSave }: Props) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>(managedRole ?? 'admin');
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    const parsed = firmUserSchema.safeParse({ name, email, role: managedRole ?? role });
    if (!parsed.success) {
      setProblem(parsed.error.issues.map((issue) => issue.message).join('. '));
      return;
    }
    setSaving(true);
    setProblem(null);
    try {
      await onSave(parsed.data);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : 'Could not save. Try again.');
    } finally {
      setSaving(false);
    }
  }

  return (
    <form class="card first-run" onSubmit={submit} aria-labelledby="first-run-heading" noValidate>
      <h2 id="first-run-heading">Who is using Client Hub?</h2>
      <p class="muted">Your name shows as “Sent by” on the Xero companies you connect.</p>
      <TextField id="firm-user-name" label="Your name" autoComplete="name" value={name} onValue={setName} />
      <TextField
        id="firm-user-email"
        label="Your work email"
        type="email"
        autoComplete="email"
        value={email}
        onValue={setEmail}
      />
      <fieldset disabled={managedRole !== null}>
        <legend>Your Client Hub role</legend>
        <label>
          <input
            type="radio"
            name="role"
            value="admin"
            checked={(managedRole ?? role) === 'admin'}
            onChange={() => setRole('admin')}
          />{' '}
          Admin: sets up and changes the Xero integration
        </label>
        <label>
          <input
            type="radio"
            name="role"
            value="staff"
            checked={(managedRole ?? role) === 'staff'}
            onChange={() => setRole('staff')}
          />{' '}
          Staff: works on Client Tasks; sees the integration read-only
        </label>
        {managedRole && <p class="muted">Your firm has set your role.</p>}
      </fieldset>
      {problem && (
        <p class="notice problem" role="alert">
          {problem}
        </p>
      )}
      <p>
        <button type="submit" class="primary" disabled={saving}>
          {saving ? 'Saving…' : 'Continue'}
        </button>
      </p>
    </form>
  );
}
