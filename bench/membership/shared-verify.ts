/** Imported first by a bench worker: installs shared-verify-hooks.ts (see shared-announcement.ts). */
import { register } from 'node:module';

register(new URL('./shared-verify-hooks.ts', import.meta.url).href, import.meta.url);
