import { STATUS_CODES } from 'node:http';

/**
 * SuperOffice's REST error body. Only the 404 is documented
 * (docs.superoffice.com/en/api/web-services/endpoints/rest-webapi):
 *   {"Error":true,"ErrorType":"SoNotFoundException","ErrorMessage":"Contact id 99999 not found",
 *    "ErrorSource":"SuperOffice.Services.Implementation"}
 * The emulator answers every REST error in this shape; the ErrorType names for the other statuses
 * are its own choice (SuperOffice documents none of their bodies) and are listed in README.md.
 */
export interface SoErrorBody {
  Error: true;
  ErrorType: string;
  ErrorMessage: string;
  ErrorSource: string;
}

export const ERROR_SOURCE = 'SuperOffice.Services.Implementation';
const FAULT_SOURCE = 'SuperOffice emulator fault injection';

export class SoApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = 'SoApiError';
  }

  body(): SoErrorBody {
    return { Error: true, ErrorType: this.errorType, ErrorMessage: this.message, ErrorSource: ERROR_SOURCE };
  }
}

export function notFound(entity: string, id: number | string): SoApiError {
  return new SoApiError(404, 'SoNotFoundException', `${entity} id ${id} not found`);
}

/** A value that does not fit its field (docs/decisions.md "Custom-field values on the wire"). */
export function validationError(message: string): SoApiError {
  return new SoApiError(400, 'ValidationException', message);
}

/** A request the API cannot even interpret: missing body, wrong JSON type, unsupported query. */
export function badRequest(message: string): SoApiError {
  return new SoApiError(400, 'ArgumentException', message);
}

/**
 * JSON Patch failures. The name is that of the exception ASP.NET's JSON Patch library throws;
 * a failed `test` is a 409 (as SuperOffice documents), everything else a 400.
 */
export function patchError(message: string, status: 400 | 409 = 400): SoApiError {
  return new SoApiError(status, 'JsonPatchException', message);
}

/** Body of a fault injected through the control plane. */
export function injectedErrorBody(status: number): SoErrorBody {
  const reason = STATUS_CODES[status] ?? 'Error';
  return {
    Error: true,
    ErrorType: reason.replace(/[^A-Za-z]/g, '') || `Http${status}`,
    ErrorMessage: `Injected fault: HTTP ${status} ${reason}`,
    ErrorSource: FAULT_SOURCE,
  };
}
