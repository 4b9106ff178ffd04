//! `powkg export`: the whole graph in one RDF format.

use powkg::Error;
use powkg::export;
use powkg::output::write_atomically;

use super::{Status, open, output_error, output_format};
use crate::cli::ExportArgs;

pub fn run(args: &ExportArgs) -> Result<Status, Error> {
    let format = output_format(args.format, &args.out)?;
    let (store, minter) = open(&args.read)?;
    let quads = store.quads()?;
    let prefixes = minter.prefixes();
    write_atomically(&args.out, |w| export::write(&quads, format, &prefixes, w)).map_err(output_error(&args.out))?;
    Ok(Status::Success)
}
