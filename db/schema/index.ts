export * from './account-links';
export * from './accounts';
export * from './bot-conversations';
export * from './messenger-users';
export * from './otp';
export * from './outgoing-messages';
export * from './processed-updates';
