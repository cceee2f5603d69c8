// What every view needs from the shell: the client (with the tab's key) and who that key is.
import type { MemosClient } from '@memos/client';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Caller } from './session.js';

export interface AppSession {
  client: MemosClient;
  caller: Caller;
  signOut(): void;
}

export const SessionContext = createContext<AppSession | undefined>(undefined);

export function useSession(): AppSession {
  const session = useContext(SessionContext);
  if (session === undefined) throw new Error('useSession outside the signed-in app');
  return session;
}
