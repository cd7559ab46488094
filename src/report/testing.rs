//! A [`Context`] for the writers' unit tests: a tiny register and a
//! handful of export rows, written to a temp folder and run through the
//! real stages (read → classify → allocate → checks) the way
//! `lib::run_with` does, with a fixed window and a fixed "generated" time so
//! that every writer's output can be compared with text written out in the
//! test.
//!
//! ```ignore
//! let built = Analysis::builder().build();      // the example below
//! let ctx = built.ctx();
//! let text = super::terminal::summary(&ctx);
//! ```

use super::{Context, RunInfo};
use crate::allocate::beside::Beside;
use crate::allocate::ceiling::{CeilingUse, Life};
use crate::allocate::compare::Comparison;
use crate::allocate::fku::Fku;
use crate::allocate::monthly::Monthly;
use crate::allocate::rank::RankUsage;
use crate::allocate::usage::AgreementUsage;
use crate::allocate::{self, Allocation};
use crate::classify::{self, Classified, Reconciliation};
use crate::lang::Lang;
use crate::parse::{self, AMOUNT_SCALE};
use crate::read::{self, Exports};
use crate::register::{self, Register};
use crate::window::Window;
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// The example register: a key agreement (60/40, a ceiling of 10 000 kr,
/// an FKU threshold of 3 000 kr, account 4410) and a rank order.
pub(crate) const REGISTER: &str = r#"
[[agreement]]
id = "RA-K"
name = "Måleri"
valid_from = 2024-01-01
valid_to = 2025-12-31
ceiling_sek = 10000
fku_threshold_sek = 3000
accounts = ["4410"]
  [[agreement.supplier]]
  name = "Alfa AB"
  org_nr = "556036-0793"
  share = 60
  [[agreement.supplier]]
  name = "Beta AB"
  share = 40

[[agreement]]
id = "RA-R"
name = "Järn"
valid_from = 2024-01-01
valid_to = 2025-12-31
model = "rank"
  [[agreement.supplier]]
  name = "Ett AB"
  rank = 1
  [[agreement.supplier]]
  name = "Två AB"
  rank = 2
"#;

/// The example export's header.
pub(crate) const HEADER: &str = "Bokföringsdatum;Leverantör;Avtal;Belopp;Ansvar;Beställare;Konto;Ordernummer";

/// The example rows (window 2024-H1). RA-K: Alfa 1 000 + 2 000, Beta
/// 1 000, and Beta's 4 000 on order P-1 at the FKU threshold (counted for
/// the ceiling only). RA-R: 500 to rank 1, 500 to rank 2 without a
/// deviation. Annan AB on account 4410: beside the agreements. RA-9: not in
/// the register.
pub(crate) const ROWS: [&str; 8] = [
    "2024-01-10;Alfa AB;RA-K;1000;U1;Anna;4410;",
    "2024-02-10;Alfa AB;RA-K;2000;U1;Anna;4410;",
    "2024-03-10;Beta AB;RA-K;1000;U2;Bo;4410;",
    "2024-04-10;Beta AB;RA-K;4000;U2;Bo;4410;P-1",
    "2024-02-01;Ett AB;RA-R;500;U1;Anna;;",
    "2024-03-01;Två AB;RA-R;500;U2;Bo;;",
    "2024-05-01;Annan AB;;300;U2;Bo;4410;",
    "2024-05-02;Alfa AB;RA-9;100;U1;Anna;;",
];

/// What to build: register, rows, window, language and the run's settings.
pub(crate) struct Builder {
    register: String,
    header: String,
    rows: Vec<String>,
    window: String,
    lang: Lang,
    tolerance_pp: f64,
    min_call_offs: u64,
    direct_award_limit_sek: i64,
}

impl Builder {
    /// Another register (TOML).
    pub(crate) fn register(mut self, toml: &str) -> Self {
        self.register = toml.to_string();
        self
    }

    /// Another export: its header and rows (`;`-separated).
    pub(crate) fn rows(mut self, header: &str, rows: &[&str]) -> Self {
        self.header = header.to_string();
        self.rows = rows.iter().map(|r| r.to_string()).collect();
        self
    }

