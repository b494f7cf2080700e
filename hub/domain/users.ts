import { randomBytes, randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { HubRole } from '../../lib/hub/contract.ts';
import type { HubAuth } from '../auth.ts';
import type { HubDb } from '../db/client.ts';
import { firm, firmMember, hubSetting, user } from '../db/schema/index.ts';
import type { Member } from './access.ts';
import { recordActivity } from './activity.ts';
import type { Deps } from './context.ts';
import { conflict } from './problems.ts';

export interface NewUser {
  email: string;
  name: string;
  role: HubRole;
  password?: string | undefined;
}

/**
 * Makes a user through better-auth's own adapter and password hashing, and places them in a firm.
 * A user without a password signs in by emailed link.
 */
export async function createUser(deps: Deps, auth: HubAuth, firmId: string, input: NewUser): Promise<Member> {
  const email = input.email.trim().toLowerCase();
  const [existing] = await deps.db.select({ id: user.id }).from(user).where(eq(user.email, email));
  if (existing) {
    throw conflict(
      'Someone already uses this email address',
      'Each person has one Client Hub account. Use another address, or ask them to sign in with this one.',
    );
  }
  const context = await auth.$context;
  // A client user's address counts as verified once they sign in from an email sent to it (better-auth
  // sets it then): until then their invitation shows as "invited".
  const created = await context.internalAdapter.createUser({
    email,
    name: input.name,
    emailVerified: input.role !== 'Client User',
  });
  if (input.password) {
    await context.internalAdapter.linkAccount({
      userId: created.id,
      providerId: 'credential',
      accountId: created.id,
      password: await context.password.hash(input.password),
    });
  }
  await deps.db
    .insert(firmMember)
    .values({ userId: created.id, firmId, role: input.role, createdAt: deps.clock.now() });
  return { userId: created.id, name: created.name, email, firmId, role: input.role };
}

export interface NewFirm {
  name: string;
  adminEmail: string;
  adminName?: string | undefined;
  adminPassword?: string | undefined;
}

/** A firm and its first Admin (`npm run hub -- create-firm`). */
export async function createFirm(deps: Deps, auth: HubAuth, input: NewFirm) {
  const firmId = randomUUID();
  await deps.db.insert(firm).values({ id: firmId, name: input.name.trim(), createdAt: deps.clock.now() });
  const admin = await createUser(deps, auth, firmId, {
    email: input.adminEmail,
    name: input.adminName ?? input.adminEmail.split('@')[0] ?? input.adminEmail,
    role: 'Admin',
    password: input.adminPassword,
  });
  await recordActivity(deps, {
    firmId,
    actorId: admin.userId,
    action: 'firm.created',
    detail: { name: input.name },
  });
  return { firmId, admin };
}

/** The signed-in user's place in their firm, or undefined for a user with none. */
export async function findMember(db: HubDb, userId: string): Promise<Member | undefined> {
  const [row] = await db
    .select({
      userId: user.id,
      name: user.name,
      email: user.email,
      firmId: firmMember.firmId,
      role: firmMember.role,
    })
    .from(firmMember)
    .innerJoin(user, eq(user.id, firmMember.userId))
    .where(eq(firmMember.userId, userId));
  return row;
}

export async function firmName(db: HubDb, firmId: string): Promise<string> {
  const [row] = await db.select({ name: firm.name }).from(firm).where(eq(firm.id, firmId));
  return row?.name ?? '';
}

export async function listFirmUsers(db: HubDb, firmId: string) {
  return db
    .select({ id: user.id, name: user.name, email: user.email, role: firmMember.role })
    .from(firmMember)
    .innerJoin(user, eq(user.id, firmMember.userId))
    .where(eq(firmMember.firmId, firmId))
    .orderBy(asc(user.email));
}

export async function memberOfFirm(db: HubDb, firmId: string, userId: string) {
  const [row] = await db
    .select({ role: firmMember.role })
    .from(firmMember)
    .where(and(eq(firmMember.firmId, firmId), eq(firmMember.userId, userId)));
  return row;
}

/**
 * The key better-auth signs sessions with: made once, kept in the database, so every instance on
 * the same database accepts the same tokens. Two instances starting at once agree on the first one.
 */
export async function sharedSecret(db: HubDb): Promise<string> {
  await db
    .insert(hubSetting)
    .values({ name: 'auth-secret', value: randomBytes(32).toString('base64url') })
    .onConflictDoNothing();
  const [row] = await db
    .select({ value: hubSetting.value })
    .from(hubSetting)
    .where(eq(hubSetting.name, 'auth-secret'));
  if (!row) throw new Error('auth secret missing');
  return row.value;
}
