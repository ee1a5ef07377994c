/** Errors of the PAP and sharing APIs (rendered as application/problem+json). */
import { MeridianError } from '../../core/errors.js';

export class Conflict extends MeridianError {
  constructor(message: string) {
    super(409, message, { code: 'Conflict' });
    this.name = 'Conflict';
  }
}

export class InvalidPolicy extends MeridianError {
  constructor(message: string) {
    super(400, message, { code: 'InvalidPolicy' });
    this.name = 'InvalidPolicy';
  }
}
