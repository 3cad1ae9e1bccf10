import type { Credentials } from './client';
import type { Role } from './gql/graphql';

/** Who is signed in, as which organization (rule R2: one organization at a time). */
export interface Session extends Credentials {
  email: string;
  organizationName: string;
  role: Role;
}

// The session lives in this tab only (sessionStorage), so that a reload keeps it and closing the
// tab forgets the token. A real deployment would use its own sign-in (e.g. an OIDC front door that
// issues Hearth tokens); Hearth's API tokens are bearer secrets.
const KEY = 'hearth-referral-inbox.session';

export function loadSession(): Session | null {
  try {
    const stored = window.sessionStorage.getItem(KEY);
    return stored ? (JSON.parse(stored) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session) window.sessionStorage.setItem(KEY, JSON.stringify(session));
  else window.sessionStorage.removeItem(KEY);
}

/** A demo user as `hearth seed-demo` printed it (/demo-users.json: dev and preview servers only). */
export interface DemoUser {
  role: Role;
  email: string;
  organization: string;
  token: string;
}

export interface DemoUsers {
  server?: string;
  users: DemoUser[];
}

/** The demo users file, when the dev server or the browser test provides one; else null. */
export async function loadDemoUsers(): Promise<DemoUsers | null> {
  try {
    const response = await fetch(`${import.meta.env.BASE_URL}demo-users.json`, { cache: 'no-store' });
    if (!response.ok || !response.headers.get('content-type')?.includes('json')) return null;
    const body = (await response.json()) as DemoUsers;
    return Array.isArray(body.users) ? body : null;
  } catch {
    return null;
  }
}

export const DEFAULT_SERVER: string = import.meta.env.VITE_HEARTH_URL ?? 'http://127.0.0.1:8000';
