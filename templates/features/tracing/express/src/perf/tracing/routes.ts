import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import type { Instrumentation } from './instrumentations.js';

/** the instrumentation scope of the route spans, as the project's tracing test finds them */
export const routeScope = '@opentelemetry/instrumentation-express';

/**
 * OBS-2: Express's routes, the handler only: a span per middleware (jsonParser, compression)
 * and per router (each is one `app.use`) came on every request.
 */
export function routeInstrumentations(): Instrumentation[] {
  return [
    new ExpressInstrumentation({
      ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER],
    }),
  ];
}
