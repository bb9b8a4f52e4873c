import RateReviewIcon from '@mui/icons-material/RateReview';
import { FeedbackList, FeedbackShow } from './pages.tsx';

export default {
  list: FeedbackList,
  show: FeedbackShow,
  edit: undefined,
  create: undefined,
  icon: RateReviewIcon,
  recordRepresentation: (r: { id: number }) => `#${r.id}`,
};
