//! What the user is warned about while the run goes on, as values: the
//! stages say what they found ([`Warning`]), the edge words it in the
//! user's language ([`Warning::words`]) — the terminal as it prints, the
//! reports' first sheet and the forum report through `report::RunInfo`.
//! Every warning's wording is here, below every stage.

use crate::lang::{quote, shown, Lang, Text};
use crate::read::Field;
use chrono::NaiveDate;

/// One warning.
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    /// About one export file (its name as shown).
    File { file: String, problem: FileProblem },
    /// A unit given differing names: the first is shown.
    UnitNames {
        unit: String,
        first: String,
        others: Vec<String>,
    },
    /// More units than listed have differing names.
    MoreUnitNames,
    /// A window with little to judge (rule 12's honesty).
    Window(WindowWarning),
    /// The data as a whole looks wrong (the plausibility checks).
    Data(DataWarning),
    /// A warning the report stage words itself, in both languages.
    Report(Text),
}

/// What is wrong with one export file.
#[derive(Debug, Clone, PartialEq)]
pub enum FileProblem {
    /// Nothing but blank records.
    Empty,
    /// Marked UTF-8 but holding other bytes, read as U+FFFD.
    ReplacedBytes,
    /// The workbook's first sheet has no header row; another was read.
    OtherSheet { first: String, read: String },
    /// A header name stands in several columns; the first was read.
    HeaderTwice {
        header: String,
        columns: Vec<usize>,
        field: Field,
    },
}

/// A window with little to judge.
#[derive(Debug, Clone, PartialEq)]
pub enum WindowWarning {
    /// No row read is dated in the window.
    NoRows { window: String },
    /// The default window's rows lie in one month.
    OneMonth { window: String, year: i32, month: u32 },
    /// Reported agreements without a row in the window.
    AgreementsWithoutRows { window: String, ids: Vec<String> },
}

/// The data as a whole.
#[derive(Debug, Clone, PartialEq)]
pub enum DataWarning {
    /// No row read was counted for any agreement.
    NothingCounted { rows: u64 },
    /// The default window was chosen from a date far after the rest.
    FarLatestDate {
        window: String,
        date: NaiveDate,
        file: String,
        line: u32,
        beyond: usize,
        bulk: String,
    },
    /// An unknown agreement id close to a registered one.
    NearMissId { text: String, rows: usize, id: String },
    /// Units with call-offs under imbalanced agreements that the
    /// organisation file lacks (empty text: a row without a unit).
    UnitsWithoutSection { units: Vec<String> },
}

impl Warning {
    /// The warning in `lang`, as the terminal and the reports show it.
    pub fn words(&self, lang: Lang) -> String {
        match self {
            Warning::File { file, problem } => problem.words(file, lang),
            Warning::UnitNames { unit, first, others } => {
                let (unit, first) = (quote(unit), quote(first));
                let others = others.iter().map(|n| quote(n)).collect::<Vec<_>>().join(", ");
                lang.pick(
                    format!("enheten {unit} har flera namn i exporterna: {first} (visas), {others}"),
                    format!("the unit {unit} has several names in the exports: {first} (shown), {others}"),
                )
            }
            Warning::MoreUnitNames => lang
                .pick(
                    "fler enheter har flera namn i exporterna; det första namnet visas",
                    "more units have several names in the exports; the first name is shown",
                )
                .to_string(),
            Warning::Window(w) => w.words(lang),
            Warning::Data(d) => d.words(lang),
            Warning::Report(text) => text.get(lang).to_string(),
        }
    }
}

impl FileProblem {
    fn words(&self, file: &str, lang: Lang) -> String {
        match self {
            FileProblem::Empty => lang.pick(
                format!("{file}: filen är tom (inga rader lästes)"),
                format!("{file}: the file is empty (no rows read)"),
            ),
            FileProblem::ReplacedBytes => lang.pick(
                format!("{file}: filen börjar med en UTF-8-markering men innehåller byte som inte är UTF-8; de lästes som \u{fffd} (kontrollera exportens teckenkodning)"),
                format!("{file}: the file starts with a UTF-8 byte-order mark but holds bytes that are not UTF-8; they were read as \u{fffd} (check the export's encoding)"),
            ),
            FileProblem::OtherSheet { first, read } => lang.pick(
                format!("{file}: det första bladet '{first}' har ingen rubrikrad; bladet '{read}' lästes"),
                format!("{file}: the first sheet '{first}' has no header row; sheet '{read}' was read"),
            ),
            FileProblem::HeaderTwice { header, columns, field } => {
                let cols = columns.iter().map(|c| c.to_string()).collect::<Vec<_>>().join(", ");
                lang.pick(
                    format!(
                        "{file}: rubriken '{header}' står i kolumnerna {cols}; den första lästes som {}",
                        field.label(lang)
                    ),
                    format!(
                        "{file}: the header '{header}' stands in columns {cols}; the first was read as {}",
                        field.key()
                    ),
                )
            }
        }
    }
}

