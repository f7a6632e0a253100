// fnctl: the Node.js runtime bootstrap.
//
// Run as `node bootstrap.cjs` with cwd = LAMBDA_TASK_ROOT and the Lambda
// environment. It does what AWS's Node.js runtime interface client does:
// loads the handler named by _HANDLER, then loops on the Lambda Runtime API
// (2018-06-01) at AWS_LAMBDA_RUNTIME_API: GET .../invocation/next, call the
// handler, POST .../response or .../error. Console output is rewritten into
// Lambda's log line format on stdout.
//
// Only Node's standard library is used (node 18, 20, 22). Start-up cost is
// kept low: a handful of built-in modules (not node:http; not even node:net
// when fnctl hands over a connected socket), one kept-alive connection,
// nothing loaded for error paths until they happen.

'use strict';
// CommonJS, not an ES module: node's ESM entry costs 3-4 ms more at start.
// ES module handlers are still loaded with import().
const { writeSync, readSync } = require('node:fs');
const { format, types: { isNativeError } } = require('node:util');
const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');

const env = process.env;
const API_PREFIX = '/2018-06-01/runtime';

// ---------------------------------------------------------------------------
// Errors, as AWS's client names and serializes them.

function runtimeErrorClass(short) {
    const cls = class extends Error {};
    const name = 'Runtime.' + short;
    Object.defineProperty(cls, 'name', { value: name });
    // On the prototype, so the stack header reads "Runtime.X: message".
    Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
    return cls;
}

const ImportModuleError = runtimeErrorClass('ImportModuleError');
const HandlerNotFound = runtimeErrorClass('HandlerNotFound');
const MalformedHandlerName = runtimeErrorClass('MalformedHandlerName');
const UserCodeSyntaxError = runtimeErrorClass('UserCodeSyntaxError');
const NodeJsExit = runtimeErrorClass('NodeJsExit');
const UnhandledPromiseRejectionBase = runtimeErrorClass('UnhandledPromiseRejection');

class UnhandledPromiseRejection extends UnhandledPromiseRejectionBase {
    constructor(reason, promise) {
        let text;
        try {
            text = reason == null ? undefined : reason.toString();
        } catch {
            text = undefined;
        }
        super(text);
        this.reason = reason;
        this.promise = promise;
    }
}
Object.defineProperty(UnhandledPromiseRejection, 'name', { value: 'Runtime.UnhandledPromiseRejection' });

const NODEJS_EXIT_MESSAGE =
    'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly ' +
    'caused by a Promise that was never settled. For more information, see ' +
    'https://nodejs.org/docs/latest/api/process.html#exit-codes';

function isErrorLike(e) {
    if (e === null || (typeof e !== 'object' && typeof e !== 'function')) return false;
    if (isNativeError(e) || e instanceof Error) return true;
    return Boolean(e.name && e.message && e.stack) &&
        typeof e.name === 'string' && typeof e.message === 'string' && typeof e.stack === 'string';
}

// The body posted to /invocation/{id}/error and /init/error.
function toRapidResponse(err) {
    try {
        if (isErrorLike(err)) {
            return {
                errorType: stripDel(err.name),
                errorMessage: stripDel(err.message),
                trace: stripDel(err.stack).split('\n'),
            };
        }
        return { errorType: typeof err, errorMessage: err.toString(), trace: [] };
    } catch {
        return {
            errorType: 'handled',
            errorMessage: 'callback called with Error argument, but there was a problem while ' +
                'retrieving one or more of its message, name, and stack',
        };
    }
}

function stripDel(s) {
    return typeof s === 'string' ? s.replace(/\x7F/g, '%7F') : s;
}

// Errors inside the compact JSON of "Invoke Error" style text log lines.
function textErrorReplacer(_key, value) {
    if (value instanceof Error) {
        const out = { errorType: value.name, errorMessage: value.message, code: value.code };
        for (const k of Object.keys(value)) out[k] = value[k];
        out.stack = typeof value.stack === 'string' ? value.stack.split('\n') : value.stack;
        return out;
    }
    return value;
}

