//! The merchant's orders in: files for `aftersales orders import` (a JSON list, NDJSON, or
//! CSV with one row per order line) and the body of `PUT /v1/merchant/orders/{number}`. Every
//! order is checked by core's `Order::validate` before anything is stored; a problem names
//! the record and the field (`line 4: lines[0].quantity: 1 to 1000000 units`).

use aftersales_core::api::check_email;
use aftersales_core::money::{Currency, Money};
use aftersales_core::order::{Fulfilment, Line, Order};
use chrono::{DateTime, Utc};
use serde::Deserialize;

/// One order as the merchant gives it: the e-mail it was placed with and the snapshot
/// (`docs/order.schema.json`). The same shape as the `local` adapter's orders file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderRecord {
    /// The e-mail the order was placed with (stored normalised; never returned to shoppers).
    pub email: String,
    /// The order snapshot.
    pub order: Order,
}

/// The formats `aftersales orders import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `[{"email", "order"}, …]`.
    Json,
    /// One `{"email", "order"}` per line.
    Ndjson,
    /// One row per order line, with [`CSV_COLUMNS`].
    Csv,
}

impl Format {
    /// The format a file name says (`.json`, `.ndjson`/`.jsonl`, `.csv`).
    pub fn of_path(path: &str) -> Option<Format> {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".ndjson") || lower.ends_with(".jsonl") {
            Some(Format::Ndjson)
        } else if lower.ends_with(".json") {
            Some(Format::Json)
        } else if lower.ends_with(".csv") {
            Some(Format::Csv)
        } else {
            None
        }
    }

    /// `json`, `ndjson`, `csv`.
    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "json" => Some(Format::Json),
            "ndjson" | "jsonl" => Some(Format::Ndjson),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// The CSV header: every column the importer knows, the required ones first. Money is a
/// decimal in the order's currency (`19.90`), times are RFC 3339, `tags` are separated by `|`.
pub const CSV_COLUMNS: [&str; 19] = [
    "order_number",
    "email",
    "placed_at",
    "currency",
    "line_id",
    "sku",
    "title",
    "category",
    "unit_price",
    "quantity",
    "shipping_country",
    "variant",
    "image_url",
    "tags",
    "final_sale",
    "discount",
    "status",
    "fulfilled_at",
    "delivered_at",
];

/// How many columns of [`CSV_COLUMNS`] a file must have.
const CSV_REQUIRED: usize = 10;

/// Most problems listed for one file.
const MAX_PROBLEMS: usize = 50;

/// Every problem of one record, as (field, what was expected): a plausible e-mail and a valid
/// snapshot (`order.lines[0].quantity`). The one check the import and the merchant API share.
pub fn problems(record: &OrderRecord) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if check_email(&record.email).is_err() {
        out.push(("email".to_string(), "an e-mail address".to_string()));
    }
    if let Err(list) = record.order.validate() {
        out.extend(
            list.into_iter()
                .map(|p| (format!("order.{}", p.path), p.expected)),
        );
    }
    out
}

/// [`problems`] as sentences naming the record (`line 4: order.lines[0].quantity: …`).
pub fn check(record: &OrderRecord, at: &str) -> Vec<String> {
    problems(record)
        .into_iter()
        .map(|(field, expected)| format!("{at}: {field}: {expected}"))
        .collect()
}

/// Reads a whole file. Nothing is imported from a file with a problem: every problem found
/// (up to 50) is listed, each with its record.
///
/// # Errors
/// The problems, one sentence each.
pub fn parse(text: &str, format: Format) -> Result<Vec<OrderRecord>, Vec<String>> {
    let (records, mut problems) = match format {
        Format::Json => match serde_json::from_str::<Vec<OrderRecord>>(text) {
            Ok(list) => {
                let at: Vec<String> = (0..list.len()).map(|i| format!("entry {i}")).collect();
                (list.into_iter().zip(at).collect(), Vec::new())
            }
            Err(e) => (
                Vec::new(),
                vec![format!("not a list of {{\"email\", \"order\"}}: {e}")],
            ),
        },
        Format::Ndjson => {
            let mut records = Vec::new();
            let mut problems = Vec::new();
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<OrderRecord>(line) {
                    Ok(r) => records.push((r, format!("line {}", i + 1))),
                    Err(e) => problems.push(format!("line {}: {e}", i + 1)),
                }
            }
            (records, problems)
        }
        Format::Csv => csv_records(text),
    };
    let mut seen = std::collections::HashSet::new();
    for (r, at) in &records {
        problems.extend(check(r, at));
        if !seen.insert(r.order.number.as_str()) {
            problems.push(format!(
                "{at}: order {} is in the file twice",
                r.order.number
            ));
        }
    }
    if problems.is_empty() {
        Ok(records.into_iter().map(|(r, _)| r).collect())
    } else {
        problems.truncate(MAX_PROBLEMS);
        Err(problems)
    }
}

