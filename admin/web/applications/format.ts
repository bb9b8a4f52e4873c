export const maskedPhone = (mask: boolean) => (phone: string) => {
  const m = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(phone);
  if (!m) return phone;
  return mask ? `+7 ${m[1]} ••• •• ${m[4]}` : `+7 ${m[1]} ${m[2]} ${m[3]} ${m[4]}`;
};
