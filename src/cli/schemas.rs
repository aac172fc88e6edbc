//! `hh-gitops schemas import` and `hh-gitops schemas list`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::manifest;
use crate::paths;
use crate::rules::Release;
use crate::schema::{KnownKind, Origin, Registry, import, patch};

/// Converts CRD files into schema files in `out`, one per kind and version.
///
/// Every CRD is converted before anything is written, so a bad one leaves `out` as it was;
/// each file written is one checked file name directly under `out`, never through a link.
pub fn import(crds: &[PathBuf], out: &Path, stdout: &mut dyn Write) -> Result<()> {
    let mut converted = Vec::new();
    for path in crds {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let documents = manifest::parse(&bytes)
            .map_err(|f| anyhow::anyhow!("{}", f.display(&path.display().to_string())))?;
        if documents.is_empty() {
            bail!(
                "{}: no CustomResourceDefinition in this file",
                path.display()
            );
        }
        for document in documents {
            let schemas = import::convert_crd(&document.root.to_json())
                .with_context(|| format!("{}: document {}", path.display(), document.index + 1))?;
            converted.extend(schemas);
        }
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    for (id, schema) in converted {
        let target = schema_file(out, &id.file_name())?;
        let mut text = serde_json::to_string_pretty(&schema)?;
        text.push('\n');
        std::fs::write(&target, text)
            .with_context(|| format!("cannot write {}", target.display()))?;
        writeln!(
            stdout,
            "{} {} -> {}",
            id.api_version(),
            id.kind,
            target.display()
        )?;
    }
    Ok(())
}

/// The path of a schema file named `file_name` directly under `out`, refused when the name
/// is not one normal path segment or a symbolic link stands there (writing would follow it).
fn schema_file(out: &Path, file_name: &str) -> Result<PathBuf> {
    if let Some(problem) = paths::component_problem(file_name) {
        bail!(
            "schema file name `{file_name}` {problem}: it must stay directly under {}",
            out.display()
        );
    }
    let target = out.join(file_name);
    if std::fs::symlink_metadata(&target).is_ok_and(|m| m.file_type().is_symlink()) {
        bail!(
            "{} is a symbolic link: hh-gitops never writes through links; remove it",
            target.display()
        );
    }
    Ok(target)
}

/// Loads every `*.json` schema of `dir` into the registry, in file-name order.
pub fn load_dir(registry: &mut Registry, dir: &Path) -> Result<()> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read schema folder {}", dir.display()))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<std::io::Result<_>>()
        .with_context(|| format!("cannot read schema folder {}", dir.display()))?;
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    if files.is_empty() {
        bail!("no .json schema in {}", dir.display());
    }
    for file in files {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        registry.add_schema(&file.display().to_string(), &text)?;
    }
    Ok(())
}

/// Prints the known kinds of each Hedgehog release, a section per release (oldest first,
/// headed by the release and the fabric version it ships), one kind a line: kind,
/// apiVersion, managed folder, origin. Every release has the same kinds; what differs is
/// their fields, so an embedded schema of an older release names the fields of the newest
/// release it lacks (which a file of that release may not set).
pub fn list(registry: &Registry, stdout: &mut dyn Write) -> Result<()> {
    for release in Release::ALL {
        let fabric = match release.checked_as() {
            shipped if shipped == release.fabric_version() => shipped.to_owned(),
            checked_as => format!("{}, checked as {checked_as}", release.fabric_version()),
        };
        writeln!(stdout, "Hedgehog {release} (fabric {fabric}):")?;
        let mut kinds: Vec<_> = registry.kinds_at(release).iter().collect();
        kinds.sort_by(|a, b| (&a.id.group, &a.id.kind).cmp(&(&b.id.group, &b.id.kind)));
        for kind in kinds {
            let origin = match &kind.origin {
                Origin::Embedded => {
                    let missing = missing_fields(registry, kind)?;
                    if missing.is_empty() {
                        "embedded".to_owned()
                    } else {
                        format!("embedded, without {}", missing.join(", "))
                    }
                }
                Origin::File(name) => name.clone(),
            };
            writeln!(
                stdout,
                "  {:<20} {:<32} managed/{:<22} {origin}",
                kind.id.kind,
                kind.id.api_version(),
                format!("{}/", kind.id.plural),
            )?;
        }
    }
    Ok(())
}

/// The fields the newest release's schema of `kind` has and `kind`'s (at an older release)
/// lacks.
fn missing_fields(registry: &Registry, kind: &KnownKind) -> Result<Vec<String>> {
    let newest = registry
        .kinds_at(Release::NEWEST)
        .iter()
        .find(|k| k.id == kind.id)
        .context("a kind is missing at the newest release")?;
    let older = kind.schema().map_err(|e| anyhow::anyhow!(e))?;
    let newer = newest.schema().map_err(|e| anyhow::anyhow!(e))?;
    Ok(patch::fields_missing(older, newer))
}