/// CSV rows grouped into orders (rows of one order share its number; its order-level columns
/// must agree).
fn csv_records(text: &str) -> (Vec<(OrderRecord, String)>, Vec<String>) {
    let mut problems = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(e) => return (Vec::new(), vec![format!("line 1: {e}")]),
    };
    for name in &header {
        if !CSV_COLUMNS.contains(&name.as_str()) {
            problems.push(format!(
                "line 1: {name:?} is not a column; the columns are {}",
                CSV_COLUMNS.join(",")
            ));
        }
    }
    for name in &CSV_COLUMNS[..CSV_REQUIRED] {
        if !header.iter().any(|h| h == name) {
            problems.push(format!("line 1: the column {name} is missing"));
        }
    }
    if !problems.is_empty() {
        return (Vec::new(), problems);
    }
    let mut records: Vec<(OrderRecord, String)> = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let at = format!("line {}", i + 2);
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("{at}: {e}"));
                continue;
            }
        };
        let get = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .and_then(|k| row.get(k))
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        match csv_row(&get) {
            Ok((email, order_head, line)) => {
                let same = records
                    .iter_mut()
                    .find(|(r, _)| r.order.number == order_head.number);
                match same {
                    Some((r, _)) => {
                        let agrees = r.email.eq_ignore_ascii_case(&email)
                            && r.order.placed_at == order_head.placed_at
                            && r.order.currency == order_head.currency
                            && r.order.shipping_country == order_head.shipping_country;
                        if agrees {
                            r.order.lines.push(line);
                        } else {
                            problems.push(format!("{at}: order {}'s email, placed_at, currency and shipping_country must be the same on each of its rows", order_head.number));
                        }
                    }
                    None => {
                        let mut order = order_head;
                        order.lines.push(line);
                        records.push((OrderRecord { email, order }, at));
                    }
                }
            }
            Err(why) => problems.push(format!("{at}: {why}")),
        }
    }
    (records, problems)
}

type Row<'a> = dyn Fn(&str) -> Option<&'a str> + 'a;

/// One CSV row: the e-mail, the order's own columns (no lines yet) and its line.
fn csv_row<'a>(get: &Row<'a>) -> Result<(String, Order, Line), String> {
    let need = |name: &str| get(name).ok_or_else(|| format!("{name}: required"));
    let time = |name: &str| -> Result<Option<DateTime<Utc>>, String> {
        get(name)
            .map(|v| {
                DateTime::parse_from_rfc3339(v)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| format!("{name}: an RFC 3339 time such as 2026-11-20T10:00:00Z"))
            })
            .transpose()
    };
    let currency = Currency::new(need("currency")?)
        .map_err(|_| "currency: an ISO 4217 code such as EUR".to_string())?;
    let money = |name: &str, v: &str| {
        Money::from_decimal_str(v, currency)
            .map(|m| m.minor)
            .map_err(|_| format!("{name}: a decimal amount in {currency} such as 19.90"))
    };
    let quantity = need("quantity")?
        .parse::<u32>()
        .map_err(|_| "quantity: a whole number of units".to_string())?;
    let status = match get("status") {
        None => None,
        Some("unfulfilled") => Some(Fulfilment::Unfulfilled),
        Some("shipped") => Some(Fulfilment::Shipped),
        Some("delivered") => Some(Fulfilment::Delivered),
        Some(_) => return Err("status: unfulfilled, shipped or delivered".into()),
    };
    let final_sale = match get("final_sale") {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err("final_sale: true or false".into()),
    };
    let line = Line {
        id: need("line_id")?.to_string(),
        sku: need("sku")?.to_string(),
        title: need("title")?.to_string(),
        variant: get("variant").map(str::to_string),
        image_url: get("image_url").map(str::to_string),
        exchange_options: Vec::new(),
        category: need("category")?.to_string(),
        tags: get("tags")
            .map(|t| t.split('|').map(|s| s.trim().to_string()).collect())
            .unwrap_or_default(),
        final_sale,
        unit_price: money("unit_price", need("unit_price")?)?,
        discount: get("discount").map_or(Ok(0), |d| money("discount", d))?,
        quantity,
        quantity_claimed: 0,
        status,
        fulfilled_at: time("fulfilled_at")?,
        delivered_at: time("delivered_at")?,
    };
    let order = Order {
        number: need("order_number")?.to_string(),
        placed_at: time("placed_at")?.ok_or("placed_at: required")?,
        currency,
        shipping_country: get("shipping_country").map(str::to_string),
        lines: Vec::new(),
    };
    Ok((need("email")?.to_string(), order, line))
}

