import BadgeIcon from '@mui/icons-material/Badge';
import { StaffCreate, StaffEdit, StaffList, StaffShow } from './pages.tsx';

export default {
  list: StaffList,
  show: StaffShow,
  edit: StaffEdit,
  create: StaffCreate,
  icon: BadgeIcon,
  recordRepresentation: 'login',
};
