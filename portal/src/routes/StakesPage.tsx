/** `/stakes`: the connected account's stakes and rewards. */
import { MyStakes } from '../views/MyStakes.tsx';
import { ViewPage } from './ViewPage.tsx';

export const StakesPage = () => <ViewPage titleKey="stakes.title" View={MyStakes} />;
