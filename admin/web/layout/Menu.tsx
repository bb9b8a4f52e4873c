import ChatIcon from '@mui/icons-material/Chat';
import PhoneInTalkIcon from '@mui/icons-material/PhoneInTalk';
import { Menu as RaMenu, usePermissions, useTranslate } from 'react-admin';

export function Menu() {
  const translate = useTranslate();
  const { permissions = [] } = usePermissions<string[]>();
  return (
    <RaMenu>
      {permissions.includes('dashboard.read') && <RaMenu.DashboardItem />}
      {permissions.includes('lookup') && (
        <RaMenu.Item to="/lookup" primaryText={translate('admin.lookup.menu')} leftIcon={<PhoneInTalkIcon />} />
      )}
      <RaMenu.ResourceItems />
      {permissions.includes('bot.preview') && (
        <RaMenu.Item to="/bot-preview" primaryText={translate('admin.botPreview.menu')} leftIcon={<ChatIcon />} />
      )}
    </RaMenu>
  );
}
