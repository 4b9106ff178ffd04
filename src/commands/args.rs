//! Every check of the command line that clap cannot make, once, before a command does anything: flags that only
//! work together, and values whose meaning depends on another flag (a file name that must tell a format). As
//! ripgrep turns its raw arguments into checked ones, so a command below runs only on a combination that can work,
//! and a usage error (exit 2) never comes after half the work.

use std::path::Path;

use oxigraph::io::RdfParser;
use oxigraph::model::Quad;
use powkg::files::diagnostic::{Diagnostic, Diagnostics};
use powkg::files::input::read_text;

use crate::commands::Error;
use powkg::rdf::format::ExportFormat;

use crate::cli::{BuildArgs, Command, ExportArgs, GenerateRegisterArgs, RdfFormatArg, RegisterArgs};

/// Checks the flags of `command` together.
pub fn check(command: &Command) -> Result<(), Error> {
    match command {
        Command::Build(args) => build(args),
        Command::Export(args) => export(args),
        Command::GenerateRegister(args) => generate_register(args),
        Command::Push(args) => registers(&args.registers),
        #[cfg(feature = "shacl")]
        Command::Validate(args) => args
            .rdf
            .as_deref()
            .map_or(Ok(()), |path| input_format(path).map(|_| ())),
        _ => Ok(()),
    }
}

/// The RDF format of an output: `--format`, else the file extension, else Turtle for standard output.
pub fn output_format(format: Option<RdfFormatArg>, out: &Path) -> Result<ExportFormat, Error> {
    if let Some(f) = format {
        return Ok(f.into());
    }
    if out.as_os_str() == "-" {
        return Ok(ExportFormat::Turtle);
    }
    ExportFormat::from_path(out).ok_or_else(|| {
        let known: Vec<String> = ExportFormat::ALL
            .iter()
            .map(|f| format!("{} (.{})", f.name(), f.extensions().join(", .")))
            .collect();
        Error::Usage(format!(
            "{}: cannot tell the RDF format from the file name; give --format, one of {}",
            out.display(),
            known.join(", ")
        ))
    })
}

/// The RDF format of an input file, from its name.
#[cfg(feature = "shacl")]
pub fn input_format(path: &Path) -> Result<ExportFormat, Error> {
    ExportFormat::from_path(path).ok_or_else(|| {
        Error::Usage(format!(
            "{}: cannot tell the RDF format from the file name",
            path.display()
        ))
    })
}

fn registers(args: &RegisterArgs) -> Result<(), Error> {
    if args.rejected.is_some() && args.register.len() > 1 {
        return Err(Error::Usage(
            "--rejected names one file, and there are several registers: leave it out to get one beside each".into(),
        ));
    }
    Ok(())
}

fn build(args: &BuildArgs) -> Result<(), Error> {
    registers(&args.registers)?;
    let Some(path) = &args.out else { return Ok(()) };
    let format = output_format(args.format, path)?;
    if !args.registers.register.is_empty() && !matches!(format, ExportFormat::NTriples | ExportFormat::NQuads) {
        return Err(Error::Usage(format!(
            "{}: registers stream as N-Triples (.nt) or N-Quads (.nq); {} would hold the whole graph in memory",
            path.display(),
            format.name()
        )));
    }
    Ok(())
}

fn export(args: &ExportArgs) -> Result<(), Error> {
    registers(&args.registers)?;
    if args.shards.is_none() && args.shard_size.is_none() {
        if args.gzip || !args.registers.register.is_empty() {
            return Err(Error::Usage(
                "--gzip and --register belong to sharded dumps: give --shards N or --shard-size TRIPLES".into(),
            ));
        }
        if let Some(format) = args.format {
            let Some(rdf) = format.rdf() else { return Ok(()) };
            output_format(Some(rdf), &args.out)?;
        } else {
            output_format(None, &args.out)?;
        }
        return Ok(());
    }
    let Some(format) = args
        .format
        .map_or(Some(ExportFormat::NQuads), |f| f.rdf().map(Into::into))
    else {
        return Err(Error::Usage(
            "a sharded dump is written as ntriples or nquads, not quickstatements".into(),
        ));
    };
    if !matches!(format, ExportFormat::NTriples | ExportFormat::NQuads) {
        return Err(Error::Usage(format!(
            "a sharded dump is written as ntriples or nquads, not {}",
            format.name()
        )));
    }
    if args.out.as_os_str() == "-" {
        return Err(Error::Usage(
            "a sharded dump is a directory: give it with --out DIR".into(),
        ));
    }
    if args.read.store.is_some() && !args.registers.register.is_empty() {
        return Err(Error::Usage(
            "--register streams beside the curated build, not beside --store (a store built with --register \
             already holds its registers)"
                .into(),
        ));
    }
    Ok(())
}

fn generate_register(args: &GenerateRegisterArgs) -> Result<(), Error> {
    let out = &args.out;
    if out.extension().is_none_or(|e| e != "csv") {
        return Err(Error::Usage(format!(
            "{}: a register is a .csv file (its mapping description goes beside it, as .toml)",
            out.display()
        )));
    }
    if register_id(out).is_empty() {
        return Err(Error::Usage(format!(
            "{}: name the file with letters or digits",
            out.display()
        )));
    }
    Ok(())
}

/// The register id a file name gives: its stem as a slug (`Synthetic 1M.csv` -> `synthetic-1m`).
pub fn register_id(out: &Path) -> String {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    stem.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// Reads an RDF file (its format from its name), naming the file and position of a syntax error.
pub fn read_rdf(path: &Path) -> Result<Vec<Quad>, Error> {
    let file = read_text(path).map_err(|d| Error::Input(Diagnostics(vec![d])))?;
    let format = super::args::input_format(path)?;
    RdfParser::from_format(format.oxigraph())
        .for_slice(file.text.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            let offset = e.location().map_or(0, |l| usize::try_from(l.start.offset).unwrap_or(0));
            Error::Input(Diagnostics(vec![Diagnostic::at(
                &file.path,
                &file.text,
                offset,
                e.to_string(),
            )]))
        })
}
