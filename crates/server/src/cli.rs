//! The command line's grammar, on clap: every command, flag and argument with its help
//! (`aftersales help`, `aftersales <command> --help`). Parsing ends in [`Parsed`]: the command's
//! path, its positional arguments and its flags, which `main` hands to the command's function
//! (values are checked there, with one sentence per mistake).

use clap::{Arg, ArgAction, ArgMatches, Command};

/// `--db`: every command that opens the database takes it.
fn db() -> Arg {
    Arg::new("db")
        .long("db")
        .value_name("FILE|URL")
        .help("The database: an SQLite file (created if missing), or postgres://user:password@host/db [default: aftersales.sqlite3]")
}

fn opt(name: &'static str, value: &'static str, help: &'static str) -> Arg {
    Arg::new(name).long(name).value_name(value).help(help)
}

fn switch(name: &'static str, help: &'static str) -> Arg {
    Arg::new(name)
        .long(name)
        .action(ArgAction::SetTrue)
        .help(help)
}

fn pos(name: &'static str, help: &'static str) -> Arg {
    Arg::new(name).value_name(name).required(true).help(help)
}

fn outbox() -> Arg {
    opt(
        "outbox",
        "FILE",
        "Append the message the shopper gets to FILE (JSON lines)",
    )
}

fn shop_url() -> Arg {
    opt(
        "shop-url",
        "URL",
        "The page with the widget, for links in messages",
    )
}

