import { createElement } from 'react';
import { BilingualField } from '../common/fields.tsx';

/** Districts are reference data for filters and forms: no pages of their own. */
export default {
  list: undefined,
  show: undefined,
  edit: undefined,
  create: undefined,
  icon: undefined,
  recordRepresentation: createElement(BilingualField, { source: 'name' }),
};
