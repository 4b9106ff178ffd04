//! Embeds the bundled `data/`, `ontology/` and `queries/` files into the binary, so that powkg works from any
//! directory. Each entry keeps its repository-relative path, which error messages print.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

const SHAPES_FILE: &str = "shapes.ttl";

fn main() {
    let root = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let mut code = String::new();
    for (name, dir, ext, only) in [
        ("DATA", "data", "toml", None),
        ("ONTOLOGY", "ontology", "ttl", Some(false)),
        ("SHAPES", "ontology", "ttl", Some(true)),
        ("QUERIES", "queries", "rq", None),
    ] {
        let path = Path::new(&root).join(dir);
        println!("cargo::rerun-if-changed={}", path.display());
        let mut files: Vec<String> = fs::read_dir(&path)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(&format!(".{ext}")))
                    // `ontology/shapes.ttl` holds the SHACL shapes, bundled apart from the ontology.
                    .filter(|n| only.is_none_or(|shapes| (n == SHAPES_FILE) == shapes))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        writeln!(code, "/// Bundled `{dir}/*.{ext}` files: (relative path, contents).").unwrap();
        writeln!(code, "pub static {name}: &[(&str, &str)] = &[").unwrap();
        for file in files {
            let full = path.join(&file);
            println!("cargo::rerun-if-changed={}", full.display());
            writeln!(
                code,
                "    ({:?}, include_str!({:?})),",
                format!("{dir}/{file}"),
                full.display().to_string()
            )
            .unwrap();
        }
        writeln!(code, "];").unwrap();
    }
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("bundle.rs");
    fs::write(out, code).expect("OUT_DIR is writable");
}
