import type { FastifyInstance } from 'fastify';
import { registerButtonPresses } from './people-api/buttons';
import type { PeopleApiDeps } from './people-api/context';
import { registerControls } from './people-api/controls';
import { registerGroups } from './people-api/groups';
import { registerKeyboardPresses } from './people-api/keyboard-buttons';
import { registerContactSharing, registerPersonMessages } from './people-api/messages';
import { registerMiniAppLaunch } from './people-api/mini-app';
import { registerBlocking, registerPeople } from './people-api/people';
import { registerSmsInbox } from './people-api/sms';

/**
 * The other side of the chat: simulated people who write, tap, share and block, and the
 * SMS inbox the service's gateway posts to. Errors are `{ error }` with a 4xx status.
 */
export async function registerPeopleApi(app: FastifyInstance, deps: PeopleApiDeps): Promise<void> {
  registerPeople(app, deps);
  registerPersonMessages(app, deps);
  registerContactSharing(app, deps);
  registerButtonPresses(app, deps);
  registerKeyboardPresses(app, deps);
  registerBlocking(app, deps);
  registerGroups(app, deps);
  registerMiniAppLaunch(app, deps);
  registerControls(app, deps);
  registerSmsInbox(app, deps);
}