function toFormatted(err) {
    try {
        return '\t' + JSON.stringify(err, textErrorReplacer);
    } catch {
        return '\t' + JSON.stringify(toRapidResponse(err));
    }
}

// Errors inside JSON-format log records.
function jsonErrorReplacer(_key, value) {
    if (value instanceof Error) {
        const ctor = value.constructor;
        return Object.assign({
            errorType: (ctor && ctor.name) || 'UnknownError',
            errorMessage: value.message,
            stackTrace: typeof value.stack === 'string' ? value.stack.split('\n') : value.stack,
        }, value);
    }
    return value;
}

// ---------------------------------------------------------------------------
// Console: `${ISO time}\t${requestId}\t${LEVEL}\t${message}` lines on stdout,
// or JSON records when AWS_LAMBDA_LOG_FORMAT=JSON.

const LEVELS = { TRACE: 1, DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6 };
const jsonLogs = env.AWS_LAMBDA_LOG_FORMAT === 'JSON';
const minLevel = LEVELS[String(env.AWS_LAMBDA_LOG_LEVEL || '').toUpperCase()] || LEVELS.TRACE;

let currentRequestId; // the string "undefined" in text lines before the first invoke
let currentTenantId;

function textLine(level, args) {
    return `${new Date().toISOString()}\t${currentRequestId}\t${level}\t` +
        format(...args).replace(/\n/g, '\r') + '\n';
}

function jsonLine(level, args) {
    const rec = { timestamp: new Date().toISOString(), level, requestId: currentRequestId };
    if (currentTenantId) rec.tenantId = currentTenantId;
    if (args.length <= 1) {
        rec.message = args[0];
        try {
            return JSON.stringify(rec, jsonErrorReplacer) + '\n';
        } catch {
            rec.message = format(args[0]);
            return JSON.stringify(rec) + '\n';
        }
    }
    rec.message = format(...args);
    for (let i = 1; i < args.length; i++) {
        const p = args[i];
        if (p instanceof Error) {
            rec.errorType = (p.constructor && p.constructor.name) || 'UnknownError';
            rec.errorMessage = p.message;
            rec.stackTrace = typeof p.stack === 'string' ? p.stack.split('\n') : [];
            break;
        }
    }
    return JSON.stringify(rec) + '\n';
}

// Log lines are written synchronously: fnctl (like Lambda) files every line
// under the invocation that printed it, so a line must be in the pipe before
// the response is posted. process.stdout on a pipe may queue the write.
function writeOut(text) {
    const data = Buffer.from(text);
    let off = 0;
    while (off < data.length) {
        try {
            off += writeSync(1, data, off, data.length - off);
        } catch (e) {
            if (e.code !== 'EAGAIN') return;
        }
    }
}

function makeLogger(level) {
    if (LEVELS[level] < minLevel) return function () {};
    const render = jsonLogs ? jsonLine : textLine;
    return function (...args) {
        writeOut(render(level, args));
    };
}

console.trace = makeLogger('TRACE');
console.debug = makeLogger('DEBUG');
console.info = makeLogger('INFO');
console.log = console.info;
console.warn = makeLogger('WARN');
console.error = makeLogger('ERROR');
console.fatal = makeLogger('FATAL');

// The runtime's own error lines ("Invoke Error", "Uncaught Exception",
// "Unhandled Promise Rejection"), unaffected by user code re-patching console.
const runtimeErrorLog = makeLogger('ERROR');

function logError(label, err) {
    if (jsonLogs) runtimeErrorLog(err);
    else runtimeErrorLog(label, toFormatted(err));
}

// ---------------------------------------------------------------------------
// Runtime API client: a minimal HTTP/1.1 client over one kept-alive TCP
// connection (node:http costs a few ms more to load and to set up). Requests
// on it are strictly one at a time; a request made while it is busy (an
// error report while GET /next is still waiting) gets a connection of its
// own. The idle connection is unref'd so it does not keep the loop alive.

