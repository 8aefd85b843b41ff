/** A route that is one view under a heading: the shape of `/stakes` and `/register`. */
import type { ComponentType } from 'react';
import { t } from '../i18n/index.ts';
import type { ViewProps } from '../views/shared.ts';
import { usePortal, viewProps } from './context.ts';

export function ViewPage({ titleKey, View }: { titleKey: string; View: ComponentType<ViewProps> }) {
  const portal = usePortal();
  return (
    <>
      <h1>{t(titleKey)}</h1>
      <View {...viewProps(portal)} />
    </>
  );
}
