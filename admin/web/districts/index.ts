import { createElement } from 'react';
import { BilingualField } from '../common/fields.tsx';

export default {
  list: undefined,
  show: undefined,
  edit: undefined,
  create: undefined,
  icon: undefined,
  recordRepresentation: createElement(BilingualField, { source: 'name' }),
};
