//! HTTP/1.1 plumbing: the accept loop, one hyper connection per socket, and the `/_fake/`
//! control paths.

use crate::api::{handle_api, json_reply, Reply, Shared, TargetFailure};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// Serves until every `watch::Sender` of `shutdown` is dropped; open connections (and the
/// requests held on them) are dropped with it.
pub(crate) async fn serve(
    shared: Arc<Shared>,
    listener: TcpListener,
    mut shutdown: watch::Receiver<()>,
) {
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    shared.counters.connection_accepted();
                    // Small request/response pairs on keep-alive sockets: Nagle only adds delay.
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(serve_connection(Arc::clone(&shared), stream, shutdown.clone()));
                }
                // Out of file descriptors or similar: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            _ = shutdown.changed() => return,
        }
    }
}

async fn serve_connection(
    shared: Arc<Shared>,
    stream: tokio::net::TcpStream,
    mut shutdown: watch::Receiver<()>,
) {
    let service = service_fn(move |request| {
        let shared = Arc::clone(&shared);
        async move { Ok::<_, Infallible>(route(&shared, request).await) }
    });
    let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        // A client that goes away mid-request is normal here (hung requests); ignore it.
        _ = connection => {}
        _ = shutdown.changed() => {}
    }
}

async fn route(shared: &Shared, request: Request<Incoming>) -> Reply {
    let path = request.uri().path();
    if !path.starts_with("/_fake/") {
        let _in_flight = shared.counters.enter();
        return handle_api(shared, request).await;
    }
    match (request.method(), path) {
        (&Method::GET, "/_fake/counters") => {
            let snapshot = shared.counters.snapshot(&shared.config);
            match serde_json::to_value(&snapshot) {
                Ok(json) => json_reply(StatusCode::OK, &json),
                Err(_) => plain(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "counters not serialisable",
                ),
            }
        }
        (&Method::POST, "/_fake/reset-counters") => {
            shared.counters.reset();
            plain(StatusCode::NO_CONTENT, "")
        }
        (&Method::POST, control) => runtime_control(shared, control),
        _ => plain(StatusCode::NOT_FOUND, "unknown fake-aws control path"),
    }
}

/// `POST /_fake/generation/N` and `POST /_fake/target-failure/ACCOUNT:REGION/KIND` (KIND:
/// `access-denied`, `hang`, `throttle` or `none`), for the binary; the library has methods.
fn runtime_control(shared: &Shared, path: &str) -> Reply {
    if let Some(generation) = path.strip_prefix("/_fake/generation/") {
        return match generation.parse() {
            Ok(generation) => {
                shared.set_generation(generation);
                plain(StatusCode::NO_CONTENT, "")
            }
            Err(_) => plain(StatusCode::BAD_REQUEST, "generation must be a number"),
        };
    }
    if let Some(rest) = path.strip_prefix("/_fake/target-failure/") {
        let parsed = rest.rsplit_once('/').and_then(|(target, kind)| {
            let (account, region) = target.split_once(':')?;
            let failure = match kind {
                "access-denied" => Some(TargetFailure::AccessDenied),
                "hang" => Some(TargetFailure::Hang),
                "throttle" => Some(TargetFailure::Throttle),
                "none" => None,
                _ => return None,
            };
            Some((account, region, failure))
        });
        return match parsed {
            Some((account, region, failure)) => {
                if shared.set_target_failure(account, region, failure) {
                    plain(StatusCode::NO_CONTENT, "")
                } else {
                    plain(StatusCode::NOT_FOUND, "no such configured target")
                }
            }
            None => plain(
                StatusCode::BAD_REQUEST,
                "expected /_fake/target-failure/ACCOUNT:REGION/access-denied|hang|throttle|none",
            ),
        };
    }
    plain(StatusCode::NOT_FOUND, "unknown fake-aws control path")
}

fn plain(status: StatusCode, text: &'static str) -> Reply {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response
}
