"""fnctl: the Python runtime bootstrap.

Run as `python3 bootstrap.py` with cwd = LAMBDA_TASK_ROOT and the Lambda
environment. It behaves as AWS's Python runtime interface client
(awslambdaric) does in the managed python3.x runtimes: it imports the handler
named by _HANDLER once, then loops on the Lambda Runtime API (2018-06-01) at
AWS_LAMBDA_RUNTIME_API: GET .../invocation/next, call the handler, POST
.../response or .../error. Init failures go to .../init/error and the process
exits 1.

Logs: print() is plain stdout; the root logger gets AWS's handler and
formatter (text or JSON); handler errors are logged as "[ERROR] Type: msg"
plus the traceback. Each log event written here is one line on stdout, its
inner line breaks turned into \\r, as Lambda's telemetry sink keeps one event
together; fnctl reads stdout line by line.

Standard library only, Python 3.8 to 3.13. Start-up is kept close to a bare
`python3 -c 0`: the Runtime API client speaks HTTP/1.1 over the C `_socket`
module (http.client would pull in email, ssl, ...), JSON goes through the C
`_json` accelerator directly (the json package pulls in re and enum),
`logging` is configured only when the function first imports it (an import
hook does it before the function's own code runs), and traceback and the like
are loaded on error paths only.

Most of the code is in the string _BODY below. CPython compiles a script
given on the command line from source every time, with no .pyc cache, and
compiling this much code costs more than all the rest of the start-up (3 to
4 ms, where `python3 -c 0` takes 10 to 12 ms here); a string literal costs
next to nothing to compile. _body_code() compiles _BODY once and keeps the
code object in __pycache__/ beside this file, or under PYTHONPYCACHEPREFIX
(written atomically, checked against the interpreter's bytecode magic, this
file's path and the exact text of _BODY), so later workers load it in about
0.1 ms. Where that cannot be written it compiles every time. _BODY is
ordinary Python, compiled with this file's name and line numbers, so
tracebacks through it show the right lines of this file.
"""

import marshal
import os
import sys
import time

_SELF = os.path.abspath(__file__)


def _body_code():
    """The code object of _BODY, from the cache when it is current."""
    external = sys.modules.get("_frozen_importlib_external")
    magic = getattr(external, "MAGIC_NUMBER", None)
    tag = getattr(sys.implementation, "cache_tag", None)
    cache = None
    if magic and tag:
        here = os.path.dirname(_SELF)
        prefix = getattr(sys, "pycache_prefix", None)  # PYTHONPYCACHEPREFIX, as for .pyc files
        folder = os.path.join(prefix, here.lstrip(os.sep)) if prefix else os.path.join(here, "__pycache__")
        cache = os.path.join(folder, "bootstrap.%s.fnctl-body" % tag)
        try:
            with open(cache, "rb") as f:
                data = f.read()
            if data[:len(magic)] == magic:
                path, text, code = marshal.loads(data[len(magic):])
                if path == _SELF and text == _BODY:
                    return code
        except Exception:
            pass
    # Padded so that line numbers in the code are those of this file.
    code = compile("\n" * _BODY_LINE + _BODY, _SELF, "exec", dont_inherit=True)
    if cache and not sys.dont_write_bytecode:
        tmp = "%s.%d.tmp" % (cache, os.getpid())
        try:
            os.makedirs(os.path.dirname(cache), exist_ok=True)
            with open(tmp, "wb") as f:
                f.write(magic + marshal.dumps((_SELF, _BODY, code)))
            os.replace(tmp, cache)
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return code


