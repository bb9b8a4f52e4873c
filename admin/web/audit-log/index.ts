import HistoryIcon from '@mui/icons-material/History';
import { AuditList, AuditShow } from './pages.tsx';

export default {
  list: AuditList,
  show: AuditShow,
  edit: undefined,
  create: undefined,
  icon: HistoryIcon,
  recordRepresentation: (r: { id: number; action: string }) => `#${r.id} ${r.action}`,
};
