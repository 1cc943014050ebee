import type { Change } from './change-feed';

/**
 * A backend that others change too (an existing helpdesk's own screens, its API, other
 * clients): read for changes every few seconds, each change found handed on once, after it
 * committed there. One watch per backend and process, whatever the number of subscribers.
 */
export interface ChangeWatch {
  /** Starts reading; `publish` receives every change found from now on. */
  start(publish: (change: Change) => void): void;
  /** Stops reading (a read under way is let finish). */
  stop(): Promise<void>;
}