/// `docs/order.schema.json`: the JSON Schema of one record, generated from the types.
pub fn schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(OrderRecord)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "order_number,email,placed_at,currency,line_id,sku,title,category,unit_price,quantity,variant,tags,delivered_at\n\
        2001,Mei@Example.com,2026-11-20T02:00:00Z,EUR,a,KET-1,Kettle,kitchen,49.90,1,,gift|steel,2026-11-22T09:00:00Z\n\
        2001,mei@example.com,2026-11-20T02:00:00Z,EUR,b,TEE-M,T-shirt,apparel,19.99,2,Black / M,,\n\
        2002,sam@example.com,2026-11-21T02:00:00Z,JPY,a,CUP,Cup,kitchen,1500,3,,,\n";

    #[test]
    fn the_three_formats_read_the_same_orders() {
        let from_csv = parse(CSV, Format::Csv).unwrap();
        assert_eq!(from_csv.len(), 2);
        let mei = &from_csv[0].order;
        assert_eq!(
            (
                mei.lines.len(),
                mei.lines[0].unit_price,
                mei.lines[1].unit_price
            ),
            (2, 4990, 1999)
        );
        assert_eq!(mei.lines[0].tags, ["gift", "steel"]);
        assert_eq!(mei.lines[1].variant.as_deref(), Some("Black / M"));
        assert_eq!(
            from_csv[1].order.lines[0].unit_price, 1500,
            "JPY has no minor unit"
        );
        let json: String = serde_json::to_string(
            &from_csv
                .iter()
                .map(|r| serde_json::json!({"email": r.email, "order": r.order}))
                .collect::<Vec<_>>(),
        )
        .unwrap();
        let from_json = parse(&json, Format::Json).unwrap();
        assert_eq!(from_json, from_csv);
        let ndjson: String = serde_json::from_str::<Vec<serde_json::Value>>(&json)
            .unwrap()
            .iter()
            .map(|v| format!("{v}\n\n"))
            .collect();
        assert_eq!(parse(&ndjson, Format::Ndjson).unwrap(), from_csv);
    }

    #[test]
    fn every_problem_is_named_with_its_record_and_nothing_is_taken() {
        let bad = CSV
            .replace("49.90,1", "49.901,0")
            .replace("sam@example.com", "sam");
        assert_eq!(
            parse(&bad, Format::Csv).unwrap_err(),
            [
                "line 2: unit_price: a decimal amount in EUR such as 19.90",
                "line 4: email: an e-mail address",
            ]
        );
        let bad = CSV.replace(",1,,gift", ",0,,gift");
        assert_eq!(
            parse(&bad, Format::Csv).unwrap_err(),
            ["line 2: order.lines[0].quantity: 1 to 1000000 units"]
        );
        let other_mail = CSV.replace("mei@example.com,2026", "li@example.com,2026");
        assert!(parse(&other_mail, Format::Csv).unwrap_err()[0].starts_with(
            "line 3: order 2001's email, placed_at, currency and shipping_country must be the same"
        ));
        let unknown = CSV.replace("delivered_at\n", "delivered\n");
        assert!(parse(&unknown, Format::Csv).unwrap_err()[0]
            .starts_with("line 1: \"delivered\" is not a column; the columns are order_number,"));
        let missing = "order_number,email\n1,a@b.c\n";
        assert_eq!(
            parse(missing, Format::Csv).unwrap_err()[0],
            "line 1: the column placed_at is missing"
        );
        let twice = "{\"email\":\"a@b.c\",\"order\":{\"number\":\"1\",\"placed_at\":\"2026-11-20T02:00:00Z\",\"currency\":\"EUR\",\"lines\":[{\"id\":\"a\",\"sku\":\"S\",\"title\":\"T\",\"category\":\"c\",\"unit_price\":1,\"quantity\":1}]}}\n";
        let err = parse(&format!("{twice}{twice}nonsense\n"), Format::Ndjson).unwrap_err();
        assert!(err[0].starts_with("line 3: "), "{err:?}");
        assert_eq!(err[1], "line 2: order 1 is in the file twice");
        assert!(parse("{}", Format::Json).unwrap_err()[0].starts_with("not a list of"));
    }

    #[test]
    fn the_schema_in_docs_is_what_the_types_make() {
        let file = include_str!("../../../docs/order.schema.json");
        let made = serde_json::to_string_pretty(&schema()).unwrap() + "\n";
        assert!(
            file == made,
            "docs/order.schema.json is out of date: run `cargo run -p aftersales-server -- orders schema > docs/order.schema.json`"
        );
    }
}
