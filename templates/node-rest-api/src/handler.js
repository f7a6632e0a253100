// The Lambda adapter: API Gateway REST API events (Lambda proxy integration,
// payload 1.0) in, HTTP responses out, one exported handler per function of
// serverless.yml. The catalog's rules live in src/catalog.js.
import { createCatalog, NotFoundError, ValidationError } from './catalog.js';
import { PRODUCTS } from './products.js';

// The settings the functions read from their environment.
export function loadConfig(env) {
  const taxRate = Number(env.TAX_RATE ?? 0);
  if (env.TAX_RATE?.trim() === '' || !(taxRate >= 0 && taxRate < 1)) {
    throw new Error(`TAX_RATE must be a fraction from 0 to 1, e.g. 0.2, not '${env.TAX_RATE}'`);
  }
  return { corsOrigin: env.CORS_ORIGIN || '*', taxRate };
}

class BadRequestError extends Error {}

// Returns the four handlers, serving the given catalog; tests call it with
// settings of their own.
export function createHandlers({ catalog, corsOrigin }) {
  // Wraps an action (event -> [status, body]) into a handler: the response
  // format, CORS and the mapping of errors to status codes in one place.
  const adapt = (action) => async (event) => {
    try {
      const [status, body] = await action(event);
      return respond(status, body);
    } catch (err) {
      if (err instanceof BadRequestError) return respond(400, { message: err.message });
      if (err instanceof ValidationError) return respond(400, { message: err.message, errors: err.errors });
      if (err instanceof NotFoundError) return respond(404, { message: err.message });
      // Anything else is a bug: let it fail the invocation, so that Lambda
      // logs it and counts it as an error (REST API answers 502).
      throw err;
    }
  };

  // With cors: true, the preflight is API Gateway's, but every actual
  // response must carry the Access-Control-Allow-Origin header itself.
  const respond = (statusCode, body) => ({
    statusCode,
    headers: {
      'Content-Type': 'application/json',
      'Access-Control-Allow-Origin': corsOrigin,
    },
    body: JSON.stringify(body),
  });

  return {
    listProducts: adapt((event) => [200, catalog.list(query(event))]),
    getProduct: adapt((event) => [200, catalog.get(pathParameter(event, 'id'))]),
    listCategoryProducts: adapt((event) => [
      200,
      catalog.listCategory(pathParameter(event, 'category'), query(event)),
    ]),
    createQuote: adapt((event) => [200, catalog.quote(jsonBody(event))]),
  };
}

// A REST API event has null, not {}, when there are no parameters.
const query = (event) => ({ ...(event.queryStringParameters ?? {}) });

function pathParameter(event, name) {
  const value = event.pathParameters?.[name];
  if (value === undefined || value === null) throw new BadRequestError(`missing path parameter '${name}'`);
  return value;
}

// REST API sends a body base64-encoded when its Content-Type is one of the
// API's binary media types.
function jsonBody(event) {
  let text = event.body ?? '';
  if (event.isBase64Encoded) text = Buffer.from(text, 'base64').toString('utf8');
  if (text.trim() === '') throw new BadRequestError('the request body is missing: send a JSON object');
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError('the request body is not valid JSON');
  }
}

// Configuration and clients are created once per execution environment, at
// module load (the cold start), not on every invocation: warm invocations
// reuse them. A bad setting fails the cold start loudly instead of every
// request quietly.
const config = loadConfig(process.env);
const catalog = createCatalog({ products: PRODUCTS, taxRate: config.taxRate });

export const { listProducts, getProduct, listCategoryProducts, createQuote } = createHandlers({
  catalog,
  corsOrigin: config.corsOrigin,
});
