//! `powkg serve`: open or build the graph, then serve it until Ctrl-C or SIGTERM.

use powkg::Error;
use powkg::query::catalog;
use powkg::serve::{self, Config, Limits, Service};

use super::{Status, open};
use crate::cli::ServeArgs;

pub fn run(args: &ServeArgs) -> Result<Status, Error> {
    let (store, minter) = open(&args.read)?;
    let config = Config {
        limits: Limits {
            query_timeout: args.query_timeout,
            max_request_bytes: args.max_request_bytes,
            max_result_bytes: args.max_result_bytes,
            ..Limits::default()
        },
        cors_origin: (args.cors_origin != "none").then(|| args.cors_origin.clone()),
    };
    let service = Service::new(store, minter, catalog::bundled()?, config)?;
    serve::run(service, &args.bind, usize::from(args.max_connections))?;
    Ok(Status::Success)
}
