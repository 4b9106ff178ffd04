//! Embeds powkg's built-in queries (`src/query/builtin/*.rq`, the queries that fit any graph) into the binary, each
//! with its repository-relative path, which error messages print.

use std::fmt::Write as _;
use std::path::Path;
use std::{env, fs};

fn main() {
    let root = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = "src/query/builtin";
    let path = Path::new(&root).join(dir);
    println!("cargo::rerun-if-changed={}", path.display());
    let mut files: Vec<String> = fs::read_dir(&path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| Path::new(n).extension().is_some_and(|e| e == "rq"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut code = String::from(
        "/// The built-in queries: (relative path, contents).\npub static QUERIES: &[(&str, &str)] = &[\n",
    );
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
    code.push_str("];\n");
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin_queries.rs");
    fs::write(out, code).expect("OUT_DIR is writable");
}
