import { MAX_SEQ } from '../core/digital-id/token-format';

/** The Digital ID's and the Mini Apps' timings, which only make sense together. */
export function timingProblems(e: {
  QR_REFRESH_SECONDS: number;
  QR_SESSION_SECONDS: number;
  TOKEN_TTL_SECONDS: number;
  APP_OPEN_MAX_AGE_SECONDS: number;
  APP_INIT_MAX_AGE_SECONDS: number;
}): string[] {
  const problems: string[] = [];
  if (e.QR_REFRESH_SECONDS >= e.TOKEN_TTL_SECONDS) {
    problems.push(
      'QR_REFRESH_SECONDS must be less than TOKEN_TTL_SECONDS, or a QR expires before it is replaced',
    );
  }
  // The token's seq is 16 bits: past that a session's QRs would repeat an earlier sid+seq, which
  // a checkout that saw it answers `replayed`.
  if (Math.ceil(e.QR_SESSION_SECONDS / e.QR_REFRESH_SECONDS) > MAX_SEQ + 1) {
    problems.push(
      `QR_SESSION_SECONDS ÷ QR_REFRESH_SECONDS must be at most ${MAX_SEQ + 1}: a QR's seq has 16 bits`,
    );
  }
  if (e.APP_OPEN_MAX_AGE_SECONDS > e.APP_INIT_MAX_AGE_SECONDS) {
    problems.push(
      `APP_OPEN_MAX_AGE_SECONDS (${e.APP_OPEN_MAX_AGE_SECONDS}) must not exceed APP_INIT_MAX_AGE_SECONDS (${e.APP_INIT_MAX_AGE_SECONDS}): launch data too old for any call cannot open a Digital ID`,
    );
  }
  return problems;
}
