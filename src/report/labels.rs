//! Every text the workbooks show, in Swedish (default) and English.

use super::Lang;
use crate::allocate::{Scope, Status};
use crate::classify::Category;
use crate::register::Basis;

/// The texts of one language.
pub struct Labels {
    pub overview: &'static str,
    pub imbalances: &'static str,
    pub usage: &'static str,
    pub quality: &'static str,
    pub title: &'static str,
    pub window: &'static str,
    pub latest_date: &'static str,
    pub files_read: &'static str,
    pub tolerance: &'static str,
    pub tolerance_note: &'static str,
    pub min_call_offs: &'static str,
    pub generated: &'static str,
    pub agreement: &'static str,
    pub name: &'static str,
    pub basis: &'static str,
    pub suppliers: &'static str,
    pub supplier: &'static str,
    pub org_nr: &'static str,
    pub agreed: &'static str,
    pub actual: &'static str,
    pub deviation: &'static str,
    pub largest_deviation: &'static str,
    pub amount: &'static str,
    pub call_offs: &'static str,
    pub catch_up_sek: &'static str,
    pub catch_up_count: &'static str,
    pub status: &'static str,
    pub scope: &'static str,
    pub total: &'static str,
    pub valid: &'static str,
    pub key: &'static str,
    pub month: &'static str,
    pub cumulative: &'static str,
    pub agreed_line: &'static str,
    pub chart_shares: &'static str,
    pub chart_trend: &'static str,
    pub unit: &'static str,
    pub orderer: &'static str,
    pub excess: &'static str,
    pub no_unit: &'static str,
    pub no_orderer: &'static str,
    pub category: &'static str,
    pub rows: &'static str,
    pub file: &'static str,
    pub row: &'static str,
    pub detail: &'static str,
    pub check: &'static str,
    pub adds_up: &'static str,
    pub no_imbalances: &'static str,
    pub page: &'static str,
    pub of: &'static str,
    pub read: &'static str,
    pub in_agreements: &'static str,
    pub outside_agreements: &'static str,
    pub section_title: &'static str,
    pub section_calls: &'static str,
    pub date: &'static str,
    pub id: &'static str,
    pub unit_share: &'static str,
    pub next_call_offs: &'static str,
    pub next_yes: &'static str,
    /// The advice on an agreement whose ceiling is reached (rule 11).
    pub ceiling_stop: &'static str,
    pub unit_excess: &'static str,
    pub agreement_actual: &'static str,
    pub truncated: &'static str,
}

pub const SV: Labels = Labels {
    overview: "Sammanfattning",
    imbalances: "Obalanser",
    usage: "Användning",
    quality: "Datakvalitet",
    title: "Fördelning per ramavtal",
    window: "Period",
    latest_date: "Senaste datum i data",
    files_read: "Lästa filer",
    tolerance: "Tolerans",
    tolerance_note: "procentenheter (avtal kan ha egen)",
    min_call_offs: "Minsta antal avrop",
    generated: "Skapad",
    agreement: "Avtal",
    name: "Benämning",
    basis: "Grund",
    suppliers: "Leverantörer",
    supplier: "Leverantör",
    org_nr: "Org.nr",
    agreed: "Avtalad andel",
    actual: "Faktisk andel",
    deviation: "Avvikelse (pe)",
    largest_deviation: "Största avvikelse (pe)",
    amount: "Belopp",
    call_offs: "Avrop",
    catch_up_sek: "Ikapp (kr)",
    catch_up_count: "Ikapp (avrop)",
    status: "Status",
    scope: "Omfattning",
    total: "Totalt",
    valid: "Giltigt",
    key: "Fördelningsnyckel",
    month: "Månad",
    cumulative: "Ackumulerad andel",
    agreed_line: "avtalad",
    chart_shares: "Avtalad och faktisk andel",
    chart_trend: "Ackumulerad andel per månad",
    unit: "Enhet",
    orderer: "Beställare",
    excess: "Överskott utöver nyckeln (kr)",
    no_unit: "(ingen enhet)",
    no_orderer: "(ingen beställare)",
    category: "Kategori",
    rows: "Rader",
    file: "Fil",
    row: "Rad",
    detail: "Beskrivning",
    check: "Kontroll: lästa − summan av delarna",
    adds_up: "Stämmer",
    no_imbalances: "Inga avtal i obalans.",
    page: "Sida",
    of: "av",
    read: "Lästa rader",
    in_agreements: "Räknade i avtal",
    outside_agreements: "Köp utanför avtalen",
    section_title: "Avrop i ramavtal i obalans",
    section_calls: "Avrop",
    date: "Datum",
    id: "Verifikation",
    unit_share: "Enhetens andel",
    next_call_offs: "Nästa avrop",
    next_yes: "Ja – ligger efter nyckeln",
    ceiling_stop: "Taket är nått: gör inga fler avrop på avtalet",
    unit_excess: "Enhetens överskott utöver nyckeln",
    agreement_actual: "Avtalets andel (alla enheter)",
    truncated: "Listan är avkortad; hela listan finns i data_quality.csv",
};

