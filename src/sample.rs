//! `avropskoll sample`: a realistic, deterministic data set of a city's
//! property department: a register of six agreements and monthly ledger
//! exports with the messiness seen in real ones (name variants, org numbers
//! in mixed forms, credit notes, overlapping months, a title block and a
//! totals row, unreadable values, two encodings), and one agreement thrown
//! out of balance by one unit.

use avropskoll::cli::{SampleArgs, SampleFormat};
use avropskoll::error::{Error, Result};
use avropskoll::lang::Text;
use avropskoll::parse::{format_grouped, luhn_check_digit};
use chrono::{Datelike, NaiveDate};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

mod projects;

/// SplitMix64: small, fast and stable across versions (unlike a crate's
/// default generator), so a seed always gives the same files.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.f64() * n as f64) as usize % n.max(1)
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    /// Log-normal with the given parameters of the underlying normal.
    pub fn lognormal(&mut self, mu: f64, sigma: f64) -> f64 {
        let u1 = self.f64().max(1e-12);
        let u2 = self.f64();
        let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
        (mu + sigma * z).exp()
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An index drawn with the given weights.
    pub fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.f64() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

/// A valid organisation number `NNNNNN-NNNN` made from a seed number.
pub fn org_nr(n: u32) -> String {
    let body = format!("556{:06}", n % 1_000_000);
    let digits: Vec<u32> = body.bytes().map(|b| (b - b'0') as u32).collect();
    let check = luhn_check_digit(&digits);
    format!("{}-{}{}", &body[..6], &body[6..], check)
}

struct SampleSupplier {
    name: String,
    alias: Option<&'static str>,
    org: u32,
    share: f64,
}

struct SampleAgreement {
    id: String,
    name: String,
    from: (i32, u32, u32),
    to: (i32, u32, u32),
    count: bool,
    tolerance: Option<f64>,
    accounts: Option<&'static [&'static str]>,
    suppliers: Vec<SampleSupplier>,
    /// Relative volume of call-offs.
    weight: f64,
    /// Ceiling (takvolym): ceiling and estimated value in SEK, shared.
    ceiling: Option<(u64, Option<u64>, bool)>,
}

fn s(name: impl Into<String>, alias: Option<&'static str>, org: u32, share: f64) -> SampleSupplier {
    SampleSupplier {
        name: name.into(),
        alias,
        org,
        share,
    }
}