/// The whole grammar.
pub fn command() -> Command {
    Command::new("aftersales")
        .version(env!("CARGO_PKG_VERSION"))
        .about("The after-sales widget's reference server and the merchant's command line")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("serve")
                .about("Answer the widget's /v1 API from an SQLite file or a PostgreSQL database")
                .long_about(
                    "Answer the widget's /v1 API from an SQLite file or a PostgreSQL database, created \
                     and migrated on first start. Every request is logged to stderr as one JSON line \
                     (time, method, path without the query, status, ms, client address). A request \
                     head must arrive within 10 s, a body within 30 s (408), and a connection quiet \
                     for 60 s is closed. Stops gracefully on SIGTERM or Ctrl-C.",
                )
                .arg(opt("addr", "IP:PORT", "Address to listen on [default: 127.0.0.1:8080]; port 0 picks one"))
                .arg(db())
                .arg(opt("policy", "FILE", "The shop's policy (aftersales policy defaults prints one)"))
                .arg(opt("faq", "FILE", "The shop's answers (docs/examples/faq.json shows the format)"))
                .arg(outbox().help("Append every message a shopper would get to FILE (JSON lines)"))
                .arg(shop_url())
                .arg(opt("assets", "DIR", "Also serve the built widget and the demo shop page from DIR"))
                .arg(switch(
                    "demo",
                    "(Re)load the demo orders dated relative to now; unless given, use the demo policy and FAQ, \
                     outbox.jsonl beside the database and this server as the shop page",
                ))
                .arg(
                    opt("allow-origin", "ORIGIN", "Let shop pages on this origin (https://shop.example) call the API; repeatable")
                        .action(ArgAction::Append),
                )
                .arg(opt("limit-per-address", "N", "Order lookups and case reads a minute from one client address [default: 60]; 0: off"))
                .arg(opt("limit-per-order", "N", "… at one order or case [default: 20]; 0: off"))
                .arg(opt("limit-open-cases", "N", "Open cases one order may have of one type [default: 20]; 0: no limit"))
                .arg(opt("max-connections", "N", "Connections open at once; more are closed as they come [default: 1000]"))
                .arg(switch("no-access-log", "Do not log requests")),
        )
        .subcommand(
            Command::new("token")
                .about("Make (printed once, stored hashed) or revoke merchant API tokens")
                .subcommand_required(true)
                .subcommand(
                    Command::new("create")
                        .about("Make a token")
                        .arg(opt("name", "NAME", "What it is for").required(true))
                        .arg(opt("scope", "read|write", "read lists and reads; write also acts [default: read]"))
                        .arg(db()),
                )
                .subcommand(
                    Command::new("revoke")
                        .about("Revoke every token with this name")
                        .arg(opt("name", "NAME", "The token's name").required(true))
                        .arg(db()),
                ),
        )
        .subcommand(
            Command::new("webhook")
                .about("Post every case event to a URL, signed per Standard Webhooks (docs/server.md#webhooks)")
                .subcommand_required(true)
                .subcommand(
                    Command::new("add")
                        .about("Add an endpoint; its secret is printed once")
                        .arg(pos("URL", "Where to post (https://…)"))
                        .arg(db()),
                )
                .subcommand(Command::new("list").about("Endpoints and their queues").arg(db()))
                .subcommand(
                    Command::new("deliveries")
                        .about("The newest deliveries and their last attempt")
                        .arg(opt("limit", "N", "At most N (1 to 1000) [default: 50]"))
                        .arg(db()),
                )
                .subcommand(
                    Command::new("remove")
                        .about("Remove an endpoint and its queue")
                        .arg(pos("ID", "The endpoint's id (webhook list)"))
                        .arg(db()),
                ),
        )
        .subcommand(
            Command::new("kpis")
                .about("The shop's figures for cases submitted in a period (docs/server.md#kpis)")
                .arg(opt("from", "DATE", "Start: 2026-11-01 or an RFC 3339 time [default: 30 days before --to]"))
                .arg(opt("to", "DATE", "End, exclusive [default: now]"))
                .arg(opt("min-returns", "N", "List shoppers with at least N returns [default: 3]"))
                .arg(opt("max-rate", "R", "… or at least R returns per order [default: 0.5]"))
                .arg(opt("short-use-days", "N", "A used or damaged item returned within N days of delivery is a short use [default: 3]"))
                .arg(switch("json", "Print the API's JSON instead of a table"))
                .arg(db()),
        )
        .subcommand(
            Command::new("orders")
                .about("Load the shop's orders, or print their schema")
                .subcommand_required(true)
                .subcommand(
                    Command::new("import")
                        .about(
                            "Load orders: a JSON list of {email, order}, NDJSON, or CSV with one row per order \
                             line (docs/merchant.md); all or nothing, every problem named; again updates",
                        )
                        .arg(pos("FILE", "orders.json, orders.ndjson or orders.csv"))
                        .arg(opt("format", "json|ndjson|csv", "The file's format [default: by its extension]"))
                        .arg(db()),
                )
                .subcommand(Command::new("schema").about("Print the JSON Schema of one order record")),
        )
        .subcommand(
            Command::new("case")
                .about("List, export, assign, move cases, or write to a shopper")
                .subcommand_required(true)
                .subcommand(
                    Command::new("list")
                        .about("The newest 200 cases")
                        .arg(opt("status", "CODE", "Only in this status (under_review, …)"))
                        .arg(opt("created-from", "DATE", "Only cases submitted at or after DATE (2026-11-01 or RFC 3339)"))
                        .arg(opt("created-to", "DATE", "Only cases submitted before DATE"))
                        .arg(switch("follow-up", "Only those flagged for a follow-up"))
                        .arg(db()),
                )
                .subcommand(
                    Command::new("export")
                        .about("Every case as CSV on stdout")
                        .arg(opt("status", "CODE", "Only in this status"))
                        .arg(opt("created-from", "DATE", "Only cases submitted at or after DATE (2026-11-01 or RFC 3339)"))
                        .arg(opt("created-to", "DATE", "Only cases submitted before DATE"))
                        .arg(opt("kind", "KIND", "Only of this type (return, …)"))
                        .arg(switch("follow-up", "Only those flagged for a follow-up"))
                        .arg(db()),
                )
                .subcommand(
                    Command::new("assign")
                        .about("Give a case to a staff member")
                        .arg(pos("TRACKING-NUMBER", "The case"))
                        .arg(Arg::new("NAME").value_name("NAME").help("Who handles it"))
                        .arg(switch("nobody", "Take it from whoever has it"))
                        .arg(db()),
                )
                .subcommand(
                    Command::new("move")
                        .about("Move a case through its lifecycle; the shopper is told")
                        .arg(pos("TRACKING-NUMBER", "The case"))
                        .arg(pos("STATUS", "The status to move to (approved, …)"))
                        .arg(opt("note", "TEXT", "A note the shopper sees on the timeline"))
                        .arg(outbox())
                        .arg(shop_url())
                        .arg(db()),
                )
                .subcommand(
                    Command::new("message")
                        .about("Write to the shopper about a case")
                        .arg(pos("TRACKING-NUMBER", "The case"))
                        .arg(pos("TEXT", "The message"))
                        .arg(outbox())
                        .arg(shop_url())
                        .arg(db()),
                ),
        )
        .subcommand(
            Command::new("assign")
                .about("Round-robin rules: new cases of a type go to its staff in turn")
                .subcommand_required(true)
                .subcommand(
                    Command::new("set")
                        .about("Set the staff of a case type (none: remove the rule)")
                        .arg(pos("KIND", "The case type (return, repair, …)"))
                        .arg(Arg::new("NAME").value_name("NAME").num_args(0..).help("The staff, in turn"))
                        .arg(db()),
                )
                .subcommand(Command::new("list").about("Every rule").arg(db())),
        )
        .subcommand(
            Command::new("link")
                .about("Print a signed link that opens an order or a case in the widget")
                .subcommand_required(true)
                .subcommand(
                    Command::new("order")
                        .about("A link to an order")
                        .arg(pos("NUMBER", "The order number"))
                        .arg(opt("days", "N", "Valid for N days, 1 to 365 [default: 30]"))
                        .arg(shop_url())
                        .arg(db()),
                )
                .subcommand(
                    Command::new("case")
                        .about("A link to a case")
                        .arg(pos("TRACKING-NUMBER", "The case"))
                        .arg(shop_url())
                        .arg(db()),
                ),
        )
        .subcommand(
            Command::new("policy")
                .about("Check, start, export or import a policy file")
                .subcommand_required(true)
                .subcommand(
                    Command::new("validate")
                        .about("Check a policy file and explain the first problem found")
                        .arg(pos("FILE", "The policy")),
                )
                .subcommand(Command::new("defaults").about(
                    "Print the seed policy (7-day returns, 15-day exchange for faults, 1-year warranty, …)",
                ))
                .subcommand(
                    Command::new("export")
                        .about("Print the policy as schema.org MerchantReturnPolicy JSON-LD")
                        .arg(opt("schema-org", "FILE", "The policy file").required(true))
                        .arg(opt("currency", "CODE", "The shop's currency")),
                )
                .subcommand(
                    Command::new("import")
                        .about("Read schema.org JSON-LD and print a policy file")
                        .arg(opt("schema-org", "FILE", "The JSON-LD").required(true))
                        .arg(opt("time-zone", "ZONE", "The shop's time zone (Asia/Shanghai)").required(true))
                        .arg(opt("currency", "CODE", "The shop's currency")),
                ),
        )
        .subcommand(
            Command::new("check")
                .about("Print the engine's verdicts for every line and resolution of an order")
                .arg(opt("policy", "FILE", "The policy").required(true))
                .arg(opt("order", "FILE", "The order snapshot (JSON)").required(true))
                .arg(opt("at", "RFC3339", "The instant [default: now]"))
                .arg(switch("human", "A table instead of JSON")),
        )
        .subcommand(
            Command::new("demo")
                .about("Print the demo orders, policy or FAQ as the widget's local adapter reads them")
                .arg(
                    Arg::new("WHAT")
                        .required(true)
                        .value_parser(["orders", "policy", "faq"])
                        .help("Which file"),
                ),
        )
        .subcommand(
            Command::new("openapi")
                .about("Print the /v1 contract as OpenAPI 3.1 YAML, or rendered for reading")
                .arg(
                    Arg::new("FORMAT")
                        .value_parser(["markdown"])
                        .help("markdown: docs/api/operations.md"),
                ),
        )
}

