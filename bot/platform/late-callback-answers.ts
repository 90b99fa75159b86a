import type { Transformer } from 'grammy';

/**
 * A button press answered too late (an update held through an outage, a slow handler) still
 * counts: only its toast is lost, so the messenger's "query is too old" is not an error that
 * should abort the handler.
 */
export const lateCallbackAnswers: Transformer = async (prev, method, payload, signal) => {
  const result = await prev(method, payload, signal);
  if (
    method === 'answerCallbackQuery' &&
    !result.ok &&
    result.error_code === 400 &&
    result.description.includes('query is too old')
  )
    return { ok: true, result: true } as unknown as typeof result;
  return result;
};
