//! `powkg serve`: open or build the graph, then serve it until Ctrl-C or SIGTERM.

use crate::commands::Error;
use powkg::web::serve::{self, Config, Limits, Service};

use powkg::store::GraphStore;

use super::{Status, open_with};
use crate::cli::ServeArgs;

pub fn run(args: &ServeArgs) -> Result<Status, Error> {
    // A private snapshot of an on-disk store: `powkg build --store` may replace the store while this serves.
    let (store, minter) = open_with(&args.read, GraphStore::open_snapshot)?;
    let config = Config {
        limits: Limits {
            query_timeout: args.query_timeout,
            request_timeout: args
                .request_timeout
                .unwrap_or_else(|| Limits::request_timeout_for(args.query_timeout)),
            header_timeout: args.header_timeout,
            send_timeout: args.send_timeout,
            max_request_bytes: args.max_request_bytes,
            max_result_bytes: args.max_result_bytes,
            max_query_memory: args.sparql.max_query_memory,
            max_concurrent_queries: usize::from(args.max_concurrent_queries),
            max_connections_per_client: usize::from(args.max_connections_per_client),
            max_requests_per_connection: args.max_requests_per_connection,
            max_connection_age: args.max_connection_seconds,
            ..Limits::default()
        },
        cors_origin: (args.cors_origin != "none").then(|| args.cors_origin.clone()),
        allowed_services: args.sparql.allow_service.clone(),
        panic_path: super::faults::panic_path(),
    };
    let service = Service::new(store, minter, super::project::queries(&args.read.graph)?, config)?;
    serve::run(service, &args.bind, usize::from(args.max_connections))?;
    Ok(Status::Success)
}
