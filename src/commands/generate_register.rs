//! `powkg generate-register`: a synthetic register and its mapping description, both written atomically.

use crate::commands::Error;
use powkg::build::register::{description_path, generate};
use powkg::files::diagnostic::Diagnostics;
use powkg::files::input::read_text;
use powkg::files::output::write_atomically;

use super::{Status, output_error};
use crate::cli::GenerateRegisterArgs;

pub fn run(args: &GenerateRegisterArgs) -> Result<Status, Error> {
    let out = &args.out;
    let file = read_text(&args.profile).map_err(|d| Error::Input(Diagnostics(vec![d])))?;
    let profile = generate::Profile::parse(&file.path, &file.text).map_err(|d| Error::Input(Diagnostics(vec![d])))?;
    let id = super::args::register_id(out);
    write_atomically(out, |w| generate::write_csv(&profile, args.rows, args.seed, w)).map_err(output_error(out))?;
    let description = description_path(out);
    write_atomically(&description, |w| {
        w.write_all(generate::description(&profile, &id, args.rows, args.seed).as_bytes())
    })
    .map_err(output_error(&description))?;
    eprintln!(
        "powkg generate-register: wrote {} ({} rows, seed {}) and its mapping description {} (register id {id}, synthetic)",
        out.display(),
        args.rows,
        args.seed,
        description.display()
    );
    Ok(Status::Success)
}
