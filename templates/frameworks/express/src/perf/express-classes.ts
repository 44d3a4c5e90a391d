import type { Express, Request, Response as ExpressResponse } from 'express';
import { nodeHttp, Response, type ServerClasses } from './http-server.js';

/**
 * Express gives each request and response its methods by changing their prototype
 * (`Object.setPrototypeOf(req, app.request)`), and V8 runs every request of the process more
 * slowly from the first such change on (expressjs/express#5998): a hello world of Express
 * spent 79 µs of CPU on a request here, a front-tier hit that Express never sees 12% more
 * once one request had gone through it. So the server makes its requests and responses from
 * classes that hold Express's methods already, and these classes' prototypes become the
 * app's: Express's change then changes nothing, and the hello world spends 20 µs. A mounted
 * sub-app (`app.use(express())`) would bring the change back; routes go in Routers.
 */
export function expressClasses(app: Express): ServerClasses {
  class AppRequest extends nodeHttp.IncomingMessage {}
  class AppResponse extends Response {}
  adopt(AppRequest.prototype, app.request);
  adopt(AppResponse.prototype, app.response);
  app.request = AppRequest.prototype as unknown as Request;
  app.response = AppResponse.prototype as unknown as ExpressResponse;
  return { IncomingMessage: AppRequest, ServerResponse: AppResponse };
}

/**
 * Copies onto `target` what `source` has above Node's class: Express's methods (on its
 * prototype) and the app it belongs to (its own property).
 */
function adopt(target: object, source: object): void {
  Object.defineProperties(target, Object.getOwnPropertyDescriptors(Object.getPrototypeOf(source)));
  Object.defineProperties(target, Object.getOwnPropertyDescriptors(source));
}
