export * from './accounts';
export * from './messenger-users';
export * from './outgoing-messages';
export * from './processed-updates';
