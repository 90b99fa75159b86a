import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

/**
 * A request not answered this long after it was sent (waiting for a connection included) is a
 * failure: a fixed rate above what the servers answer then ends soon after its window instead
 * of draining a backlog of minutes.
 */
const TIMEOUT_MS = 10_000;

/** One request of a load: where, and with whose credentials. */
export interface LoadRequest {
  path: string;
  headers: Record<string, string>;
}

export interface LoadResult {
  /** Requests whose answer `ok` accepted. */
  answered: number;
  /** Everything else: another status, a wrong body, an error, no answer within TIMEOUT_MS. */
  failures: number;
  /** Each answered request's latency in ms, sorted; failures have none. */
  latencies: number[];
  seconds: number;
}

/**
 * An HTTP load on undici's pools, one pool per server; request `i` goes to server `i mod n`, as a
 * round-robin load balancer sends them. `next(i)` names the i-th request, `ok` judges its answer.
 */
export function httpLoad(
  urls: string[],
  options: {
    connectionsPerServer: number;
    next: (i: number) => LoadRequest;
    ok: (status: number, body: string, request: LoadRequest) => boolean;
  },
) {
  const pools = urls.map((url) => new Pool(url, { connections: options.connectionsPerServer }));
  let sent = 0;
  async function send(): Promise<boolean> {
    const i = sent++;
    const request = options.next(i);
    const { path, headers } = request;
    try {
      const answer = await (pools[i % pools.length] as Pool).request({
        method: 'GET',
        path,
        headers,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      return options.ok(answer.statusCode, await answer.body.text(), request);
    } catch {
      return false;
    }
  }
  const result = (latencies: number[], failures: number, seconds: number): LoadResult => ({
    answered: latencies.length,
    failures,
    latencies: latencies.sort((a, b) => a - b),
    seconds,
  });

  return {
    /**
     * Saturation: `concurrency` callers, each sending its next request as soon as its last is
     * answered, for `seconds`. Requests per second is then what the servers can answer.
     */
    async closedLoop(concurrency: number, seconds: number): Promise<LoadResult> {
      const latencies: number[] = [];
      let failures = 0;
      const started = performance.now();
      const end = started + seconds * 1000;
      const caller = async () => {
        while (performance.now() < end) {
          const at = performance.now();
          if (await send()) latencies.push(performance.now() - at);
          else failures++;
        }
      };
      await Promise.all(Array.from({ length: concurrency }, caller));
      return result(latencies, failures, (performance.now() - started) / 1000);
    },

    /**
     * A fixed rate, open loop: request k is due at k ÷ rate seconds whether or not earlier ones
     * were answered, and its latency counts from when it was due, so a stall shows in every
     * request it delays (no coordinated omission), and so does this loader's own lateness.
     */
    async openLoop(rate: number, seconds: number): Promise<LoadResult> {
      const latencies: number[] = [];
      let failures = 0;
      const total = rate * seconds;
      // Counted, not kept: an array of every request's promise would grow the heap through the
      // window, and the loader's longer pauses would show up as the servers' latency.
      let pending = 0;
      let drained = () => {};
      const started = performance.now();
      for (let k = 0; k < total; ) {
        const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
        for (; k < due; k++) {
          const at = started + (k * 1000) / rate;
          pending++;
          void send().then((ok) => {
            if (ok) latencies.push(performance.now() - at);
            else failures++;
            if (--pending === 0) drained();
          });
        }
        await new Promise((r) => setTimeout(r, 1));
      }
      if (pending > 0) await new Promise<void>((resolve) => (drained = resolve));
      return result(latencies, failures, seconds);
    },

    close: () => Promise.all(pools.map((pool) => pool.close())),
  };
}
