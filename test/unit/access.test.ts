import { requireOperator, requireUser } from '../../src/app/common/access';
import type { Viewer } from '../../src/auth/token';

const partner: Viewer = {
  userId: 'partner:p_lakeside',
  partnerId: 'p_lakeside',
  scopes: ['partner', 'payments'],
};
const shopper: Viewer = { userId: 'u_alice', scopes: ['user'] };
const operator: Viewer = { userId: 'operator', scopes: ['operator'] };

describe('who may act', () => {
  test('an operator action is refused to a partner app as an operator action, not as a user one', () => {
    expect(() => requireOperator(partner)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', message: 'This is an operator action' }),
    );
    expect(() => requireOperator(shopper)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', message: 'This is an operator action' }),
    );
    expect(requireOperator(operator)).toBe(operator);
    expect(() => requireOperator(undefined)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
  });

  test('a customer action is refused to a partner app with the partner operations to use instead', () => {
    expect(() => requireUser(partner)).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', message: expect.stringContaining('partner operations') }),
    );
    expect(() => requireUser(operator)).toThrow(
      expect.objectContaining({ message: 'Operators do not act as customers' }),
    );
    expect(requireUser(shopper)).toBe(shopper);
  });
});
