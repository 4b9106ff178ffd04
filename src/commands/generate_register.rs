//! `powkg generate-register`: a synthetic register and its mapping description, both written atomically.

use powkg::Error;
use powkg::build::register::{description_path, generate};
use powkg::files::output::write_atomically;

use super::{Status, output_error};
use crate::cli::GenerateRegisterArgs;

pub fn run(args: &GenerateRegisterArgs) -> Result<Status, Error> {
    let out = &args.out;
    if out.extension().is_none_or(|e| e != "csv") {
        return Err(Error::Usage(format!(
            "{}: a register is a .csv file (its mapping description goes beside it, as .toml)",
            out.display()
        )));
    }
    // The register id is the file's stem as a slug: `Synthetic 1M.csv` -> `synthetic-1m`.
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let id: String = stem
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if id.is_empty() {
        return Err(Error::Usage(format!(
            "{}: name the file with letters or digits",
            out.display()
        )));
    }
    write_atomically(out, |w| generate::write_csv(args.rows, args.seed, w)).map_err(output_error(out))?;
    let description = description_path(out);
    write_atomically(&description, |w| {
        w.write_all(generate::description(&id, args.rows, args.seed).as_bytes())
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
