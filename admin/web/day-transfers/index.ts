import EventIcon from '@mui/icons-material/Event';
import { DayTransferCreate, DayTransferEdit, DayTransferList } from './pages.tsx';

export default {
  list: DayTransferList,
  edit: DayTransferEdit,
  create: DayTransferCreate,
  show: undefined,
  icon: EventIcon,
  recordRepresentation: (r: { day: string }) => r.day,
};