const apiAddr = env.AWS_LAMBDA_RUNTIME_API || '';
const apiColon = apiAddr.lastIndexOf(':');
const apiHost = (apiColon > 0 ? apiAddr.slice(0, apiColon) : apiAddr).replace(/^\[(.*)\]$/, '$1');
const apiPort = apiColon > 0 ? Number(apiAddr.slice(apiColon + 1)) : 80;

let mainConn = null;
let mainBusy = false;
let prefetchedNext = null; // the GET /next pipelined behind the last response

// fnctl also serves the Runtime API on an abstract Unix socket ("@name"):
// cheaper than loopback TCP. Read once and removed from the function's view.
const apiSocket = env.FNCTL_RUNTIME_API_SOCKET || '';
delete env.FNCTL_RUNTIME_API_SOCKET;

// fnctl may also hand over a connection to that socket, already made, as a
// file descriptor (FNCTL_RUNTIME_API_FD): the client then needs no node:net
// at all (5-8 ms of every cold start) and speaks HTTP/1.1 on it with
// blocking reads and writes. Blocking is what Lambda does between
// invocations anyway: the process is frozen while GET /next waits.
const apiFd = /^\d+$/.test(env.FNCTL_RUNTIME_API_FD || '') ? Number(env.FNCTL_RUNTIME_API_FD) : -1;
delete env.FNCTL_RUNTIME_API_FD;
let syncPending = Buffer.alloc(0); // bytes read past the last response
let syncOutstanding = false;      // a pipelined GET /next whose answer is unread

function syncWrite(text) {
    const bytes = Buffer.from(text, 'utf8');
    for (let off = 0; off < bytes.length;) off += writeSync(apiFd, bytes, off, bytes.length - off);
}

function syncFill(chunk) {
    const n = readSync(apiFd, chunk, 0, chunk.length, null);
    if (n === 0) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    syncPending = syncPending.length ? Buffer.concat([syncPending, chunk.subarray(0, n)])
                                     : Buffer.from(chunk.subarray(0, n));
}

// One read buffer for the life of the process: a fresh 64 KB one per read
// showed up in profiles (allocation and scavenges on every invocation).
let syncChunk = null;