impl WindowWarning {
    fn words(&self, lang: Lang) -> String {
        match self {
            WindowWarning::NoRows { window: w } => lang.pick(
                format!("perioden {w} har inga rader i exporterna: inget avtal kan bedömas, och ingen förändring sedan förra perioden är en åtgärd – välj en period med data (--period)"),
                format!("the window {w} has no rows in the exports: no agreement can be judged, and no change since the previous window is a fix – choose a window with data (--period)"),
            ),
            WindowWarning::OneMonth { window: label, year: y, month: m } => lang.pick(
                format!("standardperioden {label} har data från bara en månad ({y}-{m:02}): andelar och förändringar bygger på lite underlag – ange --period för ett längre fönster (t.ex. förra halvåret)"),
                format!("the default window {label} has data from only one month ({y}-{m:02}): shares and changes rest on little data – give --period for a longer window (e.g. the previous half-year)"),
            ),
            WindowWarning::AgreementsWithoutRows { window: label, ids } => {
                let ids = ids.join(", ");
                lang.pick(
                    format!("avtal utan rader i perioden {label}: {ids} (de bedöms inte)"),
                    format!("agreements without rows in the window {label}: {ids} (not judged)"),
                )
            }
        }
    }
}

impl DataWarning {
    fn words(&self, lang: Lang) -> String {
        match self {
            DataWarning::NothingCounted { rows } => lang.pick(
                format!("ingen av de {rows} lästa raderna räknades för något avtal i registret – fel exportmapp eller fel avtalsregister? Kontrollera att leverantörernas namn, organisationsnummer och avtals-id i exporterna finns i registret."),
                format!("none of the {rows} rows read was counted for any agreement of the register – wrong export folder or wrong register? Check that the exports' supplier names, organisation numbers and agreement ids are in the register."),
            ),
            DataWarning::FarLatestDate { window, date, file, line, beyond, bulk } => lang.pick(
                format!("perioden {window} valdes från det senaste datumet {date} ({file}, rad {line}), men {beyond} rad(er) ligger långt efter alla andra; resten av datan pekar på {bulk} – är datumet ett skrivfel? Ange annars --period {bulk}."),
                format!("the window {window} was chosen from the latest date {date} ({file}, row {line}), but {beyond} row(s) lie far after all others; the rest of the data points to {bulk} – is the date a typo? Otherwise give --period {bulk}."),
            ),
            DataWarning::NearMissId { text, rows, id } => lang.pick(
                format!("avtalet {} ({rows} rader) finns inte i avtalsregistret – menas {id}? Raderna räknas inte förrän id:t rättas.", quote(text)),
                format!("agreement {} ({rows} rows) is not in the register – did you mean {id}? The rows are not counted until the id is corrected.", quote(text)),
            ),
            DataWarning::UnitsWithoutSection { units } => {
                let list = units
                    .iter()
                    .map(|u| match u.is_empty() {
                        true => lang.pick("(tomt ansvar)", "(no unit)").to_string(),
                        false => shown(u, 80),
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let n = units.len();
                lang.pick(
                    format!("{n} ansvar finns inte i organisationsfilen och hamnar i arbetsboken Utan sektion: {list}"),
                    format!("{n} unit(s) are not in the organisation file and go to the workbook Utan sektion: {list}"),
                )
            }
        }
    }
}

/// Every warning worded in `lang`.
pub fn worded(warnings: &[Warning], lang: Lang) -> Vec<String> {
    warnings.iter().map(|w| w.words(lang)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_warning_is_worded_in_either_language() {
        let w = Warning::File {
            file: "a.csv".into(),
            problem: FileProblem::HeaderTwice {
                header: "Belopp".into(),
                columns: vec![3, 7],
                field: Field::Amount,
            },
        };
        assert_eq!(
            w.words(Lang::Sv),
            "a.csv: rubriken 'Belopp' står i kolumnerna 3, 7; den första lästes som belopp"
        );
        assert_eq!(
            w.words(Lang::En),
            "a.csv: the header 'Belopp' stands in columns 3, 7; the first was read as amount"
        );
        let units = Warning::Data(DataWarning::UnitsWithoutSection {
            units: vec![String::new(), "1010".into()],
        });
        assert_eq!(
            units.words(Lang::Sv),
            "2 ansvar finns inte i organisationsfilen och hamnar i arbetsboken Utan sektion: (tomt ansvar), 1010"
        );
        let one = Warning::Window(WindowWarning::OneMonth {
            window: "2026-H2".into(),
            year: 2026,
            month: 7,
        });
        assert!(one.words(Lang::En).contains("only one month (2026-07)"));
    }
}
