/**
 * The types of event-names.js, which the browser loads without a build step and so cannot be
 * TypeScript. The values live there; this only tells the compiler what they are.
 */
export declare const EVENT: {
  readonly person: 'person';
  readonly message: 'message';
  readonly edit: 'edit';
  readonly delete: 'delete';
  readonly keyboard: 'keyboard';
  readonly callbackAnswer: 'callback-answer';
  readonly sms: 'sms';
  readonly portal: 'portal';
};
