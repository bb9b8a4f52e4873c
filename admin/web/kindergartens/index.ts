import SchoolIcon from '@mui/icons-material/School';
import { createElement } from 'react';
import { KindergartenCreate, KindergartenEdit, KindergartenList, KindergartenName, KindergartenShow } from './pages.tsx';

export default {
  list: KindergartenList,
  show: KindergartenShow,
  edit: KindergartenEdit,
  create: KindergartenCreate,
  icon: SchoolIcon,
  recordRepresentation: createElement(KindergartenName),
};