/// The suppliers of the six realistic agreements: agreement, name, the
/// alias the exports sometimes use, org nr (its serial), share.
const SUPPLIERS: [(&str, &str, Option<&'static str>, u32, f64); 17] = [
    (
        "RA-2023-011",
        "Måleri Syd AB",
        Some("Måleri Syd Aktiebolag"),
        101_117,
        50.0,
    ),
    ("RA-2023-011", "Färg & Fasad i Skåne AB", None, 214_302, 30.0),
    ("RA-2023-011", "Penselkungen AB", None, 377_051, 20.0),
    ("RA-2023-014", "Elkraft Öresund AB", None, 402_266, 60.0),
    (
        "RA-2023-014",
        "Ljus & Kraft Syd AB",
        Some("Ljus och Kraft Syd AB"),
        518_833,
        40.0,
    ),
    ("RA-2023-020", "Låsmästarn AB", None, 623_190, 25.0),
    ("RA-2023-020", "Nyckelhuset Skåne AB", None, 731_404, 25.0),
    ("RA-2023-020", "Säkerhetslås i Syd AB", None, 845_517, 25.0),
    ("RA-2023-020", "Dörr & Lås Service AB", None, 952_608, 25.0),
    ("RA-2024-003", "Rörläggarna Syd AB", None, 160_723, 40.0),
    ("RA-2024-003", "VVS-Centralen i Malmö AB", None, 271_845, 35.0),
    ("RA-2024-003", "Vattenrör AB", None, 389_962, 25.0),
    ("RA-2022-031", "Schakt & Mark AB", None, 493_018, 50.0),
    ("RA-2022-031", "Gräv-Olles Entreprenad AB", None, 506_129, 50.0),
    ("RA-2024-040", "Snickarglädje AB", None, 617_234, 35.0),
    ("RA-2024-040", "Trä & Bygg Service AB", None, 728_345, 35.0),
    (
        "RA-2024-040",
        "Bygg-Service Öresund AB",
        Some("Byggservice Öresund AB"),
        839_456,
        30.0,
    ),
];

/// An agreement valid `from`–`to` by amount, its suppliers from
/// [`SUPPLIERS`], without tolerance, accounts or ceiling of its own.
fn base(id: &str, name: &str, from: (i32, u32, u32), to: (i32, u32, u32), weight: f64) -> SampleAgreement {
    let suppliers = (SUPPLIERS.iter())
        .filter(|x| x.0 == id)
        .map(|&(_, name, alias, org, share)| s(name, alias, org, share))
        .collect();
    SampleAgreement {
        id: id.into(),
        name: name.into(),
        from,
        to,
        count: false,
        tolerance: None,
        accounts: None,
        suppliers,
        weight,
        ceiling: None,
    }
}

/// The six realistic agreements of the sample.
fn agreements() -> Vec<SampleAgreement> {
    vec![
        SampleAgreement {
            ceiling: Some((80_000_000, Some(60_000_000), false)),
            ..base("RA-2023-011", "Målningsarbeten", (2023, 4, 1), (2027, 3, 31), 3.0)
        },
        SampleAgreement {
            ceiling: Some((50_000_000, Some(40_000_000), false)),
            ..base("RA-2023-014", "Elinstallationer", (2023, 6, 1), (2027, 5, 31), 3.0)
        },
        SampleAgreement {
            count: true,
            tolerance: Some(8.0),
            ..base("RA-2023-020", "Lås och passersystem", (2023, 9, 1), (2026, 8, 31), 2.0)
        },
        SampleAgreement {
            accounts: Some(&["4410", "4411"]),
            ceiling: Some((55_000_000, Some(45_000_000), false)),
            ..base("RA-2024-003", "VVS-arbeten", (2024, 3, 1), (2028, 2, 29), 2.5)
        },
        SampleAgreement {
            tolerance: Some(3.0),
            ceiling: Some((15_000_000, Some(12_000_000), false)),
            ..base("RA-2022-031", "Markarbeten", (2022, 5, 1), (2026, 4, 30), 1.5)
        },
        SampleAgreement {
            ceiling: Some((100_000_000, None, true)),
            ..base("RA-2024-040", "Snickeriarbeten", (2024, 9, 1), (2028, 8, 31), 2.0)
        },
    ]
}

/// `n` more agreements for large runs (`--agreements`), with the keys
/// 50/30/20, 60/40, 25×4 and 40/35/25 in turn.
fn extra_agreements(n: usize) -> Vec<SampleAgreement> {
    let keys: [&[f64]; 4] = [&[50.0, 30.0, 20.0], &[60.0, 40.0], &[25.0; 4], &[40.0, 35.0, 25.0]];
    (0..n)
        .map(|k| SampleAgreement {
            id: format!("RA-2024-{:03}", 100 + k),
            name: format!("Ramavtal {}", k + 1),
            from: (2023, 1, 1),
            to: (2027, 12, 31),
            count: false,
            tolerance: None,
            accounts: None,
            suppliers: keys[k % 4]
                .iter()
                .enumerate()
                .map(|(j, &share)| {
                    s(
                        format!("Leverantör {}-{} AB", k + 1, j + 1),
                        None,
                        10_000 + 10 * k as u32 + j as u32,
                        share,
                    )
                })
                .collect(),
            weight: 1.0,
            ceiling: None,
        })
        .collect()
}

const OUTSIDE: [(&str, u32); 12] = [
    ("Ahlsell Sverige AB", 100_210),
    ("Beijer Byggmaterial AB", 200_321),
    ("Byggmax AB", 300_432),
    ("Sweco Sverige AB", 400_543),
    ("Tyréns AB", 500_654),
    ("Securitas Sverige AB", 600_765),
    ("Coor Service Management AB", 700_876),
    ("Elektroskandia Sverige AB", 800_987),
    ("Dahl Sverige AB", 901_098),
    ("Malmö Städservice AB", 112_209),
    ("Hyrmaskiner i Syd AB", 223_310),
    ("Kontorsmöbler Öresund AB", 334_421),
];

const UNITS: [(&str, [&str; 3]); 6] = [
    ("Sektion Norr", ["Anna Lindqvist", "Erik Johansson", "Sara Nilsson"]),
    ("Sektion Söder", ["Karin Persson", "Johan Berg", "Maria Holm"]),
    ("Sektion Öster", ["Lars Ekström", "Eva Sandberg", "Peter Åberg"]),
    ("Sektion Väster", ["Lena Björk", "Anders Lund", "Sofia Wallin"]),
    ("Projektenheten", ["Mats Öberg", "Helena Strand", "Jonas Falk"]),
    ("Driftenheten", ["Ulla Dahl", "Per Engström", "Ida Sjöberg"]),
];

/// One invoice line before formatting.
#[derive(Clone)]
struct Line {
    date: NaiveDate,
    ver: String,
    supplier: String,
    org: String,
    agreement: String,
    unit: String,
    orderer: String,
    account: String,
    /// Amount as written (already formatted) or a raw messy value.
    amount: String,
    /// Date as written.
    date_text: String,
}

/// Swedish amount text: `12 500,00`, negative with a leading minus or, in
/// the older format, a trailing one.
fn swedish_amount(ore: i64, grouped: bool, trailing_minus: bool) -> String {
    let body = format_grouped(ore.unsigned_abs() as i128 * 100, if grouped { " " } else { "" }, ',');
    match (ore < 0, trailing_minus) {
        (false, _) => body,
        (true, true) => format!("{body}-"),
        (true, false) => format!("-{body}"),
    }
}

fn month_add(start: NaiveDate, months: u32) -> NaiveDate {
    let m0 = start.month0() + months;
    NaiveDate::from_ymd_opt(start.year() + (m0 / 12) as i32, m0 % 12 + 1, 1).unwrap_or(start)
}

fn io_err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Output {
        path: path.to_path_buf(),
        message: e.to_string().into(),
    }
}

