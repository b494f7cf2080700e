import { z } from 'zod';
import type { ClientHubDb } from '../db/database';
import { type FirmUser, firmUserSchema, type Role, roleSchema } from '../db/records';

/**
 * What a firm can fix for everyone through managed storage (Chrome policy / Firefox enterprise
 * policy). The same keys are described in public/managed-schema.json and the README.
 */
export const managedPolicySchema = z.object({
  xeroClientId: z.string().trim().min(1).max(200).optional(),
  role: roleSchema.optional(),
  /** The firm's Client Hub server: fills and fixes the address on the options page. */
  hubUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
});
export type ManagedPolicy = z.infer<typeof managedPolicySchema>;

export async function readManagedPolicy(read: () => Promise<unknown>): Promise<ManagedPolicy> {
  try {
    const parsed = managedPolicySchema.safeParse(await read());
    return parsed.success ? parsed.data : {};
  } catch {
    return {}; // No policy installed (or the browser has no managed storage): nothing is fixed.
  }
}

const FIRM_USER_KEY = 'firmUser';

export async function loadFirmUser(db: ClientHubDb, policy: ManagedPolicy): Promise<FirmUser | null> {
  const row = await db.settings.get(FIRM_USER_KEY);
  const parsed = firmUserSchema.safeParse(row?.value);
  if (!parsed.success) return null;
  // A role set by the firm wins over the one chosen on first run.
  return policy.role ? { ...parsed.data, role: policy.role } : parsed.data;
}

export async function saveFirmUser(
  db: ClientHubDb,
  user: FirmUser,
  policy: ManagedPolicy,
): Promise<FirmUser> {
  const role: Role = policy.role ?? user.role;
  const saved = firmUserSchema.parse({ ...user, role });
  await db.settings.put({ key: FIRM_USER_KEY, value: saved });
  return saved;
}
