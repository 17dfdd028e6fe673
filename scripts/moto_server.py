"""moto's server, plus CloudWatch in the protocol today's SDKs speak.

aws-sdk-cloudwatch (and botocore since 1.36) send CloudWatch calls in Smithy RPC v2 CBOR:
POST /service/GraniteServiceVersion20100801/operation/<Operation>, a CBOR body both ways.
moto 5.2.5 serves CloudWatch only in the query and JSON protocols and answers that path 404
(moto issue 9195: no CBOR support planned). This runs moto's own application behind a small
WSGI bridge: a CBOR call is decoded (cbor2), handed to moto as the same call in the JSON
protocol (X-Amz-Target), and moto's JSON answer is encoded back to CBOR, its timestamps as
CBOR tag 1 where botocore's model of the operation says a member is a timestamp. Everything
else goes to moto untouched, so this is moto_server with one more door.

    <venv>/bin/python scripts/moto_server.py -H 127.0.0.1 -p PORT

The bridge is test harness, not moto: it knows nothing of metrics. What CloudWatch returns is
moto's answer (its GetMetricData aggregates the points boto3 put, by period and statistic).
"""

import argparse
import datetime
import io
import json
import os
import signal
import sys

import botocore.session
import cbor2
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple

SERVICE_TARGET = "GraniteServiceVersion20100801"
CBOR_PATH = f"/service/{SERVICE_TARGET}/operation/"


def to_json(value):
    """json.dumps default: CBOR tag 1 timestamps (datetime) become epoch seconds, as the JSON
    protocol sends timestamps."""
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, (bytes, bytearray)):
        raise TypeError("blob members are not bridged")
    raise TypeError(f"cannot bridge {type(value).__name__}")


def with_timestamps(value, shape):
    """`value` (moto's JSON answer) with every member botocore's `shape` calls a timestamp
    turned into a datetime, which cbor2 writes as tag 1."""
    if shape is None or value is None:
        return value
    if shape.type_name == "timestamp" and isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value, tz=datetime.timezone.utc)
    if shape.type_name == "structure" and isinstance(value, dict):
        return {k: with_timestamps(v, shape.members.get(k)) for k, v in value.items()}
    if shape.type_name == "list" and isinstance(value, list):
        return [with_timestamps(v, shape.member) for v in value]
    if shape.type_name == "map" and isinstance(value, dict):
        return {k: with_timestamps(v, shape.value) for k, v in value.items()}
    return value


class CborBridge:
    """WSGI middleware: CloudWatch's RPC v2 CBOR calls in, moto's JSON protocol behind."""

    def __init__(self, app):
        self.app = app
        self.model = botocore.session.get_session().get_service_model("cloudwatch")

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") != "POST" or not path.startswith(CBOR_PATH):
            return self.app(environ, start_response)
        operation = path[len(CBOR_PATH):]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        request = cbor2.loads(raw) if raw else {}
        body = json.dumps(request, default=to_json).encode()

        inner = dict(environ)
        inner.update({
            "PATH_INFO": "/",
            "CONTENT_TYPE": "application/x-amz-json-1.0",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_X_AMZ_TARGET": f"{SERVICE_TARGET}.{operation}",
            "wsgi.input": io.BytesIO(body),
        })
        inner.pop("HTTP_SMITHY_PROTOCOL", None)
        answered = {}

        def capture(status, headers, exc_info=None):
            answered["status"], answered["headers"] = status, headers
            return lambda _data: None

        chunks = self.app(inner, capture)
        try:
            text = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
        answer = json.loads(text) if text.strip() else {}
        if answered["status"].startswith("2"):
            try:
                shape = self.model.operation_model(operation).output_shape
            except Exception:  # an operation botocore does not know: moto's answer as is
                shape = None
            answer = with_timestamps(answer, shape)
        encoded = cbor2.dumps(answer, datetime_as_timestamp=True)
        headers = [(k, v) for k, v in answered["headers"]
                   if k.lower() in ("x-amzn-requestid", "x-amz-request-id")]
        headers += [
            ("Content-Type", "application/cbor"),
            ("smithy-protocol", "rpc-v2-cbor"),
            ("Content-Length", str(len(encoded))),
        ]
        start_response(answered["status"], headers)
        return [encoded]


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5000)
    args = parser.parse_args(argv)
    # As moto_server does: moto builds some URLs from it, and a stop signal ends the process.
    os.environ.setdefault("MOTO_PORT", str(args.port))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(args.host, args.port, CborBridge(app), threaded=True,
               request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main(sys.argv[1:])