/// What the generator makes (see `avropskoll sample --help`).
#[derive(Debug, Clone)]
pub struct SampleOptions {
    /// Folder to write the register, exports and config into.
    pub out: std::path::PathBuf,
    /// Number of monthly export files.
    pub months: u32,
    /// Invoice rows per month (before overlaps and messy rows).
    pub rows_per_month: u32,
    /// First month, YYYY-MM.
    pub start: String,
    /// Total invoice rows (overrides `rows_per_month`).
    pub rows: Option<u64>,
    /// One clean export, as simple baselines can read.
    pub clean: bool,
    /// Number of generated units in the clean export.
    pub units: Option<u32>,
    /// Number of orderers in the clean export, drawn independently of the
    /// unit (default: three per unit, tied to it).
    pub orderers: Option<u32>,
    /// The clean export's orderer column is *Er referens* holding a name
    /// and a purchase-order number: nearly unique per row, as real ones are.
    pub references: bool,
    pub format: SampleFormat,
    /// Number of agreements in the register.
    pub agreements: u32,
    /// Random seed; the same seed gives the same files.
    pub seed: u64,
}

impl SampleOptions {
    /// The generator's own options from the arguments as typed.
    pub fn of(args: &SampleArgs) -> SampleOptions {
        SampleOptions {
            out: args.out.clone(),
            months: args.months,
            rows_per_month: args.rows_per_month,
            start: args.start.clone(),
            rows: args.rows,
            clean: args.clean,
            units: args.units,
            orderers: args.orderers,
            references: args.references,
            format: args.format,
            agreements: args.agreements,
            seed: args.seed,
        }
    }
}

/// Writes `register.toml`, `avropskoll.toml` and `exports/YYYY-MM.csv`;
/// returns a line saying what was written.
pub fn write(args: &SampleOptions) -> Result<String> {
    let start = first_month(args)?;
    let out = &args.out;
    let exports_dir = out.join("exports");
    std::fs::create_dir_all(&exports_dir).map_err(|e| io_err(&exports_dir, e))?;
    let ags = sample_agreements(args.agreements);
    // The realistic register also has a rank order and an FKU threshold,
    // their rows in a project ledger of their own (sample/projects.rs).
    let projects = ags.len() == 6 && !args.clean;
    let mut register = register_toml(&ags);
    if projects {
        register.push_str(&projects::register_toml());
    }
    let reg_path = out.join("register.toml");
    std::fs::write(&reg_path, register).map_err(|e| io_err(&reg_path, e))?;
    let cfg_path = out.join("avropskoll.toml");
    std::fs::write(&cfg_path, CONFIG).map_err(|e| io_err(&cfg_path, e))?;
    if args.clean {
        return write_clean(args, &ags, start, &exports_dir);
    }
    let rows_per_month = args.rows.map_or(args.rows_per_month, |r| {
        (r / args.months as u64).min(u32::MAX as u64) as u32
    });
    let mut months = Months::new(args.seed, &ags);
    for m in 0..args.months {
        let first = month_add(start, m);
        let (name, bytes) = months.export(first, month_add(start, m + 1), m, rows_per_month);
        let path = exports_dir.join(&name);
        std::fs::write(&path, bytes).map_err(|e| io_err(&path, e))?;
    }
    if projects {
        let path = exports_dir.join(projects::FILE);
        std::fs::write(&path, projects::export(args.seed, start, args.months)).map_err(|e| io_err(&path, e))?;
    }
    Ok(format!(
        "Sample data written to {}: register.toml, avropskoll.toml and {} monthly exports.",
        out.display(),
        args.months
    ))
}

/// `--start` as the first day of its month; `--months` 1 to 600.
fn first_month(args: &SampleOptions) -> Result<NaiveDate> {
    let start =
        NaiveDate::parse_from_str(&format!("{}-01", args.start.trim()), "%Y-%m-%d").map_err(|_| Error::Setting {
            setting: "--start".into(),
            message: Text::new(
                format!("'{}' är ingen månad (ÅÅÅÅ-MM)", args.start),
                format!("'{}' is not a month (YYYY-MM)", args.start),
            ),
        })?;
    if args.months == 0 || args.months > 600 {
        return Err(Error::Setting {
            setting: "--months".into(),
            message: Text::new("ange 1 till 600 månader", "give 1 to 600 months"),
        });
    }
    Ok(start)
}

/// The six realistic agreements, then generated ones, `wanted` (≥ 1) in all.
fn sample_agreements(wanted: u32) -> Vec<SampleAgreement> {
    let mut ags = agreements();
    let wanted = wanted.max(1) as usize;
    if wanted > ags.len() {
        let extra = wanted - ags.len();
        ags.extend(extra_agreements(extra));
    }
    ags.truncate(wanted);
    ags
}

/// The monthly exports as they are drawn, month after month.
struct Months<'a> {
    ags: &'a [SampleAgreement],
    rng: Rng,
    /// Purchases beside the agreements draw from their own stream: the
    /// call-offs stay as they were.
    side: Rng,
    /// Running totals per unit, agreement and supplier: a unit's orderers
    /// mostly pick the supplier furthest behind its share in their own
    /// call-offs, as a careful unit would (so one careless unit shows).
    running: Vec<Vec<Vec<f64>>>,
    /// The last days of the month before (monthly exports overlap).
    carry: Vec<Line>,
    seq: u64,
}