pub const EN: Labels = Labels {
    overview: "Overview",
    imbalances: "Imbalances",
    usage: "Usage",
    quality: "Data quality",
    title: "Distribution per framework agreement",
    window: "Window",
    latest_date: "Latest date in the data",
    files_read: "Files read",
    tolerance: "Tolerance",
    tolerance_note: "percentage points (agreements may set their own)",
    min_call_offs: "Fewest call-offs",
    generated: "Generated",
    agreement: "Agreement",
    name: "Name",
    basis: "Basis",
    suppliers: "Suppliers",
    supplier: "Supplier",
    org_nr: "Org. no.",
    agreed: "Agreed share",
    actual: "Actual share",
    deviation: "Deviation (pp)",
    largest_deviation: "Largest deviation (pp)",
    amount: "Amount",
    call_offs: "Call-offs",
    catch_up_sek: "Catch-up (SEK)",
    catch_up_count: "Catch-up (call-offs)",
    status: "Status",
    scope: "Scope",
    total: "Total",
    valid: "Valid",
    key: "Distribution key",
    month: "Month",
    cumulative: "Cumulative share",
    agreed_line: "agreed",
    chart_shares: "Agreed and actual share",
    chart_trend: "Cumulative share by month",
    unit: "Unit",
    orderer: "Orderer",
    excess: "Excess beyond the key (SEK)",
    no_unit: "(no unit)",
    no_orderer: "(no orderer)",
    category: "Category",
    rows: "Rows",
    file: "File",
    row: "Row",
    detail: "Detail",
    check: "Check: read − sum of the parts",
    adds_up: "Adds up",
    no_imbalances: "No agreement is out of balance.",
    page: "Page",
    of: "of",
    read: "Rows read",
    in_agreements: "Counted in agreements",
    outside_agreements: "Purchases outside the agreements",
    section_title: "Call-offs in agreements out of balance",
    section_calls: "Call-offs",
    date: "Date",
    id: "Reference",
    unit_share: "Unit's share",
    next_call_offs: "Next call-offs",
    next_yes: "Yes – behind the key",
    ceiling_stop: "The ceiling is reached: make no more call-offs under the agreement",
    unit_excess: "The unit's excess beyond the key",
    agreement_actual: "Agreement's share (all units)",
    truncated: "The list is cut short; the whole list is in data_quality.csv",
};

pub fn labels(lang: Lang) -> &'static Labels {
    match lang {
        Lang::Sv => &SV,
        Lang::En => &EN,
    }
}

pub fn status(lang: Lang, s: Status) -> &'static str {
    match (lang, s) {
        (_, Status::Ok) => "OK",
        (Lang::Sv, Status::Imbalance) => "Obalans",
        (Lang::En, Status::Imbalance) => "Imbalance",
        (Lang::Sv, Status::Insufficient) => "Otillräckligt underlag",
        (Lang::En, Status::Insufficient) => "Insufficient data",
    }
}

pub fn scope(lang: Lang, s: Scope) -> &'static str {
    match (lang, s) {
        (Lang::Sv, Scope::Period) => "Perioden",
        (Lang::Sv, Scope::ToDate) => "Hittills",
        (Lang::En, Scope::Period) => "Window",
        (Lang::En, Scope::ToDate) => "To date",
    }
}

pub fn basis(lang: Lang, b: Basis) -> &'static str {
    match (lang, b) {
        (Lang::Sv, Basis::Amount) => "belopp",
        (Lang::Sv, Basis::Count) => "antal avrop",
        (Lang::En, Basis::Amount) => "amount",
        (Lang::En, Basis::Count) => "call-offs",
    }
}

