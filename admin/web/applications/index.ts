import ChildCareIcon from '@mui/icons-material/ChildCare';
import { ApplicationCreate } from './ApplicationCreate.tsx';
import { ApplicationList } from './ApplicationList.tsx';
import { ApplicationShow } from './ApplicationShow.tsx';

export default {
  list: ApplicationList,
  show: ApplicationShow,
  edit: undefined,
  create: ApplicationCreate,
  icon: ChildCareIcon,
  recordRepresentation: 'number',
};
