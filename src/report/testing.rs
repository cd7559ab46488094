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
use crate::analysis::Edge;
use crate::config::Settings;
use crate::inputs::Inputs;
use crate::lang::Lang;
use crate::parse::AMOUNT_SCALE;
use crate::read;
use crate::register;
use crate::window::Window;

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

    /// Reads the rows and runs every rule through the real stages
    /// ([`crate::analysis::Analysis::new`]).
    pub(crate) fn build(self) -> Analysis {
        let dir = tempfile::tempdir().expect("tempdir");
        let reg = dir.path().join("register.toml");
        std::fs::write(&reg, &self.register).expect("register");
        let export = dir.path().join("export.csv");
        std::fs::write(&export, format!("{}\n{}\n", self.header, self.rows.join("\n"))).expect("export");
        let register = register::load(&reg).expect("a valid register");
        let (files, _) =
            read::discover(std::slice::from_ref(&export), &read::Exclude::default(), self.lang).expect("discover");
        let exports = read::read_all(&files, &read::ReadOptions::default(), &|_| {}).expect("read");
        let inputs = Inputs {
            register,
            organisation: None,
            exports,
        };
        let settings = Settings {
            agreements: reg,
            exports: vec![export],
            organisation: None,
            out: dir.path().join("out"),
            period: Some(Window::parse(&self.window).expect("window")),
            tolerance_pp: self.tolerance_pp,
            min_call_offs: self.min_call_offs,
            direct_award_limit: self.direct_award_limit_sek * AMOUNT_SCALE,
            read: read::ReadOptions::default(),
            lang: self.lang,
            chart_size: (960, 540),
            quiet: true,
        };
        let edge = Edge {
            observer: &Silent,
            before_work: &|_| Ok(()),
            organisation_warning: &|_| None,
        };
        let analysis = crate::analysis::Analysis::new(&inputs, &settings, &edge).expect("analysis");
        let mut info = RunInfo::new(&settings, &analysis);
        info.generated = "2024-07-01 08:00".to_string();
        Analysis {
            inputs,
            analysis,
            info,
            lang: self.lang,
        }
    }
}

/// An observer that hears nothing.
struct Silent;
impl crate::Observer for Silent {}

/// Everything a [`Context`] borrows, owned.
pub(crate) struct Analysis {
    inputs: Inputs,
    analysis: crate::analysis::Analysis,
    info: RunInfo,
    lang: Lang,
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

    /// The reports' view of it.
    pub(crate) fn ctx(&self) -> Context<'_> {
        Context::new(&self.inputs, &self.analysis, &self.info, self.lang)
    }
}