    pub(crate) fn window(mut self, window: &str) -> Self {
        self.window = window.to_string();
        self
    }

    pub(crate) fn lang(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self
    }

    pub(crate) fn min_call_offs(mut self, n: u64) -> Self {
        self.min_call_offs = n;
        self
    }

    pub(crate) fn direct_award_limit_sek(mut self, sek: i64) -> Self {
        self.direct_award_limit_sek = sek;
        self
    }

    /// Reads and classifies the rows, then runs every rule.
    pub(crate) fn build(self) -> Analysis {
        let dir = tempfile::tempdir().expect("tempdir");
        let reg = dir.path().join("register.toml");
        std::fs::write(&reg, &self.register).expect("register");
        let export = dir.path().join("export.csv");
        std::fs::write(&export, format!("{}\n{}\n", self.header, self.rows.join("\n"))).expect("export");
        let register = register::load(&reg).expect("a valid register");
        let (files, _) = read::discover(&[export], &read::Exclude::default(), self.lang).expect("discover");
        let exports = read::read_all(&files, &read::ReadOptions::default(), &|_| {}).expect("read");
        let classified = classify::classify(&exports, &register);
        let reconciliation = Reconciliation::new(&exports, &classified);
        let window = Window::parse(&self.window).expect("window");
        Analysis::of(self, register, exports, classified, reconciliation, window)
    }
}

/// Everything a [`Context`] borrows, owned.
pub(crate) struct Analysis {
    pub register: Register,
    pub exports: Exports,
    pub classified: Classified,
    pub reconciliation: Reconciliation,
    pub allocation: Allocation,
    pub usage: Vec<AgreementUsage>,
    pub rank_usage: Vec<RankUsage>,
    pub fku: Fku,
    pub monthly: Vec<Monthly>,
    pub ceilings: Vec<CeilingUse>,
    pub comparison: Option<Comparison>,
    pub life: Life,
    pub beside: Beside,
    pub info: RunInfo,
    pub lang: Lang,
}

impl Analysis {
    /// The example above: [`REGISTER`], [`HEADER`] and [`ROWS`] in 2024-H1,
    /// Swedish, tolerance 5, at least one call-off, a direct-award limit of
    /// 700 000 kr.
    pub(crate) fn builder() -> Builder {
        Builder {
            register: REGISTER.to_string(),
            header: HEADER.to_string(),
            rows: ROWS.iter().map(|r| r.to_string()).collect(),
            window: "2024-H1".to_string(),
            lang: Lang::Sv,
            tolerance_pp: 5.0,
            min_call_offs: 1,
            direct_award_limit_sek: 700_000,
        }
    }

    /// The rules after reading, as `lib::run_with` applies them.
    fn of(
        b: Builder,
        register: Register,
        exports: Exports,
        classified: Classified,
        reconciliation: Reconciliation,
        window: Window,
    ) -> Analysis {
        let (latest_date, earliest_date, months_read) = dates_read(&exports);
        let fku = allocate::fku::fku(&exports, &classified, &register);
        let counted = allocate::counted_except(&exports, &classified, &register, &fku.rows).expect("counted");
        let counted_all =
            (!fku.rows.is_empty()).then(|| allocate::counted(&exports, &classified, &register).expect("counted"));
        let rules = allocate::Rules {
            tolerance_pp: b.tolerance_pp,
            min_call_offs: b.min_call_offs,
        };
        let allocation = allocate::allocate(&counted, &register, &window, rules).expect("allocate");
        let (usage, rank_usage) = uses(&exports, &classified, &register, &allocation, &fku);
        let monthly = monthly(&counted, counted_all.as_ref(), &register, &window, &allocation);
        let ceilings = allocate::ceiling::ceilings(
            counted_all.as_ref().unwrap_or(&counted),
            &register,
            &window,
            latest_date,
            &months_read,
        )
        .expect("ceilings");
        let comparison = allocate::compare::compare(&counted, &register, &allocation, rules).expect("compare");
        let as_of = allocate::ceiling::as_of(&window, latest_date);
        let life = allocate::ceiling::life(&exports, &classified, &register, &ceilings, as_of);
        let limit = b.direct_award_limit_sek * AMOUNT_SCALE;
        let beside = allocate::beside::beside(&exports, &classified, &register, &window, limit);
        let mut warnings = exports.warnings.clone();
        warnings.extend(crate::checks::plausibility(
            &exports,
            &classified,
            &register,
            &reconciliation,
            &window,
            false,
            b.lang,
        ));
        warnings.extend(crate::checks::thin_window(
            &exports,
            &register,
            &allocation,
            false,
            b.lang,
        ));
        let info = RunInfo {
            tolerance_pp: b.tolerance_pp,
            min_call_offs: b.min_call_offs,
            latest_date,
            earliest_date,
            generated: "2024-07-01 08:00".to_string(),
            chart_size: (960, 540),
            warnings,
        };
        Analysis {
            register,
            exports,
            classified,
            reconciliation,
            allocation,
            usage,
            rank_usage,
            fku,
            monthly,
            ceilings,
            comparison,
            life,
            beside,
            info,
            lang: b.lang,
        }
    }

