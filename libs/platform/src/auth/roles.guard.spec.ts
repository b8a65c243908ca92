import { Controller, ExecutionContext, Get } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ProblemException } from '../errors/problem-details';
import { Public, Roles } from './auth.decorators';
import type { Principal } from './principal';
import { Role } from './roles';
import { RolesGuard } from './roles.guard';

@Controller()
@Roles(Role.Auditor)
class Sample {
  @Get('a')
  classLevel(): void {}
  @Get('b')
  @Roles(Role.AdminAgent, Role.GlobalAdmin)
  handlerLevel(): void {}
  @Get('c')
  @Public()
  open(): void {}
}

const context = (handler: keyof Sample, principal?: Principal): ExecutionContext =>
  ({
    getType: () => 'http',
    getHandler: () => Sample.prototype[handler],
    getClass: () => Sample,
    switchToHttp: () => ({ getRequest: () => ({ principal }) }),
  }) as unknown as ExecutionContext;

const user = (...roles: string[]): Principal => ({ userId: 'u', upn: 'u', tenantId: 't', roles });

describe('RolesGuard', () => {
  const guard = new RolesGuard(new Reflector());

  it('lets a caller with any of the roles through; the handler overrides the class', () => {
    expect(guard.canActivate(context('classLevel', user('Auditor')))).toBe(true);
    expect(guard.canActivate(context('handlerLevel', user('GlobalAdmin')))).toBe(true);
  });

  it('answers 403 forbidden to a known user without the role', () => {
    try {
      guard.canActivate(context('handlerLevel', user('Auditor', 'SomethingElse')));
      throw new Error('expected 403');
    } catch (e) {
      expect(e).toBeInstanceOf(ProblemException);
      expect((e as ProblemException).getStatus()).toBe(403);
      expect((e as ProblemException).code).toBe('forbidden');
    }
  });

  it('answers 401 when there is no principal', () => {
    expect(() => guard.canActivate(context('classLevel'))).toThrow(ProblemException);
  });
});