impl<'a> Months<'a> {
    fn new(seed: u64, ags: &'a [SampleAgreement]) -> Months<'a> {
        Months {
            ags,
            rng: Rng::new(seed),
            side: Rng::new(seed ^ 0xBE51_DE00),
            running: UNITS
                .iter()
                .map(|_| ags.iter().map(|a| vec![0.0; a.suppliers.len()]).collect())
                .collect(),
            carry: Vec::new(),
            seq: 0,
        }
    }

    /// Month `m` (from `first` to before `next`): its file name and bytes.
    fn export(&mut self, first: NaiveDate, next: NaiveDate, m: u32, rows: u32) -> (String, Vec<u8>) {
        let days = (next - first).num_days() as u32;
        let mut lines: Vec<Line> = (0..rows).map(|_| self.line(first, days)).collect();
        lines.extend(beside_lines(&mut self.side, first, days, m));
        odd_lines(&mut lines, first, m);
        lines.sort_by(|a, b| a.date.cmp(&b.date).then(a.ver.cmp(&b.ver)));
        // Monthly exports overlap: the last days of the previous month again.
        let mut file_lines: Vec<Line> = self.carry.clone();
        file_lines.extend(lines.iter().cloned());
        let cut = next - chrono::Duration::days(3);
        self.carry = lines.into_iter().filter(|l| l.date >= cut).collect();
        let name = format!("{}-{:02}.csv", first.year(), first.month());
        let bytes = if m < 12 {
            format_new(&file_lines)
        } else {
            format_old(&file_lines, first)
        };
        (name, bytes)
    }

    /// One invoice line: a call-off under a valid agreement (45 %), else a
    /// purchase from a supplier outside them.
    fn line(&mut self, first: NaiveDate, days: u32) -> Line {
        let rng = &mut self.rng;
        let day = first + chrono::Duration::days(rng.below(days as usize) as i64);
        self.seq += 1;
        let ver = format!("{}{:07}", day.year() % 100, self.seq);
        let ui = rng.below(UNITS.len());
        let (unit, orderers) = &UNITS[ui];
        let orderer = rng.pick(orderers).to_string();
        let valid: Vec<usize> = (0..self.ags.len())
            .filter(|&i| {
                let a = &self.ags[i];
                let f = NaiveDate::from_ymd_opt(a.from.0, a.from.1, a.from.2);
                let t = NaiveDate::from_ymd_opt(a.to.0, a.to.1, a.to.2);
                f.is_some_and(|f| f <= day) && t.is_some_and(|t| day <= t)
            })
            .collect();
        let mut line = if !valid.is_empty() && rng.chance(0.45) {
            self.call_off(&valid, ui)
        } else {
            outside_line(rng)
        };
        line.date = day;
        line.ver = ver;
        line.unit = unit.to_string();
        line.orderer = orderer;
        line
    }

    /// A call-off by unit `ui` under one of the `valid` agreements.
    fn call_off(&mut self, valid: &[usize], ui: usize) -> Line {
        let (ags, rng) = (self.ags, &mut self.rng);
        let unit = UNITS[ui].0;
        // Sektion Öster buys much electrical work, and nearly all of it from one supplier.
        let careless = |a: &SampleAgreement| a.id == "RA-2023-014" && unit == "Sektion Öster";
        let weight = |i: usize| {
            if careless(&ags[i]) {
                ags[i].weight * 3.0
            } else {
                ags[i].weight
            }
        };
        let ai = valid[rng.weighted(&valid.iter().map(|&i| weight(i)).collect::<Vec<_>>())];
        let running = &mut self.running[ui][ai];
        let a = &ags[ai];
        let shares: Vec<f64> = a.suppliers.iter().map(|s| s.share).collect();
        let si = if careless(a) {
            // The unit that throws the key: almost always Elkraft.
            usize::from(rng.chance(0.08))
        } else if rng.chance(0.65) {
            let total: f64 = running.iter().sum::<f64>().max(1.0);
            (0..shares.len())
                .max_by(|&x, &y| {
                    let gx = shares[x] / 100.0 - running[x] / total;
                    let gy = shares[y] / 100.0 - running[y] / total;
                    gx.total_cmp(&gy)
                })
                .unwrap_or(0)
        } else {
            rng.weighted(&shares)
        };
        let sup = &a.suppliers[si];
        let mut ore = (rng.lognormal(9.2, 0.9) * 100.0).round() as i64;
        if rng.chance(0.025) {
            ore = -ore / 3;
        }
        running[si] += if a.count {
            f64::from(u8::from(ore > 0))
        } else {
            ore as f64
        };
        let name = match (rng.below(20), sup.alias) {
            (0, Some(alias)) => alias.to_string(),
            (1, _) => sup.name.to_uppercase(),
            (2, _) => format!("{}  ", sup.name.replace(" AB", "  AB")),
            _ => sup.name.to_string(),
        };
        let account = match a.accounts {
            Some(list) if rng.chance(0.9) => rng.pick(list).to_string(),
            Some(_) => "4420".into(),
            None => rng.pick(&["4410", "4411", "4420"]).to_string(),
        };
        Line {
            supplier: name,
            org: org_form(rng, sup.org),
            agreement: if rng.chance(0.75) {
                a.id.to_string()
            } else {
                String::new()
            },
            account,
            amount: ore.to_string(),
            ..blank_line(NaiveDate::MIN)
        }
    }
}

/// A purchase from a supplier outside the agreements.
fn outside_line(rng: &mut Rng) -> Line {
    let (name, org) = rng.pick(&OUTSIDE);
    let mut ore = (rng.lognormal(8.6, 1.3) * 100.0).round() as i64;
    if rng.chance(0.02) {
        ore = -ore;
    }
    Line {
        supplier: name.to_string(),
        org: if rng.chance(0.1) {
            "SAKNAS".into()
        } else {
            org_form(rng, *org)
        },
        account: rng.pick(&["4510", "4610", "4620", "6110"]).to_string(),
        amount: ore.to_string(),
        ..blank_line(NaiveDate::MIN)
    }
}

/// A few rows that go wrong the way real ones do: an unknown agreement, a
/// supplier outside its agreement, a call-off before the agreement
/// started, an impossible date and an unreadable amount.
fn odd_lines(lines: &mut Vec<Line>, first: NaiveDate, m: u32) {
    let mut odd = lines.first().cloned().unwrap_or_else(|| blank_line(first));
    if m.is_multiple_of(3) {
        odd.agreement = "RA-2019-007".into();
        odd.ver = format!("{}", 9_000_000 + m);
        lines.push(odd.clone());
    }
    if m % 4 == 1 {
        let mut o = odd.clone();
        o.supplier = "Byggmax AB".into();
        o.org = org_nr(300_432);
        o.agreement = "RA-2023-011".into();
        o.ver = format!("{}", 9_100_000 + m);
        lines.push(o);
    }
    if first < NaiveDate::from_ymd_opt(2024, 9, 1).unwrap_or(first) && m.is_multiple_of(2) {
        let mut o = odd.clone();
        o.supplier = "Snickarglädje AB".into();
        o.org = org_nr(617_234);
        o.agreement = "RA-2024-040".into();
        o.ver = format!("{}", 9_200_000 + m);
        lines.push(o);
    }
    let mut bad = odd.clone();
    bad.ver = format!("{}", 9_300_000 + m);
    bad.date_text = format!("{}-02-30", first.year());
    lines.push(bad.clone());
    bad.ver = format!("{}", 9_400_000 + m);
    bad.date_text = String::new();
    bad.amount = if m.is_multiple_of(2) {
        "12 5OO,00"
    } else {
        "#VÄRDEFEL!"
    }
    .into();
    lines.push(bad);
}

/// One invoice line of the clean benchmark data.
#[derive(Default)]
struct CleanRow {
    date: NaiveDate,
    ver: u64,
    supplier: String,
    org: String,
    agreement: String,
    unit: String,
    orderer: String,
    account: &'static str,
    ore: i64,
}

/// The clean benchmark rows: every call-off under an agreement carries the
/// agreement id and the supplier's register name, no row is unreadable or
/// repeated, dates rise evenly over the months. One careless unit still
/// throws Elinstallationer's key.
fn clean_rows<'a>(
    args: &SampleOptions,
    ags: &'a [SampleAgreement],
    start: NaiveDate,
) -> impl Iterator<Item = CleanRow> + 'a {
    let end = month_add(start, args.months);
    let days = (end - start).num_days().max(1) as u64;
    let total = args.rows.unwrap_or(args.months as u64 * args.rows_per_month as u64);
    let mut rng = Rng::new(args.seed);
    let (orderers, references) = (args.orderers, args.references);
    let units = clean_units(args.units);
    let spans: Vec<(NaiveDate, NaiveDate)> = ags
        .iter()
        .map(|a| {
            let d = |(y, m, dd): (i32, u32, u32)| NaiveDate::from_ymd_opt(y, m, dd).unwrap_or(start);
            (d(a.from), d(a.to))
        })
        .collect();
    (0..total).map(move |i| {
        let date = start + chrono::Duration::days((i * days / total.max(1)) as i64);
        let ui = rng.below(units.len());
        let unit = units[ui].0.clone();
        let orderer = match orderers {
            Some(n) if n > 0 => format!("Beställare {}", 1 + rng.below(n as usize)),
            _ => units[ui].1[rng.below(units[ui].1.len())].clone(),
        };
        let orderer = if references {
            format!("{orderer} PO-{:07}", rng.below(10_000_000))
        } else {
            orderer
        };
        let valid: Vec<usize> = (0..ags.len())
            .filter(|&a| spans[a].0 <= date && date <= spans[a].1)
            .collect();
        let mut row = if !valid.is_empty() && rng.chance(0.45) {
            clean_call_off(&mut rng, ags, &valid, &unit)
        } else {
            clean_outside(&mut rng)
        };
        (row.date, row.ver, row.unit, row.orderer) = (date, 10_000_000 + i, unit, orderer);
        row
    })
}

