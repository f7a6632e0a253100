// The Lambda adapter: turns API Gateway HTTP API events (payload 2.0) into
// calls to the items service (src/items.js) and its results and errors into
// HTTP responses. No business rule lives here.
import { createItemService, NotFoundError, ValidationError } from './items.js';
import { createMemoryStore, StoreFullError } from './store.js';

// Configuration and clients are created once per execution environment, at
// module load (the cold start), not on every invocation: warm invocations
// reuse them. A bad setting fails the cold start loudly instead of every
// request quietly.
export function loadConfig(env) {
  const maxItems = Number(env.MAX_ITEMS ?? 1000);
  if (!Number.isInteger(maxItems) || maxItems < 1) {
    throw new Error(`MAX_ITEMS must be a positive integer, not '${env.MAX_ITEMS}'`);
  }
  return { maxItems };
}

const config = loadConfig(process.env);
const service = createItemService({ store: createMemoryStore({ maxItems: config.maxItems }) });

export const handler = createHandler(service);

class BadRequestError extends Error {}

// The routes of serverless.yml, by route key. Each action gets the path
// parameters and a function that parses the JSON body.
const ROUTES = {
  'POST /items': async (svc, { body }) => {
    const item = await svc.create(body());
    return json(201, item, { location: `/items/${encodeURIComponent(item.id)}` });
  },
  'GET /items': async (svc) => json(200, { items: await svc.list() }),
  'GET /items/{id}': async (svc, { params }) => json(200, await svc.get(params.id)),
  'PUT /items/{id}': async (svc, { params, body }) => json(200, await svc.update(params.id, body())),
  'DELETE /items/{id}': async (svc, { params }) => {
    await svc.remove(params.id);
    return { statusCode: 204 };
  },
};

// Returns a Lambda handler that serves the routes with the given service;
// tests call it with a service of their own.
export function createHandler(svc) {
  return async (event) => {
    const route = matchRoute(event);
    if (!route) return json(404, { message: 'Not Found' });
    try {
      return await route.action(svc, { params: route.params, body: () => parseBody(event) });
    } catch (err) {
      if (err instanceof BadRequestError) return json(400, { message: err.message });
      if (err instanceof ValidationError) return json(400, { message: err.message, errors: err.errors });
      if (err instanceof NotFoundError) return json(404, { message: err.message });
      if (err instanceof StoreFullError) return json(507, { message: err.message });
      // Anything else is a bug: let it fail the invocation, so that Lambda
      // logs it and counts it as an error (HTTP API answers 500).
      throw err;
    }
  };
}

// Finds the action for an event: by its routeKey, as HTTP API sets it for the
// routes of serverless.yml, or else (a $default route, a hand-written event)
// by matching the method and path against the route templates.
function matchRoute(event) {
  const byKey = ROUTES[event.routeKey];
  if (byKey) return { action: byKey, params: event.pathParameters ?? {} };

  const method = event.requestContext?.http?.method;
  const path = event.rawPath ?? event.requestContext?.http?.path ?? '';
  for (const [key, action] of Object.entries(ROUTES)) {
    const [routeMethod, template] = key.split(' ');
    if (routeMethod !== method) continue;
    const params = matchPath(template, path);
    if (params) return { action, params };
  }
  return null;
}

function matchPath(template, path) {
  const want = template.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  if (want.length !== got.length) return null;
  const params = {};
  for (let i = 0; i < want.length; i++) {
    const m = /^\{(\w+)\}$/.exec(want[i]);
    if (m) {
      try {
        params[m[1]] = decodeURIComponent(got[i]);
      } catch {
        return null; // a malformed %-escape matches nothing
      }
    } else if (want[i] !== got[i]) {
      return null;
    }
  }
  return params;
}

// HTTP API sends a body that is not text (e.g. curl -d without a JSON
// Content-Type) base64-encoded.
function parseBody(event) {
  let text = event.body ?? '';
  if (event.isBase64Encoded) text = Buffer.from(text, 'base64').toString('utf8');
  if (text.trim() === '') throw new BadRequestError('the request body is missing: send a JSON object');
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError('the request body is not valid JSON');
  }
}

function json(statusCode, body, headers = {}) {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}
