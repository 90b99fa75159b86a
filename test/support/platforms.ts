import { afterAll } from 'vitest';
import { PLATFORMS, type Platform } from '../../app/config';
import type { TestService } from './service';

/** A comma list of platforms, each known and named once; the suite's default is both. */
export function parsePlatforms(value: string | undefined): Platform[] {
  const names = (value ?? PLATFORMS.join(','))
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(PLATFORMS as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0 || new Set(names).size !== names.length) {
    throw new Error(
      `E2E_PLATFORMS must list some of ${PLATFORMS.join(', ')}, each once, comma-separated; got "${value}"`,
    );
  }
  return names as Platform[];
}

/** The platforms the core end-to-end flows run on: E2E_PLATFORMS, by default every one. */
export const E2E_PLATFORMS = parsePlatforms(process.env.E2E_PLATFORMS);

/**
 * One service per platform for a test file, started the first time a suite asks for it and
 * stopped after the file: the parametrised suites and the Telegram-only ones share it.
 */
export function servicePerPlatform(start: (platform: Platform) => Promise<TestService>) {
  const started = new Map<Platform, Promise<TestService>>();
  afterAll(async () => {
    for (const service of started.values()) await (await service.catch(() => null))?.stop();
  });
  return (platform: Platform): Promise<TestService> => {
    let service = started.get(platform);
    if (!service) {
      service = start(platform);
      started.set(platform, service);
    }
    return service;
  };
}
