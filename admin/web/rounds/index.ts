import PlaylistAddCheckIcon from '@mui/icons-material/PlaylistAddCheck';
import { RoundCreate, RoundList, RoundShow } from './pages.tsx';

export default {
  list: RoundList,
  show: RoundShow,
  edit: undefined,
  create: RoundCreate,
  icon: PlaylistAddCheckIcon,
  recordRepresentation: (r: { id: number }) => `#${r.id}`,
};
