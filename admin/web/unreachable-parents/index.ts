import PhoneDisabledIcon from '@mui/icons-material/PhoneDisabled';
import { UnreachableParentList } from './pages.tsx';

export default {
  list: UnreachableParentList,
  show: undefined,
  edit: undefined,
  create: undefined,
  icon: PhoneDisabledIcon,
  recordRepresentation: (r: { number: string }) => r.number,
};