_BODY_LINE = sys._getframe().f_lineno  # the line above _BODY's first line
_BODY = r'''
ERROR_LOG_LINE_TERMINATE = "\r"
ERROR_LOG_IDENT = "\u00a0"  # NO-BREAK SPACE, as AWS indents logged tracebacks

_LAMBDA_WARNING = (
    "LAMBDA_WARNING: "
    "Unhandled exception. "
    "The most likely cause is an issue in the function code. "
    "However, in rare cases, a Lambda runtime update can cause unexpected function behavior. "
    "For functions using managed runtimes, runtime updates can be triggered by a function change, "
    "or can be applied automatically. "
    "To determine if the runtime has been updated, check the runtime version in the INIT_START log entry. "
    "If this error correlates with a change in the runtime version, you may be able to mitigate this "
    "error by temporarily rolling back to the previous runtime version. "
    "For more information, see https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html"
)

_env = os.environ
_LOG_FORMAT_JSON = (_env.get("AWS_LAMBDA_LOG_FORMAT") or "").upper() == "JSON"
_raw_level = _env.get("AWS_LAMBDA_LOG_LEVEL")
_LOG_LEVEL = {None: "", "TRACE": "DEBUG"}.get(_raw_level, _raw_level).upper()
# awslambdaric writes non-ASCII characters unescaped only on python3.12.
_ENSURE_ASCII = _env.get("AWS_EXECUTION_ENV") != "AWS_Lambda_python3.12"

_REQUEST_ID = None  # the current invocation, for log records
_TENANT_ID = None


# ---------------------------------------------------------------------------
# Errors, as awslambdaric names them.


class FaultException(Exception):
    MARSHAL_ERROR = "Runtime.MarshalError"
    UNMARSHAL_ERROR = "Runtime.UnmarshalError"
    USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
    HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
    IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
    BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
    MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
    LAMBDA_CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"

    def __init__(self, exception_type, msg, trace=None):
        Exception.__init__(self, msg)
        self.msg = msg
        self.exception_type = exception_type
        self.trace = trace


def make_error(error_message, error_type, stack_trace, invoke_id=None):
    return {
        "errorMessage": error_message if error_message else "",
        "errorType": error_type if error_type else "",
        "requestId": invoke_id if invoke_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def _is_own_frame(filename):
    return "/bootstrap.py" in filename or filename == _SELF


def build_fault_result(exc_info, invoke_id=None):
    """An error object for an exception, its leading bootstrap frames dropped."""
    import traceback

    etype, value, tb = exc_info
    # Plain tuples, not FrameSummary objects: format_list then prints no
    # position carets (3.11+), as in AWS's stack traces.
    frames = [(f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(tb)]
    for i in range(len(frames)):
        if not _is_own_frame(frames[i][0]):
            frames = frames[i:]
            break
    try:
        message = str(value)
    except Exception:
        message = "<exception str() failed>"
    return make_error(message, etype.__name__, traceback.format_list(frames), invoke_id)


# ---------------------------------------------------------------------------
# JSON through the C accelerator when present (what json.dumps/loads use
# underneath), the json package otherwise and on error paths.

_JSONC = None


def _json_native():
    global _JSONC
    if _JSONC is None:
        try:
            import _json

            class _ScanContext(object):
                strict = True
                object_hook = None
                object_pairs_hook = None
                parse_float = float
                parse_int = int
                parse_constant = {
                    "-Infinity": float("-inf"),
                    "Infinity": float("inf"),
                    "NaN": float("nan"),
                }.__getitem__

            _JSONC = (
                _json.make_scanner(_ScanContext()),
                _json.make_encoder,
                _json.encode_basestring_ascii,
                _json.encode_basestring,
            )
        except Exception:
            _JSONC = False
    return _JSONC


_WS = " \t\n\r"


def _json_loads(text):
    if text[:1] == "\ufeff":  # simplejson, which AWS uses, skips a BOM
        text = text[1:]
    native = _json_native()
    if native:
        n = len(text)
        i = 0
        while i < n and text[i] in _WS:
            i += 1
        try:
            obj, end = native[0](text, i)
        except Exception:
            pass  # the json package reports it
        else:
            while end < n and text[end] in _WS:
                end += 1
            if end == n:
                return obj
    import json

    return json.loads(text)


def _not_serializable(o):
    raise TypeError("Object of type %s is not JSON serializable" % o.__class__.__name__)


def _json_dumps(obj, ensure_ascii, default=_not_serializable):
    """json.dumps(obj) with the default separators ", " and ": "."""
    native = _json_native()
    if native:
        encode = native[1](
            {}, default, native[2] if ensure_ascii else native[3], None, ": ", ", ", False, False, True
        )
        return "".join(encode(obj, 0))
    import json

    return json.JSONEncoder(ensure_ascii=ensure_ascii, default=default).encode(obj)


_DECIMAL_MARK = "\x00fnctl-decimal:%d\x00"


def to_json(obj):
    """Serialise as awslambdaric does: Decimal written as its exact text."""
    decimals = []

    def default(o):
        dec = sys.modules.get("decimal")
        if dec is not None and isinstance(o, dec.Decimal):
            if o.is_nan():
                return float("nan")
            decimals.append(str(o))
            return _DECIMAL_MARK % (len(decimals) - 1)
        return _not_serializable(o)

    out = _json_dumps(obj, _ENSURE_ASCII, default)
    for i, text in enumerate(decimals):
        # The marker is a JSON string whose NULs the encoder wrote as \u0000.
        mark = '"' + (_DECIMAL_MARK % i).replace("\x00", "\\u0000") + '"'
        out = out.replace(mark, text, 1)
    return out


# ---------------------------------------------------------------------------
# Log output. One event = one line on stdout (inner line breaks become \r).


class Unbuffered(object):
    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, exc_tb):
        pass

    def __getattr__(self, attr):
        return getattr(self.stream, attr)

    def write(self, msg):
        self.stream.write(msg)
        self.stream.flush()

    def writelines(self, msgs):
        self.stream.writelines(msgs)
        self.stream.flush()


class StandardLogSink(object):
    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, exc_tb):
        pass

    def log(self, msg, frame_type=None):
        if msg.endswith("\n"):
            msg = msg[:-1]
        self.stream.write(msg.replace("\n", "\r") + "\n")

    def log_error(self, message_lines):
        msg = ERROR_LOG_LINE_TERMINATE.join(message_lines)
        self.stream.write(msg.replace("\n", "\r") + "\n")


_SINK = None


def _replace_indentation(line):
    n = len(line) - len(line.lstrip(" "))
    return ERROR_LOG_IDENT * n + line[n:]


def log_error(error_result, log_sink):
    if _LOG_FORMAT_JSON:
        record = {"timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()), "level": "ERROR"}
        record.update(error_result)
        log_sink.log_error([to_json(record)])
        return

    description = "[ERROR]"
    error_type = error_result.get("errorType")
    if error_type:
        description += " " + error_type
    error_message = error_result.get("errorMessage")
    if error_message:
        if error_type:
            description += ":"
        description += " " + error_message

    lines = [description]
    stack_trace = error_result.get("stackTrace")
    if stack_trace is not None:
        lines.append("Traceback (most recent call last):")
        for element in stack_trace:
            if element == "":
                lines.append("")
            else:
                for line in element.splitlines():
                    lines.append(_replace_indentation(line))
    log_sink.log_error(lines)


# ---------------------------------------------------------------------------
# logging, set up as awslambdaric sets it up. The root logger must have AWS's
# handler before the function's code first logs or calls basicConfig (which
# then does nothing, as on AWS), so the moment `logging` is first imported is
# the moment to do it; a function that never imports it does not pay for it.

_LOGGING_READY = False


def _setup_logging(logging):
    global _LOGGING_READY
    if _LOGGING_READY:
        return
    _LOGGING_READY = True
    try:
        sys.meta_path.remove(_LoggingFinder)
    except ValueError:
        pass

    logging.Formatter.converter = time.gmtime
    logger = logging.getLogger()

    class LambdaLoggerHandler(logging.Handler):
        def __init__(self, log_sink):
            logging.Handler.__init__(self)
            self.log_sink = log_sink

        def emit(self, record):
            self.log_sink.log(self.format(record))

    if _LOG_FORMAT_JSON or _LOG_LEVEL:
        LambdaLoggerHandler.__name__ = LambdaLoggerHandler.__qualname__ = "LambdaLoggerHandlerWithFrameType"

    class LambdaLoggerFilter(logging.Filter):
        def filter(self, record):
            record.aws_request_id = _REQUEST_ID or ""
            record.tenant_id = _TENANT_ID
            return True

    handler = LambdaLoggerHandler(_SINK)
    if _LOG_FORMAT_JSON:
        handler.setFormatter(_json_formatter(logging)())
    else:
        handler.setFormatter(
            logging.Formatter(
                "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
                "%Y-%m-%dT%H:%M:%S",
            )
        )
    if _LOG_LEVEL in logging._nameToLevel:
        logger.setLevel(_LOG_LEVEL)
    handler.addFilter(LambdaLoggerFilter())
    logger.addHandler(handler)


_RESERVED_FIELDS = frozenset((
    "name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module",
    "exc_info", "exc_text", "stack_info", "lineno", "funcName", "created", "msecs",
    "relativeCreated", "thread", "threadName", "processName", "process",
    "aws_request_id", "tenant_id", "_frame_type",
))


def _json_formatter(logging):
    class JsonFormatter(logging.Formatter):
        def __init__(self):
            logging.Formatter.__init__(self, datefmt="%Y-%m-%dT%H:%M:%S")

        def formatTime(self, record, datefmt=None):
            from datetime import datetime, timezone

            dt = datetime.fromtimestamp(record.created, tz=timezone.utc)
            return dt.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

        def format(self, record):
            record.levelno = min(50, max(0, record.levelno)) // 10 * 10
            record.levelname = logging.getLevelName(record.levelno)
            exc_info = record.exc_info
            stack = etype = emsg = location = None
            if exc_info:
                import traceback

                stack = traceback.format_tb(exc_info[2])
                etype = exc_info[0].__name__
                emsg = str(exc_info[1])
                location = "%s:%s:%s" % (record.pathname, record.funcName, record.lineno)
            result = {
                "timestamp": self.formatTime(record, self.datefmt),
                "level": record.levelname,
                "message": record.getMessage(),
                "logger": record.name,
                "stackTrace": stack,
                "errorType": etype,
                "errorMessage": emsg,
                "requestId": getattr(record, "aws_request_id", None),
                "location": location,
            }
            if getattr(record, "tenant_id", None) is not None:
                result["tenantId"] = record.tenant_id
            for key, value in record.__dict__.items():
                if key not in _RESERVED_FIELDS and key not in result:
                    result[key] = value
            result = {k: v for k, v in result.items() if v is not None}
            return _json_dumps(result, False) + "\n"

    return JsonFormatter


class _LoggingLoader(object):
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        spec = getattr(module, "__spec__", None)
        if spec is not None:
            spec.loader = self.loader
        module.__loader__ = self.loader
        self.loader.exec_module(module)
        try:
            _setup_logging(module)
        except AttributeError:
            pass  # a module of the function's own shadows the standard one


class _LoggingFinder(object):
    """Wraps the loader of `logging` so that it is set up once loaded."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name != "logging" or _LOGGING_READY:
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is cls or find is None:
                continue
            spec = find(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _LoggingLoader(spec.loader)
                return spec
        return None


# ---------------------------------------------------------------------------
# The context object (awslambdaric's LambdaContext).


class CognitoIdentity(object):
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __repr__(self):
        return "%s([cognito_identity_id=%s,cognito_identity_pool_id=%s])" % (
            self.__class__.__name__, self.cognito_identity_id, self.cognito_identity_pool_id)


class Client(object):
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]

    def __repr__(self):
        return (
            "%s([installation_id=%s,app_title=%s,app_version_name=%s,app_version_code=%s,app_package_name=%s])"
            % (self.__class__.__name__, self.installation_id, self.app_title, self.app_version_name,
               self.app_version_code, self.app_package_name))


class ClientContext(object):
    __slots__ = ["custom", "env", "client"]

    def __repr__(self):
        return "%s([custom=%s,env=%s,client=%s])" % (self.__class__.__name__, self.custom, self.env, self.client)


def _obj_from_dict(cls, d):
    if d is None:
        return None
    obj = cls()
    for field in cls.__slots__:
        setattr(obj, field, d.get(field, None))
    return obj


_W3C_FIELDS = ("traceparent", "tracestate", "baggage")


class LambdaContext(object):
    def __init__(self, invoke_id, client_context, cognito_identity, epoch_deadline_time_in_ms,
                 invoked_function_arn=None, tenant_id=None):
        self.aws_request_id = invoke_id
        self.log_group_name = _env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = _env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = _env.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = _env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = _env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.tenant_id = tenant_id

        w3c = {}
        if isinstance(client_context, dict) and "w3c" in client_context:
            raw = client_context.pop("w3c")
            if isinstance(raw, dict):
                w3c = {k: raw[k] for k in _W3C_FIELDS if isinstance(raw.get(k), str)}
        self._w3c_fields = w3c

        self.client_context = _obj_from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = _obj_from_dict(Client, self.client_context.client)

        self.identity = _obj_from_dict(CognitoIdentity, {})
        if cognito_identity is not None:
            self.identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito_identity.get("cognitoIdentityPoolId")

        self._epoch_deadline_time_in_ms = epoch_deadline_time_in_ms

    def get_remaining_time_in_millis(self):
        delta_ms = self._epoch_deadline_time_in_ms - int(time.time() * 1000)
        return delta_ms if delta_ms > 0 else 0

    def w3c(self):
        return dict(self._w3c_fields)

    def log(self, msg):
        _SINK.log(str(msg))

    def __repr__(self):
        return (
            "%s([aws_request_id=%s,log_group_name=%s,log_stream_name=%s,function_name=%s,"
            "memory_limit_in_mb=%s,function_version=%s,invoked_function_arn=%s,client_context=%s,"
            "identity=%s,tenant_id=%s])"
            % (self.__class__.__name__, self.aws_request_id, self.log_group_name, self.log_stream_name,
               self.function_name, self.memory_limit_in_mb, self.function_version,
               self.invoked_function_arn, self.client_context, self.identity, self.tenant_id))


def _parse_json_header(value, name):
    try:
        return _json_loads(value)
    except Exception as e:
        raise FaultException(
            FaultException.LAMBDA_CONTEXT_UNMARSHAL_ERROR, "Unable to parse %s JSON: %s" % (name, e), None)


# ---------------------------------------------------------------------------
# Runtime API client: HTTP/1.1 on one persistent connection.


class _ConnectionLost(ConnectionError):
    pass


class RuntimeApiError(Exception):
    pass


class LambdaRuntimeClient(object):
    def __init__(self, address):
        import _socket

        self._socket = _socket
        host, sep, port = address.rpartition(":")
        if not sep or not port.isdigit():
            host, port = address, "80"
        self._family = _socket.AF_INET
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
            self._family = _socket.AF_INET6
        self._addr = (host, int(port))
        # fnctl also serves the Runtime API on an abstract Unix socket
        # ("@name"): cheaper than loopback TCP
        uds = os.environ.pop("FNCTL_RUNTIME_API_SOCKET", "")
        if uds.startswith("@") and hasattr(_socket, "AF_UNIX"):
            self._family = _socket.AF_UNIX
            # the name zero-padded to sun_path's size, as fnctl binds it
            self._addr = ("\0" + uds[1:]).ljust(108, "\0").encode()
        self._prefix = "Host: %s\r\nUser-Agent: aws-lambda-python/%d.%d.%d-fnctl\r\n" % (
            (address,) + tuple(sys.version_info[:3]))
        self._sock = None
        self._buf = b""
        self._received = False
        self._next_pending = False

    def _close(self):
        self._next_pending = False
        if self._sock is not None:
            try:
                self._sock.close()
            except OSError:
                pass
        self._sock = None
        self._buf = b""

    def _connect(self):
        s = self._socket.socket(self._family, self._socket.SOCK_STREAM)
        try:
            try:
                s.setsockopt(self._socket.IPPROTO_TCP, self._socket.TCP_NODELAY, 1)
            except OSError:
                pass
            s.connect(self._addr)
        except BaseException:
            s.close()
            raise
        self._sock = s
        self._buf = b""

    def _recv(self):
        data = self._sock.recv(65536)
        if not data:
            raise _ConnectionLost("connection closed by the Runtime API")
        self._received = True
        return data

    def _read_exact(self, have, n):
        body = bytearray(n)
        got = len(have)
        body[:got] = have
        view = memoryview(body)
        while got < n:
            k = self._sock.recv_into(view[got:])
            if not k:
                raise _ConnectionLost("connection closed by the Runtime API")
            got += k
        return body

    def _read_line(self, buf):
        while True:
            i = buf.find(b"\r\n")
            if i >= 0:
                return buf[:i], buf[i + 2:]
            buf += self._recv()

    def _read_chunked(self, buf):
        parts = []
        while True:
            line, buf = self._read_line(buf)
            size = int(line.split(b";", 1)[0].strip(), 16)
            if size == 0:
                while True:  # trailers, up to the empty line
                    line, buf = self._read_line(buf)
                    if not line:
                        return b"".join(parts), buf
            while len(buf) < size + 2:
                buf += self._recv()
            parts.append(buf[:size])
            buf = buf[size + 2:]

    def _read_response(self):
        buf = self._buf
        while True:
            end = buf.find(b"\r\n\r\n")
            if end >= 0:
                lines = buf[:end].decode("utf-8", "replace").split("\r\n")
                buf = buf[end + 4:]
                version, status = lines[0].split(None, 2)[:2]
                status = int(status)
                if 100 <= status < 200:
                    continue  # an interim response: the real one follows
                break
            buf += self._recv()
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()

        keep = version == "HTTP/1.1"
        conn = headers.get("connection", "").lower()
        if "close" in conn:
            keep = False
        elif "keep-alive" in conn:
            keep = True
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body, buf = self._read_chunked(buf)
        elif "content-length" in headers:
            n = int(headers["content-length"])
            if len(buf) >= n:
                body, buf = buf[:n], buf[n:]
            else:
                body, buf = self._read_exact(buf, n), b""
        elif status in (204, 304):
            body = b""
        else:  # delimited by the end of the connection
            parts = [buf]
            while True:
                data = self._sock.recv(65536)
                if not data:
                    break
                parts.append(data)
            body, buf, keep = b"".join(parts), b"", False
        self._buf = buf
        if not keep:
            self._close()
        return status, headers, body

    def _head(self, method, path, body=None, headers=""):
        head = "%s %s HTTP/1.1\r\n%s%s" % (method, path, self._prefix, headers)
        if body is not None:
            head += "Content-Length: %d\r\n" % len(body)
        return (head + "\r\n").encode("latin-1", "replace")

    def _request(self, method, path, body=None, headers=""):
        head = self._head(method, path, body, headers)
        for attempt in (0, 1):
            fresh = self._sock is None
            if fresh:
                self._connect()
            self._received = False
            try:
                if body is None:
                    self._sock.sendall(head)
                elif len(body) < 65536:
                    self._sock.sendall(head + body)
                else:
                    self._sock.sendall(head)
                    self._sock.sendall(body)
                return self._read_response()
            except OSError:
                self._close()
                # A kept-alive connection the server closed while it was idle:
                # try once more on a new one, if nothing was answered.
                if fresh or attempt or self._received:
                    raise

    def _call(self, failure, method, path, body, headers):
        """A POST; any 2xx answer is success, as for AWS's client."""
        try:
            status, _, resp = self._request(method, path, body, headers)
        except OSError as e:
            raise RuntimeError(failure) from e
        if not 200 <= status < 300:
            raise RuntimeError(failure) from RuntimeApiError("%s %s: HTTP %d: %s" % (
                method, path, status, bytes(resp[:1024]).decode("utf-8", "replace").strip()))

    def wait_next_invocation(self):
        try:
            if self._next_pending:
                # asked for already, pipelined behind the last response
                self._next_pending = False
                status, headers, body = self._read_response()
            else:
                status, headers, body = self._request("GET", "/2018-06-01/runtime/invocation/next")
        except OSError as e:
            raise RuntimeError("Failed to get next") from e
        if status != 200:
            raise RuntimeError("Failed to get next") from RuntimeApiError(
                "GET /2018-06-01/runtime/invocation/next: HTTP %d: %s"
                % (status, bytes(body[:1024]).decode("utf-8", "replace").strip()))
        return headers, body

    def post_invocation_result(self, invoke_id, result_data, content_type="application/json"):
        """POSTs the response with GET /next pipelined behind it on the same
        connection: one send and one wakeup fewer per invocation."""
        if not isinstance(result_data, bytes):
            result_data = result_data.encode("utf-8", "replace")
        failure = "Failed to post invocation response"
        path = "/2018-06-01/runtime/invocation/%s/response" % invoke_id
        data = (self._head("POST", path, result_data, "Content-Type: %s\r\n" % content_type) +
                result_data + self._head("GET", "/2018-06-01/runtime/invocation/next"))
        try:
            if self._sock is None:
                self._connect()
            self._received = False
            self._sock.sendall(data)
            status, _, resp = self._read_response()
        except OSError as e:
            self._close()
            raise RuntimeError(failure) from e
        if not 200 <= status < 300:
            raise RuntimeError(failure) from RuntimeApiError("POST %s: HTTP %d: %s" % (
                path, status, bytes(resp[:1024]).decode("utf-8", "replace").strip()))
        self._next_pending = True

    def post_invocation_error(self, invoke_id, error_response_data):
        self._call("Failed to post invocation error", "POST",
                   "/2018-06-01/runtime/invocation/%s/error" % invoke_id,
                   error_response_data.encode("utf-8", "replace"), "Content-Type: application/json\r\n")

    def post_init_error(self, error_response_data):
        error_type = "".join(
            c if " " <= c <= "~" else "?" for c in str(error_response_data.get("errorType") or ""))
        self._call("Failed to post init error", "POST", "/2018-06-01/runtime/init/error",
                   to_json(error_response_data).encode("utf-8", "replace"),
                   "Content-Type: application/json\r\nLambda-Runtime-Function-Error-Type: %s\r\n" % error_type)


# ---------------------------------------------------------------------------
# The handler and one invocation.


def _get_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(FaultException.MALFORMED_HANDLER_NAME, "Bad handler '%s': %s" % (handler, e))

    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(
                FaultException.BUILT_IN_MODULE_CONFLICT,
                "Cannot use built-in module %s as a handler module" % modname)
        import importlib

        m = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise FaultException(
            FaultException.IMPORT_MODULE_ERROR, "Unable to import module '%s': %s" % (modname, e))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(
            FaultException.USER_CODE_SYNTAX_ERROR, "Syntax error in module '%s': %s" % (modname, e), trace)

    try:
        return getattr(m, fname)
    except AttributeError:
        raise FaultException(
            FaultException.HANDLER_NOT_FOUND, "Handler '%s' missing on module '%s'" % (fname, modname), None)


def _unmarshal(body, content_type):
    # awslambdaric hands the raw bytes over for any other content type; a
    # missing one (never the case on AWS) is taken as JSON.
    if content_type and content_type != "application/json":
        return bytes(body)
    try:
        return _json_loads(body.decode("utf-8"))
    except Exception as e:
        raise FaultException(FaultException.UNMARSHAL_ERROR, "Unable to unmarshal input: %s" % e, None)


def _marshal(response):
    if isinstance(response, bytes):
        return response, "application/unknown"
    try:
        return to_json(response), "application/json"
    except Exception as e:
        raise FaultException(FaultException.MARSHAL_ERROR, "Unable to marshal response: %s" % e, None)


def handle_event_request(client, request_handler, invoke_id, headers, body):
    error_result = None
    try:
        client_context = headers.get("lambda-runtime-client-context")
        cognito = headers.get("lambda-runtime-cognito-identity")
        deadline = headers.get("lambda-runtime-deadline-ms")
        try:
            deadline = int(deadline)
        except (TypeError, ValueError):
            deadline = 0
        context = LambdaContext(
            invoke_id,
            _parse_json_header(client_context, "Client Context") if client_context else None,
            _parse_json_header(cognito, "Cognito Identity") if cognito else None,
            deadline,
            headers.get("lambda-runtime-invoked-function-arn"),
            headers.get("lambda-runtime-aws-tenant-id"),
        )
        event = _unmarshal(body, headers.get("content-type"))
        response = request_handler(event, context)
        result, content_type = _marshal(response)
    except FaultException as e:
        error_result = make_error(e.msg, e.exception_type, e.trace, invoke_id)
    except Exception:
        error_result = build_fault_result(sys.exc_info(), invoke_id)

    if error_result is not None:
        log_error(error_result, _SINK)
        client.post_invocation_error(invoke_id, to_json(error_result))
    else:
        client.post_invocation_result(invoke_id, result, content_type)


# ---------------------------------------------------------------------------


def _setup_sys_path(task_root):
    # The script's own directory (sys.path[0]) must not shadow the function's
    # modules: LAMBDA_TASK_ROOT takes its place, first, as /var/task on AWS.
    here = os.path.dirname(os.path.realpath(_SELF))
    first = sys.path[0] if sys.path else ""
    if first and not getattr(sys.flags, "safe_path", False) and os.path.realpath(first) == here:
        sys.path[0] = task_root
    else:
        sys.path.insert(0, task_root)


def _setup_stdio():
    global _SINK
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            continue
        enc = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if enc != "utf8" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(encoding="utf-8")  # Lambda runs with a UTF-8 locale
            except Exception:
                pass
        setattr(sys, name, Unbuffered(stream))
    _SINK = StandardLogSink(sys.stdout)


def main():
    global _REQUEST_ID, _TENANT_ID

    task_root = _env.get("LAMBDA_TASK_ROOT") or os.getcwd()
    _setup_sys_path(task_root)
    _setup_stdio()
    if "logging" in sys.modules:
        _setup_logging(sys.modules["logging"])
    else:
        sys.meta_path.insert(0, _LoggingFinder)

    client = LambdaRuntimeClient(_env.get("AWS_LAMBDA_RUNTIME_API") or "127.0.0.1:9001")
    handler = _env.get("_HANDLER") or (sys.argv[1] if len(sys.argv) > 1 else "")

    try:
        request_handler = _get_handler(handler)
    except Exception as e:
        if isinstance(e, FaultException):
            error_result = make_error(e.msg, e.exception_type, e.trace)
        else:
            error_result = build_fault_result(sys.exc_info())
        import logging

        logging.warning(_LAMBDA_WARNING)
        log_error(error_result, _SINK)
        try:
            client.post_init_error(error_result)
        except RuntimeError as failure:
            sys.stderr.write("fnctl python bootstrap: %s: %s\n" % (failure, failure.__cause__))
        sys.exit(1)

    while True:
        headers, body = client.wait_next_invocation()
        invoke_id = headers.get("lambda-runtime-aws-request-id")
        _REQUEST_ID = invoke_id
        _TENANT_ID = headers.get("lambda-runtime-aws-tenant-id")
        trace_id = headers.get("lambda-runtime-trace-id")
        if trace_id is not None:
            _env["_X_AMZN_TRACE_ID"] = trace_id
        elif "_X_AMZN_TRACE_ID" in _env:
            del _env["_X_AMZN_TRACE_ID"]
        handle_event_request(client, request_handler, invoke_id, headers, body)
'''

exec(_body_code(), globals())

if __name__ == "__main__":
    main()