/// Units and their orderers: the property department's six, or (with
/// --units) that many generated ones, for benchmarks.
fn clean_units(units: Option<u32>) -> Vec<(String, Vec<String>)> {
    match units {
        Some(n) if n > 0 => (1..=n)
            .map(|k| {
                (
                    format!("Enhet {k}"),
                    (1..=3).map(|j| format!("Beställare {k}-{j}")).collect(),
                )
            })
            .collect(),
        _ => UNITS
            .iter()
            .map(|(u, o)| (u.to_string(), o.iter().map(|x| x.to_string()).collect()))
            .collect(),
    }
}

/// A clean call-off under one of the `valid` agreements by `unit`.
fn clean_call_off(rng: &mut Rng, ags: &[SampleAgreement], valid: &[usize], unit: &str) -> CleanRow {
    // With generated units, the first one is the careless one.
    let careless = unit == "Sektion Öster" || unit == "Enhet 1";
    let weights: Vec<f64> = valid
        .iter()
        .map(|&a| {
            if ags[a].id == "RA-2023-014" && unit == "Sektion Öster" {
                3.0
            } else {
                ags[a].weight
            }
        })
        .collect();
    let a = &ags[valid[rng.weighted(&weights)]];
    let si = if a.id == "RA-2023-014" && careless {
        usize::from(rng.chance(0.08))
    } else {
        rng.weighted(&a.suppliers.iter().map(|s| s.share).collect::<Vec<_>>())
    };
    let mut ore = (rng.lognormal(9.2, 0.9) * 100.0).round() as i64;
    if rng.chance(0.025) {
        ore = -ore / 3;
    }
    CleanRow {
        supplier: a.suppliers[si].name.clone(),
        org: org_nr(a.suppliers[si].org),
        agreement: a.id.clone(),
        account: ["4410", "4411", "4420"][rng.below(3)],
        ore,
        ..CleanRow::default()
    }
}

