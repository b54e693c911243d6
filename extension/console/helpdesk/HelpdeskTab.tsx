/** The console's help-desk tab (being built: look-ups, timeline, bundle replay, sandbox copy). */
import type { ConsoleSession } from '../session';

export function HelpdeskTab({ session }: { session: ConsoleSession }) {
  return <p data-testid="helpdesk-tab">{session.user.name}</p>;
}