    /// The reports' view of it.
    pub(crate) fn ctx(&self) -> Context<'_> {
        Context {
            register: &self.register,
            exports: &self.exports,
            classified: &self.classified,
            allocation: &self.allocation,
            reconciliation: &self.reconciliation,
            usage: &self.usage,
            rank_usage: &self.rank_usage,
            fku: &self.fku,
            monthly: &self.monthly,
            ceilings: &self.ceilings,
            comparison: self.comparison.as_ref(),
            life: &self.life,
            beside: &self.beside,
            organisation: None,
            info: &self.info,
            lang: self.lang,
        }
    }
}

/// The latest and earliest readable dates, and the months the rows cover.
fn dates_read(exports: &Exports) -> (Option<NaiveDate>, Option<NaiveDate>, BTreeSet<i32>) {
    let dates: Vec<i32> = exports.rows.dates(0..exports.rows.len()).flatten().collect();
    let months = dates
        .iter()
        .map(|&d| allocate::monthly::month_key(parse::days_to_date(d)))
        .collect();
    (
        dates.iter().max().copied().map(parse::days_to_date),
        dates.iter().min().copied().map(parse::days_to_date),
        months,
    )
}

/// Rule 10 for the imbalanced key agreements, and the rank orders' skips.
fn uses(
    exports: &Exports,
    classified: &Classified,
    register: &Register,
    allocation: &Allocation,
    fku: &Fku,
) -> (Vec<AgreementUsage>, Vec<RankUsage>) {
    let imbalanced: Vec<usize> = (0..allocation.shares.len())
        .filter(|&i| allocation.shares[i].status == allocate::Status::Imbalance)
        .filter(|&i| !register.agreements[allocation.shares[i].agreement].is_rank())
        .collect();
    let usage = allocate::usage::usage(
        exports,
        classified,
        register,
        &allocation.shares,
        &imbalanced,
        &fku.rows,
    )
    .expect("usage");
    let rank = allocate::rank::skips_by(exports, classified, register, &allocation.shares, &fku.rows);
    (usage, rank)
}

/// The monthly series of the reported agreements, FKU call-offs added.
fn monthly(
    counted: &allocate::Counted,
    counted_all: Option<&allocate::Counted>,
    register: &Register,
    window: &Window,
    allocation: &Allocation,
) -> Vec<Monthly> {
    let reported: Vec<usize> = allocation
        .shares
        .iter()
        .filter(|s| s.scope == allocate::Scope::Period)
        .map(|s| s.agreement)
        .collect();
    let mut monthly = allocate::monthly::monthly(counted, register, window, &reported).expect("monthly");
    if let Some(all) = counted_all {
        let all = allocate::monthly::monthly(all, register, window, &reported).expect("monthly");
        allocate::monthly::add_fku(&mut monthly, &all);
    }
    monthly
}
