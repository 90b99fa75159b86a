import type { ApiResponse } from 'grammy/types';

/** The MAX transport: a Telegram method and its payload in, a Telegram-shaped answer out. */
export type TelegramCall = (
  method: string,
  payload: unknown,
  signal?: AbortSignal,
) => Promise<ApiResponse<unknown>>;

/**
 * The transport as the `fetch` grammY's client makes its requests with. That is the one place
 * below every transformer, so every Api built from the bot's options gets it: the bot's own and
 * the fresh one each conversation builds, whose replay log must record what the transport did
 * (a transformer installed after the conversation's own would bypass that log, and a replay
 * would send again). grammY sends JSON; a file upload would come as multipart, which the
 * features never send through grammY on MAX (images go through the Messenger port).
 */
export function transportFetch(call: TelegramCall): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
    const answer =
      typeof init?.body === 'string'
        ? await call(method, JSON.parse(init.body), init.signal ?? undefined)
        : {
            ok: false as const,
            error_code: 400,
            description: `Bad Request: ${method} with a file is not supported on MAX; images go through the Messenger port`,
          };
    return new Response(JSON.stringify(answer), { headers: { 'content-type': 'application/json' } });
  };
}