/// A parsed command line: the command's path (`["case", "move"]`), its positional arguments
/// in order, and its flags.
pub struct Parsed {
    /// `["serve"]`, `["case", "move"]`, …
    pub path: Vec<String>,
    /// Positional arguments, in order.
    pub positional: Vec<String>,
    /// The flags given.
    pub flags: Flags,
}

/// The flags given: `--name value` pairs (a repeated flag once per value) and switches.
#[derive(Default)]
pub struct Flags(Vec<(String, Option<String>)>);

impl Flags {
    /// The value of `--name` (the last if repeated).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| v.as_deref())
    }

    /// Every value of a repeatable `--name`.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .filter_map(|(_, v)| v.clone())
            .collect()
    }

    /// The value of a flag clap requires.
    pub fn need(&self, name: &str) -> Result<&str, String> {
        self.get(name).ok_or_else(|| format!("{name} is required"))
    }

    /// Whether a switch was given.
    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v.is_none())
    }
}

/// Parses `args` (without the program's name).
///
/// # Errors
/// clap's error: a usage mistake, or `--help`/`--version` (printed by `exit`).
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Parsed, clap::Error> {
    let mut cmd = command();
    let matches =
        cmd.try_get_matches_from_mut(std::iter::once("aftersales".to_string()).chain(args))?;
    let mut path = Vec::new();
    let (mut m, mut c): (&ArgMatches, &Command) = (&matches, &cmd);
    while let Some((name, sub)) = m.subcommand() {
        path.push(name.to_string());
        c = c
            .find_subcommand(name)
            .unwrap_or_else(|| unreachable!("clap matched {name}"));
        m = sub;
    }
    let mut positional = Vec::new();
    let mut flags = Vec::new();
    for arg in c.get_arguments() {
        let id = arg.get_id().as_str();
        if matches!(arg.get_action(), ArgAction::SetTrue) {
            if m.get_flag(id) {
                flags.push((format!("--{id}"), None));
            }
            continue;
        }
        let values: Vec<String> = m
            .get_many::<String>(id)
            .map(|v| v.cloned().collect())
            .unwrap_or_default();
        match arg.get_long() {
            Some(long) => flags.extend(values.into_iter().map(|v| (format!("--{long}"), Some(v)))),
            None => positional.extend(values),
        }
    }
    Ok(Parsed {
        path,
        positional,
        flags: Flags(flags),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(args: &[&str]) -> Parsed {
        parse(args.iter().map(|s| s.to_string())).unwrap()
    }

    #[test]
    fn the_grammar_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn paths_positionals_and_flags_come_out_in_order() {
        let p = parsed(&[
            "case", "move", "AS-1", "approved", "--note", "ok", "--db", "x.db",
        ]);
        assert_eq!(p.path, ["case", "move"]);
        assert_eq!(p.positional, ["AS-1", "approved"]);
        assert_eq!(p.flags.get("--note"), Some("ok"));
        assert_eq!(p.flags.get("--db"), Some("x.db"));
        let p = parsed(&[
            "serve",
            "--allow-origin",
            "https://a.example",
            "--allow-origin",
            "https://b.example",
            "--demo",
        ]);
        assert_eq!(
            p.flags.all("--allow-origin"),
            ["https://a.example", "https://b.example"]
        );
        assert!(p.flags.has("--demo") && !p.flags.has("--no-access-log"));
        let p = parsed(&["assign", "set", "return", "li", "wang"]);
        assert_eq!(p.positional, ["return", "li", "wang"]);
    }

    #[test]
    fn mistakes_are_clap_errors_with_usage() {
        for bad in [
            &["serve", "--port", "1"][..],
            &["token", "create"],
            &["case", "move", "AS-1"],
            &["demo", "everything"],
            &["nonsense"],
        ] {
            let e = parse(bad.iter().map(|s| s.to_string())).err().unwrap();
            assert!(e.use_stderr(), "{bad:?}");
        }
    }
}
