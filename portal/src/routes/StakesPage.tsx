/** `/stakes`: the connected account's stakes and rewards. */
import { t } from '../i18n/index.ts';
import { MyStakes } from '../views/MyStakes.tsx';
import { usePortal, viewProps } from './context.ts';

export function StakesPage() {
  const portal = usePortal();
  return (
    <>
      <h1>{t('stakes.title')}</h1>
      <MyStakes {...viewProps(portal)} />
    </>
  );
}
