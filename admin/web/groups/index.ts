import GroupsIcon from '@mui/icons-material/Groups';
import { GroupCreate, GroupEdit, GroupList } from './pages.tsx';

export default {
  list: GroupList,
  show: undefined,
  edit: GroupEdit,
  create: GroupCreate,
  icon: GroupsIcon,
  recordRepresentation: 'name',
};
