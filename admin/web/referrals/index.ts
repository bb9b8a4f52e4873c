import AssignmentIcon from '@mui/icons-material/Assignment';
import { ReferralList, ReferralShow } from './pages.tsx';

export default {
  list: ReferralList,
  show: ReferralShow,
  edit: undefined,
  create: undefined,
  icon: AssignmentIcon,
  recordRepresentation: (r: { number: string | null; id: number }) => r.number ?? `#${r.id}`,
};