/// A clean purchase from a supplier outside the agreements.
fn clean_outside(rng: &mut Rng) -> CleanRow {
    let (name, org) = OUTSIDE[rng.below(OUTSIDE.len())];
    let mut ore = (rng.lognormal(8.6, 1.3) * 100.0).round() as i64;
    if rng.chance(0.02) {
        ore = -ore;
    }
    CleanRow {
        supplier: name.to_string(),
        org: org_nr(org),
        account: ["4510", "4610", "4620", "6110"][rng.below(4)],
        ore,
        ..CleanRow::default()
    }
}

/// The clean export's header: its orderer column is *Er referens* with
/// `--references`.
fn clean_header(args: &SampleOptions) -> [&'static str; 9] {
    let mut header = CLEAN_HEADER;
    if args.references {
        header[6] = "Er referens";
    }
    header
}

const CLEAN_HEADER: [&str; 9] = [
    "Bokföringsdatum",
    "Verifikationsnummer",
    "Leverantör",
    "Leverantörens org.nr",
    "Avtal",
    "Ansvar",
    "Beställare",
    "Konto",
    "Belopp exkl moms",
];

/// Writes the clean benchmark export `exports/bench.csv` (Windows-1252,
/// `;`, CRLF, `12 500,00`, a title block and a totals row) or `exports/bench.xlsx` (date and number cells).
fn write_clean(args: &SampleOptions, ags: &[SampleAgreement], start: NaiveDate, dir: &Path) -> Result<String> {
    let rows = clean_rows(args, ags, start);
    let path = match args.format {
        SampleFormat::Csv => clean_csv(args, start, rows, &dir.join("bench.csv"))?,
        SampleFormat::Xlsx => clean_xlsx(args, rows, &dir.join("bench.xlsx"))?,
    };
    Ok(format!("Clean benchmark data written to {}.", path.display()))
}

/// The clean export as the economy system writes it: a title block,
/// Windows-1252, CRLF, a totals row at the end.
fn clean_csv(
    args: &SampleOptions,
    start: NaiveDate,
    rows: impl Iterator<Item = CleanRow>,
    path: &Path,
) -> Result<PathBuf> {
    use std::io::Write;
    let file = std::fs::File::create(path).map_err(|e| io_err(path, e))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    let mut out = String::with_capacity(256);
    let _ = write!(
        out,
        "Leverantörsfakturor, bokförda rader;;;;;;;;\r\nUtdrag {} - {};;;;;;;;\r\n;;;;;;;;\r\n{}\r\n",
        start,
        month_add(start, args.months) - chrono::Duration::days(1),
        clean_header(args).join(";")
    );
    let mut total = 0i64;
    let mut put = |out: &mut String| -> Result<()> {
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(out);
        w.write_all(&bytes).map_err(|e| io_err(path, e))?;
        out.clear();
        Ok(())
    };
    put(&mut out)?;
    for r in rows {
        total += r.ore;
        let _ = write!(
            out,
            "{};{};{};{};{};{};{};{};{}\r\n",
            r.date,
            r.ver,
            r.supplier,
            r.org,
            r.agreement,
            r.unit,
            r.orderer,
            r.account,
            swedish_amount(r.ore, true, false)
        );
        if out.len() > 1 << 16 {
            put(&mut out)?;
        }
    }
    let _ = write!(out, "Summa;;;;;;;;{}\r\n", swedish_amount(total, true, false));
    put(&mut out)?;
    w.flush().map_err(|e| io_err(path, e))?;
    Ok(path.to_path_buf())
}

