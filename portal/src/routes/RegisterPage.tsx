/** `/register`: register a node (its own chunk: the registration checks load the BLS code). */
import { RegisterNode } from '../views/Register.tsx';
import { ViewPage } from './ViewPage.tsx';

export const RegisterPage = () => <ViewPage titleKey="register.title" View={RegisterNode} />;
