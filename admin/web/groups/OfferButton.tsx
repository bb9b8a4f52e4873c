/** core/placement.ts decides who is next. */
import SendIcon from '@mui/icons-material/Send';
import { Button, useCreate, useNotify, useRecordContext, useRedirect } from 'react-admin';
import { errorMessage } from '../providers/http.ts';

export function OfferButton() {
  const record = useRecordContext();
  const [create, { isPending }] = useCreate();
  const notify = useNotify();
  const redirect = useRedirect();
  if (!record || record.free <= 0) return null;
  return (
    <Button
      label="admin.groups.offer"
      disabled={isPending}
      onClick={(e) => {
        e.stopPropagation();
        void create(
          'referrals',
          { data: { groupId: record.id } },
          {
            onSuccess: (data) => {
              notify('admin.groups.offered', { type: 'success' });
              redirect('show', 'referrals', data.id);
            },
            onError: (error) => {
              const { message, args } = errorMessage(error);
              notify(message, { type: 'error', messageArgs: args });
            },
          },
        );
      }}
    >
      <SendIcon />
    </Button>
  );
}
