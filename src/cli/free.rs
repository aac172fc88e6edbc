//! `free` and `refs`: loads each fabric (`pipeline::load_fabrics`), asks the pure core
//! (`crate::free`, `crate::refs`) and prints its answer as text or JSON.

use anyhow::{Result, bail};
use serde::Serialize;

use crate::flags::args::{FabricQuery, FreeCommand, ListFormat, RefsArgs};
use crate::flags::repo::ReadFabrics;
use crate::free::{self, FabricAnswer};
use crate::kind::Kind;
use crate::limits::DEFAULT_MAX_FILE_SIZE;
use crate::pipeline::{self, LoadedFabric, Reading};
use crate::refs;
use crate::report::text::free::{self as text, Answer};
use crate::report::text::shown_cell;
use crate::report::wire::json;
use crate::schema::Registry;

/// The fabric flags of a `free` subcommand.
pub fn query(command: &FreeCommand) -> &FabricQuery {
    match command {
        FreeCommand::Vlan { query, .. }
        | FreeCommand::Subnet { query, .. }
        | FreeCommand::Port { query, .. } => query,
    }
}

/// The printed answer of `free …`.
pub fn free(command: &FreeCommand) -> Result<String> {
    let query = query(command);
    let kinds: &[Kind] = match command {
        FreeCommand::Vlan {
            connection: Some(_),
            ..
        } => &[Kind::ExternalAttachment, Kind::Connection],
        FreeCommand::Vlan { .. } => &[Kind::Vpc, Kind::VlanNamespace],
        FreeCommand::Subnet { .. } => &[Kind::Vpc, Kind::Ipv4Namespace],
        FreeCommand::Port { .. } => &[Kind::Switch, Kind::Connection],
    };
    let (fabrics, unmatched) = load(&Registry::embedded(), query, Reading::Kinds(kinds))?;
    Ok(match command {
        FreeCommand::Vlan {
            connection: Some(connection),
            ..
        } => answer(
            query,
            "free vlan",
            &fabrics,
            &unmatched,
            |fabric| free::free_connection_vlans(&fabric.state, connection),
            text::connection_vlans,
        ),
        FreeCommand::Vlan { namespace, .. } => answer(
            query,
            "free vlan",
            &fabrics,
            &unmatched,
            |fabric| free::free_vlans(&fabric.state, namespace.as_deref()),
            |dir, namespaces| text::vlans(dir, namespaces),
        ),
        FreeCommand::Subnet {
            prefix,
            count,
            namespace,
            ..
        } => answer(
            query,
            "free subnet",
            &fabrics,
            &unmatched,
            |fabric| free::free_subnets(&fabric.state, *prefix, *count, namespace.as_deref()),
            |dir, namespaces| text::subnets(dir, *prefix, namespaces),
        ),
        FreeCommand::Port { switch, .. } => answer(
            query,
            "free port",
            &fabrics,
            &unmatched,
            |fabric| free::free_ports(&fabric.state, switch, fabric.release),
            text::ports,
        ),
    })
}

/// The printed answer of `refs KIND/NAME`.
pub fn refs(args: &RefsArgs) -> Result<String> {
    let registry = Registry::embedded();
    let Some((kind, name)) = args
        .object
        .split_once('/')
        .filter(|(k, n)| !k.is_empty() && !n.is_empty())
    else {
        bail!(
            "`{}` is not KIND/NAME: name the object as its kind and name, e.g. `vpc/vpc-1`",
            args.object
        );
    };
    let kind = pipeline::kind_named(&registry, kind)?;
    let (fabrics, unmatched) = load(&registry, &args.query, Reading::Mentioning(name))?;
    Ok(answer(
        &args.query,
        "refs",
        &fabrics,
        &unmatched,
        |fabric| refs::referrers(&fabric.resources, &fabric.state, &kind, name),
        refs::text,
    ))
}

/// Every fabric the flags name, loaded from the managed files `reading` names.
fn load(
    registry: &Registry,
    query: &FabricQuery,
    reading: Reading,
) -> Result<(Vec<LoadedFabric>, Vec<String>)> {
    let read = ReadFabrics::resolve(query.repo.as_deref(), &query.fabric)?;
    pipeline::load_fabrics(
        registry,
        &read.repo,
        &read.fabrics,
        reading,
        DEFAULT_MAX_FILE_SIZE,
    )
}

/// `ask` of every fabric, printed by `print` (with a warning per glob that matched nothing
/// and per managed file that could not be read) or as one JSON document.
fn answer<T: Serialize>(
    query: &FabricQuery,
    command: &'static str,
    fabrics: &[LoadedFabric],
    unmatched: &[String],
    ask: impl Fn(&LoadedFabric) -> T,
    print: impl Fn(&str, &T) -> String,
) -> String {
    let answers: Vec<FabricAnswer<T>> = fabrics
        .iter()
        .map(|fabric| FabricAnswer {
            dir: fabric.dir.clone(),
            answer: ask(fabric),
        })
        .collect();
    if query.format == ListFormat::Json {
        return json::render(&Answer::new(command, &answers, unmatched));
    }
    let mut out = text::unmatched(unmatched);
    for (i, (fabric, answer)) in fabrics.iter().zip(&answers).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&print(&fabric.dir, &answer.answer));
        out.push_str(&unreadable(fabric));
    }
    out
}

/// A warning per managed file or object of `fabric` that could not be read: what it holds
/// is not counted, so an answer may call free what it uses.
fn unreadable(fabric: &LoadedFabric) -> String {
    let dir = &fabric.dir;
    let files = fabric.unreadable.iter().map(|(path, why)| {
        format!("warning: {dir}/{path}: not read ({why}); what it holds is not counted\n")
    });
    let objects = fabric
        .resources
        .iter()
        .filter(|(_, resource)| resource.object.is_none() && resource.kind.has_rules())
        .map(|(path, resource)| {
            format!(
                "warning: {dir}/{path}:{}: {} `{}` cannot be read (see `hh-gitops check`); what it uses is not counted\n",
                resource.line, resource.kind, resource.name
            )
        });
    shown_cell_lines(files.chain(objects))
}

/// `lines`, each made safe for a terminal, its line break kept.
fn shown_cell_lines(lines: impl Iterator<Item = String>) -> String {
    lines
        .map(|line| format!("{}\n", shown_cell(line.trim_end_matches('\n'))))
        .collect()
}
