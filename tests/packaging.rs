//! The names rinse is installed by: the crate and the Python distribution are
//! both `rinse-text` (`rinse` is another project on crates.io and on PyPI),
//! while the library, the command and the Python import stay `rinse`. The
//! README's install lines must name what the manifests say.
//! (Not in the published crate: it reads pyproject.toml.)

use std::fs;
use std::path::Path;

fn read(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn table(name: &str) -> toml::Table {
    read(name).parse().unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn get<'a>(t: &'a toml::Table, path: &str) -> &'a toml::Value {
    let mut keys = path.split('.');
    let mut v = &t[keys.next().unwrap()];
    for k in keys {
        v = v.get(k).unwrap_or_else(|| panic!("no {path}"));
    }
    v
}

fn str_at<'a>(t: &'a toml::Table, path: &str) -> &'a str {
    get(t, path)
        .as_str()
        .unwrap_or_else(|| panic!("{path} is not a string"))
}

#[test]
fn crate_and_python_distribution_share_one_name() {
    let cargo = table("Cargo.toml");
    let py = table("pyproject.toml");
    let name = str_at(&cargo, "package.name");
    assert_eq!(name, "rinse-text");
    assert_eq!(str_at(&py, "project.name"), name);
    assert_eq!(
        str_at(&py, "project.license"),
        str_at(&cargo, "package.license")
    );
    // What code and users see keeps the short name.
    assert_eq!(str_at(&cargo, "lib.name"), "rinse");
    let bins = get(&cargo, "bin").as_array().unwrap();
    assert_eq!(bins.len(), 1);
    assert_eq!(bins[0]["name"].as_str(), Some("rinse"));
    assert_eq!(str_at(&py, "tool.maturin.module-name"), "rinse._rinse");
}

#[test]
fn license_files_exist_and_ship() {
    let cargo = table("Cargo.toml");
    assert_eq!(str_at(&cargo, "package.license"), "MIT OR Apache-2.0");
    let include: Vec<&str> = get(&cargo, "package.include")
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for file in ["LICENSE-MIT", "LICENSE-APACHE"] {
        assert!(!read(file).is_empty(), "{file} is empty");
        assert!(
            include.contains(&format!("/{file}").as_str()),
            "{file} not in package.include"
        );
    }
}

#[test]
fn readme_installs_the_published_names() {
    let readme = read("README.md");
    let name = str_at(&table("Cargo.toml"), "package.name").to_string();
    for line in [
        format!("cargo install --locked {name}"),
        "cargo install --locked --path .".to_string(),
        format!("pip install {name}"),
    ] {
        assert!(readme.contains(&line), "README.md lacks `{line}`");
    }
}
