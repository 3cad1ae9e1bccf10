import { createContext, useContext, useEffect, useRef } from 'react';

/** The latest referralUpdated event this tab heard, and how many it has heard. */
export interface Live {
  count: number;
  last: { id: string; status: string; name: string } | null;
  connected: boolean;
}

export const LiveContext = createContext<Live>({ count: 0, last: null, connected: false });

export const useLive = () => useContext(LiveContext);

/** Calls `refresh` each time the subscription reports a change (not on mount). */
export function useRefreshOnLive(refresh: () => void): void {
  const { count } = useLive();
  const seen = useRef(count);
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => {
    if (count !== seen.current) {
      seen.current = count;
      latest.current();
    }
  }, [count]);
}
