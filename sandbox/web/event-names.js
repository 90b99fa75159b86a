/**
 * The kinds of event the sandbox streams to its web page, as the `event:` field of
 * /sandbox/api/events: the world emits them (sandbox/world.ts) and the page listens for them
 * (panels/events.js), both from this one list. Plain JavaScript, so the browser loads it as it
 * is; TypeScript reads it too (allowJs), and Object.freeze keeps each name's literal type.
 */
export const EVENT = Object.freeze({
  person: 'person',
  message: 'message',
  edit: 'edit',
  delete: 'delete',
  keyboard: 'keyboard',
  callbackAnswer: 'callback-answer',
  sms: 'sms',
  /** The portal panel has something new (a request started, a callback received). */
  portal: 'portal',
});