/// The clean export as a workbook: date and number cells.
fn clean_xlsx(args: &SampleOptions, rows: impl Iterator<Item = CleanRow>, path: &Path) -> Result<PathBuf> {
    let xerr = |e: rust_xlsxwriter::XlsxError| io_err(path, e);
    let mut wb = rust_xlsxwriter::Workbook::new();
    let date_format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let ws = wb.add_worksheet();
    for (c, h) in clean_header(args).iter().enumerate() {
        ws.write_string(0, c as u16, *h).map_err(xerr)?;
    }
    for (i, r) in rows.enumerate() {
        let row = i as u32 + 1;
        let d =
            rust_xlsxwriter::ExcelDateTime::from_ymd(r.date.year() as u16, r.date.month() as u8, r.date.day() as u8)
                .map_err(xerr)?;
        ws.write_datetime_with_format(row, 0, d, &date_format).map_err(xerr)?;
        ws.write_number(row, 1, r.ver as f64).map_err(xerr)?;
        ws.write_string(row, 2, &r.supplier).map_err(xerr)?;
        ws.write_string(row, 3, &r.org).map_err(xerr)?;
        if !r.agreement.is_empty() {
            ws.write_string(row, 4, &r.agreement).map_err(xerr)?;
        }
        ws.write_string(row, 5, &r.unit).map_err(xerr)?;
        ws.write_string(row, 6, &r.orderer).map_err(xerr)?;
        ws.write_number(row, 7, r.account.parse::<f64>().unwrap_or(0.0))
            .map_err(xerr)?;
        ws.write_number(row, 8, r.ore as f64 / 100.0).map_err(xerr)?;
    }
    wb.save(path).map_err(xerr)?;
    Ok(path.to_path_buf())
}

fn blank_line(date: NaiveDate) -> Line {
    Line {
        date,
        ver: String::new(),
        supplier: String::new(),
        org: String::new(),
        agreement: String::new(),
        unit: String::new(),
        orderer: String::new(),
        account: String::new(),
        amount: "0".into(),
        date_text: String::new(),
    }
}

/// The accounts an agreement lists in the register: its own, else the
/// accounts its call-offs are booked on.
fn listed_accounts(a: &SampleAgreement) -> &'static [&'static str] {
    a.accounts.unwrap_or(&["4410", "4411", "4420"])
}

/// Suppliers bought from beside the agreements (rule 15), on accounts the
/// agreements list: name, org nr (0: none), account, rows a month, median
/// amount in SEK. The builder passes the direct-award limit within a year;
/// the painter has no org nr; the electrician's rows carry it only now
/// and then.
const BESIDE: [(&str, u32, &str, usize, f64); 3] = [
    ("Byggfirma Holmgren AB", 445_566, "4420", 2, 48_000.0),
    ("Målerifirman P. Andersson", 0, "4410", 1, 7_500.0),
    ("Elektriker Nord AB", 556_677, "4411", 1, 11_000.0),
];

/// One month's purchases beside the agreements.
fn beside_lines(rng: &mut Rng, first: NaiveDate, days: u32, m: u32) -> Vec<Line> {
    let mut out = Vec::new();
    for (k, &(name, org, account, per_month, median)) in BESIDE.iter().enumerate() {
        for j in 0..per_month {
            let day = first + chrono::Duration::days(rng.below(days as usize) as i64);
            let (unit, orderers) = rng.pick(&UNITS);
            let ore = (rng.lognormal(median.ln(), 0.3) * 100.0).round() as i64;
            let org = if org == 0 || (k == 2 && rng.chance(0.4)) {
                String::new()
            } else {
                org_nr(org)
            };
            out.push(Line {
                date: day,
                ver: format!("{}", 9_500_000 + m * 10 + (k * 3 + j) as u32),
                supplier: name.to_string(),
                org,
                agreement: String::new(),
                unit: unit.to_string(),
                orderer: rng.pick(orderers).to_string(),
                account: account.to_string(),
                amount: ore.to_string(),
                date_text: String::new(),
            });
        }
    }
    out
}

/// Org numbers as systems write them: with or without dash, VAT form,
/// 12 digits, or missing.
fn org_form(rng: &mut Rng, n: u32) -> String {
    let o = org_nr(n);
    let digits = o.replace('-', "");
    match rng.below(20) {
        0..=10 => o,
        11..=13 => digits,
        14..=15 => format!("SE{digits}01"),
        16 => format!("16{o}"),
        _ => String::new(),
    }
}

fn amount_text(l: &Line, grouped: bool, trailing: bool) -> String {
    match l.amount.parse::<i64>() {
        Ok(ore) => swedish_amount(ore, grouped, trailing),
        Err(_) => l.amount.clone(),
    }
}

