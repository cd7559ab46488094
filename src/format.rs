//! Numbers as people read them, in the user's language: below every stage,
//! so that any stage may word a message with an amount.

use crate::lang::Lang;
use crate::parse::format_grouped;

/// An amount in SEK for people: `1 234 567,89` (sv) or `1,234,567.89` (en).
pub fn sek(units: i128, lang: Lang) -> String {
    match lang {
        Lang::Sv => format_grouped(units, "\u{a0}", ','),
        Lang::En => format_grouped(units, ",", '.'),
    }
}

/// An amount with its unit: `1 234 567,89 kr` or `1,234,567.89 SEK`.
pub fn sek_unit(units: i128, lang: Lang) -> String {
    format!("{} {}", sek(units, lang), lang.pick("kr", "SEK"))
}

/// A whole number grouped by thousands: `26 410` or `26,410`.
pub fn count(n: u64, lang: Lang) -> String {
    let (group, decimal) = lang.pick(("\u{a0}", ','), (",", '.'));
    let s = format_grouped(n as i128 * crate::parse::AMOUNT_SCALE as i128, group, decimal);
    s.rsplit_once(decimal).map_or(s.clone(), |(whole, _)| whole.to_string())
}