// Reads one response (fnctl answers with Content-Length, never chunked).
function syncRead() {
    const chunk = syncChunk || (syncChunk = Buffer.allocUnsafe(65536));
    let end;
    while ((end = syncPending.indexOf('\r\n\r\n')) < 0) syncFill(chunk);
    const lines = syncPending.subarray(0, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
    if (!m) throw new Error(`bad status line '${lines[0]}'`);
    const headers = {};
    for (let i = 1; i < lines.length; i++) {
        const colon = lines[i].indexOf(':');
        if (colon <= 0) continue;
        const name = lines[i].slice(0, colon).trim().toLowerCase();
        const value = lines[i].slice(colon + 1).trim();
        headers[name] = headers[name] === undefined ? value : headers[name] + ', ' + value;
    }
    const length = parseInt(headers['content-length'] || '0', 10) || 0;
    while (syncPending.length < end + 4 + length) syncFill(chunk);
    const body = syncPending.subarray(end + 4, end + 4 + length).toString('utf8');
    syncPending = syncPending.subarray(end + 4 + length);
    return { status: Number(m[1]), headers, body };
}

function syncPromise(fn) {
    try {
        return Promise.resolve(fn());
    } catch (e) {
        return Promise.reject(e);
    }
}

let net = null;

function openConn() {
    if (!net) net = require('node:net');
    const sock = apiSocket.startsWith('@')
        ? net.connect({ path: '\0' + apiSocket.slice(1) })
        : net.connect(apiPort, apiHost);
    if (!apiSocket) sock.setNoDelay(true);
    const conn = { sock, alive: true, cur: null };
    const lost = (err) => {
        conn.alive = false;
        const cur = conn.cur;
        conn.cur = null;
        if (cur) cur.lost(err);
    };
    sock.on('data', (chunk) => {
        if (conn.cur) conn.cur.data(chunk);
        else { conn.alive = false; sock.destroy(); } // bytes nobody asked for
    });
    sock.on('end', () => {
        if (conn.cur && conn.cur.untilClose) { conn.alive = false; conn.cur.finish(); }
        else lost(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    });
    sock.on('error', (err) => lost(err));
    sock.on('close', () => lost(Object.assign(new Error('socket closed'), { code: 'ECONNRESET' })));
    return conn;
}

const EMPTY = Buffer.alloc(0);
const S_HEAD = 0, S_LENGTH = 1, S_CHUNK_SIZE = 2, S_CHUNK_DATA = 3, S_CHUNK_END = 4, S_TRAILER = 5, S_CLOSE = 6;

// One request/response exchange on conn; calls done(err, res) once. A null
// payload was already written (pipelined behind the previous request). With
// follow ({method, urlPath, done}), payload carries a second request whose
// response is read right after this one.
function exchange(conn, reused, method, urlPath, payload, done, follow) {
    let state = S_HEAD;
    let pending = EMPTY;
    let remaining = 0;
    let status = 0;
    let headers = null;
    let keepAlive = true;
    let sawBytes = false;
    let finished = false;
    const parts = [];

    const ex = {
        untilClose: false,
        data(chunk) {
            sawBytes = true;
            let buf = pending.length ? Buffer.concat([pending, chunk]) : chunk;
            pending = EMPTY;
            while (buf.length && !finished) {
                if (state === S_HEAD) {
                    const i = buf.indexOf('\r\n\r\n');
                    if (i < 0) { pending = buf; return; }
                    const head = buf.toString('utf8', 0, i);
                    buf = buf.subarray(i + 4);
                    if (!parseHead(head)) return;
                } else if (state === S_LENGTH || state === S_CHUNK_DATA) {
                    const n = Math.min(remaining, buf.length);
                    parts.push(buf.subarray(0, n));
                    buf = buf.subarray(n);
                    remaining -= n;
                    if (remaining === 0) {
                        if (state === S_LENGTH) ex.finish();
                        else state = S_CHUNK_END;
                    }
                } else if (state === S_CHUNK_SIZE || state === S_CHUNK_END || state === S_TRAILER) {
                    const i = buf.indexOf('\r\n');
                    if (i < 0) { pending = buf; return; }
                    const line = buf.toString('latin1', 0, i);
                    buf = buf.subarray(i + 2);
                    if (state === S_CHUNK_END) {
                        state = S_CHUNK_SIZE;
                    } else if (state === S_TRAILER) {
                        if (line === '') ex.finish();
                    } else {
                        const size = parseInt(line, 16);
                        if (!(size >= 0)) return fail(new Error('malformed chunked response'));
                        if (size === 0) state = S_TRAILER;
                        else { remaining = size; state = S_CHUNK_DATA; }
                    }
                } else { // S_CLOSE
                    parts.push(buf);
                    buf = EMPTY;
                }
            }
            if (finished && buf.length) {
                if (conn.cur && conn.cur !== ex) conn.cur.data(buf); // the pipelined response
                else { conn.alive = false; conn.sock.destroy(); } // bytes nobody asked for
            }
        },
        finish() {
            if (finished) return;
            finished = true;
            if (conn.cur === ex) conn.cur = null;
            if (follow && keepAlive && conn.alive) {
                exchange(conn, true, follow.method, follow.urlPath, null, follow.done);
            } else if (keepAlive && conn.alive) {
                conn.sock.unref();
            } else {
                conn.alive = false;
                conn.sock.destroy();
                if (follow) follow.done(Object.assign(new Error('connection closed'), { code: 'ECONNRESET' }));
            }
            const body = parts.length === 1 ? parts[0] : Buffer.concat(parts);
            done(null, { status, headers, body: body.toString('utf8') });
        },
        lost(err) {
            if (finished) return;
            if (reused && !sawBytes) { // a kept-alive connection the server had closed: once more, fresh
                finished = true;
                retry();
                return;
            }
            fail(err);
        },
    };

    function fail(err) {
        if (finished) return;
        finished = true;
        if (conn.cur === ex) conn.cur = null;
        conn.alive = false;
        conn.sock.destroy();
        done(err);
        if (follow) follow.done(err);
    }

    function retry() {
        const fresh = openConn();
        if (conn === mainConn) mainConn = fresh;
        exchange(fresh, false, method, urlPath, payload, done, follow);
    }

    function parseHead(head) {
        const lines = head.split('\r\n');
        const m = /^HTTP\/1\.(\d) (\d{3})/.exec(lines[0]);
        if (!m) { fail(new Error('malformed response status line')); return false; }
        status = Number(m[2]);
        if (status >= 100 && status < 200) return true; // interim response: wait for the real one
        headers = {};
        for (let k = 1; k < lines.length; k++) {
            const line = lines[k];
            const c = line.indexOf(':');
            if (c <= 0) continue;
            const name = line.slice(0, c).trim().toLowerCase();
            const value = line.slice(c + 1).trim();
            headers[name] = headers[name] === undefined ? value : headers[name] + ', ' + value;
        }
        const connection = (headers.connection || '').toLowerCase();
        keepAlive = m[1] === '1' ? !connection.includes('close') : connection.includes('keep-alive');
        const te = (headers['transfer-encoding'] || '').toLowerCase();
        if (method === 'HEAD' || status === 204 || status === 304) {
            ex.finish();
        } else if (te.includes('chunked')) {
            state = S_CHUNK_SIZE;
        } else if (headers['content-length'] !== undefined) {
            remaining = parseInt(headers['content-length'], 10) || 0;
            state = S_LENGTH;
            if (remaining === 0) ex.finish();
        } else {
            state = S_CLOSE;
            ex.untilClose = true;
            keepAlive = false;
        }
        return true;
    }

    conn.cur = ex;
    conn.sock.ref();
    if (payload !== null) conn.sock.write(payload);
}

// POST urlPath with body and, pipelined behind it on the same connection,
// GET nextPath: one write and one wakeup fewer per invocation than asking
// for the next event after the POST's answer. Returns [posted, next].
function rapidPair(urlPath, body, nextPath) {
    if (apiFd >= 0 && !syncOutstanding) {
        const payload = requestText('POST', urlPath, body) + requestText('GET', nextPath);
        const posted = syncPromise(() => syncWrite(payload));
        syncOutstanding = true;
        // Both answers are read when the runtime asks for the next event, not
        // before: under load they arrive together, one wakeup instead of two.
        // (The POST's status is not acted on either way, as before.)
        return [posted, () => syncPromise(() => {
            syncOutstanding = false;
            syncRead();
            return syncRead();
        })];
    }
    if (mainBusy) return [rapid('POST', urlPath, body), null];
    const payload = requestText('POST', urlPath, body) + requestText('GET', nextPath);
    let second;
    const next = new Promise((resolve, reject) => {
        second = { method: 'GET', urlPath: nextPath,
                   done: (err, res) => { mainBusy = false; err ? reject(err) : resolve(res); } };
    });
    const posted = new Promise((resolve, reject) => {
        mainBusy = true;
        let reused = true;
        if (!mainConn || !mainConn.alive) { mainConn = openConn(); reused = false; }
        exchange(mainConn, reused, 'POST', urlPath, payload,
                 (err, res) => (err ? reject(err) : resolve(res)), second);
    });
    return [posted, next];
}

function requestText(method, urlPath, body, headers) {
    let payload = `${method} ${urlPath} HTTP/1.1\r\nHost: ${apiAddr}\r\n`;
    if (headers) for (const k of Object.keys(headers)) payload += `${k}: ${headerSafe(headers[k])}\r\n`;
    if (body !== undefined) {
        payload += `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n` + body;
    } else {
        payload += '\r\n';
    }
    return payload;
}

function rapid(method, urlPath, body, headers) {
    const payload = requestText(method, urlPath, body, headers);
    if (apiFd >= 0 && !syncOutstanding) return syncPromise(() => { syncWrite(payload); return syncRead(); });
    return new Promise((resolve, reject) => {
        const done = (err, res) => (err ? reject(err) : resolve(res));
        // the kept-alive connection is in use (or is the handed-over one, with
        // GET /next waiting on it): a one-off connection
        if (mainBusy || apiFd >= 0) {
            const extra = openConn();
            exchange(extra, false, method, urlPath, payload, (err, res) => {
                extra.alive = false;
                extra.sock.destroy();
                done(err, res);
            });
            return;
        }
        mainBusy = true;
        let reused = true;
        if (!mainConn || !mainConn.alive) { mainConn = openConn(); reused = false; }
        exchange(mainConn, reused, method, urlPath, payload, (err, res) => {
            mainBusy = false;
            done(err, res);
        });
    });
}

function headerSafe(s) {
    return String(s).replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
}

function lostRuntimeApi(what, detail) {
    process.stderr.write(`fnctl node bootstrap: ${what}: ${detail}\n`);
    process.exit(1);
}

// Once a fatal error is being reported nothing else is posted: a late
// response must not overtake the error on another connection.
let dying = false;

function postResponse(id, result, then) {
    // Throws (like AWS's client) when the result cannot be serialized.
    let body;
    try {
        body = JSON.stringify(result === undefined ? null : result);
    } catch {
        throw new Error('Unable to stringify response body');
    }
    if (body === undefined) body = 'null'; // e.g. a function or symbol as the result
    if (dying) return;
    const [posted, next] = rapidPair(`${API_PREFIX}/invocation/${id}/response`, body,
                                     `${API_PREFIX}/invocation/next`);
    prefetchedNext = next;
    if (next && typeof next.catch === 'function') next.catch(() => {}); // handled where awaited
    posted.then(() => then(), (e) => lostRuntimeApi('POST response', e.message));
}

function serializeError(err) {
    const res = toRapidResponse(err);
    try {
        return [res.errorType, JSON.stringify(res)];
    } catch {
        return ['handled', JSON.stringify({ errorType: 'handled', errorMessage: 'error could not be serialized', trace: [] })];
    }
}

function postError(id, err, then) {
    if (dying) return;
    rapid('POST', `${API_PREFIX}/invocation/${id}/error`, serializeError(err)[1])
        .then(() => then(), (e) => lostRuntimeApi('POST error', e.message));
}

// Fatal paths: report, then exit with AWS's codes (129 uncaught exception,
// 128 unhandled rejection). A second fatal error only gets logged.
function dieAfter(urlPath, err, code, withTypeHeader) {
    if (dying) return;
    dying = true;
    const [type, body] = serializeError(err);
    const exit = () => process.exit(code);
    // The process must go even if the report cannot be delivered.
    setTimeout(exit, 3000).unref();
    rapid('POST', urlPath, body, withTypeHeader ? { 'Lambda-Runtime-Function-Error-Type': type } : undefined)
        .then(exit, exit);
}

function initFailure(code) {
    return (err) => dieAfter(`${API_PREFIX}/init/error`, err, code, true);
}

let onUncaught = initFailure(129);
let onRejection = initFailure(128);

function uncaughtException(err) {
    logError('Uncaught Exception', err);
    onUncaught(err);
}

process.on('uncaughtException', uncaughtException);
process.on('unhandledRejection', (reason, promise) => {
    const err = new UnhandledPromiseRejection(reason, promise);
    logError('Unhandled Promise Rejection', err);
    onRejection(err);
});

// What happens when the event loop runs dry during an invocation.
let beforeExitAction = null;
process.on('beforeExit', () => {
    if (beforeExitAction) beforeExitAction();
});

// ---------------------------------------------------------------------------
// Handler loading.

const FUNCTION_EXPR = /^([^.]*)\.(.*)$/;

async function loadHandler(appRoot, fullHandler) {
    if (fullHandler.includes('..')) {
        throw new MalformedHandlerName(`'${fullHandler}' is not a valid handler name. Use absolute ` +
            'paths when specifying root directories in handler names.');
    }
    const base = path.basename(fullHandler);
    const moduleRoot = fullHandler.slice(0, fullHandler.length - base.length);
    const match = base.match(FUNCTION_EXPR);
    if (!match) throw new MalformedHandlerName('Bad handler');
    const [, moduleName, handlerPath] = match;

    const app = await loadModule(appRoot, moduleRoot, moduleName);

    let fn = app;
    for (const key of handlerPath.split('.')) fn = fn && fn[key];
    if (!fn) throw new HandlerNotFound(`${fullHandler} is undefined or not exported`);
    if (typeof fn !== 'function') throw new HandlerNotFound(`${fullHandler} is not a function`);
    return fn;
}

async function loadModule(appRoot, moduleRoot, moduleName) {
    try {
        return await findAndLoad(appRoot, moduleRoot, moduleName);
    } catch (e) {
        if (e instanceof SyntaxError) throw new UserCodeSyntaxError(e);
        if (e && e.code === 'MODULE_NOT_FOUND') throw new ImportModuleError(e);
        throw e;
    }
}

async function findAndLoad(appRoot, moduleRoot, moduleName) {
    const base = path.resolve(appRoot, moduleRoot, moduleName);

    // 1. the file as named (no extension): CommonJS
    if (existsSync(base)) return require(base);

    // 2. .js as CommonJS, unless the nearest package.json says "type": "module"
    const typeModule = inTypeModulePackage(base);
    if (!typeModule && existsSync(base + '.js')) return require(base + '.js');

    // 3. .js as ESM (type module), .mjs as ESM, .cjs as CommonJS
    if (typeModule && existsSync(base + '.js')) return importFile(base + '.js');
    if (existsSync(base + '.mjs')) return importFile(base + '.mjs');
    if (existsSync(base + '.cjs')) return require(base + '.cjs');

    // 4. node's own resolution (node_modules, package "main"), from the task root
    return require(require.resolve(moduleName, { paths: [appRoot, moduleRoot] }));
}

async function importFile(file) {
    const { pathToFileURL } = require('node:url');
    return import(pathToFileURL(file).href);
}

function inTypeModulePackage(file) {
    let dir = path.dirname(file);
    for (;;) {
        if (dir.endsWith('/node_modules')) return false;
        const pj = path.join(dir, 'package.json');
        if (existsSync(pj)) {
            try {
                const pkg = JSON.parse(readFileSync(pj, 'utf8'));
                return Boolean(pkg) && pkg.type === 'module';
            } catch (e) {
                console.warn(`${pj} cannot be read, it will be ignored for ES module detection purposes.`, e);
                return false;
            }
        }
        if (dir === '/' || dir === path.dirname(dir)) return false;
        dir = path.dirname(dir);
    }
}

// ---------------------------------------------------------------------------
// Invocation: the callback, the context, and who completes first.

function parseJsonHeader(value, name) {
    if (value === undefined) return undefined;
    try {
        return JSON.parse(value);
    } catch (e) {
        throw new Error(`Cannot parse ${name} as json: ${e.toString()}`);
    }
}

// Returns [callback, callbackContext, markCompleted]. Only the first call of
// callback/succeed/fail/done counts (later ones are ignored); a response that
// arrives after the invocation was already reported logs AWS's message.
function callbacksFor(id, scheduleNext) {
    let reported = false;
    let waitForEmptyLoop = true;

    const reportError = (err) => {
        logError('Invoke Error', err);
        postError(id, err, scheduleNext);
    };
    const complete = (result) => {
        if (reported) {
            runtimeErrorLog('Invocation has already been reported as done. Cannot call complete more than once per invocation.');
            return;
        }
        reported = true;
        postResponse(id, result, scheduleNext);
    };
    const callback = (err, result) => {
        beforeExitAction = null;
        if (err !== undefined && err !== null) {
            reportError(err);
        } else if (!waitForEmptyLoop) {
            complete(result);
        } else {
            beforeExitAction = () => {
                beforeExitAction = null;
                setImmediate(() => complete(result));
            };
        }
    };
    const done = (err, result) => {
        beforeExitAction = null;
        if (err !== undefined && err !== null) reportError(err);
        else complete(result);
    };
    const ctx = {
        get callbackWaitsForEmptyEventLoop() { return waitForEmptyLoop; },
        set callbackWaitsForEmptyEventLoop(v) { waitForEmptyLoop = v; },
        succeed: (result) => done(null, result),
        fail: (err) => done(err === undefined || err === null ? 'handled' : err, null),
        done,
    };

    let finished = false;
    const once = (fn) => function (...args) {
        if (!finished) {
            fn(...args);
            finished = true;
        }
    };
    ctx.succeed = once(ctx.succeed);
    ctx.fail = once(ctx.fail);
    ctx.done = once(ctx.done);
    return [once(callback), ctx, () => { reported = true; }];
}

function buildContext(headers, ctx) {
    const deadline = Number.parseInt(headers['lambda-runtime-deadline-ms'], 10);
    const extra = {
        functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
        functionName: env.AWS_LAMBDA_FUNCTION_NAME,
        memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
        logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
        logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
        clientContext: parseJsonHeader(headers['lambda-runtime-client-context'], 'ClientContext'),
        identity: parseJsonHeader(headers['lambda-runtime-cognito-identity'], 'CognitoIdentity'),
        invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
        awsRequestId: headers['lambda-runtime-aws-request-id'],
    };
    if (headers['lambda-runtime-aws-tenant-id'] !== undefined) {
        extra.tenantId = headers['lambda-runtime-aws-tenant-id'];
    }
    extra.getRemainingTimeInMillis = function getRemainingTimeInMillis() {
        return deadline - Date.now();
    };
    return Object.assign(ctx, extra);
}

class Runtime {
    constructor(handler) {
        this.handler = handler;
        this.isAsync = Boolean(handler.constructor) && handler.constructor.name === 'AsyncFunction';
        // No new invocation once a fatal error is being reported.
        this.scheduleNext = () => {
            if (!dying) setImmediate(() => this.handleOnce());
        };
    }

    async handleOnce() {
        if (dying) return;
        let inv;
        try {
            const pending = prefetchedNext;
            prefetchedNext = null;
            inv = await (typeof pending === 'function' ? pending()
                         : pending || rapid('GET', `${API_PREFIX}/invocation/next`));
        } catch (e) {
            lostRuntimeApi('GET next', e.message);
        }
        if (inv.status !== 200) lostRuntimeApi('GET next', `HTTP ${inv.status} ${inv.body}`);

        const headers = inv.headers;
        const id = headers['lambda-runtime-aws-request-id'];
        currentRequestId = id;
        currentTenantId = headers['lambda-runtime-aws-tenant-id'];
        const trace = headers['lambda-runtime-trace-id'];
        if (trace) env._X_AMZN_TRACE_ID = trace;
        else delete env._X_AMZN_TRACE_ID;

        const [callback, ctx, markCompleted] = callbacksFor(id, this.scheduleNext);
        const errorPath = `${API_PREFIX}/invocation/${id}/error`;
        onUncaught = (err) => dieAfter(errorPath, err, 129);
        onRejection = (err) => dieAfter(errorPath, err, 128);

        // The loop ran dry and nothing reported: an async handler's promise
        // never settled (NodeJsExit); a sync handler answers null.
        beforeExitAction = () => {
            beforeExitAction = null;
            markCompleted();
            if (this.isAsync) {
                const err = new NodeJsExit(NODEJS_EXIT_MESSAGE);
                logError('Invoke Error', err);
                postError(id, err, this.scheduleNext);
            } else {
                postResponse(id, null, this.scheduleNext);
            }
        };

        try {
            const result = this.handler(JSON.parse(inv.body), buildContext(headers, ctx), callback);
            if (result && typeof result.then === 'function') {
                result.then(ctx.succeed, ctx.fail).catch(ctx.fail);
            }
        } catch (err) {
            callback(err);
        }
    }
}

// ---------------------------------------------------------------------------

async function main() {
    if (!env.AWS_LAMBDA_RUNTIME_API) throw new Error('AWS_LAMBDA_RUNTIME_API is not set');
    const appRoot = env.LAMBDA_TASK_ROOT || process.cwd();
    const handlerName = process.argv[2] || env._HANDLER || '';
    const handler = await loadHandler(appRoot, handlerName);
    new Runtime(handler).scheduleNext();
}

main().catch(uncaughtException);