pub fn category(lang: Lang, c: Category) -> &'static str {
    match (lang, c) {
        (Lang::Sv, Category::Rejected) => "Oläsbar rad",
        (Lang::Sv, Category::TotalRow) => "Summeringsrad",
        (Lang::Sv, Category::Duplicate) => "Dubblett",
        (Lang::Sv, Category::UnknownAgreement) => "Okänt avtal",
        (Lang::Sv, Category::AmbiguousAgreement) => "Tvetydigt avtal",
        (Lang::Sv, Category::SupplierOutsideAgreement) => "Leverantör utanför avtalet",
        (Lang::Sv, Category::OutsideValidity) => "Utanför avtalets giltighet",
        (Lang::En, Category::Rejected) => "Unreadable row",
        (Lang::En, Category::TotalRow) => "Totals row",
        (Lang::En, Category::Duplicate) => "Duplicate",
        (Lang::En, Category::UnknownAgreement) => "Unknown agreement",
        (Lang::En, Category::AmbiguousAgreement) => "Ambiguous agreement",
        (Lang::En, Category::SupplierOutsideAgreement) => "Supplier outside the agreement",
        (Lang::En, Category::OutsideValidity) => "Outside the agreement's validity",
    }
}

/// Rule 11's forecast as people read it: the date when the ceiling is
/// reached before the agreement ends; "after the agreement's end" when the
/// present pace reaches it only later (a date like 2187-09-02 says nothing);
/// empty without a forecast. `ceiling.csv` keeps the date.
pub fn forecast(lang: Lang, forecast: Option<chrono::NaiveDate>, valid_to: chrono::NaiveDate) -> String {
    match forecast {
        None => String::new(),
        Some(d) if d <= valid_to => d.to_string(),
        Some(_) => lang.pick("efter avtalets slut", "after the agreement ends").to_string(),
    }
}

/// The status of a ceiling (rule 11) in words.
pub fn ceiling_status(lang: Lang, s: crate::allocate::ceiling::CeilingStatus) -> &'static str {
    use crate::allocate::ceiling::CeilingStatus as C;
    match (lang, s) {
        (Lang::Sv, C::Reached) => "Taket nått",
        (Lang::Sv, C::Warning) => "Nära taket",
        (Lang::Sv, C::Forecast) => "Nås före avtalets slut",
        (Lang::Sv, C::Ok) => "OK",
        (Lang::En, C::Reached) => "Ceiling reached",
        (Lang::En, C::Warning) => "Near the ceiling",
        (Lang::En, C::Forecast) => "Reached before the end",
        (Lang::En, C::Ok) => "OK",
    }
}

/// Month keys as runs: `2024-03–2024-12, 2025-02`.
pub fn month_runs(months: &[i32]) -> String {
    use crate::allocate::monthly::month_start;
    crate::allocate::ceiling::month_runs(months)
        .into_iter()
        .map(|(a, b)| {
            let f = |k: i32| month_start(k).format("%Y-%m").to_string();
            if a == b {
                f(a)
            } else {
                format!("{}–{}", f(a), f(b))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a missing month does to the ceiling figures, in a sentence (empty
/// when every month is there).
pub fn coverage_note(lang: Lang, missing: &[i32]) -> String {
    if missing.is_empty() {
        return String::new();
    }
    let runs = month_runs(missing);
    match lang {
        Lang::Sv => format!("exporterna saknar {runs}: använt är en undre gräns"),
        Lang::En => format!("the exports lack {runs}: used is a lower bound"),
    }
}

/// How an agreement's status moved since the previous window (rule 12).
pub fn change(lang: Lang, c: crate::allocate::compare::Change) -> &'static str {
    use crate::allocate::compare::Change as C;
    match (lang, c) {
        (Lang::Sv, C::NewImbalance) => "Ny obalans",
        (Lang::Sv, C::Resolved) => "Åtgärdad",
        (Lang::Sv, C::NowInsufficient) => "Underlag saknas nu",
        (Lang::Sv, C::Persists) => "Kvarstår",
        (Lang::Sv, C::Unchanged) => "Ingen obalans",
        (Lang::En, C::NewImbalance) => "New imbalance",
        (Lang::En, C::Resolved) => "Resolved",
        (Lang::En, C::NowInsufficient) => "Too little data now",
        (Lang::En, C::Persists) => "Persists",
        (Lang::En, C::Unchanged) => "No imbalance",
    }
}