fn date_text(l: &Line, fmt: &str) -> String {
    if l.date_text.is_empty() {
        l.date.format(fmt).to_string()
    } else {
        l.date_text.clone()
    }
}

/// The newer export: UTF-8 with BOM, `;`, CRLF, grouped amounts.
fn format_new(lines: &[Line]) -> Vec<u8> {
    let mut s = String::from("\u{feff}Bokföringsdatum;Verifikationsnummer;Leverantör;Leverantörens org.nr;Avtal;Ansvar;Beställare;Konto;Belopp exkl moms\r\n");
    for l in lines {
        let _ = write!(
            s,
            "{};{};{};{};{};{};{};{};{}\r\n",
            date_text(l, "%Y-%m-%d"),
            l.ver,
            l.supplier,
            l.org,
            l.agreement,
            l.unit,
            l.orderer,
            l.account,
            amount_text(l, true, false)
        );
    }
    s.into_bytes()
}

/// The older export: Windows-1252, a title block, other header names,
/// trailing minus on credit notes and a totals row.
fn format_old(lines: &[Line], month: NaiveDate) -> Vec<u8> {
    let mut s = format!(
        "Leverantörsfakturor – Fastighetskontoret;;;;;;;;\nPeriod {};;;;;;;;\n;;;;;;;;\n",
        month.format("%Y-%m")
    );
    s.push_str(
        "Bokf.datum;Ver.nr;Leverantörsnamn;Orgnr;Avtalsnummer;Ansvarsenhet;Er referens;Kontonummer;Nettobelopp\n",
    );
    let mut total = 0i64;
    for l in lines {
        total += l.amount.parse::<i64>().unwrap_or(0);
        let _ = writeln!(
            s,
            "{};{};{};{};{};{};{};{};{}",
            date_text(l, "%Y%m%d"),
            l.ver,
            l.supplier,
            l.org,
            l.agreement,
            l.unit,
            l.orderer,
            l.account,
            amount_text(l, false, true)
        );
    }
    let _ = writeln!(s, "Summa;;;;;;;;{}", swedish_amount(total, false, true));
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&s);
    bytes.into_owned()
}

fn register_toml(ags: &[SampleAgreement]) -> String {
    let mut s = String::from(
        "# Agreement register of the sample data: framework agreements with a\n# distribution key (fördelningsnyckel).\n",
    );
    for a in ags {
        let _ = write!(
            s,
            "\n[[agreement]]\nid = \"{}\"\nname = \"{}\"\nvalid_from = {:04}-{:02}-{:02}\nvalid_to = {:04}-{:02}-{:02}\nbasis = \"{}\"\n",
            a.id,
            a.name,
            a.from.0,
            a.from.1,
            a.from.2,
            a.to.0,
            a.to.1,
            a.to.2,
            if a.count { "count" } else { "amount" }
        );
        if let Some(t) = a.tolerance {
            let _ = writeln!(s, "tolerance_pp = {t:.1}");
        }
        let list: Vec<String> = listed_accounts(a).iter().map(|x| format!("\"{x}\"")).collect();
        let _ = writeln!(s, "accounts = [{}]", list.join(", "));
        if let Some((ceiling, estimated, shared)) = a.ceiling {
            let _ = writeln!(s, "ceiling_sek = {ceiling}");
            if let Some(e) = estimated {
                let _ = writeln!(s, "estimated_sek = {e}");
            }
            if shared {
                let _ = writeln!(s, "shared_ceiling = true");
            }
        }
        for sup in &a.suppliers {
            let _ = write!(
                s,
                "\n  [[agreement.supplier]]\n  name = \"{}\"\n  org_nr = \"{}\"\n  share = {:.1}\n",
                sup.name,
                org_nr(sup.org),
                sup.share
            );
            if let Some(alias) = sup.alias {
                let _ = writeln!(s, "  aliases = [\"{alias}\"]");
            }
        }
    }
    s
}

const CONFIG: &str = r#"# avropskoll configuration for the sample data.
# Paths are relative to this file; command-line flags override every value.
agreements = "register.toml"
exports = ["exports"]
tolerance_pp = 5.0
min_call_offs = 10
lang = "sv"

# The direct-award limit in SEK (rule 15); keep it current (700 000 since 2022).
direct_award_limit_sek = 700000

# Extra header names per field, tried before the built-in ones, e.g.:
# [columns]
# amount = ["Belopp SEK"]
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use avropskoll::parse::{parse_amount, OrgNr};

    #[test]
    fn generated_org_numbers_are_valid() {
        for n in [1, 101_117, 999_999] {
            assert!(OrgNr::parse(&org_nr(n)).is_some(), "{}", org_nr(n));
        }
    }

    #[test]
    fn swedish_amounts_read_back() {
        for (ore, grouped, trailing) in [(1_250_000, true, false), (-50_025, false, true), (-7, true, false)] {
            let text = swedish_amount(ore, grouped, trailing);
            assert_eq!(parse_amount(&text).map(|a| a.0), Some(ore * 100), "{text}");
        }
        assert_eq!(swedish_amount(1_250_000, true, false), "12 500,00");
    }

    #[test]
    fn the_generator_is_deterministic() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }
}
