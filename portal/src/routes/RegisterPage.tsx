/** `/register`: register a node (its own chunk: the registration checks load the BLS code). */
import { t } from '../i18n/index.ts';
import { RegisterNode } from '../views/Register.tsx';
import { usePortal, viewProps } from './context.ts';

export function RegisterPage() {
  const portal = usePortal();
  return (
    <>
      <h1>{t('register.title')}</h1>
      <RegisterNode {...viewProps(portal)} />
    </>
  );
}
