/**
 * The message catalogue behind every sentence the portal shows (i18next). A second language is
 * one more file beside en.ts, added to `resources`; nothing in the views changes.
 */
import i18next from 'i18next';
import { en } from './en.ts';

void i18next.init({
  lng: typeof navigator === 'undefined' ? 'en' : navigator.language.split('-')[0],
  fallbackLng: 'en',
  supportedLngs: ['en'],
  resources: { en: { translation: en } },
  initAsync: false, // the catalogue is bundled: strings are ready before the first render
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});

/** A catalogue sentence, with {{placeholders}} filled from `vars` (`count` picks a plural form). */
export const t = (key: string, vars?: Record<string, unknown>): string => String(i18next.t(key, vars as never));
