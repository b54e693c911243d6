/** Who is acting on the sender side, and how they proved it. */
export interface Actor {
  userId: string;
  orgId: string;
  name: string;
  email: string;
  role: 'admin' | 'sender' | 'helpdesk';
  via: 'session' | 'api-key' | 'cli';
  ip?: string | null;
  userAgent?: string | null;
}

export const actorLabel = (a: Actor) => `${a.role}:${a.email} (${a.via})`;
