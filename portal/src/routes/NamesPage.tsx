/** `/names` and `/pro` (one lazy chunk: the names and Pro sdk are not needed for staking). */
import { NameSearch, Pro } from '../views/Names.tsx';
import { usePortal, viewProps } from './context.ts';

export function NamesPage() {
  const portal = usePortal();
  if (!portal.env.contracts.SessionNameRegistrar) return <h1>Names are not deployed on this network.</h1>;
  return (
    <>
      <h1>Session names</h1>
      <NameSearch {...viewProps(portal)} />
    </>
  );
}

export function ProPage() {
  const portal = usePortal();
  if (!portal.env.contracts.SessionPro) return <h1>Session Pro is not deployed on this network.</h1>;
  return (
    <>
      <h1>Session Pro</h1>
      <Pro {...viewProps(portal)} />
    </>
  );
}
